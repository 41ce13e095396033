"""联络员分工 in the console, in a real browser: an admin hands a community over from one
liaison to another in one step, sees the district's streets with their liaisons and the
communities nobody covers today, and a refused handover says why at the field."""

import re
from datetime import timedelta

import pytest

from service.clock import local_today
from tests.web import console_a
from tests.web.console_a import assert_fits, expect, open_tab

desk = console_a.desk  # the fixture: a desktop window
pytestmark = pytest.mark.web
XICHANG, XINJIEKOU = "110102001000", "110102003000"
FUYOUJIE = "110102001004"


def test_an_admin_hands_a_community_over(desk, admin, admin_headers, client, make_user):
    make_user("liaison", "wang", display_name="王芳", communities=[FUYOUJIE])
    make_user("liaison", "zhou", display_name="周杰")
    make_user("liaison", "sun", display_name="孙丽", streets=[XICHANG])
    open_tab(desk, admin, "联络员分工")

    # The district today: 西长安街 covered by 孙丽; 新街口 nobody's, its communities in red.
    cover = desk.locator("#district-cover")
    expect(cover.locator(f'tr[data-street="{XICHANG}"]')).to_contain_text("孙丽")
    expect(cover.locator(f'tr[data-street="{XICHANG}"] .uncovered')).to_have_count(0)
    xinjiekou = cover.locator(f'tr[data-street="{XINJIEKOU}"]')
    expect(xinjiekou.locator(".community.uncovered").first).to_be_visible()
    district = client.get("/api/v1/assignments/district", headers=admin_headers).get_json()
    expect(cover.locator("#uncovered-total")).to_have_text(
        f"今天有 {district['uncovered']} 个社区无人负责（标红）")
    expect(cover.locator(".community.uncovered")).to_have_count(district["uncovered"])

    row = desk.locator("#assignment-list tr[data-assignment]").filter(has_text="王芳")
    expect(row).to_contain_text("府右街南社区居委会")
    row.get_by_role("button", name="交接").click()
    handover = desk.locator(f'tr[data-for="{row.get_attribute("data-assignment")}"] form')
    # A last day before the assignment began is refused at that field.
    handover.get_by_label("接手的联络员").select_option("zhou")
    handover.get_by_label("王芳的最后一天").fill("2022-03-01")
    handover.get_by_role("button", name="确认交接").click()
    expect(handover.locator('.field-error[data-field="last_day"]')).to_contain_text(
        "交接日期不能早于这项分工的开始日期")

    last_day = local_today()
    handover.get_by_label("王芳的最后一天").fill(last_day.isoformat())
    handover.get_by_role("button", name="确认交接").click()
    tomorrow = (last_day + timedelta(days=1)).isoformat()
    expect(desk.locator("#toast")).to_have_text(f"已交接：周杰 自 {tomorrow} 起负责")
    # The list of all, ended ones included.
    desk.locator("#assign-filters").get_by_label("范围").select_option("")
    expect(desk.locator("#assignment-list tr[data-assignment]").filter(has_text="周杰")
           ).to_contain_text(tomorrow)
    assert_fits(desk)

    # 孙丽's street ended from today: its communities are nobody's now, shown in red.
    desk.locator("#assignment-list tr[data-assignment]").filter(has_text="孙丽").get_by_role(
        "button", name="结束").click()
    expect(desk.locator("#toast")).to_have_text("分工已结束")
    expect(cover.locator(f'tr[data-street="{XICHANG}"]')).not_to_contain_text("孙丽")
    # 府右街南 is still 王芳's today (周杰 takes it over tomorrow).
    expect(cover.locator(f'[data-community="{FUYOUJIE}"]')).not_to_have_class(
        re.compile("uncovered"))
    expect(cover.locator(f'[data-community="{FUYOUJIE}"]')).to_contain_text("王芳")
    expect(cover.locator(f'tr[data-street="{XICHANG}"] .uncovered').first).to_be_visible()

    history = client.get(f"/api/v1/assignments?community_code={FUYOUJIE}",
                         headers=admin_headers).get_json()["items"]
    assert [(a["username"], a["start_date"], a["end_date"]) for a in history] == [
        ("zhou", tomorrow, None),
        ("sun", "2022-03-15", (last_day - timedelta(days=1)).isoformat()),
        ("wang", "2022-03-15", last_day.isoformat())]
