"""The 2023 content contract loaded beside the 2022 one (channels and obligations as data, not
in force), the contracts list and detail, and the working-day calendar frozen per contract:
its facts for 2023-07-01 → 2024-06-30 (shared/docs/measured.md), cross-checked against the
`holidays` package, its refusals, and an admin's override of a day the package does not know."""

import copy
import io
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
import yaml
from sqlalchemy import func, select

from models import Contract, ContractDay, db
from service.district import contracts, working_days

CONTENT = "planning-media-2023"
CONTENT_FILE = Path("data/contracts/bjghzy-2023.yaml")
TERM = ("2023-07-01", "2024-06-30")
FUYOUJIE = "110102001004"


@pytest.fixture
def official_headers(make_user, auth_headers):
    return auth_headers(make_user("official", "guan"))


@pytest.fixture
def community_headers(make_user, auth_headers):
    return auth_headers(make_user("community", "sq", community_code=FUYOUJIE))


@pytest.fixture
def seeded(runner):
    """What `seed-district` does on a deployment: the 2023 contract joins the 2022 one."""
    result = runner.invoke(args=["seed-district"])
    assert result.exit_code == 0, result.output
    assert f"loaded beside it: {CONTENT}" in result.output
    return result


def content_file() -> dict:
    return yaml.safe_load(CONTENT_FILE.read_text(encoding="utf-8"))


def upload(client, headers, data: dict):
    content = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    return client.post("/api/v1/contracts", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), "contract.yaml")})


def calendar(client, headers, start: str, end: str, contract: str | None = CONTENT):
    query = f"from={start}&to={end}" + (f"&contract={contract}" if contract else "")
    return client.get(f"/api/v1/calendar?{query}", headers=headers)


def term_days(client, headers) -> list[dict]:
    response = calendar(client, headers, *TERM)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


# --- the 2023 contract as data, beside the 2022 one -------------------------------------------

def test_seed_district_loads_the_2023_contract_beside_the_one_in_force(
        seeded, runner, client, admin_headers):
    assert client.get("/api/v1/contracts/current",
                      headers=admin_headers).get_json()["key"] == "xicheng-2022"
    listed = client.get("/api/v1/contracts", headers=admin_headers).get_json()
    assert [(c["key"], c["in_force"]) for c in listed] == [("xicheng-2022", True),
                                                          (CONTENT, False)]
    content = listed[1]
    assert (content["client"], content["start"], content["end"]) == (
        "北京市规划和自然资源委员会宣传中心", *TERM)
    # Seeding again changes nothing: each shipped contract once, the 2022 one still in force.
    again = runner.invoke(args=["seed-district"])
    assert again.exit_code == 0 and "loaded beside" not in again.output
    assert len(client.get("/api/v1/contracts", headers=admin_headers).get_json()) == 2
    assert client.get("/api/v1/targets", headers=admin_headers).get_json()[
        "contract"]["key"] == "xicheng-2022"


def test_the_2023_contract_holds_its_channels_and_every_obligation(
        seeded, client, admin_headers):
    body = client.get(f"/api/v1/contracts/{CONTENT}", headers=admin_headers).get_json()
    assert body["in_force"] is False and body["targets"] == []
    assert [(c["key"], c["platform"]) for c in body["channels"]] == [
        ("wechat", "微信公众号"), ("weibo", "微博"), ("toutiao", "头条号"),
        ("beijing_hao", "北京号"), ("baijiahao", "百家号")]
    wechat = body["channels"][0]
    assert wechat["posting_windows"] == [
        {"days": "working", "from": "08:00", "to": "09:00"},
        {"days": "working", "from": "11:00", "to": "12:00"},
        {"days": "working", "from": "18:00", "to": "19:00"}]
    assert body["rules"]["partial_weeks"] == "pro_rata_days"
    obligations = {o["key"]: o for o in body["obligations"]}
    assert len(obligations) == 20
    theme = obligations["monthly_theme"]
    assert (theme["counts"], theme["period"], theme["min"]) == ("themes", "month", 1)
    assert all(o["source"] for o in obligations.values())
    weekly = obligations["weekly_items_each_platform"]
    assert (weekly["period"], weekly["min"], weekly["per_channel"], len(weekly["channels"])) == (
        "week", 10, "each", 5)
    daily = obligations["wechat_articles_working_day"]
    assert (daily["period"], daily["days"], daily["min"], daily["mandatory"]) == (
        "day", "working", 2, True)
    assert obligations["wechat_articles_holiday"]["days"] == "non_working"
    assert obligations["wechat_articles_year"]["min"] == 780
    advised = obligations["weibo_items_working_day"]
    assert (advised["min"], advised["max"], advised["mandatory"]) == (5, 15, False)
    pair = obligations["beijing_hao_baijiahao_items_year"]
    assert (pair["channels"], pair["per_channel"], pair["min"]) == (
        ["beijing_hao", "baijiahao"], "together", 430)
    assert {obligations[k]["min"] for k in ("infographics_year", "posters_year", "videos_year",
                                            "interactive_products_year")} == {8, 6, 5, 3}
    assert obligations["data_reports_quarter"]["period"] == "quarter"


