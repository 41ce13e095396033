"""Delivery of the weekly workbooks to the communities: when a week's set is made, each
community's workbook is made available to its accounts; the first opening is recorded. The
ledger of a week is the proof that the workbook was provided to each community (the
execution report's evidence reads it through `week_ledger`)."""

from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import selectinload

from exports.delivery_ledger import STATUS_LABELS, LedgerRow, render_delivery_ledger
from models import Community, Delivery, Job, JobStatus, Problem, Role, Street, User, db
from service.clock import SHANGHAI, local_today, now_utc
from service.district.contracts import current_contract
from service.district.scope import community_codes_of, district_of, one_district
from service.errors import NotFoundError, PermissionDeniedError
from service.fieldwork.problems import STATUSES as PROBLEM_STATUSES
from service.fieldwork.visits import coverage_rows
from service.progress.user_counts import community_figures
from service.reports.calendar import parse_week, week_label
from service.reports.downloads import XLSX
from service.reports.runs import KIND, stored_file, stored_set
from service.transaction import reader, writer


def _communities_with_accounts(district_code: str) -> set[str]:
    return set(db.session.scalars(select(User.community_code).distinct().where(
        User.role == Role.COMMUNITY, User.active.is_(True),
        User.community_code.in_(community_codes_of(district_code)))))


@writer
def deliver_set(job: Job) -> list[int]:
    """Make a finished set's community workbooks available to every community of its district
    that has an active account (a community already served this week keeps its first
    delivery). Returns the ids of the deliveries made now."""
    week = parse_week(job.subject)
    codes = community_codes_of(job.district_code)
    served = set(db.session.scalars(select(Delivery.community_code).where(
        Delivery.week == week.label, Delivery.community_code.in_(codes))))
    at = job.finished_at or now_utc()
    new = [Delivery(job_id=job.id, week=week.label, period_end=week.end, community_code=code,
                    made_available_at=at)
           for code in sorted(_communities_with_accounts(job.district_code) - served)]
    db.session.add_all(new)
    db.session.flush()
    return [delivery.id for delivery in new]


def deliver_kept_sets(community_code: str, *, at=None) -> int:
    """A community's first account: the weeks whose sets of its district are kept (and were
    not delivered to it) are made available now, so its page is not empty until next Monday.
    Joins the caller's transaction (the account's creation)."""
    delivered = set(db.session.scalars(select(Delivery.week).where(
        Delivery.community_code == community_code)))
    latest: dict[str, Job] = {}
    district = district_of(community_code=community_code)
    for job in db.session.scalars(select(Job).where(Job.kind == KIND,
                                                    Job.status == JobStatus.DONE,
                                                    Job.district_code == district)
                                  .order_by(Job.finished_at, Job.id)):
        if job.result.get("directory") and Path(job.result["directory"]).is_dir():
            latest[job.subject] = job
    at = at or now_utc()
    new = [Delivery(job_id=job.id, week=week, period_end=parse_week(week).end,
                    community_code=community_code, made_available_at=at)
           for week, job in sorted(latest.items()) if week not in delivered]
    db.session.add_all(new)
    return len(new)


# -- the community's own page ----------------------------------------------------------------

def _own_community(actor: User) -> str:
    if actor.role != Role.COMMUNITY or not actor.community_code:
        raise PermissionDeniedError("只有社区账号可以查看本社区页面")
    return actor.community_code


@reader
def community_overview(*, actor: User, as_of: date | None = None) -> dict:
    """A community account's figures: its users and their change over the week, its rank in
    its street, the last visit, and its open problems."""
    code = _own_community(actor)
    contract = current_contract()
    as_of = as_of or min(local_today(), contract.end_date)
    figures = community_figures(as_of)
    own = figures[code]
    street_mates = [f for f in figures.values() if f.street_code == own.street_code]
    ordered = sorted(street_mates, key=lambda f: (-f.now.verified, f.code))
    rank = next(i for i, f in enumerate(ordered, start=1) if f.code == code)
    coverage = coverage_rows(as_of, community_codes=[code])[0]
    problems = db.session.scalars(select(Problem).where(
        Problem.community_code == code, Problem.deleted_at.is_(None),
        Problem.status != "resolved").order_by(Problem.created_at)).all()
    street = db.session.get(Street, own.street_code)
    return {
        "as_of": as_of, "community_code": code, "community_name": own.name,
        "street_code": own.street_code, "street_name": street.name,
        "registered": own.now.registered, "verified": own.now.verified,
        "registered_change": own.now.registered - own.week_ago.registered,
        "verified_change": own.now.verified - own.week_ago.verified,
        "rank_in_street": rank, "communities_in_street": len(street_mates),
        "last_visit_at": coverage.last_visit_at, "days_since_last_visit":
            coverage.days_since_last, "visits": coverage.visits,
        "open_problems": [{"id": p.id, "title": p.title, "category": p.category,
                           "status": p.status, "status_label": PROBLEM_STATUSES[p.status],
                           "created_at": p.created_at} for p in problems],
    }


