"""The weekly set per district (#19 point 1): with Xicheng and a small second district held,
each district gets its own set (its communities', its streets' and its own workbook), asked
for and read by naming the district; the two districts' files stand side by side; deliveries
reach only the district's community accounts; a district official reads only their own
district's sets; the schedule makes one set per district."""

import io
import zipfile
from datetime import date, datetime, time
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from models import Job
from service.clock import SHANGHAI
from service.district import accounts, places
from service.jobs import schedule
from service.reports import runs
from tests import conftest
from tests.api.test_districts import district_dir
from tests.conftest import DEFAULT_PASSWORD, running_consumer

WEEK = "2022-W30"
XICHENG = "110102000000"
EAST = "110101000000"
EAST_STREETS = {"110101001000": "东华门街道", "110101002000": "景山街道"}
EAST_COMMUNITIES = [("110101001000", "110101001001", "多福巷社区居委会"),
                    ("110101001000", "110101001002", "银闸社区居委会"),
                    ("110101002000", "110101002001", "隆福寺社区居委会")]
BASE = "/api/v1/reports/weekly"


@pytest.fixture
def two_held(runner, tmp_path):
    """Xicheng (the shipped files) and 东城区 with two streets and three communities."""
    east = district_dir(tmp_path, "east", EAST, "东城区", EAST_STREETS, EAST_COMMUNITIES)
    loaded = runner.invoke(args=["seed-district", str(places.DATA_DIR), str(east)])
    assert loaded.exit_code == 0, loaded.output


@pytest.fixture
def official_of(app, auth_headers):
    """Headers of an official scoped to a district (None: the city's official)."""
    def make(district: str | None, username: str) -> dict:
        with app.app_context():
            user = accounts.create_user(username=username, password=DEFAULT_PASSWORD,
                                        role="official", district_code=district)
            made = conftest.TestUser(user.id, user.username, user.role, DEFAULT_PASSWORD,
                            user.display_name)
        return auth_headers(made)
    return make


def make_here(app, district: str, week: str = WEEK) -> runs.MadeHere:
    with app.app_context():
        return runs.make_set_here(week, district=district, processes=1)


def table(data: bytes, sheet: str = "汇总") -> tuple[str, list[list]]:
    book = load_workbook(io.BytesIO(data))
    return book[sheet]["A1"].value, [list(r) for r in book[sheet].iter_rows(min_row=5,
                                                                           values_only=True)]


def wait_until_done(client, headers, url: str, timeout: float = 240) -> dict:
    import time as clock
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        body = client.get(url, headers=headers).get_json()
        if body["latest"] or (body["runs"] and body["runs"][0]["status"] == "failed"):
            return body
        clock.sleep(0.2)
    raise AssertionError(f"not done in {timeout} s: {body}")


