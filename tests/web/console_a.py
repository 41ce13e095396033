"""What the browser tests of the console's accounts, assignments and imports pages share: a
desktop browser (1366×768, the console's first size) and the way into a page."""

import pytest
from playwright.sync_api import expect

from tests.web.conftest import log_in


@pytest.fixture
def desk(browser, live_server):
    """A fresh desktop browser window of 1366×768 that accepts every confirm() dialog."""
    playwright, chromium = browser
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server,
                                   locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def open_tab(page, user, tab: str) -> None:
    """Log in as `user` and open the console's tab named `tab`."""
    log_in(page, user.username, user.password)
    # The first tab (总览) drawn before another is asked for: a page drawn late would replace it.
    expect(page.locator("#verified")).to_be_visible()
    page.locator("#tabs").get_by_role("link", name=tab, exact=True).click()
    expect(page.locator("#tabs a.on")).to_have_text(tab)


def assert_fits(page, width: int = 768) -> None:
    """At `width` pixels the page scrolls down, never sideways (wide tables scroll inside)."""
    page.set_viewport_size({"width": width, "height": 900})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


__all__ = ["assert_fits", "desk", "expect", "open_tab"]