def _weeks_with_files(weeks: list[str], district_code: str | None) -> set[str]:
    """Which of these weeks have a finished set of the district whose files are kept (one
    query)."""
    done = db.session.scalars(select(Job).where(Job.kind == KIND, Job.status == JobStatus.DONE,
                                                Job.district_code == district_code,
                                                Job.subject.in_(weeks)))
    return {job.subject for job in done
            if job.result.get("directory") and Path(job.result["directory"]).is_dir()}


@reader
def community_workbooks(*, actor: User) -> list[dict]:
    """The weekly workbooks delivered to the account's community, newest first; whether the
    file can still be downloaded (the demo year's history keeps no files)."""
    code = _own_community(actor)
    deliveries = db.session.scalars(select(Delivery).where(Delivery.community_code == code)
                                    .options(selectinload(Delivery.first_opened_by))
                                    .order_by(Delivery.week.desc())).all()
    kept = _weeks_with_files([d.week for d in deliveries], district_of(community_code=code))
    return [{"week": d.week, "start": parse_week(d.week).start, "end": d.period_end,
             "made_available_at": d.made_available_at, "first_opened_at": d.first_opened_at,
             "first_opened_by": d.first_opened_by.display_name if d.first_opened_by else None,
             "downloadable": d.week in kept,
             "url": f"/api/v1/reports/weekly/{d.week}/communities/{code}.xlsx"}
            for d in deliveries]


@writer
def open_delivered_workbook(label: str, code: str, *, actor: User) -> tuple[Path, str, str]:
    """A community account downloads its own community's workbook of a week delivered to it;
    the first opening is recorded (who and when)."""
    if code != _own_community(actor):
        raise PermissionDeniedError("只能下载本社区的周报")
    week = parse_week(label)
    delivery = db.session.scalar(select(Delivery).where(Delivery.week == week.label,
                                                        Delivery.community_code == code))
    if delivery is None:
        raise NotFoundError(f"{week.label} 的周报尚未送达本社区")
    path = stored_file(stored_set(week.label, district_of(community_code=code)), "community",
                       code)
    # Only the first opening is kept, whoever of the community's accounts comes first.
    db.session.execute(update(Delivery).where(Delivery.id == delivery.id,
                                              Delivery.first_opened_at.is_(None))
                       .values(first_opened_at=now_utc(), first_opened_by_id=actor.id))
    return path, f"{week.label}_{path.name}", XLSX


def download(label: str, kind: str, code: str | None, *, actor: User,
             district: str | None = None) -> tuple[Path, str, str]:
    """The file a download sends: a community account's own delivered workbook (its opening
    recorded), or for everyone else what the archive serves them (the zip and the district's
    workbook of `district`; a street's or community's of the district it lies in)."""
    from service.reports.downloads import stored_download
    if actor.role == Role.COMMUNITY:
        if kind != "community" or code is None:
            raise PermissionDeniedError("社区账号只能下载本社区的周报")
        return open_delivered_workbook(label, code, actor=actor)
    return stored_download(label, kind, code, actor=actor, district=district)


# -- the ledger ------------------------------------------------------------------------------

