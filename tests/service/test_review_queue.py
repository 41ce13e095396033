"""The review queue's rule in SQL and the batch review, called directly: each standing's clause
selects exactly the visits that stand so, and a batch decides all of its visits or none."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEntry, User, Visit, db
from service.errors import RuleViolationError
from service.fieldwork import visits
from service.fieldwork.visits import STANDINGS, CountingRule
from tests.service.test_visit_use_cases import (
    CHECKS,
    FAR_AWAY,
    NOW,
    log,
    store_every_combination,
)

RULES = [
    CountingRule(),
    CountingRule(excluded_reviews=("rejected", "pending"), approval_needed_for=("unknown",)),
    CountingRule(excluded_reviews=(), approval_needed_for=()),
    CountingRule(excluded_reviews=("rejected",), approval_needed_for=tuple(CHECKS)),
]


@pytest.fixture
def liaison(make_user):
    return make_user("liaison", "li", streets=["110102001000"])


@pytest.mark.parametrize("standing", list(STANDINGS))
@pytest.mark.parametrize("rule", RULES, ids=["contract", "strict-review-lenient-location",
                                             "nothing-excluded", "all-need-review"])
def test_each_standings_clause_selects_exactly_the_visits_that_stand_so(app, liaison, rule,
                                                                        standing):
    with app.app_context():
        store_every_combination(liaison.id)
        every = list(db.session.scalars(select(Visit)))
        by_standing = {v.id for v in every if rule.standing(v) == standing}
        by_clause = set(db.session.scalars(select(Visit.id)
                                           .where(rule.standing_clause(standing))))
        assert by_clause == by_standing


def test_a_batch_decides_all_its_visits_at_one_moment_or_none(app, liaison, make_user):
    admin_user = make_user("admin", "boss")
    with app.app_context():
        owner, admin = (db.session.get(User, u.id) for u in (liaison, admin_user))
        far = [log(owner, latitude=FAR_AWAY[0], longitude=FAR_AWAY[1]).visit.id
               for _ in range(3)]
        entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
        with pytest.raises(RuleViolationError) as refused:
            visits.review_visits([far[0], far[1], 12345], actor=admin, status="approved",
                                 now=NOW)
        assert refused.value.errors == {"visit_ids": {"2": ["走访记录不存在：12345"]}}
        assert {v.review_status for v in db.session.scalars(select(Visit))} == {"pending"}
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries

        moment = NOW + timedelta(minutes=5)
        decided = visits.review_visits(far, actor=admin, status="rejected",
                                       reason="  不在社区  ", now=moment)
        assert [v.id for v in decided] == far
        stored = list(db.session.scalars(select(Visit).order_by(Visit.id)))
        assert {(v.review_status, v.review_reason, v.reviewed_by_id) for v in stored} == {
            ("rejected", "不在社区", admin.id)}
        assert {v.reviewed_at for v in stored} == {moment}
        assert {v.standing for v in decided} == {"not_counted"}
