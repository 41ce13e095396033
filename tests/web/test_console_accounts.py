"""账号 in the console, in a real browser: an admin opens a liaison's account (the initial
password shown once) and assigns them a street; the liaison is made to set a new password
at their first login, then works; a reset does the same; the API's refusals (the last admin,
a weak password) appear as Chinese sentences at the field."""

import re

import pytest

from tests.web import console_a
from tests.web.conftest import log_in
from tests.web.console_a import assert_fits, expect, open_tab

desk = console_a.desk  # the fixture: a desktop window

pytestmark = pytest.mark.web
XICHANG = "110102001000"
NEW_PASSWORD = "lantern-orbit-teapot-49"


def account_row(page, username: str):
    return page.locator(f'#account-list tr[data-username="{username}"]')


def set_new_password(page, current: str, new: str, again: str | None = None) -> None:
    expect(page.get_by_role("heading", name="设置新密码")).to_be_visible()
    page.get_by_label("当前密码").fill(current)
    page.get_by_label("新密码（至少 10 个字符").fill(new)
    page.get_by_label("再次输入新密码").fill(again or new)
    page.get_by_role("button", name="保存新密码").click()


def test_an_admin_opens_a_liaisons_account_and_assigns_a_street(desk, admin, admin_headers,
                                                                client, browser, live_server):
    open_tab(desk, admin, "账号")
    desk.get_by_role("button", name="新建账号").click()
    form = desk.locator("#account-form")
    form.get_by_label("用户名").fill("zhao.min")
    form.get_by_label("姓名").fill("赵敏")
    form.get_by_label("电话").fill("138 0000 1234")
    form.get_by_label("角色").select_option("liaison")
    # A weak initial password: the refusal at the field, in Chinese.
    form.get_by_label("初始密码").fill("password123")
    form.get_by_role("button", name="创建账号").click()
    expect(form.locator('.field-error[data-field="password"]')).to_have_text(
        "这是常见密码，很容易被猜到")
    form.get_by_label("初始密码").fill("")  # then one made by the system
    form.get_by_role("button", name="创建账号").click()
    password = desk.locator("#one-time-password")
    expect(password).to_have_text(re.compile(r"^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$"))
    initial = password.inner_text()
    row = account_row(desk, "zhao.min")
    expect(row).to_contain_text("赵敏")
    expect(row).to_contain_text("待设新密码")
    expect(row).to_contain_text("从未登录")
    desk.get_by_role("button", name="我已记下").click()
    expect(desk.locator("#one-time-password")).to_have_count(0)  # shown once

    # The same username again: the refusal at the field.
    desk.get_by_role("button", name="新建账号").click()
    form.get_by_label("用户名").fill("zhao.min")
    form.get_by_label("姓名").fill("赵敏")
    form.get_by_role("button", name="创建账号").click()
    expect(desk.locator('#account-form .field-error[data-field="username"]')).to_have_text(
        "用户名已存在：zhao.min")
    form.get_by_role("button", name="取消").click()

    # The same admin assigns the new liaison a street.
    desk.locator("#tabs").get_by_role("link", name="联络员分工").click()
    form = desk.locator("#assign-form")
    form.get_by_role("button", name="保存分工").click()  # nothing chosen: said at the fields
    expect(form.locator('.field-error[data-field="street_code"]')).to_have_text(
        "请选择街道（可再选其中一个社区）")
    form.get_by_label("联络员").select_option("zhao.min")
    form.get_by_label("街道").select_option(XICHANG)
    form.get_by_label("开始日期").fill("2022-03-15")
    form.get_by_role("button", name="保存分工").click()
    expect(desk.locator(f'#district-cover tr[data-street="{XICHANG}"]')).to_contain_text("赵敏")
    expect(desk.locator("#assignment-list")).to_contain_text("西长安街街道")

    users = client.get("/api/v1/users?q=zhao.min", headers=admin_headers).get_json()["items"]
    assert [(u["display_name"], u["role"], u["phone"], u["must_change_password"])
            for u in users] == [("赵敏", "liaison", "138 0000 1234", True)]
    assert [p["street_code"] for p in users[0]["places"]] == [XICHANG]
    [assignment] = client.get("/api/v1/assignments?username=zhao.min",
                              headers=admin_headers).get_json()["items"]
    assert (assignment["street_code"], assignment["start_date"], assignment["end_date"]) == (
        XICHANG, "2022-03-15", None)

    # The liaison's first login: a new password first (a weak one refused), then their pages.
    playwright, chromium = browser
    context = chromium.new_context(**playwright.devices["Pixel 7"], base_url=live_server,
                                   locale="zh-CN", timezone_id="Asia/Shanghai")
    phone = context.new_page()
    log_in(phone, "zhao.min", initial)
    set_new_password(phone, initial, "password123")
    expect(phone.locator("#set-password-error")).to_contain_text("常见密码")
    # Said beside the new password's field.
    expect(phone.locator("#new-password + #set-password-error")).to_be_visible()
    set_new_password(phone, initial, NEW_PASSWORD, again="something-else-1")
    expect(phone.locator("#set-password-error")).to_have_text("两次输入的新密码不一致")
    set_new_password(phone, initial, NEW_PASSWORD)
    expect(phone.locator("#tabs").get_by_role("link", name="我的社区")).to_be_visible()
    expect(phone.locator("#view")).to_contain_text("府右街南")
    context.close()
    login = client.post("/api/v1/auth/login", json={"username": "zhao.min",
                                                     "password": NEW_PASSWORD}).get_json()
    assert login["user"]["must_change_password"] is False


