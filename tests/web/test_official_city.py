"""The overview of a city of several districts (#19 point 1), on a phone: a city official sees
every district against its share of the target, opens one to see its streets and
communities, and comes back; a district official sees only their own district. What the
page shows is checked against what the API answers."""

import pytest
from playwright.sync_api import expect

from tests.api.test_city_overview import EAST, XICHENG, city  # noqa: F401
from tests.web import console_a
from tests.web.conftest import log_in
from tests.web.console_a import open_tab

desk = console_a.desk  # the fixture: a desktop window

pytestmark = pytest.mark.web


def board(client, headers, **query):
    args = "&".join(f"{k}={v}" for k, v in query.items())
    return client.get(f"/api/v1/dashboard/users?{args}", headers=headers).get_json()


def test_a_city_official_opens_a_district_and_comes_back(phone, city, make_user,  # noqa: F811
                                                         auth_headers, client):
    user = make_user("official", "shi", display_name="市民政局")
    headers = auth_headers(user)
    log_in(phone, user.username, user.password)
    city_board = board(client, headers)
    rows = phone.locator("#districts tr.district")
    expect(rows).to_have_count(3)
    expect(phone.locator("#place")).to_have_text("全市")
    expect(phone.locator("#verified")).to_have_text(f"{city_board['verified']:,}")
    expect(phone.locator("#streets")).to_have_count(0)
    east = next(d for d in city_board["districts"] if d["code"] == EAST)
    east_row = phone.locator(f'#districts tr[data-district="{EAST}"]')
    expect(east_row).to_contain_text("东城区")
    expect(east_row).to_contain_text(f"{east['verified']:,} / {east['target']:,}")
    expect(east_row).to_contain_text("2 / 3")

    east_row.locator("a").click()
    expect(phone.locator("#streets tr.street")).to_have_count(2)
    expect(phone.locator("#place")).to_have_text("东城区")
    expect(phone.locator("#verified")).to_have_text(f"{east['verified']:,}")
    expect(phone.locator("#target")).to_have_text(f"{east['target']:,}")
    opened = board(client, headers, district=EAST)
    assert phone.locator("#streets tr.street").evaluate_all(
        "rs => rs.map((r) => r.dataset.street).sort()") == sorted(
        s["code"] for s in opened["streets"])
    # The district's field work only: its three communities are overdue, none of Xicheng's.
    expect(phone.locator("#overdue h2")).to_contain_text("（3）")

    phone.locator("#back-to-city").click()
    expect(phone.locator("#districts tr.district")).to_have_count(3)
    expect(phone.locator("#back-to-city")).to_have_count(0)


def test_a_district_official_sees_only_their_district(phone, city, make_user,  # noqa: F811
                                                      auth_headers, client):
    user = make_user("official", "dongcheng", district_code=EAST, display_name="东城区民政局")
    log_in(phone, user.username, user.password)
    expect(phone.locator("#streets tr.street")).to_have_count(2)
    expect(phone.locator("#place")).to_have_text("东城区")
    expect(phone.locator("#districts")).to_have_count(0)
    expect(phone.locator("#back-to-city")).to_have_count(0)
    own = board(client, auth_headers(user))
    assert own["district"]["code"] == EAST
    expect(phone.locator("#verified")).to_have_text(f"{own['verified']:,}")
    refused = client.get(f"/api/v1/dashboard/users?district={XICHENG}",
                         headers=auth_headers(user))
    assert refused.status_code == 403


def test_a_district_opened_shows_its_own_weekly_set(phone, city, make_user,  # noqa: F811
                                                    auth_headers, client, admin_headers):
    """The weekly section of an opened district asks for that district's set: nothing is
    refused for want of a district, and its street picker holds the district's streets."""
    user = make_user("official", "shi")
    log_in(phone, user.username, user.password)
    phone.locator(f'#districts tr[data-district="{EAST}"] a').click()
    expect(phone.locator("#streets tr.street")).to_have_count(2)
    expect(phone.locator("#week-status")).to_have_text("尚未生成")
    assert phone.locator("#week-street option").evaluate_all(
        "os => os.map((o) => o.textContent)") == ["东华门街道", "景山街道"]


def test_the_console_makes_the_set_of_the_district_chosen(desk, city, admin,  # noqa: F811
                                                          admin_headers, client):
    open_tab(desk, admin, "周报")
    picker = desk.get_by_label("区", exact=True)
    expect(picker).to_have_value("110101000000")  # the first district by code
    picker.select_option(label="海淀区")
    expect(desk.get_by_label("区", exact=True)).to_have_value("110108000000")
    # The weeks of the district chosen (the page drawn again), not the first one's.
    expect(desk.locator('#weeks-card[data-district="110108000000"]')).to_be_visible()
    week = desk.locator("#weeks tr[data-week]").last.get_attribute("data-week")
    desk.locator(f'#weeks [data-make="{week}"]').click()
    expect(desk.locator(f'#weeks tr[data-week="{week}"]')).not_to_have_attribute(
        "data-status", "none")
    sets = client.get("/api/v1/reports/weekly?district=110108000000",
                      headers=admin_headers).get_json()["items"]
    assert [(s["subject"], s["district_code"]) for s in sets] == [(week, "110108000000")]
    assert client.get(f"/api/v1/reports/weekly?district={EAST}",
                      headers=admin_headers).get_json()["items"] == []


def test_the_console_reads_every_place_of_a_large_city(desk, admin, runner, tmp_path):
    """More places than one page of the API holds (500): the console's pickers hold them all."""
    from tests.api.test_districts import district_dir
    street = "110105001000"
    big = district_dir(tmp_path, "big", "110105000000", "朝阳区", {street: "建外街道"},
                       [(street, f"110105001{n:03d}", f"第{n}社区居委会")
                        for n in range(1, 521)])
    assert runner.invoke(args=["seed-district", str(big)]).exit_code == 0
    open_tab(desk, admin, "周报")
    desk.get_by_label("区", exact=True).select_option(label="朝阳区")
    expect(desk.locator('#weeks-card[data-district="110105000000"]')).to_be_visible()
    expect(desk.locator("#week-street option")).to_have_count(1)
    expect(desk.locator("#week-community option")).to_have_count(520)
    expect(desk.locator("#week-community option").last).to_have_text("第520社区居委会")
