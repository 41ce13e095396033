"""Logging visits called directly: idempotency by client_id, who may log where and for whom,
and the contract's counting rule, for one visit (standing) and in SQL (clause)."""

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEntry, User, Visit, db
from service.district.contracts import current_contract
from service.errors import ConflictError, PermissionDeniedError, RuleViolationError
from service.fieldwork import visits
from service.fieldwork.visits import CountingRule
from service.transaction import writer

XICHANG = "110102001000"            # 西长安街街道
FUYOUJIE = "110102001004"           # 府右街南社区, in 西长安街
IN_SHICHAHAI = "110102012001"       # a community of 什刹海街道
INSIDE_XICHANG = (39.909589, 116.377581)
FAR_AWAY = (39.88, 116.33)
VISITED_AT = datetime(2022, 5, 16, 2, 30, tzinfo=UTC)   # 10:30 in Beijing
NOW = VISITED_AT + timedelta(hours=1)


@pytest.fixture
def liaison(make_user):
    return make_user("liaison", "li", streets=[XICHANG])


def user(test_user) -> User:
    return db.session.get(User, test_user.id)


def content(**overrides) -> dict:
    values = {"community_code": FUYOUJIE, "visited_at": VISITED_AT,
              "latitude": INSIDE_XICHANG[0], "longitude": INSIDE_XICHANG[1],
              "accuracy_m": 25.0, "fix_at": VISITED_AT - timedelta(minutes=1),
              "purpose": "routine", "notes": "走访居委会，讲解实名认证", "people_met": 3,
              "new_registrations": 2}
    values.update(overrides)
    return values


def log(actor, client_id=None, now=NOW, **overrides) -> visits.VisitOutcome:
    return visits.log_visit(actor=actor, client_id=client_id or str(uuid.uuid4()), now=now,
                            **content(**overrides))


def stored_visits() -> int:
    with db.engine.connect() as other:
        return other.scalar(select(func.count()).select_from(Visit))


# Idempotency.

def test_the_same_visit_sent_again_answers_the_stored_one(app, liaison):
    client_id = str(uuid.uuid4())
    with app.app_context():
        first = log(user(liaison), client_id)
        first_id = first.visit.id
        again = log(user(liaison), client_id)
        assert first.created is True and again.created is False
        assert again.visit.id == first_id
        assert again.visit.standing == "counted"
        assert stored_visits() == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity_type == "visit")) == 1  # the retry recorded nothing


def test_the_same_moment_in_another_time_zone_is_the_same_content(app, liaison):
    client_id = str(uuid.uuid4())
    with app.app_context():
        first_id = log(user(liaison), client_id).visit.id
        in_utc_plus_8 = VISITED_AT.astimezone(visits.SHANGHAI)
        again = log(user(liaison), client_id, visited_at=in_utc_plus_8)
        assert again.created is False and again.visit.id == first_id


@pytest.mark.parametrize("change", [{"notes": "另一次走访"}, {"people_met": 4},
                                    {"visited_at": VISITED_AT + timedelta(minutes=1)},
                                    {"latitude": None, "longitude": None}])
def test_a_client_id_sent_with_other_content_is_a_conflict(app, liaison, change):
    client_id = str(uuid.uuid4())
    with app.app_context():
        first_id = log(user(liaison), client_id).visit.id
        with pytest.raises(ConflictError) as refused:
            log(user(liaison), client_id, **change)
        assert list(refused.value.errors) == ["client_id"]
        assert stored_visits() == 1
        stored = visits.get_visit(first_id, actor=user(liaison))
        assert stored.notes == "走访居委会，讲解实名认证" and stored.people_met == 3


