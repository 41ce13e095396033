"""The backup as a job: taken while the service runs, then verified by restoring it into a
scratch database; both are recorded on the job, and a backup that does not verify fails it."""

from pathlib import Path

from flask import current_app

from models import Job, User, db
from service.errors import ServiceError
from service.jobs import records
from service.jobs.queue import step, the_queue
from service.operations.backups import take_backup, verify_backup

KIND = "backup"


def request_backup(subject: str, *, actor: User | None, trigger: str,
                   dedupe_key: str | None = None) -> Job | None:
    job = records.create_job(KIND, subject, trigger=trigger, actor=actor, dedupe_key=dedupe_key)
    if job is not None:
        the_queue().enqueue("backup.run", job.id)
    return job


@step("backup.run", retries=2, retry_delay=60)
def run_backup(job_id: int) -> None:
    if records.start_attempt(job_id) is None:
        return
    url = db.engine.url.render_as_string(hide_password=False)
    folder = Path(current_app.config["BACKUPS_DIR"])
    manifest = take_backup(url, folder)
    records.advance(job_id, 1)
    verification = verify_backup(folder / manifest.file, scratch_server_url=url)
    if not verification.ok:
        counts = "一致" if verification.restored == manifest.tables else "不一致"
        raise ServiceError(f"备份校验失败：完整性 {verification.integrity}，"
                           f"恢复后的行数与清单{counts}")
    records.finish(job_id, {
        "file": str(folder / manifest.file), "sha256": manifest.sha256,
        "database": manifest.database, "revision": manifest.revision,
        "rows": sum(manifest.tables.values()), "tables": len(manifest.tables),
        "verified": True, "integrity": verification.integrity})
