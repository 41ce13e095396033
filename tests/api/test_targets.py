"""Contract targets: every figure of a seeded-random year against counts written here, at
several dates; the per-street rule; target changes; loading another contract."""

import json
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import (
    Case,
    Community,
    Content,
    ContentVersion,
    Contract,
    DemoCommunity,
    Event,
    InteractionDay,
    Publication,
    ServiceGroup,
    Street,
    Theme,
    Training,
    User,
    UserCount,
    Visit,
    db,
)
from service.progress.user_counts import rebuild_street_changes

START, END = date(2022, 3, 15), date(2023, 3, 15)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def some_day(rng, margin=20):
    """Mostly inside the contract period, sometimes just outside it."""
    return START + timedelta(days=rng.randint(-margin, (END - START).days + margin))


def add_article(contract, user, day) -> None:
    """An article as /articles stores it: content, a version and a publication on the
    contract's WeChat channel."""
    content = Content(contract_id=contract.id, title="a", kind="article", channels=["wechat"],
                      author_id=user.id, status="published")
    version = ContentVersion(content=content, number=1, sha256="a" * 64, title="a", body="",
                             author_id=user.id, findings=[])
    db.session.add(Publication(
        contract_id=contract.id, content=content, version=version, channel="wechat",
        published_at=datetime.combine(day, time(12), tzinfo=SHANGHAI), published_on=day,
        url="", recorded_by_id=user.id))


@pytest.fixture
def year(app, make_user):
    """A seeded-random year written straight to the database, and the plain lists behind it."""
    rng = random.Random(2022)
    liaison = make_user("liaison", "li")
    with app.app_context():
        streets = [s.code for s in db.session.query(Street)]
        communities = {c.code: c.street_code for c in db.session.query(Community)}
        codes = sorted(communities)
        # Every street but three gets a training, directly or through a community.
        trained = streets[:-3]
        data = {"trainings": [], "events": [], "groups": [], "cases": [], "articles": [],
                "topics": [], "demos": [], "interactions": [], "visits": [], "counts": []}
        for street in trained:
            day = START + timedelta(days=rng.randint(0, 300))
            if rng.random() < 0.5:
                training = Training(date=day, title="t", attendees=10,
                                    streets=[db.session.get(Street, street)])
            else:
                community = next(c for c in codes if communities[c] == street)
                training = Training(date=day, title="t", attendees=10,
                                    communities=[db.session.get(Community, community)])
            db.session.add(training)
            data["trainings"].append((day, {street}, False))
        for _ in range(6):  # extra trainings, some outside the period, some deleted
            day, deleted = some_day(rng), rng.random() < 0.3
            training = Training(date=day, title="x", deleted_at=datetime.now(UTC) if deleted
                                else None, streets=[db.session.get(Street, streets[-1])])
            db.session.add(training)
            data["trainings"].append((day, {streets[-1]}, deleted))
        for _ in range(25):
            day, deleted = some_day(rng), rng.random() < 0.15
            db.session.add(Event(date=day, title="e", community_code=rng.choice(codes),
                                 deleted_at=datetime.now(UTC) if deleted else None))
            data["events"].append((day, deleted))
            day, deleted = some_day(rng), rng.random() < 0.15
            db.session.add(ServiceGroup(name="g", channel="wechat_group", created_on=day,
                                        street_code=rng.choice(streets),
                                        deleted_at=datetime.now(UTC) if deleted else None))
            data["groups"].append((day, deleted))
            day, deleted = some_day(rng), rng.random() < 0.15
            db.session.add(Case(title="c", community_code=rng.choice(codes), published_on=day,
                                deleted_at=datetime.now(UTC) if deleted else None))
            data["cases"].append((day, deleted))
        contract = db.session.scalar(select(Contract).where(Contract.key == "xicheng-2022"))
        user = db.session.get(User, liaison.id)
        for _ in range(45):
            day, deleted = some_day(rng), rng.random() < 0.1
            if not deleted:  # a deleted article's rows are gone
                add_article(contract, user, day)
            data["articles"].append((day, deleted))
        for month in range(3, 15):
            if rng.random() < 0.75:
                label = f"{2022 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
                db.session.add(Theme(contract_id=contract.id, month=label, title="m",
                                     departments=[], status="delivered"))
                data["topics"].append(label)
        for code in rng.sample(codes, 18):
            designated = START + timedelta(days=rng.randint(0, 330))
            ended = designated + timedelta(days=rng.randint(10, 200)) if rng.random() < 0.3 \
                else None
            db.session.add(DemoCommunity(community_code=code, designated_on=designated,
                                         undesignated_on=ended))
            data["demos"].append((code, designated, ended))
        for offset in range(-5, (END - START).days + 5, 3):
            day = START + timedelta(days=offset)
            figures = (rng.randint(1000, 9000), rng.randint(0, 500), rng.randint(0, 100))
            db.session.add(InteractionDay(date=day, views=figures[0], likes=figures[1],
                                          comments=figures[2]))
            data["interactions"].append((day, sum(figures)))
        for _ in range(400):
            day = some_day(rng, margin=5)
            moment = datetime.combine(day, time(hour=rng.choice([0, 9, 23]), minute=30),
                                      tzinfo=SHANGHAI)
            check = rng.choice(["ok", "ok", "ok", "far", "stale", "unknown"])
            review = rng.choice(["pending", "pending", "approved", "rejected"])
            deleted = rng.random() < 0.05
            db.session.add(Visit(
                client_id=str(uuid.uuid4()), content_hash="x", user_id=user.id,
                created_by_id=user.id, community_code=rng.choice(codes), visited_at=moment,
                purpose="routine", location_check=check, review_status=review,
                deleted_at=datetime.now(UTC) if deleted else None))
            data["visits"].append((day, check, review, deleted))
        for code in rng.sample(codes, 40):
            for offset in sorted(rng.sample(range(-10, 380), 8)):
                day = START + timedelta(days=offset)
                verified = rng.randint(100, 5000)
                db.session.add(UserCount(community_code=code, date=day, verified=verified,
                                         registered=verified * 2))
                data["counts"].append((code, day, verified))
        # Written around the import, so the street summaries the import keeps are rebuilt.
        rebuild_street_changes()
        db.session.commit()
    data["streets"], data["trained"] = streets, trained
    return data


