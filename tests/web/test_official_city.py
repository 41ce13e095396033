"""The overview of a city of several districts (#19 point 1), on a phone: a city official sees
every district against its share of the target, opens one to see its streets and
communities, and comes back; a district official sees only their own district. What the
page shows is checked against what the API answers."""

import pytest
from playwright.sync_api import expect

from tests.api.test_city_overview import EAST, XICHENG, city  # noqa: F401
from tests.web.conftest import log_in

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
