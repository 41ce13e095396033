"""每周运营数据报表 on the dashboard, in a real browser: a week's status in Chinese, an admin
asking for the week's set and following its progress while a real consumer of the queue makes
it, downloads only once it is made, officials who see but cannot ask, and the stale warning
once the week's records change."""

import re
import threading
import zipfile
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from service.jobs import records
from service.reports import runs
from tests.api.test_visits import visit_body
from tests.web.conftest import log_in

pytestmark = pytest.mark.web
WEEK, OTHER_WEEK = "2022-W20", "2022-W21"  # 2022-05-16 to 22, inside the default contract
WORKBOOKS = 263 + 15 + 1  # every community's, every street's and the district's
POLL_MS = 2000  # how often the page asks while a set is being made
STALE = "本周数据在生成后有变动，建议重新生成"


@pytest.fixture
def official(make_user):
    return make_user("official", "guan", display_name="区民政局")


@pytest.fixture
def held_consumer(consumer, monkeypatch):
    """The consumer writes its first part of workbooks, then holds every other part until the
    test sets the returned event: the page is seen mid-way, whatever the machine's speed."""
    release = threading.Event()
    parts = iter(range(1_000_000))
    write_part = runs.write_part

    def held(directory, part):
        if next(parts) and not release.wait(timeout=120):
            raise TimeoutError("the test never released the consumer")
        return write_part(directory, part)

    monkeypatch.setattr(runs, "write_part", held)
    yield release
    release.set()  # before the consumer stops, so that it stops after its current part


def open_dashboard(page, user, week: str) -> None:
    log_in(page, user.username, user.password)
    expect(page.get_by_role("heading", name="每周运营数据报表")).to_be_visible()
    choose_week(page, week)


def choose_week(page, week: str) -> None:
    page.get_by_label("周次").select_option(week)  # fires change, as a person's choice does


def weekly(page):
    return page.locator("#weekly")


def status_line(page):
    return page.locator("#week-status")


def download_buttons(page):
    return [page.get_by_role("button", name="全区汇总"),
            page.get_by_role("button", name="全部（压缩包）")]