def expected_figures(data, as_of):
    """The targets' actual figures, counted here from the plain lists."""
    end = min(as_of, END)

    def live(items):
        return sum(1 for day, deleted in items if START <= day <= end and not deleted)
    covered = set()
    for day, streets, deleted in data["trainings"]:
        if START <= day <= end and not deleted:
            covered |= streets
    period_days = (END - START).days + 1
    months = max(1.0, max(0, (end - START).days + 1) / (period_days / 12))
    latest = {}
    for code, day, verified in sorted(data["counts"], key=lambda c: c[1]):
        if day <= end:
            latest[code] = verified
    counted_visits = sum(
        1 for day, check, review, deleted in data["visits"]
        if START <= day <= end and not deleted and review != "rejected"
        and (check == "ok" or review == "approved"))
    return {
        "trainings": sum(1 for day, _s, deleted in data["trainings"]
                         if START <= day <= end and not deleted),
        "trainings_streets": len(covered),
        "events": live(data["events"]),
        "service_groups": live(data["groups"]),
        "cases": live(data["cases"]),
        "articles_monthly_avg": round(live(data["articles"]) / months, 2),
        "topics_monthly_avg": round(sum(1 for m in data["topics"]
                                        if START.strftime("%Y-%m") <= m <= end.strftime(
                                            "%Y-%m")) / months, 2),
        "demo_communities": sum(1 for _c, designated, ended in data["demos"]
                                if designated <= end and (ended is None or ended > end)),
        "interactions": sum(v for day, v in data["interactions"] if START <= day <= end),
        "visits": counted_visits,
        "verified_users": sum(latest.values()),
    } if as_of >= START else {key: 0 for key in [
        "trainings", "trainings_streets", "events", "service_groups", "cases",
        "articles_monthly_avg", "topics_monthly_avg", "demo_communities", "interactions",
        "visits"]} | {"verified_users": sum(
            v for code, day, v in data["counts"] if day <= as_of and day == max(
                d for c, d, _ in data["counts"] if c == code and d <= as_of))}


@pytest.mark.parametrize("as_of", ["2022-03-01", "2022-09-15", "2023-06-01"])
def test_every_target_figure_matches_an_independent_count(client, admin_headers, year, as_of):
    body = client.get(f"/api/v1/targets?as_of={as_of}", headers=admin_headers).get_json()
    assert body["contract"]["start"] == "2022-03-15" and body["contract"]["end"] == "2023-03-15"
    assert body["as_of"] == min(as_of, "2023-03-15")
    items = {item["key"]: item for item in body["items"]}
    assert set(items) == {"verified_users", "trainings", "trainings_streets",
                          "articles_monthly_avg", "topics_monthly_avg", "service_groups",
                          "visits", "cases", "events", "demo_communities", "interactions",
                          "weekly_reports"}
    expected = expected_figures(year, date.fromisoformat(as_of))
    for key, value in expected.items():
        assert items[key]["actual"] == pytest.approx(value), key
    for item in items.values():
        if item["target"]:
            assert item["progress"] == pytest.approx(round(item["actual"] / item["target"], 4))


