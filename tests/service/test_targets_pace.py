"""Targets called directly: what a count target expects by a date on the contract's linear
pace, the status that follows, and the weeks whose spreadsheets were due. Every number is
worked out by hand from the shipped contract: 2022-03-15 to 2023-03-15, 366 days, 15
trainings, 1052 visits."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from models import User, db
from service.fieldwork import visits
from service.progress import registry, targets
from service.progress.targets import due_weeks

XICHANG = "110102001000"            # 西长安街街道
FUYOUJIE = "110102001004"           # 府右街南社区, in 西长安街
INSIDE_XICHANG = (39.909589, 116.377581)
FAR_AWAY = (39.88, 116.33)
NOW = datetime(2022, 6, 10, tzinfo=UTC)
TRAINING = registry.KINDS["training"]


@pytest.fixture
def admin_id(make_user) -> int:
    return make_user("admin", "boss").id


def actor(user_id: int) -> User:
    return db.session.get(User, user_id)


def item(as_of: date, key: str) -> targets.TargetStatus:
    report = targets.target_report(as_of)
    return next(i for i in report.items if i.key == key)


@pytest.fixture
def three_trainings(app, admin_id):
    """Trainings on 1 April, 1 May and 1 June 2022, and one on 20 May that was deleted."""
    with app.app_context():
        for day in [date(2022, 4, 1), date(2022, 5, 1), date(2022, 6, 1), date(2022, 5, 20)]:
            record = registry.create_record(TRAINING, actor=actor(admin_id), now=NOW, data={
                "date": day, "title": f"培训 {day}", "street_codes": [XICHANG]})
        registry.delete_record(TRAINING, record.id, actor=actor(admin_id), now=NOW)


@pytest.mark.parametrize("as_of,actual,expected,status", [
    # Before the contract: nothing expected, nothing counted.
    (date(2022, 3, 14), 0.0, 0.0, "on_track"),
    # Day 1 of 366: 15 × 1/366 = 0.041, and nothing done yet.
    (date(2022, 3, 15), 0.0, 0.04, "behind"),
    # Day 18: 15 × 18/366 = 0.738; the training of that very day counts.
    (date(2022, 4, 1), 1.0, 0.74, "on_track"),
    # Day 62: 15 × 62/366 = 2.541 > 2 trainings.
    (date(2022, 5, 15), 2.0, 2.54, "behind"),
    # Day 78: 3.197; the deleted training of 20 May does not count.
    (date(2022, 5, 31), 2.0, 3.2, "behind"),
    # Day 79: 3.238 > 3.
    (date(2022, 6, 1), 3.0, 3.24, "behind"),
    # The last day: the whole target is expected.
    (date(2023, 3, 15), 3.0, 15.0, "behind"),
])
def test_a_count_target_expects_its_linear_share_by_each_date(app, three_trainings, as_of,
                                                              actual, expected, status):
    with app.app_context():
        trainings = item(as_of, "trainings")
        assert (trainings.target, trainings.actual, trainings.expected_by_now,
                trainings.status) == (15.0, actual, expected, status)
        assert trainings.progress == round(actual / 15, 4)


def test_a_date_after_the_contract_is_read_as_its_last_day(app, three_trainings):
    with app.app_context():
        report = targets.target_report(date(2023, 6, 1))
        assert report.as_of == date(2023, 3, 15)
        trainings = next(i for i in report.items if i.key == "trainings")
        assert (trainings.actual, trainings.expected_by_now, trainings.progress) == (
            3.0, 15.0, 0.2)


def test_a_target_reached_is_done_whatever_the_pace(app, admin_id, three_trainings):
    with app.app_context():
        targets.update_target("trainings", actor=actor(admin_id), target=3,
                              reason="测试：目标值调低")
        # Day 78: 3 × 78/366 = 0.639, two trainings are ahead of it.
        before = item(date(2022, 5, 31), "trainings")
        assert (before.actual, before.expected_by_now, before.status) == (2.0, 0.64, "on_track")
        reached = item(date(2022, 6, 1), "trainings")
        assert (reached.actual, reached.expected_by_now, reached.status) == (3.0, 0.65, "done")
        assert reached.progress == 1.0


def test_the_per_street_target_names_the_streets_without_a_training(app, three_trainings):
    with app.app_context():
        streets = item(date(2022, 6, 1), "trainings_streets")
        missing = {m["code"] for m in streets.missing}
        assert XICHANG not in missing and len(missing) == 14
        assert (streets.actual, streets.expected_by_now, streets.status) == (1.0, 3.24, "behind")
        before_any = item(date(2022, 3, 31), "trainings_streets")
        assert before_any.actual == 0.0 and len(before_any.missing) == 15


def test_the_visits_target_counts_only_what_the_contract_counts(app, make_user, admin_id):
    """Five visits on 16 May: counted are the one at the place, and the far one once
    approved; not the far one awaiting review, the rejected one or the deleted one."""
    liaison = make_user("liaison", "li", streets=[XICHANG])
    moment = datetime(2022, 5, 16, 2, 30, tzinfo=UTC)

    def log(place=INSIDE_XICHANG) -> int:
        return visits.log_visit(
            actor=actor(liaison.id), client_id=str(uuid.uuid4()), community_code=FUYOUJIE,
            visited_at=moment, latitude=place[0], longitude=place[1], accuracy_m=20.0,
            fix_at=moment - timedelta(minutes=1), purpose="routine",
            now=moment + timedelta(hours=1)).visit.id

    with app.app_context():
        log()
        log(FAR_AWAY)
        approved = log(FAR_AWAY)
        visits.review_visit(approved, actor=actor(admin_id), status="approved", now=NOW)
        rejected = log()
        visits.review_visit(rejected, actor=actor(admin_id), status="rejected",
                            reason="重复记录", now=NOW)
        deleted = log()
        visits.delete_visit(deleted, actor=actor(admin_id), now=NOW)
        # Day 78: 1052 × 78/366 = 224.2.
        figure = item(date(2022, 5, 31), "visits")
        assert (figure.target, figure.actual, figure.expected_by_now, figure.status) == (
            1052.0, 2.0, 224.2, "behind")
        assert item(date(2022, 5, 15), "visits").actual == 0.0


@pytest.mark.parametrize("start,as_of,weeks", [
    # The contract starts on Tuesday 15 March 2022: its first week ends on Sunday 20 March
    # and is due on Monday 21 March.
    (date(2022, 3, 15), date(2022, 3, 14), 0),
    (date(2022, 3, 15), date(2022, 3, 20), 0),
    (date(2022, 3, 15), date(2022, 3, 21), 1),
    (date(2022, 3, 15), date(2022, 3, 27), 1),
    (date(2022, 3, 15), date(2022, 3, 28), 2),
    # Sundays 20 March 2022 … 12 March 2023 are due by Wednesday 15 March 2023: 52 weeks;
    # the week ending 19 March 2023 is due on the 20th.
    (date(2022, 3, 15), date(2023, 3, 15), 52),
    (date(2022, 3, 15), date(2023, 3, 19), 52),
    (date(2022, 3, 15), date(2023, 3, 20), 53),
    # Starting on a Sunday, that day's week is the first; starting on a Monday, the next
    # Sunday's.
    (date(2022, 3, 20), date(2022, 3, 21), 1),
    (date(2022, 3, 21), date(2022, 3, 27), 0),
    (date(2022, 3, 21), date(2022, 3, 28), 1),
])
def test_due_weeks_counts_the_weeks_due_the_day_after_they_end(start, as_of, weeks):
    assert due_weeks(start, as_of) == weeks


def test_the_weekly_reports_rate_is_expected_in_full_from_the_first_day(app):
    with app.app_context():
        before = item(date(2022, 3, 14), "weekly_reports")
        assert (before.actual, before.expected_by_now) == (0.0, 0.0)
        # No week's spreadsheets were made: none of the 11 due by 1 June 2022.
        assert due_weeks(date(2022, 3, 15), date(2022, 6, 1)) == 11
        now = item(date(2022, 6, 1), "weekly_reports")
        assert (now.target, now.actual, now.expected_by_now, now.status) == (
            1.0, 0.0, 1.0, "behind")
