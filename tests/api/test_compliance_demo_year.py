"""GET /api/v1/compliance over the demo year of the 2023 content contract (#17 "done when"):
every figure of every rule, at every period, against a count taken here with plain SQL from
the publications, and which days owe what against the official calendar read straight from
`chinese_calendar` (not the frozen copy the service reads)."""

from collections import Counter
from datetime import date, timedelta

import chinese_calendar
import pytest
from sqlalchemy import text

from models import db

KEY = "planning-media-2023"
START, END = date(2023, 7, 1), date(2024, 6, 30)
ARTICLE_KINDS = {"article", "repost"}
KIND_OF = {"infographics": "infographic", "posters": "poster", "videos": "video",
           "interactive_products": "interactive"}


@pytest.fixture
def demo_year(app, runner):
    """The demo year's publications: (id, channel, local day, kind, original)."""
    assert runner.invoke(args=["seed-district"]).exit_code == 0
    made = runner.invoke(args=["demo-data"])
    assert made.exit_code == 0, made.output
    with app.app_context():
        rows = db.session.execute(text(
            "select p.id, p.channel, p.published_on, c.kind, c.original from publications p "
            "join content c on c.id = p.content_id join contracts k on k.id = p.contract_id "
            "where k.key = :key"), {"key": KEY}).all()
    return [(pid, channel, day if isinstance(day, date) else date.fromisoformat(day), kind,
             bool(original)) for pid, channel, day, kind, original in rows]


@pytest.fixture
def reader(demo_year, make_user, auth_headers, client):
    """An editor of the contract, given the role by an admin beside the demo's `admin`."""
    boss = auth_headers(make_user("admin", "boss"))
    user = make_user("content", "duzhe")
    assert client.put(f"/api/v1/contracts/{KEY}/members/{user.id}", headers=boss,
                      json={"role": "editor"}).status_code == 200
    return auth_headers(user)


def counted(item: dict, publications) -> list[int]:
    """The publications a rule's figure is made of, by the contract's words: items are every
    publication; articles WeChat's articles and reposts; originals those marked original; the
    products by their kind on any channel."""
    first, last = date.fromisoformat(item["from"]), date.fromisoformat(item["to"])
    channels = [item["channel"]] if item["channel"] else item["channels"]
    found = []
    for pid, channel, day, kind, original in publications:
        if not first <= day <= last or (channels and channel not in channels):
            continue
        rule = item["counts"]
        if rule == "items" or (rule == "articles" and kind in ARTICLE_KINDS) or (
                rule == "original_articles" and kind in ARTICLE_KINDS and original) or (
                KIND_OF.get(rule) == kind):
            found.append(pid)
    return sorted(found)


def check_every_figure(client, reader, publications, period: str) -> set[str]:
    """Every figure of the period's results against the count here; answers the rules
    checked."""
    answer = client.get(f"/api/v1/compliance?contract={KEY}&period={period}", headers=reader)
    assert answer.status_code == 200, answer.get_json()
    items = answer.get_json()["items"]
    tracked = [i for i in items if i["status"] != "not_tracked" and i["counts"] not in (
        "themes", "data_reports", "key_content_reports")]
    for item in tracked:
        behind = counted(item, publications)
        assert item["actual"] == len(behind), item
        assert sorted(item["publications"]) == behind, item["label"]
        floor, ceiling = item["required"]["min"], item["required"]["max"]
        # The term is over: no period is still running.
        expected = ("over" if ceiling is not None and item["actual"] > ceiling
                    else "met" if floor is None or item["actual"] >= floor else "short")
        assert item["status"] == expected, item
    return {item["obligation"] for item in tracked}


def test_the_demo_years_compliance_is_a_plain_count_on_the_official_calendar(
        demo_year, client, reader):
    """One demo year (it takes a while on PostgreSQL) for every check."""
    checked = set()
    for period in ("day", "week", "month", "quarter", "year"):
        checked |= check_every_figure(client, reader, demo_year, period)
    # Every rule measured by publications was checked at its own period.
    obligations = client.get(f"/api/v1/contracts/{KEY}", headers=reader).get_json()[
        "obligations"]
    measured = {o["key"] for o in obligations
                if o["counts"] in {"items", "articles", "original_articles", *KIND_OF}}
    assert checked == measured and len(measured) >= 13
    # The issued reports: the demo's one key-content report, issued in the term.
    year = client.get(f"/api/v1/compliance?contract={KEY}&period=year",
                      headers=reader).get_json()["items"]
    key_reports = next(i for i in year if i["obligation"] == "key_content_reports_year")
    assert (key_reports["actual"], key_reports["status"]) == (1, "short")
    answer = client.get(f"/api/v1/compliance?contract={KEY}&period=day&channel=wechat",
                        headers=reader)
    items = answer.get_json()["items"]
    working = {date.fromisoformat(i["from"]) for i in items
               if i["obligation"] == "wechat_articles_working_day"}
    resting = {date.fromisoformat(i["from"]) for i in items
               if i["obligation"] == "wechat_articles_holiday"}
    term = [START + timedelta(days=n) for n in range((END - START).days + 1)]
    assert working == {d for d in term if chinese_calendar.is_workday(d)}
    assert resting == {d for d in term if not chinese_calendar.is_workday(d)}
    assert len(working) == 249 and date(2023, 10, 7) in working and date(2023, 10, 8) in working
    assert date(2023, 10, 6) in resting and date(2024, 2, 18) in working
    # The planted misses: WeChat working days with a single article, as counted here.
    per_day = Counter(day for _, channel, day, kind, _ in demo_year
                      if channel == "wechat" and kind in ARTICLE_KINDS)
    short = {date.fromisoformat(i["from"]) for i in items
             if i["obligation"] == "wechat_articles_working_day" and i["status"] == "short"}
    assert short == {d for d in working if per_day[d] < 2}
    assert short  # the demo plants some
    # The Spring Festival week owes its full floor on every platform.
    answer = client.get(f"/api/v1/compliance?contract={KEY}&period=week&from=2024-02-12"
                        "&to=2024-02-18", headers=reader)
    weekly = [i for i in answer.get_json()["items"]
              if i["obligation"] == "weekly_items_each_platform"]
    assert {i["channel"] for i in weekly} == {"wechat", "weibo", "toutiao", "beijing_hao",
                                              "baijiahao"}
    for item in weekly:
        assert item["label"] == "2024-W07" and item["working_days"] == 1
        assert item["required"]["min"] == 10  # no reduction for the holiday
        assert item["actual"] == len(counted(item, demo_year))
        assert item["status"] == ("met" if item["actual"] >= 10 else "short")