def test_an_unknown_contract_is_a_404_in_chinese(client, admin_headers):
    response = client.get("/api/v1/contracts/nothing-2099", headers=admin_headers)
    assert response.status_code == 404
    assert response.get_json()["message"] == "没有合同：nothing-2099"


def test_contracts_and_the_calendar_are_read_by_staff_but_not_by_community_accounts(
        seeded, client, admin_headers, official_headers, liaison_headers, community_headers):
    urls = ["/api/v1/contracts", f"/api/v1/contracts/{CONTENT}",
            "/api/v1/calendar?from=2022-10-01&to=2022-10-07"]
    assert [client.get(url, headers=admin_headers).status_code for url in urls] == [200] * 3
    # Staff of the district contract read it; the content contract is its members' alone.
    for headers in (official_headers, liaison_headers):
        assert [client.get(url, headers=headers).status_code for url in urls] == [200, 404, 200]
    for url in urls:
        refused = client.get(url, headers=community_headers)
        assert refused.status_code == 403
        assert refused.get_json()["message"] == "社区账号只能查看本社区的数据和周报"
    assert client.get("/api/v1/contracts").status_code == 401


def test_a_file_saying_activate_false_is_loaded_beside_and_one_saying_nothing_takes_over(
        client, admin_headers):
    loaded = upload(client, admin_headers, content_file())
    assert loaded.status_code == 201, loaded.get_json()
    assert loaded.get_json()["key"] == CONTENT
    assert client.get("/api/v1/contracts/current",
                      headers=admin_headers).get_json()["key"] == "xicheng-2022"
    # Loading it again keeps it beside (the file still says so).
    assert upload(client, admin_headers, content_file()).status_code == 201
    assert client.get("/api/v1/contracts/current",
                      headers=admin_headers).get_json()["key"] == "xicheng-2022"
    # Without the flag a file becomes the contract in force, as before.
    unflagged = content_file()
    del unflagged["activate"]
    assert upload(client, admin_headers, unflagged).status_code == 201
    assert client.get("/api/v1/contracts/current",
                      headers=admin_headers).get_json()["key"] == CONTENT
    listed = client.get("/api/v1/contracts", headers=admin_headers).get_json()
    assert [c["key"] for c in listed if c["in_force"]] == [CONTENT]


def test_the_command_loads_beside_or_in_force_as_asked(runner, client, admin_headers):
    beside = runner.invoke(args=["load-contract", str(CONTENT_FILE)])
    assert beside.exit_code == 0, beside.output
    assert "5 channels, 20 obligations (not in force)" in beside.output
    assert client.get("/api/v1/contracts/current",
                      headers=admin_headers).get_json()["key"] == "xicheng-2022"
    forced = runner.invoke(args=["load-contract", "--activate", str(CONTENT_FILE)])
    assert forced.exit_code == 0 and "not in force" not in forced.output
    assert client.get("/api/v1/contracts/current",
                      headers=admin_headers).get_json()["key"] == CONTENT
    back = runner.invoke(args=["load-contract", "data/contracts/xicheng-2022.yaml"])
    assert back.exit_code == 0
    assert client.get("/api/v1/contracts/current",
                      headers=admin_headers).get_json()["key"] == "xicheng-2022"


