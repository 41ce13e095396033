"""A city of several districts (#19 point 1): the city official's overview rolls districts up
the way a district's rolls streets up, a district opens with its streets and communities, the
series reads the city or one district, and an official scoped to a district reads only their
own (dashboard, series, coverage, visits, problems); accounts carry the scope."""

from datetime import date

import pytest

from service.progress.user_counts import apportion
from tests.api.test_districts import district_dir
from tests.api.test_user_counts import post_counts
from tests.api.test_visits import FUYOUJIE, XICHANG, XIJIAO, post

XICHENG = "110102000000"
EAST, WEST = "110101000000", "110108000000"
DONGHUAMEN, JINGSHAN = "110101001000", "110101002000"
DUOFU, YINZHA, LONGFU = "110101001001", "110101001002", "110101002001"
CUIWEI = "110108001001"
TARGET = 350_000
COMMUNITIES = {EAST: 3, XICHENG: 263, WEST: 1}

# (day, community, registered, verified): a few weeks of counts in the three districts.
COUNTS = [
    ("2022-04-01", DUOFU, 100, 80), ("2022-04-01", FUYOUJIE, 500, 400),
    ("2022-04-01", CUIWEI, 50, 20),
    ("2022-05-01", DUOFU, 150, 120), ("2022-05-01", YINZHA, 90, 60),
    ("2022-05-01", LONGFU, 40, 30), ("2022-05-01", XIJIAO, 300, 250),
    ("2022-05-24", DUOFU, 170, 150), ("2022-05-24", FUYOUJIE, 800, 700),
    ("2022-05-24", CUIWEI, 60, 45),
]
AS_OF = date(2022, 5, 31)


@pytest.fixture
def city(runner, client, admin_headers, tmp_path):
    """Xicheng plus 东城 (two streets, three communities) and 海淀 (one), with counts."""
    east = district_dir(tmp_path, "east", EAST, "东城区",
                        {DONGHUAMEN: "东华门街道", JINGSHAN: "景山街道"},
                        [(DONGHUAMEN, DUOFU, "多福巷社区居委会"),
                         (DONGHUAMEN, YINZHA, "银闸社区居委会"),
                         (JINGSHAN, LONGFU, "隆福寺社区居委会")])
    west = district_dir(tmp_path, "west", WEST, "海淀区", {"110108001000": "万寿路街道"},
                        [("110108001000", CUIWEI, "翠微路社区居委会")])
    loaded = runner.invoke(args=["seed-district", str(east), str(west)])
    assert loaded.exit_code == 0, loaded.output
    for day in sorted({row[0] for row in COUNTS}):
        response = post_counts(client, admin_headers, day,
                               [row[1:] for row in COUNTS if row[0] == day])
        assert response.status_code == 201, response.get_json()


def latest(on: date, district_prefix: str = "") -> tuple[int, int]:
    """The sum of each community's latest count on or before `on`, counted from COUNTS."""
    rows = {}
    for day, code, registered, verified in sorted(COUNTS):
        if date.fromisoformat(day) <= on and code.startswith(district_prefix):
            rows[code] = (registered, verified)
    return (sum(r for r, _ in rows.values()), sum(v for _, v in rows.values()))


def dashboard(client, headers, **query):
    args = "&".join(f"{k}={v}" for k, v in {"as_of": AS_OF, **query}.items())
    return client.get(f"/api/v1/dashboard/users?{args}", headers=headers)


def test_the_city_overview_rolls_every_district_up(client, admin_headers, city):
    body = dashboard(client, admin_headers).get_json()
    assert body["scope"] == "city" and body["district"] is None and body["streets"] == []
    shares = apportion(TARGET, COMMUNITIES)
    districts = {d["code"]: d for d in body["districts"]}
    assert [d["code"] for d in body["districts"]] == [EAST, XICHENG, WEST]
    assert districts[EAST]["name"] == "东城区" and districts[WEST]["name"] == "海淀区"
    for code, prefix in ((EAST, "110101"), (XICHENG, "110102"), (WEST, "110108")):
        registered, verified = latest(AS_OF, prefix)
        item = districts[code]
        assert (item["registered"], item["verified"]) == (registered, verified)
        assert item["growth_1w"] == verified - latest(date(2022, 5, 24), prefix)[1]
        assert item["growth_4w"] == verified - latest(date(2022, 5, 3), prefix)[1]
        assert item["target"] == shares[code]
        assert item["communities"] == COMMUNITIES[code]
    assert districts[XICHENG]["streets"] == 15 and districts[EAST]["streets"] == 2
    assert (body["registered"], body["verified"]) == latest(AS_OF)
    assert body["target"] == TARGET == sum(d["target"] for d in body["districts"])
    assert sum(d["share"] for d in body["districts"]) == pytest.approx(1, abs=1e-3)
    assert body["growth_1w"] == latest(AS_OF)[1] - latest(date(2022, 5, 24))[1]


