"""Community accounts, their own page and workbooks, and the delivery ledger: the weekly
workbook made available to each community with proof of its first opening."""

import io
from datetime import UTC, date, datetime, time

import pytest
from openpyxl import load_workbook

from models import Delivery, db
from service.district import accounts
from service.progress.targets import target_report
from service.reports import deliveries, runs

WEEK = "2022-W30"
HOME, NEIGHBOUR, ALONE = "110102001004", "110102001007", "110102001011"
STREET = "110102001000"


@pytest.fixture
def community_user(make_user):
    return make_user("community", "sq-home", community_code=HOME, display_name="张书记")


@pytest.fixture
def community_headers(community_user, auth_headers):
    return auth_headers(community_user)


@pytest.fixture
def official_headers(make_user, auth_headers):
    return auth_headers(make_user("official", "guan"))


def test_an_admin_opens_a_community_account_that_must_set_its_password(client, admin_headers):
    created = client.post("/api/v1/users", headers=admin_headers, json={
        "username": "sq-a", "role": "community", "community_code": HOME,
        "display_name": "李社工", "phone": "13800000000", "email": "li@example.org"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["community_code"] == HOME and body["community_name"] == "府右街南社区居委会"
    assert body["must_change_password"] is True and body["one_time_password"]
    login = client.post("/api/v1/auth/login", json={"username": "sq-a",
                                                    "password": body["one_time_password"]})
    token = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    assert login.get_json()["user"]["must_change_password"] is True
    assert client.get("/api/v1/community", headers=token).status_code == 403
    # A community account names its community; no other account does.
    missing = client.post("/api/v1/users", headers=admin_headers,
                          json={"username": "sq-b", "role": "community"})
    assert missing.status_code == 422 and "community_code" in missing.get_json()["errors"]["json"]
    unknown = client.post("/api/v1/users", headers=admin_headers, json={
        "username": "sq-b", "role": "community", "community_code": "110102999999"})
    assert unknown.status_code == 422 and "community_code" in unknown.get_json()["errors"]["json"]
    liaison = client.post("/api/v1/users", headers=admin_headers, json={
        "username": "sq-c", "role": "liaison", "community_code": HOME})
    assert liaison.status_code == 422 and "community_code" in liaison.get_json()["errors"]["json"]
    bad_mail = client.post("/api/v1/users", headers=admin_headers, json={
        "username": "sq-d", "role": "community", "community_code": HOME, "email": "x@"})
    assert bad_mail.status_code == 422 and "email" in bad_mail.get_json()["errors"]["json"]
    # Turning a liaison into a community account needs the community.
    other = client.post("/api/v1/users", headers=admin_headers,
                        json={"username": "wang", "role": "liaison"}).get_json()
    demoted = client.patch(f"/api/v1/users/{other['id']}", headers=admin_headers,
                           json={"role": "community"})
    assert demoted.status_code == 422 and "community_code" in demoted.get_json()["errors"]["json"]
    moved = client.patch(f"/api/v1/users/{other['id']}", headers=admin_headers,
                         json={"role": "community", "community_code": NEIGHBOUR})
    assert moved.status_code == 200 and moved.get_json()["community_code"] == NEIGHBOUR
    back = client.patch(f"/api/v1/users/{other['id']}", headers=admin_headers,
                        json={"role": "liaison"})
    assert back.status_code == 200 and back.get_json()["community_code"] is None


REFUSED = [
    "/api/v1/streets", "/api/v1/communities", f"/api/v1/communities/{HOME}",
    "/api/v1/visits", "/api/v1/visits/coverage", "/api/v1/problems", "/api/v1/users",
    "/api/v1/assignments", "/api/v1/dashboard/users", "/api/v1/dashboard/users/series",
    "/api/v1/targets", "/api/v1/contracts/current", "/api/v1/reports/weekly",
    "/api/v1/reports/weekly/weeks", f"/api/v1/reports/weekly/{WEEK}",
    f"/api/v1/reports/weekly/{WEEK}.zip", f"/api/v1/reports/weekly/{WEEK}/district.xlsx",
    f"/api/v1/reports/weekly/{WEEK}/streets/{STREET}.xlsx",
    f"/api/v1/reports/weekly/{WEEK}/deliveries", f"/api/v1/reports/weekly/{WEEK}/emails",
    f"/api/v1/reports/weekly/{WEEK}/deliveries.xlsx", "/api/v1/reports/weekly/deliveries",
    "/api/v1/jobs", "/api/v1/trainings",
    "/api/v1/events", "/api/v1/user-counts/imports", "/api/v1/visits/location-reference",
]


@pytest.mark.parametrize("url", REFUSED)
def test_a_community_account_reads_no_district_data(client, community_headers, url):
    response = client.get(url, headers=community_headers)
    assert response.status_code == 403, (url, response.status_code)
    assert response.get_json()["message"] == "社区账号只能查看本社区的数据和周报"


@pytest.mark.parametrize("method,url", [
    ("post", "/api/v1/visits"), ("post", "/api/v1/problems"), ("post", "/api/v1/users"),
    ("post", f"/api/v1/reports/weekly/{WEEK}/runs"), ("post", "/api/v1/user-counts"),
])
def test_a_community_account_writes_nothing(client, community_headers, method, url):
    assert getattr(client, method)(url, headers=community_headers,
                                   json={}).status_code == 403


def test_the_community_page_shows_its_own_figures(app, client, community_headers, community_user,
                                                  admin_headers, make_user, auth_headers):
    items = [{"community_code": HOME, "registered": 900, "verified": 700},
             {"community_code": NEIGHBOUR, "registered": 1200, "verified": 1000}]
    for day, factor in (("2022-07-24", 0.5), ("2022-07-31", 1)):
        answer = client.post("/api/v1/user-counts", headers=admin_headers, json={
            "date": day, "items": [{**i, "registered": int(i["registered"] * factor),
                                    "verified": int(i["verified"] * factor)} for i in items]})
        assert answer.status_code in (200, 201), answer.get_json()
    liaison = make_user("liaison", streets=[STREET])
    visit = client.post("/api/v1/visits", headers=auth_headers(liaison), json={
        "client_id": "5f0c6f86-2b7c-4c43-9a0e-0f4f1b1a0001", "community_code": HOME,
        "visited_at": "2022-07-30T10:00:00+08:00", "purpose": "routine"})
    assert visit.status_code in (200, 201), visit.get_json()
    # Logged without a position: it counts once an admin approves it.
    assert client.post(f"/api/v1/visits/{visit.get_json()['id']}/review", headers=admin_headers,
                       json={"status": "approved"}).status_code == 200
    problem = client.post("/api/v1/problems", headers=auth_headers(liaison), json={
        "community_code": HOME, "title": "居民不会实名认证", "category": "使用指导"})
    assert problem.status_code == 201, problem.get_json()
    with app.app_context():
        page = deliveries.community_overview(
            actor=accounts.get_user_by_username("sq-home"),
            as_of=date(2022, 7, 31))
    assert page["community_code"] == HOME and page["community_name"] == "府右街南社区居委会"
    assert (page["registered"], page["verified"]) == (900, 700)
    assert (page["registered_change"], page["verified_change"]) == (450, 350)
    assert page["rank_in_street"] == 2 and page["communities_in_street"] > 2
    assert page["visits"] == 1 and page["last_visit_at"] is not None
    assert [p["title"] for p in page["open_problems"]] == ["居民不会实名认证"]
    answer = client.get("/api/v1/community", headers=community_headers)
    assert answer.status_code == 200
    assert answer.get_json()["community_name"] == "府右街南社区居委会"
    # Only community accounts have a community page.
    assert client.get("/api/v1/community", headers=admin_headers).status_code == 403


def test_a_set_is_delivered_to_communities_with_accounts_and_the_opening_is_recorded(
        app, client, make_set, community_user, community_headers, make_user, auth_headers,
        admin_headers, official_headers):
    colleague = make_user("community", "sq-home-2", community_code=HOME, display_name="王社工")
    neighbour = make_user("community", "sq-next", community_code=NEIGHBOUR)
    make_set(WEEK)
    ledger = client.get(f"/api/v1/reports/weekly/{WEEK}/deliveries", headers=official_headers)
    assert ledger.status_code == 200
    body = ledger.get_json()
    assert body["communities"] == 263 and body["delivered"] == 2
    assert body["opened"] == 0 and body["undeliverable"] == 261 and body["set_made"] is True
    rows = {row["community_code"]: row for row in body["items"]}
    assert rows[HOME]["status"] == "delivered" and rows[HOME]["accounts"] == 2
    assert rows[HOME]["made_available_at"] and rows[HOME]["first_opened_at"] is None
    assert rows[ALONE]["status"] == "undeliverable" and rows[ALONE]["made_available_at"] is None

    listed = client.get("/api/v1/community/workbooks", headers=community_headers).get_json()
    assert [(w["week"], w["downloadable"]) for w in listed["items"]] == [(WEEK, True)]
    url = listed["items"][0]["url"]
    # The same file the district archive holds.
    archive = client.get(url, headers=admin_headers)
    assert archive.status_code == 200
    own = client.get(url, headers=community_headers)
    assert own.status_code == 200 and own.data == archive.data
    assert load_workbook(io.BytesIO(own.data)).sheetnames
    # Another community's workbook is refused, and records nothing.
    other = client.get(f"/api/v1/reports/weekly/{WEEK}/communities/{NEIGHBOUR}.xlsx",
                       headers=community_headers)
    assert other.status_code == 403
    # The colleague's later opening does not replace the first.
    assert client.get(url, headers=auth_headers(colleague)).status_code == 200
    body = client.get(f"/api/v1/reports/weekly/{WEEK}/deliveries",
                      headers=admin_headers).get_json()
    rows = {row["community_code"]: row for row in body["items"]}
    assert rows[HOME]["status"] == "opened" and rows[HOME]["first_opened_by"] == "sq-home"
    assert rows[HOME]["first_opened_by_name"] == "张书记"
    assert rows[NEIGHBOUR]["status"] == "delivered" and body["opened"] == 1
    # A week not delivered to the community is not its to download.
    assert client.get(f"/api/v1/reports/weekly/2022-W29/communities/{HOME}.xlsx",
                      headers=community_headers).status_code == 404
    # A set made again keeps the first delivery and its opening.
    make_set(WEEK)
    again = client.get(f"/api/v1/reports/weekly/{WEEK}/deliveries",
                       headers=admin_headers).get_json()
    assert {r["community_code"]: r["status"] for r in again["items"]
            if r["status"] != "undeliverable"} == {HOME: "opened", NEIGHBOUR: "delivered"}
    assert auth_headers(neighbour)
    # Liaisons read no ledger; a week that was never made lists every community as not made.
    liaison = auth_headers(make_user("liaison", streets=[STREET]))
    assert client.get(f"/api/v1/reports/weekly/{WEEK}/deliveries",
                      headers=liaison).status_code == 403
    empty = client.get("/api/v1/reports/weekly/2022-W20/deliveries",
                       headers=admin_headers).get_json()
    assert empty["set_made"] is False and empty["delivered"] == 0
    assert {r["status"] for r in empty["items"]} == {"not_made"}


def test_the_weekly_reports_target_counts_delivered_community_weeks(app, make_user):
    make_user("community", "sq-1", community_code=HOME)
    make_user("community", "sq-2", community_code=NEIGHBOUR)
    with app.app_context():
        for week, monday in [("2022-W12", date(2022, 3, 28)), ("2022-W13", date(2022, 4, 4))]:
            runs.record_delivered_set(week, actor=None, seconds=5.0, files=280,
                                      finished_at=datetime.combine(monday, time(1), tzinfo=UTC))
        assert db.session.query(Delivery).count() == 4
        report = target_report(date(2022, 4, 5))
        item = next(i for i in report.items if i.key == "weekly_reports")
        # Weeks due by 2022-04-05: W11, W12, W13 (3) × 263 communities; 4 delivered.
        assert item.actual == round(4 / (3 * 263), 4)


def test_the_ledger_downloads_as_a_workbook_and_adds_up_for_the_contract(
        app, client, make_set, community_user, community_headers, official_headers,
        make_user):
    make_user("community", "sq-evil", community_code=NEIGHBOUR,
              display_name="=HYPERLINK(\"http://x\")")
    make_set(WEEK)
    url = f"/api/v1/reports/weekly/{WEEK}/communities/{HOME}.xlsx"
    assert client.get(url, headers=community_headers).status_code == 200
    answer = client.get(f"/api/v1/reports/weekly/{WEEK}/deliveries.xlsx",
                        headers=official_headers)
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.data))["送达记录"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert len(rows) == 263
    assert rows[HOME][4] == "已送达，已打开" and rows[HOME][7] == "张书记"
    assert rows[HOME][8] == "sq-home"
    assert rows[NEIGHBOUR][4] == "已送达，未打开" and rows[ALONE][4] == "无法送达（社区没有账号）"
    assert "已送达 2 个" in sheet["A2"].value
    assert client.get(f"/api/v1/reports/weekly/{WEEK}/deliveries.xlsx",
                      headers=community_headers).status_code == 403
    evidence = client.get("/api/v1/reports/weekly/deliveries?as_of=2022-08-02",
                          headers=official_headers).get_json()
    weeks = {w["week"]: w for w in evidence["weeks"]}
    assert weeks[WEEK]["delivered"] == 2 and weeks[WEEK]["opened"] == 1
    assert weeks[WEEK]["undeliverable"] == 261 and weeks["2022-W29"]["set_made"] is False
    # Made today, long after 2022-08-02: delivered, but not by then, so the target has none.
    assert weeks[WEEK]["delivered_by_as_of"] == 0
    assert evidence["community_weeks_delivered"] == 0
    assert evidence["community_weeks_due"] == 263 * evidence["weeks_due"]
    with app.app_context():
        report = target_report(date(2022, 8, 2))
    share = next(i for i in report.items if i.key == "weekly_reports").actual
    assert share == evidence["share_delivered"]


def test_the_services_scope_a_community_account_to_its_own_community(app, client,
                                                                     community_user, make_user,
                                                                     auth_headers):
    """Behind the HTTP refusal, the use cases themselves show a community account only its
    own community (defence in depth, should an endpoint ever let it through)."""
    from service.fieldwork import problems, visits
    liaison = make_user("liaison", streets=[STREET])
    for code, title in ((HOME, "本社区的问题"), (NEIGHBOUR, "别的社区的问题")):
        assert client.post("/api/v1/problems", headers=auth_headers(liaison), json={
            "community_code": code, "title": title, "category": "使用指导"}).status_code == 201
    with app.app_context():
        actor = accounts.get_user_by_username("sq-home")
        listed = problems.list_problems(actor=actor)
        assert [p.title for p in listed.items] == ["本社区的问题"]
        covered = visits.coverage(actor=actor, as_of=date(2022, 7, 31))
        assert [row.community_code for row in covered.items] == [HOME]
        assert visits.list_visits(actor=actor).total == 0


def test_a_communitys_first_account_receives_the_kept_weeks_at_once(app, client, make_set,
                                                                    make_user, auth_headers,
                                                                    admin_headers):
    make_set(WEEK)
    first = client.get(f"/api/v1/reports/weekly/{WEEK}/deliveries",
                       headers=admin_headers).get_json()
    assert first["delivered"] == 0 and first["undeliverable"] == 263
    user = make_user("community", "sq-late", community_code=HOME)
    books = client.get("/api/v1/community/workbooks",
                       headers=auth_headers(user)).get_json()["items"]
    assert [(b["week"], b["downloadable"]) for b in books] == [(WEEK, True)]
    after = client.get(f"/api/v1/reports/weekly/{WEEK}/deliveries",
                       headers=admin_headers).get_json()
    row = next(r for r in after["items"] if r["community_code"] == HOME)
    # Made available when the account was opened, after the set: the ledger says so.
    assert row["status"] == "delivered" and row["made_available_at"] > first_set_time(app)
    # A second account of the same community changes nothing.
    make_user("community", "sq-late-2", community_code=HOME)
    with app.app_context():
        assert db.session.query(Delivery).count() == 1


def first_set_time(app):
    from service.reports import runs as set_runs
    with app.app_context():
        return set_runs.list_sets().items[0].finished_at.isoformat()