def _broken(change) -> dict:
    data = content_file()
    change(data)
    return data


def _obligation(data, key) -> dict:
    return next(o for o in data["obligations"] if o["key"] == key)


BROKEN = {
    "a period no calendar has": (
        lambda d: _obligation(d, "wechat_articles_year").update(period="fortnight"),
        "obligations", "wechat_articles_year"),
    "a channel not defined": (
        lambda d: _obligation(d, "toutiao_items_year").update(channels=["douyin"]),
        "obligations", "douyin"),
    "two channels without saying each or together": (
        lambda d: _obligation(d, "beijing_hao_baijiahao_items_year").pop("per_channel"),
        "obligations", "per_channel"),
    "working days on a weekly obligation": (
        lambda d: _obligation(d, "weekly_items_each_platform").update(days="working"),
        "obligations", "weekly_items_each_platform"),
    "a negative threshold": (
        lambda d: _obligation(d, "posters_year").update(min=-1), "obligations", "posters_year"),
    "max below min": (
        lambda d: _obligation(d, "weibo_items_working_day").update(max=2),
        "obligations", "weibo_items_working_day"),
    "an unknown field": (
        lambda d: _obligation(d, "videos_year").update(threshold=5), "obligations", "threshold"),
    "something nobody counts": (
        lambda d: _obligation(d, "videos_year").update(counts="likes"), "obligations", "likes"),
    "no source phrase": (
        lambda d: _obligation(d, "videos_year").pop("source"), "obligations", "source"),
    "a duplicate obligation": (
        lambda d: d["obligations"].append(copy.deepcopy(d["obligations"][0])),
        "obligations", "accounts_run"),
    "a posting window backwards": (
        lambda d: d["channels"][0]["posting_windows"][0].update({"from": "10:00"}),
        "channels", "wechat"),
    "a window at 25 o'clock": (
        lambda d: d["channels"][1]["posting_windows"][2].update(to="25:00"), "channels", "25:00"),
    "activate that is not a flag": (lambda d: d.update(activate="no"), "activate", "activate"),
    "partial weeks counted some other way": (
        lambda d: d["rules"].update(partial_weeks="round_up"), "rules", "round_up"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_bad_channel_or_obligation_is_refused_naming_it_and_nothing_is_written(
        case, client, admin_headers, runner, tmp_path, app):
    change, field, named = BROKEN[case]
    refused = upload(client, admin_headers, _broken(change))
    assert refused.status_code == 422, refused.get_json()
    body = refused.get_json()
    assert named in body["message"] and field in body["errors"]["json"]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(_broken(change), allow_unicode=True), encoding="utf-8")
    command = runner.invoke(args=["load-contract", str(path)])
    assert command.exit_code != 0 and named in command.output
    assert [c["key"] for c in client.get("/api/v1/contracts",
                                         headers=admin_headers).get_json()] == ["xicheng-2022"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContractDay)
                                 .join(Contract).where(Contract.key == CONTENT)) == 0


def test_a_good_reload_after_a_refused_one_changes_obligations_in_place(client, admin_headers):
    assert upload(client, admin_headers, content_file()).status_code == 201
    changed = content_file()
    _obligation(changed, "beijing_hao_baijiahao_items_year")["per_channel"] = "each"
    changed["obligations"] = changed["obligations"][:-1]
    assert upload(client, admin_headers, changed).status_code == 201
    body = client.get(f"/api/v1/contracts/{CONTENT}", headers=admin_headers).get_json()
    assert len(body["obligations"]) == 19  # the file's 20, one dropped
    assert next(o for o in body["obligations"] if o["key"] ==
                "beijing_hao_baijiahao_items_year")["per_channel"] == "each"


# --- the working-day calendar ----------------------------------------------------------------

