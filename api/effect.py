"""推广效果数据分析报告: asked for by an admin, made as a job, downloaded when done."""

from flask import send_file, url_for

from api.auth import admin_only, current_user, require_role
from api.blueprint import Blueprint
from api.schemas.effect import EffectRequestSchema
from api.schemas.jobs import JobSchema
from models import Role
from service.reports import effect

blp = Blueprint("effect_reports", __name__, url_prefix="/api/v1/reports/effect",
                description="推广效果数据分析报告 for a month or a date range: a Word "
                            "document, its figures as a workbook, and a PDF where LibreOffice "
                            "is installed")


@blp.route("", methods=["POST"])
@admin_only
@blp.arguments(EffectRequestSchema)
@blp.response(202, JobSchema)
def request_report(data):
    """Queue the report of a month (`month`) or a date range (`from`, `to`); the answer is
    the job, to follow at its `Location`."""
    period = effect.period_of(month=data.get("month"), start=data.get("start"),
                              end=data.get("end"))
    job = effect.request_effect_report(period, actor=current_user())
    return job, 202, {"Location": url_for("jobs.get_job", job_id=job.id)}


@blp.route("/<id:job_id>.<regex('docx|xlsx|pdf'):fmt>")
@require_role(Role.ADMIN, Role.OFFICIAL)
@blp.response(200, {"format": "binary", "type": "string"})
def download(job_id, fmt):
    """A finished report's document, workbook or PDF."""
    path, name, mimetype = effect.effect_file(job_id, fmt)
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                     conditional=True, max_age=0)
