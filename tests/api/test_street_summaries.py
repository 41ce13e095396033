"""The street summaries the imports keep (#19 point 2): after every kind of write — new dates,
a date inserted before others, a correction, a whole-date file import that drops communities —
the summary rows equal a recount from the raw counts, and the district's and a street's series
equal the sum of latest counts computed here from those raw rows."""

import importlib.util
import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import text

from models import db
from tests.api.test_user_counts import post_counts, upload, xlsx

FUYOUJIE, XIJIAO, LIUBUKOU = "110102001004", "110102001007", "110102001012"
XINJIEKOU_COMMUNITY = "110102003015"  # another street's community
START = date(2022, 5, 1)


def raw_counts(app) -> list[tuple[str, str, date, int, int]]:
    with app.app_context():
        rows = db.session.execute(text(
            "select c.street_code, u.community_code, u.date, u.registered, u.verified "
            "from user_counts u join communities c on c.code = u.community_code")).all()
    return [(s, c, d if isinstance(d, date) else date.fromisoformat(d), r, v)
            for s, c, d, r, v in rows]


def summaries(app) -> dict[tuple[str, date], tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(text(
            "select street_code, date, registered, verified from street_count_changes")).all()
    return {(s, d if isinstance(d, date) else date.fromisoformat(d)): (r, v)
            for s, d, r, v in rows}


def recount(rows) -> dict[tuple[str, date], tuple[int, int]]:
    """Each count minus the community's previous one, added up per street and date; a street
    whose changes cancel out on a date keeps a row of zeros or none (both mean no change)."""
    by_community = defaultdict(list)
    for street, community, day, registered, verified in rows:
        by_community[community].append((day, registered, verified, street))
    totals = defaultdict(lambda: [0, 0])
    for counts in by_community.values():
        previous = (0, 0)
        for day, registered, verified, street in sorted(counts):
            totals[(street, day)][0] += registered - previous[0]
            totals[(street, day)][1] += verified - previous[1]
            previous = (registered, verified)
    return {key: tuple(value) for key, value in totals.items()}


def level_on(rows, day: date, street: str | None = None) -> tuple[int, int]:
    """The sum of each community's latest count on or before `day`."""
    latest = {}
    for row_street, community, row_day, registered, verified in rows:
        if row_day <= day and (street is None or row_street == street):
            if community not in latest or latest[community][0] < row_day:
                latest[community] = (row_day, registered, verified)
    return (sum(v[1] for v in latest.values()), sum(v[2] for v in latest.values()))


def check(app, client, headers, until: date) -> None:
    rows = raw_counts(app)
    expected = recount(rows)
    held = summaries(app)
    assert {k: v for k, v in held.items() if v != (0, 0)} == {
        k: v for k, v in expected.items() if v != (0, 0)}
    for street in (None, "110102001000"):
        query = f"from={START}&to={until}" + (f"&street_code={street}" if street else "")
        points = client.get(f"/api/v1/dashboard/users/series?{query}",
                            headers=headers).get_json()["items"]
        assert len(points) == (until - START).days + 1
        for point in points:
            day = date.fromisoformat(point["date"])
            assert (point["registered"], point["verified"]) == level_on(rows, day, street), day


def test_summaries_equal_the_raw_counts_after_every_kind_of_write(app, client, admin_headers):
    day = lambda n: (START + timedelta(days=n)).isoformat()  # noqa: E731
    assert post_counts(client, admin_headers, day(0), [
        (FUYOUJIE, 100, 50), (XIJIAO, 200, 80), (LIUBUKOU, 300, 100)]).status_code == 201
    assert post_counts(client, admin_headers, day(5), [
        (FUYOUJIE, 120, 60), (XIJIAO, 230, 90)]).status_code == 201
    check(app, client, admin_headers, START + timedelta(days=10))
    # A date between two held ones: the later date's change is now measured from it.
    assert post_counts(client, admin_headers, day(2), [(FUYOUJIE, 110, 55)]).status_code == 201
    check(app, client, admin_headers, START + timedelta(days=10))
    # A correction of a held date, lower than before.
    assert post_counts(client, admin_headers, day(2), [(FUYOUJIE, 104, 51)]).status_code == 201
    check(app, client, admin_headers, START + timedelta(days=10))
    # A whole file for day 5 without 西交民巷: its count of that day is gone, so its day-0
    # count carries forward again.
    made = upload(client, admin_headers, xlsx([
        ["街道", "社区", "注册用户数", "实名认证用户数"],
        ["西长安街街道", "府右街南社区居委会", 125, 61]]), date=day(5))
    assert made.status_code == 201, made.get_json()
    check(app, client, admin_headers, START + timedelta(days=10))


def test_summaries_hold_for_a_random_history_with_back_dated_corrections(
        app, client, admin_headers):
    rng = random.Random(19)
    with app.app_context():
        codes = [c for (c,) in db.session.execute(text(
            "select code from communities order by code limit 40"))]
    levels = {code: rng.randint(100, 500) for code in codes}
    for _ in range(25):
        offset = rng.randint(0, 30)
        chosen = rng.sample(codes, rng.randint(1, 12))
        items = []
        for code in chosen:
            levels[code] += rng.randint(-5, 20)
            registered = max(levels[code], 0)
            items.append((code, registered + rng.randint(0, 50), registered))
        answer = post_counts(client, admin_headers, (START + timedelta(days=offset)).isoformat(),
                             items)
        assert answer.status_code == 201, answer.get_json()
    check(app, client, admin_headers, START + timedelta(days=35))


def test_a_street_series_of_an_unknown_street_is_refused(client, admin_headers):
    answer = client.get("/api/v1/dashboard/users/series?street_code=110102999000",
                        headers=admin_headers)
    assert answer.status_code == 404
    assert "street_code" in str(answer.get_json())


def test_the_migration_fills_the_summaries_from_counts_already_held(app, client, admin_headers):
    """What `0015_street_count_changes` does on a database with counts: the rebuild from all
    the raw counts gives the same rows the imports keep."""
    from service.progress.user_counts import rebuild_street_changes
    assert post_counts(client, admin_headers, "2022-05-01", [
        (FUYOUJIE, 100, 50), (XINJIEKOU_COMMUNITY, 90, 40)]).status_code == 201
    assert post_counts(client, admin_headers, "2022-05-03", [
        (FUYOUJIE, 90, 45)]).status_code == 201
    kept = summaries(app)
    assert len(kept) == 3  # two streets on the 1st, one on the 3rd (a drop: -10, -5)
    with app.app_context():
        rebuild_street_changes()
        db.session.commit()
    assert summaries(app) == kept
    spec = importlib.util.spec_from_file_location(
        "backfill", Path("migrations/versions/0015_street_count_changes.py"))
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with app.app_context():
        db.session.execute(text("delete from street_count_changes"))
        db.session.execute(text(migration.BACKFILL))
        db.session.commit()
    assert summaries(app) == kept
