"""Schemas of jobs (work done by the queue's consumers) and of the schedule."""

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas.common import PageArgs
from models import JobStatus
from service.jobs.records import KIND_LABELS, STATUS_LABELS


class JobSchema(ma.Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "weekly_set, backup"})
    kind_label = fields.Function(lambda job: KIND_LABELS.get(job.kind, job.kind))
    subject = fields.String(metadata={"description": "The ISO week of a set, the day of a backup"})
    district_code = fields.String(allow_none=True, metadata={
        "description": "The district a weekly set (or its e-mails) is of"})
    trigger = fields.String(metadata={"description": "request, schedule, cli"})
    status = fields.String(metadata={"description": "queued, running, done, failed"})
    status_label = fields.Function(lambda job: STATUS_LABELS[job.status])
    progress_done = fields.Integer(metadata={"description": "Files written so far"})
    progress_total = fields.Integer(allow_none=True)
    attempts = fields.Integer()
    error = fields.String(allow_none=True)
    result = fields.Dict()
    username = fields.String(allow_none=True,
                             metadata={"description": "Who asked (none: the schedule)"})
    requested_at = fields.AwareDateTime()
    started_at = fields.AwareDateTime(allow_none=True)
    finished_at = fields.AwareDateTime(allow_none=True)
    seconds = fields.Float(allow_none=True)


class ScheduleSchema(ma.Schema):
    kind = fields.String()
    label = fields.String()
    next_run = fields.AwareDateTime(metadata={"description": "Next occurrence, Asia/Shanghai"})
    last_job = fields.Nested(JobSchema, allow_none=True)


class JobListArgs(PageArgs):
    kind = fields.String(validate=validate.OneOf(list(KIND_LABELS)))
    status = fields.String(validate=validate.OneOf(
        [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED]))


class JobListSchema(ma.Schema):
    items = fields.List(fields.Nested(JobSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    queue = fields.String(metadata={"description": "Where tasks wait: sqlite or redis"})
    pending = fields.Integer(allow_none=True,
                             metadata={"description": "Tasks waiting in the queue"})
    schedule = fields.List(fields.Nested(ScheduleSchema), required=True)