def test_the_2023_term_has_249_working_days_7_of_them_weekends_worked(
        seeded, client, admin_headers):
    response = calendar(client, admin_headers, *TERM)
    body = response.get_json()
    days = body["items"]
    assert len(days) == 366 and body["contract"]["key"] == CONTENT
    working = [d for d in days if d["is_working_day"]]
    assert len(working) == body["working_days"] == 249
    adjusted = [d["date"] for d in days if d["kind"] == "adjusted_workday"]
    assert len(adjusted) == 7
    assert all(date.fromisoformat(d).isoweekday() >= 6 for d in adjusted)
    assert len(days) - len(working) == 117
    assert {d["source"] for d in days} == {"chinesecalendar 1.11.0"}
    by_date = {d["date"]: d for d in days}
    assert [by_date[d]["kind"] for d in ("2023-09-29", "2023-10-06", "2023-10-07",
                                         "2023-10-08", "2023-07-01", "2023-07-03")] == [
        "holiday", "holiday", "adjusted_workday", "adjusted_workday", "weekend", "workday"]
    assert by_date["2023-10-01"]["name"] == "国庆节"
    assert by_date["2023-09-29"]["name"] == "中秋节"
    assert by_date["2024-02-10"]["name"] == "春节"


def _week_working_days(client, headers, year: int, week: int) -> list[str]:
    monday = date.fromisocalendar(year, week, 1)
    days = calendar(client, headers, monday.isoformat(),
                    (monday + timedelta(days=6)).isoformat()).get_json()["items"]
    return [d["date"] for d in days if d["is_working_day"]]


def test_holiday_weeks_have_one_or_two_working_days(seeded, client, admin_headers):
    assert _week_working_days(client, admin_headers, 2024, 7) == ["2024-02-18"]
    assert _week_working_days(client, admin_headers, 2023, 40) == ["2023-10-07", "2023-10-08"]


def test_the_frozen_calendar_agrees_with_the_holidays_package(seeded, client, admin_headers):
    """An independent source: python-holidays' China calendar (its own data of the State
    Council notices) must say the same of every day of the term."""
    china = holidays.China(years=[2023, 2024])
    days = term_days(client, admin_headers)
    disagree = [d["date"] for d in days
                if china.is_working_day(date.fromisoformat(d["date"])) != d["is_working_day"]]
    assert disagree == []
    adjusted = {d["date"] for d in days if d["kind"] == "adjusted_workday"}
    assert adjusted == {d.isoformat() for d in china.weekend_workdays
                        if TERM[0] <= d.isoformat() <= TERM[1]}
    weekday_holidays = {d["date"] for d in days if d["kind"] == "holiday"
                        and date.fromisoformat(d["date"]).isoweekday() < 6}
    assert weekday_holidays == {d.isoformat() for d in china
                                if TERM[0] <= d.isoformat() <= TERM[1] and d.isoweekday() < 6}


def test_the_calendar_defaults_to_the_contract_in_force(seeded, client, liaison_headers):
    body = calendar(client, liaison_headers, "2022-10-01", "2022-10-09", None).get_json()
    assert body["contract"]["key"] == "xicheng-2022"
    kinds = [d["kind"] for d in body["items"]]
    assert kinds == ["holiday"] * 7 + ["adjusted_workday"] * 2


