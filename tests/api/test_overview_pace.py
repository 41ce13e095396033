"""What the official's overview reads (issue #15 point 9): each street's and community's pace
against its own share of the verified-users target, the liaisons covering each community and
its visits, and the liaison who logged each visit."""

from datetime import date

from service.progress.user_counts import apportion
from tests.api.test_user_counts import post_counts
from tests.api.test_visits import FUYOUJIE, XICHANG, XIJIAO, post

START, END = date(2022, 3, 15), date(2023, 3, 15)


def dashboard(client, headers, as_of):
    return client.get(f"/api/v1/dashboard/users?as_of={as_of}", headers=headers).get_json()


def expected_by(as_of, baseline, target):
    """The rule written out: from the level at the start, evenly to the target."""
    fraction = ((as_of - START).days + 1) / ((END - START).days + 1)
    return round(baseline + (target - baseline) * fraction, 2)


def test_streets_and_communities_have_their_own_target_and_pace(client, admin_headers):
    post_counts(client, admin_headers, "2022-03-15", [(FUYOUJIE, 300, 200), (XIJIAO, 100, 50)])
    post_counts(client, admin_headers, "2022-09-13", [(FUYOUJIE, 9000, 8000), (XIJIAO, 200, 60)])
    as_of = date(2022, 9, 13)
    body = dashboard(client, admin_headers, as_of)
    xichang = next(s for s in body["streets"] if s["code"] == XICHANG)
    assert xichang["expected"] == expected_by(as_of, 250, xichang["target"])
    assert xichang["pace"] == ("on_track" if 8060 >= xichang["expected"] else "behind")
    communities = {c["code"]: c for c in xichang["communities"]}
    shares = apportion(xichang["target"], dict.fromkeys(communities, 1))
    assert sum(c["target"] for c in communities.values()) == xichang["target"]
    fuyoujie, xijiao = communities[FUYOUJIE], communities[XIJIAO]
    assert fuyoujie["target"] == shares[FUYOUJIE]
    assert fuyoujie["expected"] == expected_by(as_of, 200, shares[FUYOUJIE])
    assert fuyoujie["pace"] == "done" and fuyoujie["progress"] == round(
        8000 / shares[FUYOUJIE], 4)
    assert xijiao["expected"] == expected_by(as_of, 50, shares[XIJIAO])
    assert xijiao["pace"] == "behind"
    # Another street without any counts is behind from its very first day.
    other = next(s for s in body["streets"] if s["code"] != XICHANG)
    assert other["pace"] == "behind" and other["expected"] > 0


def test_before_the_contract_nothing_is_expected(client, admin_headers):
    body = dashboard(client, admin_headers, date(2022, 3, 1))
    assert {s["expected"] for s in body["streets"]} == {0}
    assert {s["pace"] for s in body["streets"]} == {"on_track"}


def test_coverage_names_the_liaisons_of_each_community(client, make_user, admin_headers,
                                                       auth_headers):
    make_user("liaison", "li", streets=[XICHANG], display_name="王超")
    make_user("liaison", "zhao", communities=[FUYOUJIE], display_name="赵敏")
    official = auth_headers(make_user("official", "guan"))
    rows = {r["community_code"]: r for r in client.get(
        "/api/v1/visits/coverage?as_of=2022-05-20", headers=official).get_json()["items"]}
    assert rows[FUYOUJIE]["liaisons"] == ["王超", "赵敏"]
    assert rows[XIJIAO]["liaisons"] == ["王超"]
    assert rows["110102012001"]["liaisons"] == []


def test_each_visit_names_its_liaison(client, make_user, auth_headers):
    liaison = auth_headers(make_user("liaison", "wang", streets=[XICHANG], display_name="王超"))
    assert post(client, liaison).status_code == 201
    official = auth_headers(make_user("official", "guan"))
    items = client.get("/api/v1/visits?from=2022-05-16&to=2022-05-22",
                       headers=official).get_json()["items"]
    assert [(v["username"], v["liaison"]) for v in items] == [("wang", "王超")]