def test_a_reset_user_sets_a_new_password_then_works(desk, phone, admin, admin_headers, client,
                                                     make_user):
    liaison = make_user("liaison", "li", display_name="李雷", streets=[XICHANG])
    log_in(phone, "li", liaison.password)  # logged in on their phone before the reset
    expect(phone.locator("#tabs").get_by_role("link", name="我的社区")).to_be_visible()

    open_tab(desk, admin, "账号")
    account_row(desk, "li").get_by_role("button", name="重置密码").click()
    expect(desk.locator("#issued")).to_contain_text("李雷（li） 的一次性密码")
    one_time = desk.locator("#one-time-password").inner_text()
    expect(account_row(desk, "li")).to_contain_text("待设新密码")

    # The old session is over; the one-time password leads to 设置新密码 and nothing else.
    phone.reload()
    expect(phone.locator("#view")).to_contain_text("登录")
    log_in(phone, "li", one_time)
    phone.goto("/#recent")
    set_new_password(phone, "wrong-one-time", NEW_PASSWORD)
    expect(phone.locator("#set-password-error")).to_have_text("当前密码不正确")
    set_new_password(phone, one_time, NEW_PASSWORD)
    expect(phone.locator("#tabs").get_by_role("link", name="记录走访")).to_be_visible()
    phone.get_by_role("link", name="最近走访").click()
    expect(phone.locator("#view .error")).to_have_count(0)
    assert client.post("/api/v1/auth/login", json={"username": "li",
                                                   "password": one_time}).status_code == 401
    [user] = client.get("/api/v1/users?q=li&role=liaison", headers=admin_headers
                        ).get_json()["items"]
    assert user["must_change_password"] is False and user["last_login_at"] is not None


def test_the_last_admins_refusals_appear_at_the_field(desk, admin, admin_headers, client,
                                                      make_user):
    make_user("official", "guan", display_name="区民政局")
    open_tab(desk, admin, "账号")
    row = account_row(desk, "admin")
    row.get_by_role("button", name="停用").click()
    expect(row.locator('.field-error[data-field="active"]')).to_have_text("不能停用自己的账号")
    row.locator('select[name="role"]').select_option("official")
    expect(row.locator('.field-error[data-field="role"]')).to_have_text("不能取消自己的管理员角色")
    expect(row.locator('select[name="role"]')).to_have_value("admin")

    # Search, and an official demoted to liaison and disabled.
    desk.get_by_label("搜索").fill("民政")
    expect(desk.locator("#account-list tbody tr")).to_have_count(1)
    official = account_row(desk, "guan")
    official.locator('select[name="role"]').select_option("liaison")
    expect(account_row(desk, "guan").locator('select[name="role"]')).to_have_value("liaison")
    account_row(desk, "guan").get_by_role("button", name="停用").click()
    expect(account_row(desk, "guan")).to_contain_text("已停用")
    assert_fits(desk)
    [user] = client.get("/api/v1/users?q=guan", headers=admin_headers).get_json()["items"]
    assert (user["role"], user["active"]) == ("liaison", False)
    me = client.get("/api/v1/me", headers=admin_headers).get_json()
    assert (me["role"], me["active"]) == ("admin", True)


def test_an_admin_opens_an_officials_account_for_one_district(desk, admin, admin_headers,
                                                              client, runner, tmp_path):
    from tests.api.test_districts import district_dir
    east = district_dir(tmp_path, "east", "110101000000", "东城区",
                        {"110101001000": "东华门街道"},
                        [("110101001000", "110101001001", "多福巷社区居委会")])
    assert runner.invoke(args=["seed-district", str(east)]).exit_code == 0
    open_tab(desk, admin, "账号")
    desk.get_by_role("button", name="新建账号").click()
    form = desk.locator("#account-form")
    district = form.get_by_label("所属区")
    expect(district).to_be_hidden()  # a liaison (the default role) has no district
    form.get_by_label("用户名").fill("dongcheng")
    form.get_by_label("姓名").fill("东城区民政局")
    form.get_by_label("角色").select_option("official")
    expect(district).to_be_visible()
    district.select_option(label="东城区")
    form.get_by_role("button", name="创建账号").click()
    expect(desk.locator("#one-time-password")).to_be_visible()
    expect(account_row(desk, "dongcheng").locator(".places")).to_have_text("东城区")
    users = client.get("/api/v1/users?role=official", headers=admin_headers).get_json()
    assert [(u["username"], u["district_code"]) for u in users["items"]] == [
        ("dongcheng", "110101000000")]