@pytest.mark.parametrize("query,field", [
    ("from=2023-10-09&to=2023-10-01", "to"),
    ("from=2023-07-01&to=2024-08-10", "to"),          # 407 days
    ("to=2023-10-01", "from"),
    ("from=2023-02-30&to=2023-10-01", "from"),
    ("from=1999-12-31&to=2000-01-01", "from"),
    ("from=2023-06-30&to=2023-07-02", "from"),        # a day before the term
    ("from=2024-06-01&to=2024-07-01", "to"),          # a day after it
    ("from=2023-10-01&to=2023-10-02&contract=", "contract"),
    ("from=2023-10-01&to=2023-10-02&contract=nothing", "contract"),
    ("from=2023-10-01&to=2023-10-02&week=1", "week"),
])
def test_a_bad_range_is_refused_naming_the_parameter(seeded, client, admin_headers, query,
                                                     field):
    if "contract" not in query:
        query += f"&contract={CONTENT}"
    response = client.get(f"/api/v1/calendar?{query}", headers=admin_headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["query"]


BEYOND = {"key": "media-2026", "name": "跨年度运营", "client": "市局", "start": "2026-07-01",
          "end": "2027-06-30", "targets": [], "activate": False}


def test_a_term_beyond_the_package_loads_and_its_unknown_days_are_refused_not_guessed(
        client, admin_headers):
    assert upload(client, admin_headers, BEYOND).status_code == 201
    known = calendar(client, admin_headers, "2026-12-28", "2026-12-31", "media-2026")
    assert known.status_code == 200 and len(known.get_json()["items"]) == 4
    unknown = calendar(client, admin_headers, "2026-12-28", "2027-01-04", "media-2026")
    assert unknown.status_code == 422
    body = unknown.get_json()
    assert body["message"].startswith("2027 年的官方节假日安排尚未知晓（2027-01-01）")
    assert "管理员" in body["message"] and "to" in body["errors"]["query"]
    entirely = calendar(client, admin_headers, "2027-02-01", "2027-02-02", "media-2026")
    assert entirely.status_code == 422 and "from" in entirely.get_json()["errors"]["query"]


def test_an_admin_enters_a_day_the_package_does_not_know_and_it_is_recorded(
        client, admin_headers, official_headers):
    assert upload(client, admin_headers, BEYOND).status_code == 201
    entered = client.put("/api/v1/calendar/2027-01-01?contract=media-2026", headers=admin_headers,
                         json={"kind": "holiday", "name": "元旦",
                               "reason": "国务院办公厅关于2027年部分节假日安排的通知"})
    assert entered.status_code == 200, entered.get_json()
    assert entered.get_json() == {"date": "2027-01-01", "kind": "holiday",
                                  "is_working_day": False, "name": "元旦", "source": "override"}
    one = calendar(client, official_headers, "2027-01-01", "2027-01-01", "media-2026")
    assert one.status_code == 200 and one.get_json()["items"][0]["name"] == "元旦"
    # The next day is still unknown: one entry does not make the year known.
    assert calendar(client, official_headers, "2027-01-01", "2027-01-02",
                    "media-2026").status_code == 422
    changed = client.put("/api/v1/calendar/2027-01-01?contract=media-2026",
                         headers=admin_headers,
                         json={"kind": "workday", "reason": "更正"})
    assert changed.status_code == 200 and changed.get_json()["name"] == "元旦"
    history = client.get("/api/v1/calendar/2027-01-01/history?contract=media-2026",
                         headers=official_headers).get_json()
    assert [(h["actor"], h["changes"]["before"], h["changes"]["after"]["kind"],
             h["changes"]["reason"]) for h in history] == [
        ("admin", None, "holiday", "国务院办公厅关于2027年部分节假日安排的通知"),
        ("admin", {"kind": "holiday", "name": "元旦", "source": "override"}, "workday", "更正")]
    # Loading the contract again keeps what the admin entered.
    assert upload(client, admin_headers, BEYOND).status_code == 201
    again = calendar(client, admin_headers, "2027-01-01", "2027-01-01", "media-2026").get_json()
    assert again["items"][0]["kind"] == "workday"


def test_an_override_of_a_known_day_keeps_before_and_after(seeded, client, admin_headers):
    changed = client.put(f"/api/v1/calendar/2023-10-07?contract={CONTENT}",
                         headers=admin_headers, json={"kind": "holiday", "reason": "试算"})
    assert changed.status_code == 200
    assert _week_working_days(client, admin_headers, 2023, 40) == ["2023-10-08"]
    history = client.get(f"/api/v1/calendar/2023-10-07/history?contract={CONTENT}",
                         headers=admin_headers).get_json()
    assert history[0]["changes"]["before"] == {"kind": "adjusted_workday", "name": "国庆节",
                                               "source": "chinesecalendar 1.11.0"}
    # The contract in force's own calendar is another one: untouched.
    assert client.get("/api/v1/calendar/2023-10-07/history",
                      headers=admin_headers).get_json() == []


@pytest.mark.parametrize("url,body,field,location", [
    ("/api/v1/calendar/2023-10-07?contract=planning-media-2023", {"kind": "holiday"},
     "reason", "json"),
    ("/api/v1/calendar/2023-10-07?contract=planning-media-2023",
     {"kind": "holiday", "reason": "   "}, "reason", "json"),
    ("/api/v1/calendar/2023-10-07?contract=planning-media-2023",
     {"kind": "festival", "reason": "x"}, "kind", "json"),
    ("/api/v1/calendar/2023-10-07?contract=planning-media-2023",
     {"kind": "holiday", "reason": "x", "note": 1}, "note", "json"),
    ("/api/v1/calendar/2023-13-07?contract=planning-media-2023",
     {"kind": "holiday", "reason": "x"}, "date", "path"),
    ("/api/v1/calendar/2024-07-01?contract=planning-media-2023",
     {"kind": "holiday", "reason": "x"}, "date", "path"),
    ("/api/v1/calendar/2023-10-07?contract=nothing",
     {"kind": "holiday", "reason": "x"}, "contract", "query"),
])
def test_a_bad_override_is_refused_naming_the_field(seeded, client, admin_headers, url, body,
                                                    field, location):
    response = client.put(url, headers=admin_headers, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"][location]
    days = term_days(client, admin_headers)
    assert next(d for d in days if d["date"] == "2023-10-07")["kind"] == "adjusted_workday"


def test_only_admins_override_a_day_refused_before_the_body_is_read(
        seeded, client, official_headers, liaison_headers, community_headers, admin_headers):
    for headers in (official_headers, liaison_headers, community_headers):
        for body in ({"kind": "holiday", "reason": "x"}, {"nonsense": True}):
            response = client.put(f"/api/v1/calendar/2023-10-07?contract={CONTENT}",
                                  headers=headers, json=body)
            assert response.status_code == 403
    assert client.get(f"/api/v1/calendar/2023-10-07/history?contract={CONTENT}",
                      headers=admin_headers).get_json() == []


def test_the_calendar_endpoints_are_in_the_spec_and_other_methods_get_405(client,
                                                                         admin_headers):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/contracts"]) >= {"get", "post"}
    assert "get" in paths["/api/v1/contracts/{key}"]
    assert "get" in paths["/api/v1/calendar"]
    assert "put" in paths["/api/v1/calendar/{date}"]
    assert "get" in paths["/api/v1/calendar/{date}/history"]
    refused = client.delete("/api/v1/calendar/2023-10-07", headers=admin_headers)
    assert refused.status_code == 405 and "PUT" in refused.headers["Allow"]


# --- the service functions other code uses ---------------------------------------------------

def test_the_service_answers_working_days_and_refuses_unknown_ones(seeded, client,
                                                                   admin_headers, app):
    assert upload(client, admin_headers, BEYOND).status_code == 201
    with app.app_context():
        content = contracts.find_contract(CONTENT)
        assert working_days.day_kind(content, date(2023, 10, 8)) == "adjusted_workday"
        assert working_days.is_working_day(content, date(2023, 10, 8))
        assert not working_days.is_working_day(content, date(2023, 10, 6))
        assert len(working_days.working_days(content, date(2023, 7, 1),
                                             date(2024, 6, 30))) == 249
        assert working_days.working_days(content, date(2024, 2, 12),
                                         date(2024, 2, 18)) == [date(2024, 2, 18)]
        beyond = contracts.find_contract("media-2026")
        with pytest.raises(working_days.UnknownDayError) as refused:
            working_days.is_working_day(beyond, date(2027, 3, 1))
        assert "2027 年的官方节假日安排尚未知晓" in refused.value.message
        with pytest.raises(working_days.UnknownDayError):
            working_days.day_kind(content, date(2024, 7, 1))  # after the term
        db.session.rollback()


def test_seeding_completes_the_calendar_of_a_contract_loaded_before_calendars_were_frozen(
        app, runner, client, admin_headers):
    """A database migrated from before 0011 holds the 2022 contract without its days."""
    with app.app_context():
        db.session.execute(ContractDay.__table__.delete())
        db.session.commit()
    assert calendar(client, admin_headers, "2022-10-01", "2022-10-07",
                    None).status_code == 422
    assert runner.invoke(args=["seed-district"]).exit_code == 0
    week = calendar(client, admin_headers, "2022-10-01", "2022-10-07", None).get_json()
    assert [d["kind"] for d in week["items"]] == ["holiday"] * 7
    assert len(term_days(client, admin_headers)) == 366
