"""The pages under their Content-Security-Policy, in a real browser: the phone client and the
API docs load and run with only what this origin serves, and nothing is blocked."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.web


def csp_violations(page) -> list[str]:
    """Messages Chromium logs when the policy blocks something."""
    found = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


def test_the_api_docs_render_under_the_policy(phone):
    violations = csp_violations(phone)
    response = phone.goto("/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(phone.locator(".swagger-ui .opblock").first).to_be_visible()
    # Swagger UI draws the operations as they come near the screen: an early one is there.
    expect(phone.get_by_text("/api/v1/auth/login")).to_be_visible()
    assert violations == []


def test_the_phone_client_runs_under_the_policy(phone):
    violations = csp_violations(phone)
    response = phone.goto("/")
    assert response.headers["x-frame-options"] == "DENY"
    expect(phone.get_by_label("用户名")).to_be_visible()
    assert violations == []