def test_the_per_street_rule_reports_exactly_the_streets_that_miss(client, admin_headers,
                                                                   year, app):
    body = client.get("/api/v1/targets?as_of=2023-03-15", headers=admin_headers).get_json()
    item = next(i for i in body["items"] if i["key"] == "trainings_streets")
    missing = {m["code"] for m in item["missing"]}
    covered = set(year["trained"])
    if any(not deleted and START <= day <= END
           for day, _s, deleted in year["trainings"][len(year["trained"]):]):
        covered.add(year["streets"][-1])
    assert missing == set(year["streets"]) - covered
    assert item["status"] == ("done" if not missing else "behind")


def test_status_and_pace_follow_the_linear_schedule(client, admin_headers):
    def event(day):
        return client.post("/api/v1/events", headers=admin_headers, json={
            "date": day, "title": "e", "street_code": "110102001000"})
    for day in ["2022-03-20", "2022-04-01", "2022-05-01"]:
        assert event(day).status_code == 201
    mid = client.get("/api/v1/targets?as_of=2022-05-15", headers=admin_headers).get_json()
    events = next(i for i in mid["items"] if i["key"] == "events")
    elapsed = ((date(2022, 5, 15) - START).days + 1) / ((END - START).days + 1)
    assert events["expected_by_now"] == pytest.approx(round(15 * elapsed, 2))
    assert events["status"] == "on_track"  # 3 ≥ 2.5
    late = client.get("/api/v1/targets?as_of=2022-09-01", headers=admin_headers).get_json()
    assert next(i for i in late["items"] if i["key"] == "events")["status"] == "behind"
    before = client.get("/api/v1/targets?as_of=2022-01-01", headers=admin_headers).get_json()
    assert all(i["expected_by_now"] == 0 for i in before["items"]
               if i["key"] != "verified_users")


def test_an_admin_changes_a_target_number_and_it_is_recorded(client, admin_headers,
                                                              make_user, auth_headers):
    liaison = auth_headers(make_user("liaison"))
    assert client.patch("/api/v1/targets/events", json={"target": 20},
                        headers=liaison).status_code == 403
    changed = client.patch("/api/v1/targets/events", json={"target": 20, "reason": "补充协议"},
                           headers=admin_headers)
    assert changed.status_code == 200 and changed.get_json()["target"] == 20
    report = client.get("/api/v1/targets", headers=admin_headers).get_json()
    assert next(i for i in report["items"] if i["key"] == "events")["target"] == 20
    history = client.get("/api/v1/targets/events/history", headers=admin_headers).get_json()
    assert history[0]["changes"] == {"target": [15.0, 20.0], "reason": "补充协议"}
    assert client.patch("/api/v1/targets/nothing", json={"target": 1, "reason": "改"},
                        headers=admin_headers).status_code == 404
    assert client.patch("/api/v1/targets/events", json={"target": -1, "reason": "改"},
                        headers=admin_headers).status_code == 422


def test_load_contract_from_a_file_makes_it_current(runner, client, admin_headers, tmp_path):
    contract = {"key": "city-2023", "name": "新媒体运营", "client": "市局",
                "start": "2023-07-01", "end": "2024-06-30",
                "targets": [{"key": "articles", "name": "公众号文章", "target": 780,
                             "measure": "count", "source": "articles"}]}
    path = tmp_path / "contract.json"
    path.write_text(json.dumps(contract, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["load-contract", str(path)])
    assert result.exit_code == 0, result.output
    body = client.get("/api/v1/targets?as_of=2023-08-01", headers=admin_headers).get_json()
    assert body["contract"]["name"] == "新媒体运营"
    assert [i["key"] for i in body["items"]] == ["articles"]
    # Loading it again, corrected, replaces its targets (the same key kept, one added).
    contract["targets"][0]["target"] = 800
    contract["targets"].append({"key": "topics", "name": "月度话题", "target": 12,
                                "measure": "count", "source": "topics"})
    path.write_text(json.dumps(contract, ensure_ascii=False), encoding="utf-8")
    again = runner.invoke(args=["load-contract", str(path)])
    assert again.exit_code == 0, again.output
    body = client.get("/api/v1/targets?as_of=2023-08-01", headers=admin_headers).get_json()
    assert [(i["key"], i["target"]) for i in body["items"]] == [("articles", 800),
                                                                 ("topics", 12)]
    contract["targets"].append(contract["targets"][0])
    path.write_text(json.dumps(contract, ensure_ascii=False), encoding="utf-8")
    twice = runner.invoke(args=["load-contract", str(path)])
    assert twice.exit_code != 0 and "目标重复：articles" in twice.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: x\nname: y\nstart: 2023-01-01\nend: 2022-01-01\ntargets: []\n")
    refused = runner.invoke(args=["load-contract", str(bad)])
    assert refused.exit_code != 0 and "结束日期" in refused.output


def test_the_seeded_year_is_not_trivial(year):
    figures = expected_figures(year, date(2022, 9, 15))
    assert all(value > 0 for value in figures.values()), figures
