"""The schedule in Asia/Shanghai time: which occurrence is due, which comes next, and that
each occurrence makes one job however often and by however many consumers it is looked at."""

from datetime import UTC, datetime, time, timedelta

from models import Job
from service.clock import SHANGHAI
from service.jobs import schedule
from service.reports import runs

MONDAY = datetime(2022, 8, 1, tzinfo=SHANGHAI).date()  # Monday of 2022-W31


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def test_the_weekly_occurrence_is_monday_six_in_shanghai():
    assert schedule.WEEKLY_SET.latest(at(MONDAY, 6, 0)) == at(MONDAY, 6)
    assert schedule.WEEKLY_SET.latest(at(MONDAY, 5, 59)) == at(datetime(2022, 7, 25).date(), 6)
    assert schedule.WEEKLY_SET.latest(at(datetime(2022, 8, 7).date(), 23)) == at(MONDAY, 6)
    assert schedule.WEEKLY_SET.next(at(MONDAY, 6, 0)) == at(datetime(2022, 8, 8).date(), 6)
    # 22:00 UTC on Sunday is 06:00 on Monday in Shanghai.
    assert schedule.WEEKLY_SET.latest(datetime(2022, 7, 31, 22, 0, tzinfo=UTC)) == at(MONDAY, 6)
    assert schedule.WEEKLY_SET.latest(datetime(2022, 7, 31, 21, 59, tzinfo=UTC)) == at(
        datetime(2022, 7, 25).date(), 6)


def test_the_daily_backup_is_at_two_in_shanghai():
    assert schedule.DAILY_BACKUP.latest(at(MONDAY, 1, 59)) == at(datetime(2022, 7, 31).date(), 2)
    assert schedule.DAILY_BACKUP.latest(at(MONDAY, 2, 0)) == at(MONDAY, 2)
    assert schedule.DAILY_BACKUP.next(at(MONDAY, 2, 0)) == at(datetime(2022, 8, 2).date(), 2)
    assert schedule.DAILY_BACKUP.subject(at(MONDAY, 2)) == "2022-08-01"
    assert schedule.WEEKLY_SET.subject(at(MONDAY, 6)) == "2022-W30"


def jobs(app):
    with app.app_context():
        return sorted((j.kind, j.subject, j.trigger) for j in Job.query.all())


def test_each_occurrence_makes_one_job_however_often_it_is_looked_at(app):
    with app.app_context():
        for _ in range(3):  # two consumers' schedulers, a minute later
            schedule.queue_due_work(at(MONDAY, 6, 1))
    assert jobs(app) == [("backup", "2022-08-01", "schedule"),
                         ("weekly_set", "2022-W30", "schedule")]
    with app.app_context():
        schedule.queue_due_work(at(datetime(2022, 8, 2).date(), 2, 0))
    assert ("backup", "2022-08-02", "schedule") in jobs(app)
    assert len(jobs(app)) == 3


def test_no_set_is_scheduled_for_a_week_outside_every_contract(app):
    with app.app_context():
        schedule.queue_due_work(at(datetime(2021, 8, 2).date(), 7))  # 2021-W30: no contract
    assert [j[0] for j in jobs(app)] == ["backup"]


def test_a_set_asked_for_after_the_occurrence_stands_for_it(app):
    with app.app_context():
        runs.request_set("2022-W30", actor=None)  # an admin asked before the consumer looked
        schedule.queue_due_work(at(MONDAY, 7))
    assert [j for j in jobs(app) if j[0] == "weekly_set"] == [
        ("weekly_set", "2022-W30", "request")]


def test_a_running_job_left_untouched_for_half_an_hour_is_failed_with_the_reason(app):
    from service.jobs import records

    with app.app_context():
        job = records.create_job("backup", "2022-08-01", trigger="schedule")
        records.start_attempt(job.id)
        touched = records.get_job(job.id).heartbeat_at
        assert records.sweep_abandoned(touched + timedelta(minutes=29)) == 0
        assert records.sweep_abandoned(touched + timedelta(minutes=31)) == 1
        swept = records.get_job(job.id)
        assert swept.status == "failed" and "30 分钟" in swept.error
        # An ended job is not started again by a task delivered late.
        assert records.start_attempt(job.id) is None