def test_a_district_opens_with_its_own_streets_and_communities(client, admin_headers, city):
    body = dashboard(client, admin_headers, district=EAST).get_json()
    assert body["scope"] == "district"
    assert body["district"] == {"code": EAST, "name": "东城区"}
    assert [s["code"] for s in body["streets"]] == [DONGHUAMEN, JINGSHAN]
    assert {c["code"] for s in body["streets"] for c in s["communities"]} == {
        DUOFU, YINZHA, LONGFU}
    assert (body["registered"], body["verified"]) == latest(AS_OF, "110101")
    city_view = {d["code"]: d for d in dashboard(client, admin_headers).get_json()["districts"]}
    assert body["target"] == city_view[EAST]["target"]
    assert sum(s["target"] for s in body["streets"]) == body["target"]
    donghuamen = body["streets"][0]
    assert donghuamen["verified"] == 150 + 60
    assert [c["code"] for c in donghuamen["communities"]] == [DUOFU, YINZHA]
    assert dashboard(client, admin_headers, district="110199000000").status_code == 404


def test_the_series_reads_the_city_or_one_district(client, admin_headers, city):
    def series(**query):
        args = "&".join(f"{k}={v}" for k, v in {"from": "2022-03-31", "to": AS_OF,
                                                 **query}.items())
        response = client.get(f"/api/v1/dashboard/users/series?{args}", headers=admin_headers)
        assert response.status_code == 200, response.get_json()
        return {p["date"]: (p["registered"], p["verified"]) for p in response.get_json()["items"]}
    whole, east = series(), series(district=EAST)
    for day in ("2022-03-31", "2022-04-01", "2022-05-01", "2022-05-23", "2022-05-24",
                "2022-05-31"):
        assert whole[day] == latest(date.fromisoformat(day)), day
        assert east[day] == latest(date.fromisoformat(day), "110101"), day


def test_a_district_official_reads_only_their_own_district(client, make_user, auth_headers,
                                                           admin_headers, city):
    official = auth_headers(make_user("official", "dongcheng", district_code=EAST))
    body = dashboard(client, official).get_json()
    assert body["scope"] == "district" and body["district"]["code"] == EAST
    refused = dashboard(client, official, district=XICHENG)
    assert refused.status_code == 403 and "district" in refused.get_json()["errors"]
    assert dashboard(client, official, district=EAST).status_code == 200

    def series(query):
        return client.get(f"/api/v1/dashboard/users/series?from=2022-05-31&to=2022-05-31"
                          f"{query}", headers=official)
    assert series("").get_json()["items"][0]["verified"] == latest(AS_OF, "110101")[1]
    assert series(f"&street_code={XICHANG}").status_code == 403
    assert series(f"&community_code={FUYOUJIE}").status_code == 403
    assert series(f"&street_code={DONGHUAMEN}").get_json()["items"][0]["verified"] == 210
    assert series("&street_code=110101099000").status_code == 404

    coverage = client.get("/api/v1/visits/coverage?as_of=2022-05-31", headers=official)
    assert {r["community_code"] for r in coverage.get_json()["items"]} == {
        DUOFU, YINZHA, LONGFU}
    assert client.get(f"/api/v1/visits/coverage?street_code={XICHANG}",
                      headers=official).status_code == 403


def test_visits_and_problems_of_other_districts_stay_hidden(client, make_user, auth_headers,
                                                           admin_headers, city):
    liaison = auth_headers(make_user("liaison", "li", streets=[XICHANG]))
    visit = post(client, liaison).get_json()
    problem = client.post("/api/v1/problems", headers=liaison, json={
        "community_code": FUYOUJIE, "title": "楼门口路灯坏了", "category": "environment"})
    assert problem.status_code == 201, problem.get_json()
    east = auth_headers(make_user("official", "dongcheng", district_code=EAST))
    xicheng = auth_headers(make_user("official", "xicheng", district_code=XICHENG))
    city_official = auth_headers(make_user("official", "shi"))
    for headers, seen in ((east, False), (xicheng, True), (city_official, True)):
        visits = client.get("/api/v1/visits", headers=headers).get_json()["items"]
        assert [v["id"] for v in visits] == ([visit["id"]] if seen else [])
        one = client.get(f"/api/v1/visits/{visit['id']}", headers=headers)
        assert one.status_code == (200 if seen else 404)
        problems = client.get("/api/v1/problems", headers=headers).get_json()["items"]
        assert len(problems) == (1 if seen else 0)


