"""A community's secretary on a phone: sets their own password at the first login, sees their
community's figures, downloads the week's workbook (the archive's file), and the delivery
ledger shows the opening; another community's workbook stays closed."""

import pytest
from playwright.sync_api import expect

from service.district import accounts
from tests.web import console_a
from tests.web.conftest import log_in
from tests.web.console_a import open_tab

desk = console_a.desk  # the fixture: a desktop window

pytestmark = pytest.mark.web
WEEK = "2022-W30"
HOME, NEIGHBOUR = "110102001004", "110102001007"
NEW_PASSWORD = "府右街南-周报-2022-secret"


def test_a_community_secretary_downloads_the_weekly_workbook_on_a_phone(
        app, phone, make_set, admin_headers, client, live_server):
    with app.app_context():
        issued = accounts.open_account(actor=None, username="sq-fyj", role="community",
                                       community_code=HOME, display_name="张书记")
    made = client.post("/api/v1/user-counts", headers=admin_headers, json={
        "date": "2022-07-31",
        "items": [{"community_code": HOME, "registered": 900, "verified": 700},
                  {"community_code": NEIGHBOUR, "registered": 1200, "verified": 1000}]})
    assert made.status_code in (200, 201)
    make_set(WEEK)

    log_in(phone, "sq-fyj", issued.one_time_password)
    expect(phone.get_by_role("heading", name="设置新密码")).to_be_visible()
    phone.get_by_label("当前密码").fill(issued.one_time_password)
    phone.get_by_label("新密码（至少 10 个字符").fill(NEW_PASSWORD)
    phone.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="保存新密码").click()

    expect(phone.locator("#tabs").get_by_role("link", name="本社区")).to_be_visible()
    expect(phone.locator("#tabs a")).to_have_count(1)
    expect(phone.get_by_role("heading", name="府右街南社区居委会")).to_be_visible()
    expect(phone.locator("#mine-registered")).to_have_text("900")
    expect(phone.locator("#mine-verified")).to_have_text("700")
    expect(phone.locator("#mine-rank")).to_have_text("第 2 名")
    expect(phone.locator("#mine-visit")).to_have_text("尚无走访")
    row = phone.locator(f'#workbooks li[data-week="{WEEK}"]')
    expect(row).to_contain_text("尚未打开")
    with phone.expect_download() as started:
        row.get_by_role("button", name="下载").click()
    download = started.value
    assert download.suggested_filename == f"{WEEK}_府右街南社区居委会.xlsx"
    archive = client.get(f"/api/v1/reports/weekly/{WEEK}/communities/{HOME}.xlsx",
                         headers=admin_headers)
    assert open(download.path(), "rb").read() == archive.data

    # The ledger shows the opening, by whom.
    ledger = client.get(f"/api/v1/reports/weekly/{WEEK}/deliveries",
                        headers=admin_headers).get_json()
    home = next(r for r in ledger["items"] if r["community_code"] == HOME)
    assert home["status"] == "opened" and home["first_opened_by"] == "sq-fyj"
    # Another community's workbook is refused to the phone's own session, and so is the
    # district's data.
    status = phone.evaluate("""async ([week, code]) => {
        const token = localStorage.getItem("token");
        const get = (url) => fetch(url, {headers: {Authorization: `Bearer ${token}`}})
            .then((r) => r.status);
        return [await get(`/api/v1/reports/weekly/${week}/communities/${code}.xlsx`),
                await get("/api/v1/visits/coverage"), await get("/api/v1/dashboard/users")];
    }""", [WEEK, NEIGHBOUR])
    assert status == [403, 403, 403]
    # Shown again, the page says when it was opened.
    phone.reload()
    expect(phone.locator(f'#workbooks li[data-week="{WEEK}"]')).to_contain_text("已打开")