def test_each_district_gets_its_own_set_from_the_queue(app, client, two_held, admin_headers,
                                                       official_of):
    city = official_of(None, "city")
    # With two districts held, which one must be said.
    for response in (client.post(f"{BASE}/{WEEK}/runs", headers=admin_headers),
                     client.get(f"{BASE}/{WEEK}", headers=city),
                     client.get(f"{BASE}/weeks", headers=city),
                     client.get(f"{BASE}/{WEEK}.zip", headers=city),
                     client.get(f"{BASE}/{WEEK}/district.xlsx", headers=city),
                     client.get(f"{BASE}/{WEEK}/deliveries", headers=city)):
        assert response.status_code == 422, response.get_json()
        assert "district" in response.get_json()["errors"]["json"]
    unknown = client.post(f"{BASE}/{WEEK}/runs?district=110199000000", headers=admin_headers)
    assert unknown.status_code == 404 and "district" in unknown.get_json()["errors"]
    malformed = client.get(f"{BASE}/{WEEK}?district=east", headers=city)
    assert malformed.status_code == 422 and "district" in malformed.get_json()["errors"]["query"]
    assert client.get(f"{BASE}", headers=city).get_json()["total"] == 0

    asked = {code: client.post(f"{BASE}/{WEEK}/runs?district={code}", headers=admin_headers)
             for code in (XICHENG, EAST)}
    assert {code: r.status_code for code, r in asked.items()} == {XICHENG: 202, EAST: 202}
    jobs = {code: r.get_json() for code, r in asked.items()}
    assert jobs[XICHENG]["id"] != jobs[EAST]["id"]
    assert {code: job["district_code"] for code, job in jobs.items()} == {XICHENG: XICHENG,
                                                                          EAST: EAST}
    assert asked[EAST].headers["Location"].endswith(f"{BASE}/{WEEK}?district={EAST}")
    # Asking again for one district answers its set; the other district's is another.
    again = client.post(f"{BASE}/{WEEK}/runs?district={EAST}", headers=admin_headers)
    assert again.get_json()["id"] == jobs[EAST]["id"]

    with running_consumer(app, workers=2):
        done = {code: wait_until_done(client, city, f"{BASE}/{WEEK}?district={code}")
                for code in (EAST, XICHENG)}
    for code in (EAST, XICHENG):
        latest = done[code]["latest"]
        assert latest is not None, done[code]["runs"][0]["error"]
        assert latest["id"] == jobs[code]["id"] and done[code]["district"]["code"] == code
    assert done[EAST]["district"]["name"] == "东城区"
    assert done[EAST]["latest"]["progress_total"] == 3 + 2 + 1 + 1  # and the zip
    assert done[XICHENG]["latest"]["progress_total"] == 280

    # Each district's workbook names its own district and holds only its streets.
    east = client.get(f"{BASE}/{WEEK}/district.xlsx?district={EAST}", headers=city)
    assert east.status_code == 200
    assert "东城区" in unquote(east.headers["Content-Disposition"])
    title, rows = table(east.data)
    assert title.startswith("东城区")
    assert [r[0] for r in rows] == [*EAST_STREETS, "合计"]
    title, rows = table(client.get(f"{BASE}/{WEEK}/district.xlsx?district={XICHENG}",
                                   headers=city).data)
    assert title.startswith("西城区") and len(rows) == 16 and rows[-1][0] == "合计"
    assert all(r[0].startswith("110102") for r in rows[:-1])

    # The zips hold each district's own workbooks, and are named by the district.
    archive = client.get(f"{BASE}/{WEEK}.zip?district={EAST}", headers=city)
    assert unquote(archive.headers["Content-Disposition"]).endswith(f"{WEEK}_东城区.zip")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as opened:
        names = opened.namelist()
    assert len(names) == 6 and names[-1] == "district.xlsx"
    assert sorted(n.split("/")[1][:12] for n in names if n.startswith("communities/")) == [
        c for _s, c, _n in EAST_COMMUNITIES]
    with zipfile.ZipFile(io.BytesIO(client.get(f"{BASE}/{WEEK}.zip?district={XICHENG}",
                                               headers=city).data)) as opened:
        assert len(opened.namelist()) == 279

    # A street's or community's workbook is found by its code, in its own district's set.
    for url in (f"{BASE}/{WEEK}/communities/110101002001.xlsx",
                f"{BASE}/{WEEK}/streets/110101001000.xlsx",
                f"{BASE}/{WEEK}/communities/110102001004.xlsx"):
        assert client.get(url, headers=city).status_code == 200, url
    title, rows = table(client.get(f"{BASE}/{WEEK}/streets/110101001000.xlsx",
                                   headers=city).data)
    assert title.startswith("东华门街道") and [r[0] for r in rows[:-1]] == [
        "110101001001", "110101001002"]

    # Both sets are listed; one district's list holds its own.
    listed = client.get(f"{BASE}", headers=city).get_json()
    assert sorted(j["district_code"] for j in listed["items"]) == [EAST, XICHENG]
    only = client.get(f"{BASE}?district={EAST}", headers=city).get_json()
    assert [j["id"] for j in only["items"]] == [jobs[EAST]["id"]]
    weeks = client.get(f"{BASE}/weeks?district={EAST}", headers=city).get_json()
    assert weeks["district"]["code"] == EAST
    assert next(w for w in weeks["items"] if w["week"] == WEEK)["latest"]["id"] == jobs[EAST][
        "id"]