def test_accounts_carry_an_officials_district(client, admin_headers, city):
    created = client.post("/api/v1/users", headers=admin_headers, json={
        "username": "dongcheng", "role": "official", "district_code": EAST})
    assert created.status_code == 201, created.get_json()
    user = created.get_json()
    assert user["district_code"] == EAST
    for body, status in (({"username": "l1", "role": "liaison", "district_code": EAST}, 422),
                         ({"username": "o1", "role": "official",
                           "district_code": "110199000000"}, 422),
                         ({"username": "o2", "role": "official", "district_code": "东城"},
                          422)):
        refused = client.post("/api/v1/users", headers=admin_headers, json=body)
        assert refused.status_code == status
        errors = refused.get_json()["errors"]
        assert "district_code" in errors.get("json", errors)
    # Emptied: the whole city; a role other than official drops the district.
    city_wide = client.patch(f"/api/v1/users/{user['id']}", headers=admin_headers,
                             json={"district_code": ""})
    assert city_wide.status_code == 200 and city_wide.get_json()["district_code"] is None
    again = client.patch(f"/api/v1/users/{user['id']}", headers=admin_headers,
                         json={"district_code": WEST})
    assert again.get_json()["district_code"] == WEST
    kept = client.patch(f"/api/v1/users/{user['id']}", headers=admin_headers,
                        json={"display_name": "海淀区民政局"})
    assert kept.get_json()["district_code"] == WEST
    demoted = client.patch(f"/api/v1/users/{user['id']}", headers=admin_headers,
                           json={"role": "admin"})
    assert demoted.status_code == 200 and demoted.get_json()["district_code"] is None


def test_one_district_held_keeps_the_district_overview(client, admin_headers):
    body = dashboard(client, admin_headers).get_json()
    assert body["scope"] == "district" and body["district"]["code"] == XICHENG
    assert len(body["streets"]) == 15 and body["target"] == TARGET


def test_a_district_official_lists_their_districts_records(client, make_user, auth_headers,
                                                           admin_headers, city):
    def add(url, **body):
        created = client.post(f"/api/v1/{url}", json=body, headers=admin_headers)
        assert created.status_code == 201, created.get_json()
        return created.get_json()["id"]
    event = {"date": "2022-06-01", "title": "拉新活动", "participants": 10,
             "signups_registered": 5, "signups_verified": 4}
    east_event = add("events", community_code=DUOFU, **event)
    east_street_event = add("events", street_code=JINGSHAN, **event)
    xicheng_event = add("events", community_code=FUYOUJIE, **event)
    training = {"date": "2022-05-10", "title": "平台使用培训", "trainer": "王老师",
                "attendees": 40}
    east_training = add("trainings", street_codes=[DONGHUAMEN], **training)
    mixed_training = add("trainings", street_codes=[XICHANG], community_codes=[LONGFU],
                         **training)
    xicheng_training = add("trainings", community_codes=[FUYOUJIE], **training)
    east = auth_headers(make_user("official", "dongcheng", district_code=EAST))
    city_official = auth_headers(make_user("official", "shi"))

    def listed(url, headers):
        return {r["id"] for r in client.get(f"/api/v1/{url}", headers=headers)
                .get_json()["items"]}
    assert listed("events", east) == {east_event, east_street_event}
    assert listed("events", city_official) == {east_event, east_street_event, xicheng_event}
    assert listed("trainings", east) == {east_training, mixed_training}
    assert listed("trainings", city_official) == {east_training, mixed_training,
                                                  xicheng_training}
    assert client.get(f"/api/v1/events/{xicheng_event}", headers=east).status_code == 404
    assert client.get(f"/api/v1/events/{east_event}", headers=east).status_code == 200
    assert client.get(f"/api/v1/trainings/{xicheng_training}",
                      headers=east).status_code == 404