@reader
def week_ledger(label: str, *, actor: User | None = None, district: str | None = None) -> dict:
    """Per community of a district, whether the week's workbook was delivered (when made
    available), when it was first opened and by whom; communities without an account are
    undeliverable."""
    week = parse_week(label)
    held = one_district(actor, district)
    codes = community_codes_of(held.code)
    made = bool(db.session.scalar(select(func.count()).select_from(Job).where(
        Job.kind == KIND, Job.subject == week.label, Job.status == JobStatus.DONE,
        Job.district_code == held.code)))
    accounts = dict(db.session.execute(
        select(User.community_code, func.count()).where(
            User.role == Role.COMMUNITY, User.active.is_(True), User.community_code.in_(codes))
        .group_by(User.community_code)).all())
    deliveries = {d.community_code: d for d in db.session.scalars(
        select(Delivery).where(Delivery.week == week.label, Delivery.community_code.in_(codes)))}
    openers = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(
        [d.first_opened_by_id for d in deliveries.values() if d.first_opened_by_id])))}
    rows = []
    query = (select(Community.code, Community.name, Street.code, Street.name)
             .join(Street, Street.code == Community.street_code)
             .where(Street.district_code == held.code).order_by(Community.code))
    for code, name, street_code, street_name in db.session.execute(query):
        delivery = deliveries.get(code)
        opener = openers.get(delivery.first_opened_by_id) if delivery else None
        if delivery is not None:
            status = "opened" if delivery.first_opened_at else "delivered"
        else:
            status = "undeliverable" if made else "not_made"
        rows.append(LedgerRow(code, name, street_code, street_name, accounts.get(code, 0),
                              status, delivery.made_available_at if delivery else None,
                              delivery.first_opened_at if delivery else None,
                              opener.username if opener else None,
                              opener.display_name if opener else None))
    counts = {status: sum(r.status == status for r in rows) for status in STATUS_LABELS}
    return {"week": week.label, "district_code": held.code, "district_name": held.name,
            "start": week.start, "end": week.end, "set_made": made,
            "communities": len(rows), "delivered": counts["opened"] + counts["delivered"],
            "opened": counts["opened"], "undeliverable": counts["undeliverable"],
            "items": rows}


@reader
def week_ledger_workbook(label: str, *, actor: User | None = None,
                         district: str | None = None) -> tuple[bytes, str]:
    """A district's ledger of the week as an xlsx workbook, and its download name."""
    ledger = week_ledger(label, actor=actor, district=district)
    period = f"{ledger['start']:%Y-%m-%d} 至 {ledger['end']:%Y-%m-%d}"
    return (render_delivery_ledger(ledger["week"], period, ledger["items"], ledger),
            f"{ledger['week']}_周报送达记录.xlsx")


@reader
def delivery_evidence(as_of: date | None = None) -> dict:
    """The contract's delivery record week by week, for the execution report: every week due
    by `as_of` with its communities delivered, opened and undeliverable, and the totals the
    weekly_reports target counts (community-weeks delivered by the end of `as_of` ÷
    communities × weeks due)."""
    from service.progress.targets import due_weeks
    contract = current_contract()
    as_of = as_of or min(local_today(), contract.end_date)
    communities = db.session.scalar(select(func.count()).select_from(Community)) or 0
    made = set(db.session.scalars(select(Job.subject).distinct().where(
        Job.kind == KIND, Job.status == JobStatus.DONE)))
    counted_by = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    counts = {week: (delivered, opened, in_time) for week, delivered, opened, in_time in
              db.session.execute(
                  select(Delivery.week, func.count(), func.count(Delivery.first_opened_at),
                         func.count(case((Delivery.made_available_at < counted_by, 1))))
                  .group_by(Delivery.week))}
    weeks = []
    monday = contract.start_date - timedelta(days=contract.start_date.weekday())
    for _ in range(due_weeks(contract.start_date, as_of)):
        label = week_label(monday)
        delivered, opened, in_time = counts.get(label, (0, 0, 0))
        weeks.append({"week": label, "start": monday, "end": monday + timedelta(days=6),
                      "set_made": label in made, "delivered": delivered, "opened": opened,
                      "delivered_by_as_of": in_time,
                      "undeliverable": communities - delivered if label in made else 0,
                      "not_delivered": communities - delivered})
        monday += timedelta(days=7)
    due = communities * len(weeks)
    delivered = sum(w["delivered_by_as_of"] for w in weeks)
    return {"as_of": as_of, "communities": communities, "weeks_due": len(weeks),
            "community_weeks_due": due, "community_weeks_delivered": delivered,
            "community_weeks_opened": sum(w["opened"] for w in weeks),
            "share_delivered": round(delivered / due, 4) if due else 0.0, "weeks": weeks}
