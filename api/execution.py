"""执行（成果）报告: asked for by an admin, made as a job, downloaded when done."""

from flask import send_file, url_for

from api.auth import admin_only, current_user, require_role
from api.blueprint import Blueprint
from api.schemas.execution import ExecutionRequestSchema
from api.schemas.jobs import JobSchema
from models import Role
from service.reports import execution

blp = Blueprint("execution_reports", __name__, url_prefix="/api/v1/reports/execution",
                description="执行（成果）报告 of the contract: the Word document (and PDF), the "
                            "evidence workbook behind every figure, and the manifest of the "
                            "files with their SHA-256")


@blp.route("", methods=["POST"])
@admin_only
@blp.arguments(ExecutionRequestSchema)
@blp.response(202, JobSchema)
def request_report(data):
    """Queue the report at the contract's end, or as of `as_of`; the answer is the job, to
    follow at its `Location`."""
    job = execution.request_execution_report(data.get("as_of"), actor=current_user())
    return job, 202, {"Location": url_for("jobs.get_job", job_id=job.id)}


@blp.route("/<id:job_id>.<regex('docx|xlsx|pdf|json'):fmt>")
@require_role(Role.ADMIN, Role.OFFICIAL)
@blp.response(200, {"format": "binary", "type": "string"})
def download(job_id, fmt):
    """A finished report's document (`docx`, `pdf`), evidence workbook (`xlsx`) or manifest
    (`json`)."""
    path, name, mimetype = execution.execution_file(job_id, fmt)
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                     conditional=True, max_age=0)