def test_the_districts_files_coexist_and_a_newer_set_replaces_only_its_own(app, client,
                                                                           two_held,
                                                                           admin_headers):
    first_east = make_here(app, EAST)
    xicheng = make_here(app, XICHENG)
    assert first_east.files == 7 and xicheng.files == 280
    # Folders of their own: neither set's files were touched by the other's.
    assert first_east.directory != xicheng.directory
    assert first_east.directory.is_dir() and xicheng.directory.is_dir()
    assert (first_east.directory / f"{WEEK}.zip").is_file()
    assert (xicheng.directory / f"{WEEK}.zip").is_file()

    second_east = make_here(app, EAST)
    # The district's older set goes; the other district's set of the week stays.
    assert not first_east.directory.exists() and second_east.directory.is_dir()
    assert xicheng.directory.is_dir()
    status = client.get(f"{BASE}/{WEEK}?district={XICHENG}", headers=admin_headers).get_json()
    assert status["latest"]["id"] == xicheng.job.id
    status = client.get(f"{BASE}/{WEEK}?district={EAST}", headers=admin_headers).get_json()
    assert status["latest"]["id"] == second_east.job.id
    assert [r["id"] for r in status["runs"]] == [second_east.job.id, first_east.job.id]
    xicheng_zip = client.get(f"{BASE}/{WEEK}.zip?district={XICHENG}", headers=admin_headers)
    assert xicheng_zip.data == (xicheng.directory / f"{WEEK}.zip").read_bytes()
    # The command says which district, and without one refuses while two are held.
    refused = app.test_cli_runner().invoke(args=["weekly-reports", "--week", WEEK])
    assert refused.exit_code != 0 and "district" in refused.output


def test_a_district_official_reads_only_their_districts_sets(app, client, two_held,
                                                             official_of, make_user,
                                                             auth_headers):
    east_set = make_here(app, EAST)
    own = official_of(EAST, "east-official")
    # Their own district without naming it, or by naming it.
    status = client.get(f"{BASE}/{WEEK}", headers=own).get_json()
    assert status["district"]["code"] == EAST and status["latest"]["id"] == east_set.job.id
    for url in (f"{BASE}/{WEEK}.zip", f"{BASE}/{WEEK}/district.xlsx?district={EAST}",
                f"{BASE}/{WEEK}/communities/110101001001.xlsx",
                f"{BASE}/{WEEK}/streets/110101002000.xlsx", f"{BASE}/{WEEK}/deliveries",
                f"{BASE}/{WEEK}/deliveries.xlsx", f"{BASE}/weeks"):
        assert client.get(url, headers=own).status_code == 200, url
    listed = client.get(f"{BASE}", headers=own).get_json()
    assert [j["id"] for j in listed["items"]] == [east_set.job.id]
    # Another district's: refused, naming the district where it was asked for by name.
    for url in (f"{BASE}/{WEEK}?district={XICHENG}", f"{BASE}/{WEEK}.zip?district={XICHENG}",
                f"{BASE}/{WEEK}/district.xlsx?district={XICHENG}",
                f"{BASE}/{WEEK}/deliveries?district={XICHENG}",
                f"{BASE}/weeks?district={XICHENG}", f"{BASE}?district={XICHENG}"):
        refused = client.get(url, headers=own)
        assert refused.status_code == 403, url
        assert "district" in refused.get_json()["errors"], url
    for url in (f"{BASE}/{WEEK}/communities/110102001004.xlsx",
                f"{BASE}/{WEEK}/streets/110102001000.xlsx"):
        assert client.get(url, headers=own).status_code == 403, url
    # An official of the other district sees nothing of this set; the set is not theirs.
    west = official_of(XICHENG, "xicheng-official")
    assert client.get(f"{BASE}/{WEEK}", headers=west).get_json()["latest"] is None
    assert client.get(f"{BASE}/{WEEK}/communities/110101001001.xlsx",
                      headers=west).status_code == 403
    assert client.get(f"{BASE}", headers=west).get_json()["total"] == 0
    # Only admins ask for a set, a district official not even for their own.
    assert client.post(f"{BASE}/{WEEK}/runs?district={EAST}", headers=own).status_code == 403
    # A liaison still reads only their own communities' workbooks.
    liaison = auth_headers(make_user("liaison", streets=["110101001000"]))
    assert client.get(f"{BASE}/{WEEK}/communities/110101001001.xlsx",
                      headers=liaison).status_code == 200
    assert client.get(f"{BASE}/{WEEK}/communities/110101002001.xlsx",
                      headers=liaison).status_code == 403


