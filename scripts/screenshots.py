"""Screenshots of the main pages at phone width into docs/screenshots/ (demo data, Debian's
Chromium driven by Playwright).

    .venv/bin/python scripts/screenshots.py            # every page
    .venv/bin/python scripts/screenshots.py calendar   # only the content calendar"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from live_demo import CHROMIUM, CHROMIUM_ARGS, demo_server  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from service.demo import DEMO_PASSWORD  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
POSITION = {"latitude": 39.9096, "longitude": 116.3776, "accuracy": 18}


def shoot(page, name: str, full: bool = False) -> None:
    page.wait_for_timeout(400)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print("wrote", OUT / f"{name}.png")


def log_in(page, username: str) -> None:
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def main(only: str | None = None) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        content_calendar(browser, base)
        if only == "calendar":
            browser.close()
            return
        phone = {**playwright.devices["Pixel 7"], "viewport": {"width": 390, "height": 844}}
        context = browser.new_context(**phone, base_url=base, geolocation=POSITION,
                                      permissions=["geolocation"], locale="zh-CN",
                                      timezone_id="Asia/Shanghai")
        page = context.new_page()
        page.goto("/")
        shoot(page, "01-login")
        log_in(page, "liaison01")
        page.get_by_role("heading", name="我的社区").wait_for()
        shoot(page, "02-my-communities")
        page.get_by_role("link", name="记录走访").first.click()
        page.get_by_label("社区（输入名称查找）").fill("府右街")
        page.get_by_role("option").first.click()
        page.get_by_role("button", name="获取当前位置").click()
        page.locator("#fix").filter(has_text="精度").wait_for()
        shoot(page, "03-log-visit")
        context.set_offline(True)
        page.get_by_label("接触人数").fill("3")
        page.get_by_role("button", name="提交走访").click()
        page.locator("#waiting").wait_for()
        shoot(page, "04-offline-queue")
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.goto("/#recent")
        page.get_by_role("heading", name="最近走访").wait_for()
        shoot(page, "05-recent-visits")
        page.goto("/#problems")
        page.get_by_role("heading", name="未解决的问题", exact=False).wait_for()
        shoot(page, "06-problems")
        page.get_by_role("button", name="退出登录").click()
        # Logging out first looks for queued visits (IndexedDB): wait until it is done.
        page.get_by_label("用户名").wait_for()
        log_in(page, "official")
        page.locator("#verified").wait_for()
        shoot(page, "07-official-overview")
        page.locator("#targets").scroll_into_view_if_needed()
        shoot(page, "08-official-targets")
        page.locator("#streets tr.street").first.click()
        page.evaluate("window.scrollTo(0, document.querySelector('#streets')"
                      ".getBoundingClientRect().top + window.scrollY - 120)")
        shoot(page, "09-official-streets")
        page.locator("#week-visits").scroll_into_view_if_needed()
        shoot(page, "10-official-fieldwork")
        community = console_pages(browser, base)
        page.get_by_role("button", name="退出登录").click()
        page.get_by_label("用户名").wait_for()
        log_in(page, community)
        page.locator("#workbooks").wait_for()
        shoot(page, "19-community-page")
        browser.close()


def console_pages(browser, base: str) -> str:
    """Each page of the operator's console, as an admin sees it on a 1366×768 desktop; answers
    the username of a community account of the demo."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=base,
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    log_in(page, "admin")
    page.locator("#verified").wait_for()
    keys = page.locator("#tabs a").evaluate_all(
        "links => links.map((a) => a.getAttribute('href').slice(1))")
    # The content accounts' pages (内容日历, 留言与咨询) are not the district's console: the
    # calendar has its own shot, as the editors' lead sees it.
    for number, key in enumerate([k for k in keys if k not in ("overview", "problems",
                                                               "calendar", "messages")],
                                 start=11):
        page.goto(f"/#{key}")
        page.wait_for_load_state("networkidle")
        shoot(page, f"{number:02d}-console-{key}")
    username = page.evaluate(
        "async () => (await (await fetch('/api/v1/users?role=community&per_page=1', {headers: "
        "{Authorization: `Bearer ${localStorage.getItem('token')}`}})).json()).items[0].username")
    context.close()
    return username


def content_calendar(browser, base: str) -> None:
    """内容日历 of the 2023 content contract, as its editors' lead sees it on a desktop: the
    pieces awaiting 三审 on top, the month of the 2024 Spring Festival with its quotas."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=base,
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    log_in(page, "zuzhang")
    page.locator("#tabs").get_by_role("link", name="内容日历", exact=True).click()
    page.locator("#month-grid").wait_for()
    page.locator("#cal-month").select_option("2024-02")
    page.locator('[data-date="2024-02-18"]').wait_for()
    page.wait_for_load_state("networkidle")
    shoot(page, "22-content-calendar", full=True)
    context.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