def made_line(job: dict) -> str:
    """已生成（…） as the page writes it: the end time in Shanghai to the minute."""
    end = datetime.fromisoformat(job["finished_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    took = Decimal(job["seconds"])  # rounded half up, as the page's toFixed and Math.round do
    took = took.quantize(Decimal("0.1") if took < 10 else Decimal(1), ROUND_HALF_UP)
    return f"已生成（{end:%Y-%m-%d %H:%M}，用时 {took} 秒）"


def week_status(client, headers, week: str = WEEK) -> dict:
    response = client.get(f"/api/v1/reports/weekly/{week}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_admin_asks_for_the_set_follows_it_and_downloads_it(
        phone, admin, admin_headers, client, held_consumer, tmp_path):
    asked = []  # the weeks whose status the page asked for, in order
    phone.on("request", lambda request: asked.append(request.url.rsplit("/", 1)[1])
             if "/api/v1/reports/weekly/" in request.url and request.method == "GET" else None)
    open_dashboard(phone, admin, WEEK)
    expect(status_line(phone)).to_have_text("尚未生成")
    for button in download_buttons(phone):
        expect(button).to_be_disabled()
    expect(weekly(phone)).not_to_contain_text("请联系管理员生成")

    phone.get_by_role("button", name="生成本周报表").click()
    expect(status_line(phone)).to_contain_text("正在生成")
    progress = re.compile(rf"^正在生成：已完成 [1-9]\d* / {WORKBOOKS + 1} 个文件$")
    expect(status_line(phone)).to_have_text(progress, timeout=60_000)
    expect(phone.locator("#make-week")).to_be_disabled()
    for button in download_buttons(phone):
        expect(button).to_be_disabled()
    [job] = week_status(client, admin_headers)["runs"]
    assert job["status"] == "running" and job["username"] == "admin"

    # Another week shows its own status, and the first is no longer asked about.
    choose_week(phone, OTHER_WEEK)
    expect(status_line(phone)).to_have_text("尚未生成")
    expect(phone.get_by_role("button", name="生成本周报表")).to_be_enabled()
    phone.wait_for_timeout(2 * POLL_MS + 500)  # two polling periods
    since_switch = asked[asked.index(OTHER_WEEK):]
    assert WEEK not in since_switch and since_switch.count(OTHER_WEEK) == 1

    # Back to the week being made: followed again until it is done.
    choose_week(phone, WEEK)
    expect(status_line(phone)).to_have_text(progress)
    held_consumer.set()
    expect(status_line(phone)).to_have_text(re.compile("^已生成（"), timeout=120_000)
    done = week_status(client, admin_headers)
    assert done["generated"] and not done["stale"] and done["active"] is None
    assert done["latest"]["id"] == job["id"]
    expect(status_line(phone)).to_have_text(made_line(done["latest"]))
    expect(phone.locator("#week-stale")).to_be_hidden()
    expect(phone.get_by_role("button", name="重新生成")).to_be_enabled()

    for button in download_buttons(phone):
        expect(button).to_be_enabled()
    with phone.expect_download() as started:
        phone.get_by_role("button", name="全部（压缩包）").click()
    download = started.value
    assert download.suggested_filename == f"{WEEK}.zip"
    expect(phone.locator("#toast")).to_be_hidden()  # no "正在生成" any more: the file is stored
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    # The set's files are the workbooks and the zip that holds them all.
    assert len(names) == WORKBOOKS == done["latest"]["result"]["files"] - 1
    assert sum(n.startswith("communities/") for n in names) == 263
    assert sum(n.startswith("streets/") for n in names) == 15 and "district.xlsx" in names


def test_an_official_sees_the_status_in_shanghai_time_but_cannot_ask(
        browser, live_server, official, auth_headers, client, make_set):
    playwright, chromium = browser
    # A phone set to another time zone still reads the times of Shanghai.
    context = chromium.new_context(**playwright.devices["Pixel 7"], base_url=live_server,
                                   locale="zh-CN", timezone_id="America/New_York")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        open_dashboard(page, official, WEEK)
        expect(status_line(page)).to_have_text("尚未生成")
        expect(page.locator("#week-note")).to_have_text("请联系管理员生成")
        expect(page.locator("#make-week")).to_have_count(0)
        expect(weekly(page).get_by_role("button", name=re.compile("生成"))).to_have_count(0)
        for button in download_buttons(page):
            expect(button).to_be_disabled()
        headers = auth_headers(official)
        refused = client.post(f"/api/v1/reports/weekly/{WEEK}/runs", headers=headers)
        assert refused.status_code == 403

        make_set(WEEK)  # as `flask weekly-reports` does
        choose_week(page, OTHER_WEEK)
        expect(status_line(page)).to_have_text("尚未生成")
        choose_week(page, WEEK)
        latest = week_status(client, headers)["latest"]
        expect(status_line(page)).to_have_text(made_line(latest))
        expect(page.locator("#week-note")).to_be_hidden()
        expect(page.locator("#make-week")).to_have_count(0)
        with page.expect_download() as started:
            page.get_by_role("button", name="全区汇总").click()
        assert started.value.suggested_filename == f"{WEEK}_全区汇总.xlsx"
    finally:
        context.close()


def test_a_change_to_the_week_after_its_set_was_made_shows_the_stale_warning(
        phone, admin, admin_headers, client, make_set):
    make_set(WEEK)
    open_dashboard(phone, admin, WEEK)
    expect(status_line(phone)).to_have_text(re.compile("^已生成（"))
    expect(phone.locator("#week-stale")).to_be_hidden()

    response = client.post("/api/v1/visits", headers=admin_headers,
                           json=visit_body(visited_at="2022-05-18T15:00:00+08:00",
                                           fix_at="2022-05-18T14:59:00+08:00"))
    assert response.status_code == 201, response.get_json()
    assert week_status(client, admin_headers)["stale"]

    phone.reload()
    choose_week(phone, WEEK)
    expect(phone.locator("#week-stale")).to_have_text(STALE)
    expect(status_line(phone)).to_have_text(re.compile("^已生成（"))
    expect(phone.get_by_role("button", name="重新生成")).to_be_enabled()
    for button in download_buttons(phone):
        expect(button).to_be_enabled()


def test_a_failed_set_shows_its_reason(phone, app, official):
    with app.app_context():
        job = records.create_job(runs.KIND, WEEK, trigger="request")
        records.fail(job.id, "部分工作簿生成失败：磁盘已满")
    open_dashboard(phone, official, WEEK)
    expect(status_line(phone)).to_have_text("生成失败：部分工作簿生成失败：磁盘已满")
    expect(phone.locator("#week-note")).to_have_text("请联系管理员生成")
    for button in download_buttons(phone):
        expect(button).to_be_disabled()


def test_the_dashboard_runs_under_the_content_security_policy(phone, official):
    blocked = []
    phone.on("console", lambda message: blocked.append(message.text)
             if "Content Security Policy" in message.text else None)
    open_dashboard(phone, official, WEEK)
    expect(status_line(phone)).to_have_text("尚未生成")
    assert blocked == []


def test_the_week_picker_speaks_chinese_and_street_and_community_files_download(
        phone, admin, official, browser, live_server, client, auth_headers, make_set):
    make_set(WEEK)
    open_dashboard(phone, admin, WEEK)
    picker = phone.get_by_label("周次")
    options = picker.locator("option")
    # The contract's weeks only (2022-03-15 to 2023-03-15), newest first, in Chinese.
    expect(options).to_have_count(53)
    expect(options.first).to_have_text("2023 年第 11 周（3月13日–3月19日）")
    expect(options.last).to_have_text("2022 年第 11 周（3月14日–3月20日）")
    expect(picker.locator("option[value='2022-W20']")).to_have_text(
        "2022 年第 20 周（5月16日–5月22日）")
    expect(status_line(phone)).to_have_text(re.compile("^已生成（"))

    phone.get_by_label("街道").select_option("110102001000")  # 西长安街街道
    phone.get_by_label("社区").select_option("110102001004")  # 府右街南社区
    headers = auth_headers(admin)
    for button, url in (("街道汇总", "streets/110102001000.xlsx"),
                        ("社区报表", "communities/110102001004.xlsx")):
        with phone.expect_download() as started:
            weekly(phone).get_by_role("button", name=button).click()
        download = started.value
        assert download.suggested_filename.startswith(f"{WEEK}_")
        served = client.get(f"/api/v1/reports/weekly/{WEEK}/{url}", headers=headers)
        assert open(download.path(), "rb").read() == served.data
    # The community list follows the street.
    phone.get_by_label("街道").select_option("110102012000")  # 什刹海街道
    expect(phone.get_by_label("社区").locator("option").first).to_have_attribute(
        "value", re.compile("^110102012"))
    # Admins have the API's documentation one click away; officials do not.
    expect(weekly(phone).get_by_role("link", name="接口文档（API）")).to_have_attribute(
        "href", "/api/docs")
    playwright, chromium = browser
    context = chromium.new_context(**playwright.devices["Pixel 7"], base_url=live_server,
                                   locale="zh-CN")
    page = context.new_page()
    try:
        open_dashboard(page, official, WEEK)
        expect(status_line(page)).to_have_text(re.compile("^已生成（"))
        expect(weekly(page).get_by_role("link", name="接口文档（API）")).to_have_count(0)
    finally:
        context.close()