def test_deliveries_reach_only_the_districts_community_accounts(app, client, two_held,
                                                                 make_user, auth_headers,
                                                                 admin_headers):
    east_account = auth_headers(make_user("community", "sq-east",
                                          community_code="110101001002"))
    west_account = auth_headers(make_user("community", "sq-west",
                                          community_code="110102001004"))
    make_here(app, EAST)
    east_books = client.get("/api/v1/community/workbooks", headers=east_account).get_json()
    assert [(b["week"], b["downloadable"]) for b in east_books["items"]] == [(WEEK, True)]
    assert client.get("/api/v1/community/workbooks",
                      headers=west_account).get_json()["items"] == []
    mine = client.get(f"{BASE}/{WEEK}/communities/110101001002.xlsx", headers=east_account)
    assert mine.status_code == 200
    assert mine.data[:2] == b"PK"
    # Xicheng's account has nothing delivered yet: its district's set is not made.
    assert client.get(f"{BASE}/{WEEK}/communities/110102001004.xlsx",
                      headers=west_account).status_code == 404
    # The ledger of each district lists its own communities.
    east_ledger = client.get(f"{BASE}/{WEEK}/deliveries?district={EAST}",
                             headers=admin_headers).get_json()
    assert east_ledger["district_code"] == EAST and east_ledger["set_made"] is True
    assert (east_ledger["communities"], east_ledger["delivered"], east_ledger["opened"],
            east_ledger["undeliverable"]) == (3, 1, 1, 2)
    west_ledger = client.get(f"{BASE}/{WEEK}/deliveries?district={XICHENG}",
                             headers=admin_headers).get_json()
    assert (west_ledger["communities"], west_ledger["set_made"], west_ledger["delivered"]) == (
        263, False, 0)

    make_here(app, XICHENG)
    assert [b["week"] for b in client.get("/api/v1/community/workbooks",
                                          headers=west_account).get_json()["items"]] == [WEEK]
    assert client.get(f"{BASE}/{WEEK}/communities/110102001004.xlsx",
                      headers=west_account).status_code == 200
    west_ledger = client.get(f"{BASE}/{WEEK}/deliveries?district={XICHENG}",
                             headers=admin_headers).get_json()
    assert (west_ledger["set_made"], west_ledger["delivered"], west_ledger["opened"]) == (
        True, 1, 1)
    # Xicheng's set delivered nothing more to the other district.
    again = client.get(f"{BASE}/{WEEK}/deliveries?district={EAST}",
                       headers=admin_headers).get_json()
    assert again["delivered"] == 1
    # A community account still reads only its own community's workbook.
    assert client.get(f"{BASE}/{WEEK}/communities/110101001001.xlsx",
                      headers=east_account).status_code == 403
    assert client.get(f"{BASE}/{WEEK}.zip?district={EAST}",
                      headers=east_account).status_code == 403


def _weekly_jobs(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return sorted((j.subject, j.district_code, j.trigger)
                      for j in Job.query.filter_by(kind="weekly_set"))


def test_the_schedule_makes_a_set_per_district(app, two_held, admin_headers, client):
    monday = datetime.combine(date(2022, 8, 1), time(6, 1), tzinfo=SHANGHAI)
    with app.app_context():
        for _ in range(3):  # two consumers' schedulers, a minute later
            schedule.queue_due_work(monday)
    assert _weekly_jobs(app) == [(WEEK, EAST, "schedule"), (WEEK, XICHENG, "schedule")]


def test_a_districts_set_asked_for_leaves_the_others_to_the_schedule(app, two_held,
                                                                       admin_headers, client):
    asked = client.post(f"{BASE}/{WEEK}/runs?district={EAST}", headers=admin_headers)
    assert asked.status_code == 202
    # The consumer looks only after the admin asked (at 07:00 on Monday, say).
    with app.app_context():
        schedule.queue_due_work(datetime.combine(date(2022, 8, 1), time(7), tzinfo=SHANGHAI))
    assert _weekly_jobs(app) == [(WEEK, EAST, "request"), (WEEK, XICHENG, "schedule")]