@pytest.mark.parametrize("same_content", [True, False])
def test_another_users_client_id_is_refused_revealing_nothing_of_their_visit(
        app, make_user, liaison, same_content):
    other = make_user("liaison", "wang", streets=[XICHANG])
    client_id = str(uuid.uuid4())
    secret = "王阿姨家的门牌号 3 单元 502"
    with app.app_context():
        theirs = log(user(other), client_id, notes=secret).visit
        theirs_id = theirs.id
        with pytest.raises(ConflictError) as refused:
            log(user(liaison), client_id, notes=secret if same_content else "我的走访")
        said = refused.value.message + repr(refused.value.errors)
        assert refused.value.errors == {"client_id": [visits.CLIENT_ID_TAKEN]}
        for revealing in [str(theirs_id), secret, "wang", FUYOUJIE, "府右街", "2022"]:
            assert revealing not in said
        assert stored_visits() == 1
        assert db.session.get(Visit, theirs_id).user_id == other.id


# Who may log where, and for whom.

def test_a_liaison_cannot_log_outside_their_assigned_street(app, liaison):
    with app.app_context():
        with pytest.raises(PermissionDeniedError):
            log(user(liaison), community_code=IN_SHICHAHAI, latitude=None, longitude=None)
        assert stored_visits() == 0


def test_a_liaison_cannot_log_before_their_assignment_starts(app, make_user):
    late = make_user("liaison", "late", streets=[XICHANG], start_date=date(2022, 6, 1))
    with app.app_context():
        with pytest.raises(PermissionDeniedError):
            log(user(late))
        assert stored_visits() == 0
        later = VISITED_AT.replace(month=6, day=2)
        assert log(user(late), visited_at=later, fix_at=later, now=later).created


def test_a_liaison_logs_only_in_their_own_name(app, make_user, liaison):
    make_user("liaison", "wang", streets=[XICHANG])
    with app.app_context():
        with pytest.raises(PermissionDeniedError):
            log(user(liaison), username="wang")
        outcome = log(user(liaison), username="li")
        assert outcome.visit.user_id == liaison.id
        assert stored_visits() == 1


def test_an_admin_logs_a_visit_for_a_liaison(app, make_user, liaison):
    admin = make_user("admin", "boss")
    with app.app_context():
        outcome = log(user(admin), username="li")
        assert outcome.created
        visit_id = outcome.visit.id
        stored = db.session.get(Visit, visit_id)
        assert (stored.user_id, stored.created_by_id) == (liaison.id, admin.id)
        # The liaison's scope still applies to a visit logged in their name.
        with pytest.raises(PermissionDeniedError):
            log(user(admin), username="li", community_code=IN_SHICHAHAI,
                latitude=None, longitude=None)
        # Only for liaisons.
        make_user("admin", "deputy")
        with pytest.raises(RuleViolationError) as refused:
            log(user(admin), username="deputy")
        assert list(refused.value.errors) == ["username"]
        assert stored_visits() == 1


def test_an_official_cannot_log_a_visit(app, make_user):
    official = make_user("official", "gov")
    with app.app_context():
        with pytest.raises(PermissionDeniedError):
            log(user(official))
        assert stored_visits() == 0


def test_a_logged_visit_answers_whether_it_counts(app, liaison):
    with app.app_context():
        assert log(user(liaison)).visit.standing == "counted"
        far = log(user(liaison), latitude=FAR_AWAY[0], longitude=FAR_AWAY[1]).visit
        assert (far.location_check, far.standing) == ("far", "awaiting_review")
        unknown = log(user(liaison), latitude=None, longitude=None, fix_at=None).visit
        assert (unknown.location_check, unknown.standing) == ("unknown", "awaiting_review")


# The counting rule.

CHECKS = ["ok", "far", "stale", "unknown"]
REVIEWS = ["pending", "approved", "rejected"]
# The contract's rule, written out: never deleted or rejected; far, stale or unknown only
# once approved.
CONTRACT_STANDING = {
    ("ok", "pending"): "counted",
    ("ok", "approved"): "counted",
    ("ok", "rejected"): "not_counted",
    ("far", "pending"): "awaiting_review",
    ("far", "approved"): "counted",
    ("far", "rejected"): "not_counted",
    ("stale", "pending"): "awaiting_review",
    ("stale", "approved"): "counted",
    ("stale", "rejected"): "not_counted",
    ("unknown", "pending"): "awaiting_review",
    ("unknown", "approved"): "counted",
    ("unknown", "rejected"): "not_counted",
}
DELETED_AT = datetime(2022, 5, 17, tzinfo=UTC)


