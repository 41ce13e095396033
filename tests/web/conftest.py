"""A live server over the test database and a phone-sized Chromium (Debian's), driven by
Playwright. No browser is downloaded: /usr/bin/chromium must be installed."""

import logging
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
# 府右街南社区, inside 西长安街街道 (WGS-84).
PHONE_POSITION = {"latitude": 39.9096, "longitude": 116.3776, "accuracy": 20}


@pytest.fixture(scope="session")
def live_server(app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei "
                    "(`make test` does it when run as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield playwright, browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone (Pixel 7) with location permission and a fixed position."""
    playwright, chromium = browser
    context = chromium.new_context(**playwright.devices["Pixel 7"], base_url=live_server,
                                   geolocation=PHONE_POSITION, permissions=["geolocation"],
                                   locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, username: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


@pytest.fixture
def small_phone(browser, live_server):
    """The narrowest phone we design for: 360 px."""
    playwright, chromium = browser
    context = chromium.new_context(
        user_agent=playwright.devices["Pixel 7"]["user_agent"],
        viewport={"width": 360, "height": 740}, device_scale_factor=3, is_mobile=True,
        has_touch=True, base_url=live_server, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo(runner):
    """The demo year of the 2022 contract."""
    assert runner.invoke(args=["demo-data"]).exit_code == 0
