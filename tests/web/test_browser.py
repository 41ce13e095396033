"""The client as people use it, in a real browser: log in and out, log a visit online and
offline, see refusals in Chinese, and the officials' dashboard."""

import re

import pytest
from playwright.sync_api import expect

from models import Visit, db
from tests.web.conftest import PHONE_POSITION, log_in

pytestmark = pytest.mark.web
XICHANG = "110102001000"


@pytest.fixture
def liaison(make_user):
    return make_user("liaison", "wang", streets=[XICHANG], display_name="王静")


def visits_of(app, username="wang"):
    with app.app_context():
        return [v for v in db.session.query(Visit).all() if v.user.username == username]


def test_login_keeps_you_in_after_a_reload_and_logout_ends_it(phone, liaison):
    log_in(phone, "wang", liaison.password)
    expect(phone.locator("#who")).to_have_text("王静")
    expect(phone.get_by_role("heading", name=re.compile("我的社区"))).to_be_visible()
    phone.reload()
    expect(phone.locator("#who")).to_have_text("王静")
    phone.get_by_role("button", name="退出登录").click()
    expect(phone.get_by_role("button", name="登录", exact=True)).to_be_visible()
    assert phone.evaluate("localStorage.getItem('token')") is None


def test_a_wrong_password_is_refused_in_chinese(phone, liaison):
    log_in(phone, "wang", "not-the-password")
    expect(phone.locator("#login-error")).to_have_text("用户名或密码错误")


def test_a_liaison_logs_a_visit_online_with_the_phone_position(phone, liaison, app):
    log_in(phone, "wang", liaison.password)
    phone.get_by_role("link", name="记录走访").first.click()
    phone.get_by_label("社区（输入名称查找）").fill("府右街南")
    phone.get_by_role("option", name="府右街南社区居委会").click()
    phone.get_by_role("button", name="获取当前位置").click()
    expect(phone.locator("#fix")).to_contain_text("精度约 20 米")
    phone.get_by_label("接触人数").fill("4")
    phone.get_by_label("备注").fill("讲解实名认证")
    phone.get_by_role("button", name="提交走访").click()
    expect(phone.get_by_role("heading", name="最近走访")).to_be_visible()
    expect(phone.locator(".tag.ok").first).to_have_text("位置正常")
    [visit] = visits_of(app)
    assert visit.community_code == "110102001004" and visit.people_met == 4
    assert visit.latitude == pytest.approx(PHONE_POSITION["latitude"])
    assert visit.longitude == pytest.approx(PHONE_POSITION["longitude"])
    assert visit.location_check == "ok" and visit.notes == "讲解实名认证"


def submit_visit(page, community: str, people: str) -> None:
    page.get_by_label("社区（输入名称查找）").fill(community)
    page.get_by_role("option", name=re.compile(community)).first.click()
    page.get_by_label("接触人数").fill(people)
    page.get_by_role("button", name="提交走访").click()


def test_visits_logged_offline_survive_a_reload_and_sync_exactly_once(phone, liaison, app):
    log_in(phone, "wang", liaison.password)
    expect(phone.get_by_role("heading", name=re.compile("我的社区"))).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null || "
                            "navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # the service worker now controls the page and has cached the shell
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.get_by_role("link", name="记录走访").first.click()
    expect(phone.get_by_label("社区（输入名称查找）")).to_be_visible()
    phone.context.set_offline(True)
    submit_visit(phone, "府右街南", "2")
    expect(phone.locator("#waiting")).to_have_text("1")
    submit_visit(phone, "西交民巷", "3")
    expect(phone.locator("#waiting")).to_have_text("2")
    phone.reload()  # still offline: the page comes from the service worker's cache
    expect(phone.locator("#waiting")).to_have_text("2")
    assert visits_of(app) == []
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("#waiting")).to_have_count(0)
    stored = visits_of(app)
    assert sorted(v.people_met for v in stored) == [2, 3]
    # Pressing upload again (or a late retry) sends nothing twice.
    phone.reload()
    assert len(visits_of(app)) == 2


def test_a_refused_visit_is_explained_in_chinese(phone, liaison, app):
    log_in(phone, "wang", liaison.password)
    expect(phone.get_by_role("heading", name=re.compile("我的社区"))).to_be_visible()
    with app.app_context():  # the assignment ends while the phone still lists the community
        from models import Assignment
        db.session.query(Assignment).delete()
        db.session.commit()
    phone.get_by_role("link", name="记录走访").first.click()
    submit_visit(phone, "府右街南", "1")
    expect(phone.locator("#visit-error")).to_contain_text("未被分配")
    assert visits_of(app) == []


def test_the_official_dashboard_shows_what_the_api_says(phone, make_user, client,
                                                        auth_headers, runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    official = make_user("official", "guan", display_name="区民政局")
    headers = auth_headers(official)
    board = client.get("/api/v1/dashboard/users", headers=headers).get_json()
    targets = client.get("/api/v1/targets", headers=headers).get_json()
    log_in(phone, "guan", official.password)
    expect(phone.locator("#verified")).to_have_text(f"{board['verified']:,}")
    expect(phone.locator("#target")).to_have_text(f"{board['target']:,}")
    for item in targets["items"]:
        expect(phone.locator(f'tr[data-key="{item["key"]}"] [data-status]')).to_have_attribute(
            "data-status", item["status"])
    missing = next(i for i in targets["items"] if i["key"] == "trainings_streets")["missing"]
    if missing:
        expect(phone.locator('tr[data-key="trainings_streets"]')).to_contain_text(
            missing[0]["name"])
    phone.locator('tr[data-street="110102001000"]').click()
    expect(phone.locator('tr[data-of="110102001000"]').first).to_be_visible()
