from api.auth import admin_only
from api.blueprint import Blueprint
from api.schemas.jobs import JobListArgs, JobListSchema, JobSchema
from service.jobs import overview, records

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs",
                description="Work done away from the web workers, and the schedule")


@blp.route("")
@admin_only
@blp.arguments(JobListArgs, location="query")
@blp.response(200, JobListSchema)
def list_jobs(args):
    """Recent jobs of every kind with their status, and what the schedule will do next."""
    return overview.jobs_overview(**args)


@blp.route("/<id:job_id>")
@admin_only
@blp.response(200, JobSchema)
def get_job(job_id):
    """One job: status, progress, attempts, the reason it failed."""
    return records.get_job(job_id)