@pytest.mark.parametrize("check,review", sorted(CONTRACT_STANDING))
@pytest.mark.parametrize("deleted", [False, True])
def test_the_standing_of_a_visit_under_the_contracts_rule(check, review, deleted):
    visit = Visit(location_check=check, review_status=review,
                  deleted_at=DELETED_AT if deleted else None)
    expected = "not_counted" if deleted else CONTRACT_STANDING[check, review]
    assert CountingRule().standing(visit) == expected


def test_the_shipped_contract_states_the_default_rule(app):
    with app.app_context():
        assert visits.counting_rule() == CountingRule()
        assert CountingRule.of_rules({}) == CountingRule()


def test_a_contract_can_count_far_visits_without_review():
    rule = CountingRule.of_rules({"visits_counting": {"exclude_review": ["rejected"],
                                                      "approval_needed_for": ["unknown"]}})
    assert rule.standing(Visit(location_check="far", review_status="pending")) == "counted"
    assert rule.standing(Visit(location_check="unknown",
                               review_status="pending")) == "awaiting_review"
    assert rule.standing(Visit(location_check="far", review_status="rejected")) == "not_counted"


@writer
def store_every_combination(owner_id: int) -> None:
    """One visit for each location check × review × deleted, twice over two days."""
    for number, (check, review, deleted, day) in enumerate(
            itertools.product(CHECKS, REVIEWS, [False, True], [16, 17])):
        db.session.add(Visit(
            client_id=f"combination-{number}", content_hash="x", user_id=owner_id,
            created_by_id=owner_id, community_code=FUYOUJIE,
            visited_at=VISITED_AT.replace(day=day), purpose="routine", location_check=check,
            review_status=review, deleted_at=DELETED_AT if deleted else None))


@pytest.mark.parametrize("rule", [
    CountingRule(),
    CountingRule(excluded_reviews=("rejected", "pending"), approval_needed_for=("unknown",)),
    CountingRule(excluded_reviews=(), approval_needed_for=()),
    CountingRule(excluded_reviews=("rejected",), approval_needed_for=tuple(CHECKS)),
], ids=["contract", "strict-review-lenient-location", "nothing-excluded", "all-need-review"])
def test_the_sql_clause_selects_exactly_the_visits_that_stand_counted(app, liaison, rule):
    with app.app_context():
        store_every_combination(liaison.id)
        every = list(db.session.scalars(select(Visit)))
        assert len(every) == len(CHECKS) * len(REVIEWS) * 2 * 2
        by_standing = {v.id for v in every if rule.standing(v) == "counted"}
        by_clause = set(db.session.scalars(select(Visit.id).where(rule.clause())))
        assert by_clause == by_standing
        assert 0 < len(by_clause) < len(every)


def test_the_contracts_clause_counts_what_the_hand_written_table_counts(app, liaison):
    with app.app_context():
        store_every_combination(liaison.id)
        counted = db.session.execute(
            select(Visit.location_check, Visit.review_status, Visit.deleted_at)
            .where(CountingRule().clause())).all()
        expected = sorted((check, review) for (check, review), standing
                          in CONTRACT_STANDING.items() if standing == "counted") * 2
        assert sorted((check, review) for check, review, _ in counted) == sorted(expected)
        assert all(deleted is None for _, _, deleted in counted)
        # The same figure through count_counted_visits, for one of the two days.
        assert visits.count_counted_visits(current_contract(), date(2022, 5, 16),
                                           date(2022, 5, 16)) == len(expected) // 2
