"""The liaison's phone after issue #15, on a 360 px wide phone: one form is one visit, the
offline queue belongs to its author, refused visits say why and can be corrected, what a visit
counts for is shown as the server says, the phone warns about distance before sending, the
layout holds on a small screen and counts are checked."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from models import Assignment, Community, Visit, db
from service.district import assignments
from tests.web.conftest import PHONE_POSITION, log_in

pytestmark = pytest.mark.web
XICHANG = "110102001000"
FUYOUJIE = "110102001004"   # 府右街南社区居委会
XIJIAO = "110102001007"     # 西交民巷社区居委会


@pytest.fixture
def small_phone(browser, live_server):
    """A 360 px wide Android phone with location permission and a fixed position."""
    playwright, chromium = browser
    pixel = playwright.devices["Pixel 7"]
    context = chromium.new_context(
        user_agent=pixel["user_agent"], viewport={"width": 360, "height": 740},
        device_scale_factor=3, is_mobile=True, has_touch=True, base_url=live_server,
        geolocation=PHONE_POSITION, permissions=["geolocation"], locale="zh-CN",
        timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.dialogs = []

    def answer(dialog):
        page.dialogs.append(dialog.message)
        if page.answer_dialogs:
            dialog.accept()
        else:
            dialog.dismiss()
    page.answer_dialogs = True
    page.on("dialog", answer)
    yield page
    context.close()


@pytest.fixture
def wang(make_user):
    return make_user("liaison", "wang", streets=[XICHANG], display_name="王静")


@pytest.fixture
def li(make_user):
    return make_user("liaison", "li", streets=[XICHANG], display_name="李明")


def last_dialog(page, before: int) -> str:
    """The message of the next dialog after `before` had been answered (they come late)."""
    for _ in range(100):
        if len(page.dialogs) > before:
            return page.dialogs[-1]
        page.wait_for_timeout(50)
    raise AssertionError("no dialog was shown")


def visits_of(app, username=None):
    with app.app_context():
        return [(v.user.username, v.community_code, v.people_met, v.purpose, v.client_id)
                for v in db.session.query(Visit).order_by(Visit.id)
                if username is None or v.user.username == username]


def open_log(page):
    page.get_by_role("link", name="记录走访").first.click()
    expect(page.get_by_label("社区（输入名称查找）")).to_be_visible()


def choose(page, community):
    page.get_by_label("社区（输入名称查找）").fill(community)
    page.get_by_role("option", name=re.compile(community)).first.click()


def go_offline_ready(page):
    """Wait until the service worker controls the page, so that it opens with no network."""
    expect(page.get_by_role("heading", name=re.compile("我的社区"))).to_be_visible()
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def back_online(page):
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")


# ---------------------------------------------------------------- 1. one form, one visit

def test_a_double_tap_on_submit_stores_one_visit(small_phone, wang, app):
    log_in(small_phone, "wang", wang.password)
    open_log(small_phone)
    choose(small_phone, "府右街南")
    small_phone.get_by_label("接触人数").fill("3")
    small_phone.get_by_role("button", name="提交走访").dblclick()
    expect(small_phone.get_by_role("heading", name="最近走访")).to_be_visible()
    small_phone.wait_for_timeout(300)
    assert [(v[1], v[2]) for v in visits_of(app)] == [(FUYOUJIE, 3)]
    # Two taps faster than any answer: the second finds the button disabled and the form busy.
    open_log(small_phone)
    choose(small_phone, "西交民巷")
    disabled = small_phone.evaluate("""() => {
        const form = document.querySelector('#visit');
        form.requestSubmit();
        const busy = form.querySelector('button[type=submit]').disabled;
        form.requestSubmit(); form.requestSubmit(); return busy; }""")
    assert disabled is True
    expect(small_phone.get_by_role("heading", name="最近走访")).to_be_visible()
    stored = visits_of(app)
    assert [(v[1], v[2]) for v in stored] == [(FUYOUJIE, 3), (XIJIAO, 0)]


def test_a_form_sent_again_after_a_refusal_keeps_its_client_id(small_phone, wang, app):
    log_in(small_phone, "wang", wang.password)
    open_log(small_phone)
    choose(small_phone, "府右街南")
    small_phone.get_by_label("接触人数").fill("1000000")
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.locator("#visit-error")).to_contain_text("接触人数")
    assert visits_of(app) == []
    small_phone.get_by_label("接触人数").fill("6")
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.get_by_role("heading", name="最近走访")).to_be_visible()
    assert [(v[1], v[2]) for v in visits_of(app)] == [(FUYOUJIE, 6)]


# ---------------------------------------------------------------- 2. the queue is its author's

def test_two_liaisons_on_one_phone_never_see_or_send_each_others_queue(small_phone, wang, li,
                                                                       app):
    log_in(small_phone, "wang", wang.password)
    go_offline_ready(small_phone)
    open_log(small_phone)
    small_phone.context.set_offline(True)
    choose(small_phone, "府右街南")
    small_phone.get_by_label("接触人数").fill("2")
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.locator("#waiting")).to_have_text("1")
    # Logging out with a visit still queued asks first; saying no keeps wang logged in.
    small_phone.answer_dialogs = False
    small_phone.get_by_role("button", name="退出登录").click()
    assert "还有 1 条走访未上传" in last_dialog(small_phone, 0)
    expect(small_phone.locator("#who")).to_have_text("王静")
    small_phone.answer_dialogs = True
    small_phone.get_by_role("button", name="退出登录").click()
    expect(small_phone.get_by_role("button", name="登录", exact=True)).to_be_visible()
    expect(small_phone.locator("#waiting")).to_have_count(0)
    back_online(small_phone)
    log_in(small_phone, "li", li.password)
    expect(small_phone.locator("#who")).to_have_text("李明")
    expect(small_phone.get_by_role("heading", name=re.compile("我的社区"))).to_be_visible()
    expect(small_phone.locator("#net")).to_be_hidden()
    small_phone.evaluate("window.dispatchEvent(new Event('online'))")
    small_phone.wait_for_timeout(500)
    assert visits_of(app) == []
    dialogs = len(small_phone.dialogs)
    small_phone.get_by_role("button", name="退出登录").click()  # nothing of li's is queued
    expect(small_phone.get_by_role("button", name="登录", exact=True)).to_be_visible()
    assert len(small_phone.dialogs) == dialogs
    log_in(small_phone, "wang", wang.password)
    expect(small_phone.locator("#toast")).to_have_text("已上传 1 条走访")
    assert [(v[0], v[1], v[2]) for v in visits_of(app)] == [("wang", FUYOUJIE, 2)]


def test_visits_queued_before_owners_go_to_the_liaison_logged_in_then(small_phone, wang,
                                                                      app):
    log_in(small_phone, "wang", wang.password)
    go_offline_ready(small_phone)
    small_phone.context.set_offline(True)
    small_phone.evaluate("""() => new Promise((resolve) => {
        localStorage.removeItem('queueOwners');
        const open = indexedDB.open('xicheng-visits', 1);
        open.onsuccess = () => {
            const tx = open.result.transaction('queue', 'readwrite');
            const body = { client_id: crypto.randomUUID(), community_code: '110102001004',
                visited_at: new Date().toISOString(), purpose: 'routine', notes: '',
                people_met: 7, new_registrations: 0 };
            tx.objectStore('queue').put({ client_id: body.client_id, body,
                queued_at: Date.now(), errors: null });
            tx.oncomplete = () => { open.result.close(); resolve(); };
        };
    })""")
    small_phone.reload()  # the version with owners runs for the first time
    expect(small_phone.locator("#waiting")).to_have_text("1")
    back_online(small_phone)
    expect(small_phone.locator("#toast")).to_have_text("已上传 1 条走访")
    assert [(v[0], v[2]) for v in visits_of(app)] == [("wang", 7)]


# ---------------------------------------------------------------- 3. refused visits

def test_a_refused_queued_visit_says_why_and_is_corrected_and_sent(small_phone, wang, app):
    log_in(small_phone, "wang", wang.password)
    go_offline_ready(small_phone)
    open_log(small_phone)
    small_phone.context.set_offline(True)
    choose(small_phone, "府右街南")
    small_phone.get_by_label("接触人数").fill("4")
    small_phone.get_by_label("备注").fill("讲解实名认证")
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.locator("#waiting")).to_have_text("1")
    choose(small_phone, "西交民巷")
    small_phone.get_by_label("接触人数").fill("2")
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.locator("#waiting")).to_have_text("2")
    queued = small_phone.locator("#queue li")
    expect(queued.first).to_contain_text("府右街南社区居委会")
    expect(queued.first).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} · 日常走访"))
    with app.app_context():  # wang now covers 西交民巷 only
        db.session.query(Assignment).delete()
        db.session.commit()
        assignments.create_assignment(actor=None, username="wang", community_code=XIJIAO,
                                      start_date=date(2022, 3, 15))
    back_online(small_phone)
    expect(small_phone.locator("#toast")).to_have_text("已上传 1 条，1 条未被接收")
    expect(small_phone.locator("#refused")).to_have_text("1")
    refused = small_phone.locator("#queue li")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("府右街南社区居委会")
    expect(refused.locator(".reason")).to_contain_text("未被分配到府右街南社区居委会")
    expect(refused).not_to_contain_text("请检查")
    client_id = small_phone.locator("[data-queued]").get_attribute("data-queued")
    refused.get_by_role("button", name="修改后重新提交").click()
    expect(small_phone.get_by_role("heading", name="修改未被接收的走访")).to_be_visible()
    expect(small_phone.locator("#picked")).to_have_text("已选：府右街南社区居委会")
    expect(small_phone.get_by_label("接触人数")).to_have_value("4")
    expect(small_phone.get_by_label("备注")).to_have_value("讲解实名认证")
    choose(small_phone, "西交民巷")
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.get_by_role("heading", name="最近走访")).to_be_visible()
    expect(small_phone.locator("#net")).to_be_hidden()
    stored = visits_of(app)
    assert sorted((v[1], v[2]) for v in stored) == [(XIJIAO, 2), (XIJIAO, 4)]
    assert client_id in [v[4] for v in stored]  # the same visit, not a new one


def test_a_refusal_of_the_form_shows_the_servers_reason(small_phone, wang, app):
    log_in(small_phone, "wang", wang.password)
    expect(small_phone.get_by_role("heading", name=re.compile("我的社区"))).to_be_visible()
    with app.app_context():
        db.session.query(Assignment).delete()
        db.session.commit()
    open_log(small_phone)
    choose(small_phone, "府右街南")
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.locator("#visit-error")).to_contain_text(
        re.compile(r"您在 \d{4}-\d{2}-\d{2} 未被分配到府右街南社区居委会"))
    assert visits_of(app) == []


# ---------------------------------------------------------------- 4. what a visit counts for

def test_recent_visits_show_standing_rejection_reason_and_full_correction(
        small_phone, wang, app, make_user, client, auth_headers):
    log_in(small_phone, "wang", wang.password)
    open_log(small_phone)
    choose(small_phone, "府右街南")
    small_phone.get_by_role("button", name="获取当前位置").click()
    expect(small_phone.locator("#fix")).to_contain_text("精度约 20 米")
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.locator("#toast")).to_have_text("已提交：已计入合同")
    first = small_phone.locator("[data-visit]").first
    expect(first.locator("[data-standing]")).to_have_text("已计入合同")
    expect(first).not_to_contain_text("待审核")
    # A correction may change the community and the purpose.
    first.get_by_text("更正", exact=True).click()
    first.get_by_label("社区").select_option(label="西交民巷社区居委会")
    first.get_by_label("走访目的").select_option(label="使用指导")
    first.get_by_role("button", name="保存更正").click()
    expect(small_phone.locator("#toast")).to_have_text("已保存更正")
    expect(small_phone.locator("[data-visit]").first).to_contain_text("西交民巷社区居委会")
    [(_, community, _, purpose, _)] = visits_of(app)
    assert (community, purpose) == (XIJIAO, "usage_guidance")
    # A rejected visit shows the reviewer's reason and offers no correction.
    admin = make_user("admin", "boss")
    visit_id = small_phone.locator("[data-visit]").first.get_attribute("data-visit")
    assert client.post(f"/api/v1/visits/{visit_id}/review", headers=auth_headers(admin),
                       json={"status": "rejected", "reason": "照片与社区不符"}).status_code == 200
    small_phone.reload()
    rejected = small_phone.locator("[data-visit]").first
    expect(rejected.locator(".review")).to_have_text("未通过审核：照片与社区不符")
    expect(rejected.locator("[data-standing]")).to_have_text("不计入")
    expect(rejected.get_by_text("更正", exact=True)).to_have_count(0)


# ---------------------------------------------------------------- 5. warned before sending

def test_the_phone_says_how_far_the_community_is_before_sending(small_phone, wang, app):
    with app.app_context():  # the community's point, 1.2 km south of the phone
        community = db.session.get(Community, FUYOUJIE)
        community.latitude = PHONE_POSITION["latitude"] - 0.0108
        community.longitude, community.radius_m = PHONE_POSITION["longitude"], 500
        db.session.commit()
    log_in(small_phone, "wang", wang.password)
    open_log(small_phone)
    choose(small_phone, "府右街南")
    small_phone.get_by_role("button", name="获取当前位置").click()
    expect(small_phone.locator("#fix")).to_contain_text("距社区约 1.2 公里")
    expect(small_phone.locator("#fix")).to_have_class(re.compile("warning"))
    small_phone.answer_dialogs = False
    small_phone.get_by_role("button", name="提交走访").click()
    assert "距社区约 1.2 公里" in last_dialog(small_phone, 0)
    assert visits_of(app) == []


def test_without_a_point_the_phone_measures_to_the_streets_boundary(small_phone, wang, app):
    # 西交民巷 has no point and is in 西长安街街道; the phone is kilometres west of it.
    small_phone.context.set_geolocation({"latitude": 39.9096, "longitude": 116.33,
                                         "accuracy": 20})
    log_in(small_phone, "wang", wang.password)
    open_log(small_phone)
    choose(small_phone, "西交民巷")
    small_phone.get_by_role("button", name="获取当前位置").click()
    expect(small_phone.locator("#fix")).to_contain_text(
        re.compile(r"距社区所在的西长安街街道约 \d\.\d 公里"))
    small_phone.answer_dialogs = True
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.get_by_role("heading", name="最近走访")).to_be_visible()
    with app.app_context():
        [visit] = db.session.query(Visit).all()
        assert visit.location_check == "far"  # the server judged as the phone said


def test_a_position_older_than_30_seconds_is_not_reused(small_phone, wang):
    small_phone.add_init_script("""
        const ask = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
        navigator.geolocation.getCurrentPosition = (ok, bad, options) => {
            window.askedMaximumAge = options.maximumAge; return ask(ok, bad, options); };""")
    log_in(small_phone, "wang", wang.password)
    open_log(small_phone)
    small_phone.get_by_role("button", name="获取当前位置").click()
    expect(small_phone.locator("#fix")).to_contain_text("精度约 20 米")
    assert small_phone.evaluate("window.askedMaximumAge") == 30000


# ---------------------------------------------------------------- 6. layout

def test_the_layout_holds_on_a_360_px_phone(small_phone, make_user, app):
    user = make_user("liaison", "wang", streets=[XICHANG],
                     display_name="张德华（西长安街街道专职联络员）")
    log_in(small_phone, "wang", user.password)
    title = small_phone.locator("header h1")
    expect(title).to_have_text("西城家园 · 推广运营")
    line = small_phone.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('header h1')).lineHeight) || 24")
    assert title.bounding_box()["height"] < 1.5 * line
    assert title.evaluate("h => h.scrollWidth <= h.clientWidth")  # whole, not cut short
    open_log(small_phone)
    expect(small_phone.locator("#picked")).to_have_text("尚未选择社区")
    choose(small_phone, "府右街南")
    expect(small_phone.locator("#picked")).to_have_text("已选：府右街南社区居委会")
    small_phone.get_by_label("备注").fill("x" * 400)
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.get_by_role("heading", name="最近走访")).to_be_visible()
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360
    row = small_phone.locator("[data-visit]").first.locator(".muted").first
    expect(row).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} · 日常走访"))
    # The toast of that visit lies over no part of the submit button, even at the bottom.
    expect(small_phone.locator("#toast")).to_be_visible()
    open_log(small_phone)
    expect(small_phone.locator("#toast")).to_be_visible()
    small_phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    button = small_phone.get_by_role("button", name="提交走访").bounding_box()
    toast = small_phone.locator("#toast").bounding_box()
    assert button["y"] + button["height"] <= toast["y"]


def test_the_network_message_goes_away_when_the_network_is_back(small_phone, wang):
    log_in(small_phone, "wang", wang.password)
    go_offline_ready(small_phone)
    small_phone.context.set_offline(True)
    small_phone.get_by_role("link", name="最近走访").click()
    expect(small_phone.locator("#view")).to_contain_text("网络不可用")
    back_online(small_phone)
    expect(small_phone.get_by_role("heading", name="最近走访")).to_be_visible()
    expect(small_phone.locator("#view")).not_to_contain_text("网络不可用")
    # Also on the login page.
    small_phone.get_by_role("button", name="退出登录").click()
    small_phone.context.set_offline(True)
    log_in_offline = small_phone.get_by_label("用户名")
    log_in_offline.fill("wang")
    small_phone.get_by_label("密码").fill(wang.password)
    small_phone.get_by_role("button", name="登录", exact=True).click()
    expect(small_phone.locator("#login-error")).to_have_text("网络不可用，请联网后登录")
    back_online(small_phone)
    expect(small_phone.locator("#login-error")).to_be_hidden()


# ---------------------------------------------------------------- 7. numbers

def test_counts_are_whole_and_more_signups_than_people_is_questioned(small_phone, wang, app):
    log_in(small_phone, "wang", wang.password)
    open_log(small_phone)
    choose(small_phone, "府右街南")
    small_phone.get_by_label("接触人数").fill("2.5")
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.locator("#visit-error")).to_have_text("接触人数应为 0 或正整数")
    small_phone.get_by_label("接触人数").fill("2")
    small_phone.get_by_label("现场注册人数").fill("5")
    small_phone.answer_dialogs = False
    small_phone.get_by_role("button", name="提交走访").click()
    assert last_dialog(small_phone, 0) == "现场注册人数（5）多于接触人数（2），确定填写无误吗？"
    small_phone.wait_for_timeout(300)
    assert visits_of(app) == []
    small_phone.answer_dialogs = True
    small_phone.get_by_role("button", name="提交走访").click()
    expect(small_phone.get_by_role("heading", name="最近走访")).to_be_visible()
    assert [(v[1], v[2]) for v in visits_of(app)] == [(FUYOUJIE, 2)]