def test_an_admin_opens_a_community_account_in_the_console(desk, admin, client, admin_headers):
    open_tab(desk, admin, "账号")
    desk.get_by_role("button", name="新建账号").click()
    form = desk.locator("#account-form")
    form.get_by_label("用户名").fill("sq-fyj")
    form.get_by_label("姓名").fill("张书记")
    form.get_by_label("角色").select_option("community")
    # Without its community: the refusal at the field, in Chinese.
    form.get_by_role("button", name="创建账号").click()
    expect(form.locator('.field-error[data-field="community_code"]')).to_have_text(
        "社区账号必须指定所属社区")
    form.get_by_label("所属社区编码").fill(HOME)
    form.get_by_label("电子邮箱").fill("zhang@example.org")
    form.get_by_role("button", name="创建账号").click()
    expect(desk.locator("#one-time-password")).to_be_visible()
    row = desk.locator('#account-list tr[data-username="sq-fyj"]')
    expect(row).to_contain_text("府右街南社区居委会")
    expect(row.locator('select[name="role"]')).to_have_value("community")
    user = client.get("/api/v1/users?q=sq-fyj", headers=admin_headers).get_json()["items"][0]
    assert (user["community_code"], user["email"]) == (HOME, "zhang@example.org")


def test_an_admin_imports_community_accounts_after_a_dry_run(desk, admin, client, admin_headers,
                                                             tmp_path):
    from tests.api.test_community_accounts_import import sheet
    bad = tmp_path / "有误.xlsx"
    bad.write_bytes(sheet(["社区编码", "姓名", "手机"], [HOME, "张书记", "13800000001"],
                          ["110102999999", "无名", "13800000002"]))
    good = tmp_path / "社区账号.xlsx"
    good.write_bytes(sheet(["社区编码", "姓名", "手机"], [HOME, "张书记", "13800000001"],
                           [NEIGHBOUR, "李社工", "13800000002"]))
    open_tab(desk, admin, "账号")
    desk.get_by_role("button", name="批量导入社区账号").click()
    form = desk.locator("#bulk-form")
    form.get_by_label("文件").set_input_files(str(bad))
    form.get_by_role("button", name="预检").click()
    expect(desk.locator("#bulk-errors")).to_contain_text("第 3 行 社区编码：未知社区编码")
    expect(form.get_by_role("button", name="导入")).to_be_disabled()
    form.get_by_label("文件").set_input_files(str(good))
    form.get_by_role("button", name="预检").click()
    expect(desk.locator("#bulk-summary")).to_have_text("预检通过：将创建 2 个社区账号。")
    assert client.get("/api/v1/users?role=community",
                      headers=admin_headers).get_json()["total"] == 0
    form.get_by_role("button", name="导入").click()
    expect(desk.locator("#bulk-summary")).to_contain_text("已创建 2 个社区账号")
    expect(desk.locator("#bulk-accounts td.password")).to_have_count(2)
    expect(desk.locator('#account-list tr[data-username="13800000002"]')).to_contain_text(
        "西交民巷社区居委会")


def test_an_official_sees_who_received_the_week_and_downloads_the_ledger(
        phone, make_user, make_set, client, auth_headers):
    official = make_user("official", "guan", display_name="区民政局")
    reader = make_user("community", "sq-fyj", community_code=HOME, display_name="张书记")
    make_user("community", "sq-xjmx", community_code=NEIGHBOUR)
    make_set(WEEK)
    url = f"/api/v1/reports/weekly/{WEEK}/communities/{HOME}.xlsx"
    assert client.get(url, headers=auth_headers(reader)).status_code == 200
    log_in(phone, official.username, official.password)
    expect(phone.get_by_role("heading", name="每周运营数据报表")).to_be_visible()
    phone.get_by_label("周次").select_option(WEEK)
    expect(phone.locator("#week-deliveries")).to_have_text(
        "送达社区：2 个（已打开 1 个）；无法送达（没有社区账号）：261 个")
    with phone.expect_download() as started:
        phone.get_by_role("button", name="送达记录（Excel）").click()
    assert started.value.suggested_filename == f"{WEEK}_周报送达记录.xlsx"
    phone.get_by_label("周次").select_option("2022-W20")
    expect(phone.locator("#week-deliveries")).to_have_text("本周报表尚未送达各社区")
