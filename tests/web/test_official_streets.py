"""The official's overview, streets and field work (issue #15 point 9), on a 1366 px desktop
and a 360 px phone: streets sorted and coloured by pace against their own targets, each
street's communities with their completion, liaisons and visits, this week's visits, the
communities overdue for a visit, and the problem list with its age, street filter and
description. What the page shows is checked against what the API answers."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from service.district.contracts import default_contract_file, load_contract, read_contract_file
from tests.web.conftest import log_in

pytestmark = pytest.mark.web


@pytest.fixture
def desktop(browser, live_server):
    _, chromium = browser
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server,
                                   locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def official(make_user, auth_headers):
    user = make_user("official", "guan", display_name="区民政局")
    return user, auth_headers(user)


def open_overview(page, user):
    log_in(page, user.username, user.password)
    expect(page.locator("#streets tr.street")).to_have_count(15)


def ratio(street):
    return street["verified"] / street["expected"] if street["expected"] else float("inf")


@pytest.mark.parametrize("screen", ["desktop", "small_phone"])
def test_streets_are_sorted_and_coloured_by_pace_with_their_targets(request, screen, demo,
                                                                    official, client):
    page = request.getfixturevalue(screen)
    user, headers = official
    open_overview(page, user)
    board = client.get("/api/v1/dashboard/users", headers=headers).get_json()
    by_pace = sorted(board["streets"], key=lambda s: (ratio(s), s["code"]))
    rows = page.locator("#streets tr.street")
    assert rows.evaluate_all("rs => rs.map((r) => r.dataset.street)") == [
        s["code"] for s in by_pace]
    slowest = by_pace[0]
    first = rows.first
    expect(first).to_contain_text(f"{slowest['verified']:,} / {slowest['target']:,}")
    expect(first).to_have_class(re.compile(f"pace-{slowest['pace']}"))
    # The contract is over: a street short of its target reads 未达标, one past it 已达标.
    expect(first.locator("[data-pace]")).to_have_text(
        "已达标" if slowest["pace"] == "done" else "未达标")
    page.get_by_label("排序").select_option(label="按实名用户数")
    by_users = sorted(board["streets"], key=lambda s: (-s["verified"], s["code"]))
    assert rows.evaluate_all("rs => rs.map((r) => r.dataset.street)") == [
        s["code"] for s in by_users]


def test_a_streets_communities_show_completion_liaisons_and_visits(desktop, demo, official,
                                                                   client):
    user, headers = official
    open_overview(desktop, user)
    board = client.get("/api/v1/dashboard/users", headers=headers).get_json()
    coverage = {r["community_code"]: r for r in client.get(
        "/api/v1/visits/coverage", headers=headers).get_json()["items"]}
    street = board["streets"][3]
    desktop.locator(f'tr.street[data-street="{street["code"]}"]').click()
    subs = desktop.locator(f'tr.sub[data-of="{street["code"]}"]')
    expect(subs).to_have_count(len(street["communities"]))
    top = street["communities"][0]
    row = desktop.locator(f'tr.sub[data-community="{top["code"]}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text(f"{top['verified']:,} / {top['target']:,}")
    expect(row).to_contain_text(f"{top['progress'] * 100:.1f}%")
    cover = coverage[top["code"]]
    assert cover["liaisons"], "the demo assigns a liaison to every street"
    expect(row.locator(".names")).to_have_text("、".join(cover["liaisons"]))
    days = cover["days_since_last"]
    expect(row).to_contain_text(f"{cover['visits']} 次 · " + (
        "从未走访" if days is None else "当天" if days == 0 else f"{days} 天前"))


def test_this_weeks_visits_and_the_overdue_communities(desktop, demo, official, client):
    user, headers = official
    open_overview(desktop, user)
    # The demo contract is over: its week is the one holding its last day, 2023-03-15.
    week = client.get("/api/v1/visits?from=2023-03-13&to=2023-03-15&per_page=100",
                      headers=headers).get_json()
    section = desktop.locator("#week-visits")
    expect(section.locator("h2")).to_have_text("本周走访（2023-03-13 至 2023-03-15）")
    expect(section).to_contain_text(f"共 {week['total']} 次")
    newest = week["items"][0]
    expect(section.locator("li").first).to_contain_text(newest["community_name"])
    expect(section.locator("li").first).to_contain_text(newest["liaison"])
    coverage = client.get("/api/v1/visits/coverage", headers=headers).get_json()["items"]
    overdue = [r for r in coverage if r["overdue"]]
    box = desktop.locator("#overdue")
    expect(box.locator("h2")).to_have_text(f"超期未走访的社区（{len(overdue)}）")
    expect(box.locator("li").first).to_contain_text(overdue[0]["community_name"])
    # Ten are shown; the rest are one click away.
    expect(box.locator("li:visible")).to_have_count(min(10, len(overdue)))
    if len(overdue) > 10:
        box.get_by_text(f"显示其余 {len(overdue) - 10} 个社区").click()
        expect(box.locator("li:visible")).to_have_count(len(overdue))


def test_while_the_contract_runs_streets_show_the_expected_figure(small_phone, demo, app,
                                                                  official, client):
    with app.app_context():  # the same targets, running until after today
        data = read_contract_file(default_contract_file())
        load_contract({**data, "key": "running",
                       "end": (date.today() + timedelta(days=100)).isoformat()})
    user, headers = official
    open_overview(small_phone, user)
    board = client.get("/api/v1/dashboard/users", headers=headers).get_json()
    street = next(s for s in board["streets"])
    row = small_phone.locator(f'tr.street[data-street="{street["code"]}"]')
    expect(row).to_contain_text(f"{round(street['expected']):,}")
    labels = {"behind": "落后", "on_track": "按进度", "done": "已达标"}
    expect(row.locator("[data-pace]")).to_have_text(labels[street["pace"]])


def test_problems_show_age_and_description_and_filter_by_street(small_phone, demo, official,
                                                                client):
    user, headers = official
    log_in(small_phone, user.username, user.password)
    expect(small_phone.locator("#verified")).to_be_visible()
    small_phone.get_by_role("link", name="问题").click()
    # The overview has a 街道 select of its own (the weekly set's); wait for the problems page.
    expect(small_phone.locator("#problem-street")).to_be_visible()
    items = client.get("/api/v1/problems?status=open&per_page=100",
                       headers=headers).get_json()["items"]
    street = items[0]["street_code"]
    in_street = [p for p in client.get(
        f"/api/v1/problems?street_code={street}&per_page=100",
        headers=headers).get_json()["items"] if p["status"] != "resolved"]
    small_phone.locator("#problem-street").select_option(street)
    listed = small_phone.locator("#problem-list li[data-problem-id]")
    expect(listed).to_have_count(len(in_street))
    oldest = min(in_street, key=lambda p: p["created_at"])
    item = small_phone.locator(f'li[data-problem-id="{oldest["id"]}"]')
    # Age is counted at the contract's end (2023-03-15), the demo's "today".
    raised = date.fromisoformat(oldest["created_at"][:10])
    age = (date(2023, 3, 15) - raised).days
    expect(item.locator(".age")).to_have_text(re.compile(rf"^已 ({age}|{age - 1}) 天$"))
    if oldest["description"]:
        expect(item.locator(".description")).to_have_text(oldest["description"])
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360
