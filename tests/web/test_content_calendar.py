"""内容日历 (#17 point 8): the month of the 2023 content contract with each day's kind (休, 班,
the holiday), the publications per channel, the quota colours when the compliance service
answers (a note when it does not), and a level signed from the browser under 待我审核."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.conftest import log_in
from tests.web.console_a import desk  # noqa: F401 (a fixture)

pytestmark = pytest.mark.web
CONTENT = "planning-media-2023"
LEVELS = ["first", "second", "third", "fourth", "final"]


@pytest.fixture
def team(runner, client, admin_headers, make_user, auth_headers):
    """The 2023 contract with two editors, the lead, the client's reviewer and approver."""
    result = runner.invoke(args=["seed-district"])
    assert result.exit_code == 0, result.output
    people = {}
    for name, role in [("bianji1", "editor"), ("bianji2", "editor"), ("zuzhang", "editor_lead"),
                       ("shenhe", "client_reviewer"), ("zhuguan", "client_approver")]:
        user = make_user("content", name, display_name=name)
        answer = client.put(f"/api/v1/contracts/{CONTENT}/members/{user.id}",
                            headers=admin_headers, json={"role": role})
        assert answer.status_code == 200, answer.get_json()
        people[name] = (user, auth_headers(user))
    return people


def headers(team, name):
    return team[name][1]


def new_piece(client, team, title, body="7月1日，规划的的实施情况发布。"):
    created = client.post("/api/v1/content", headers=headers(team, "bianji1"), json={
        "contract": CONTENT, "title": title, "kind": "article", "original": True,
        "column": "北京城市总规", "channels": ["wechat", "weibo"], "body": body})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def sign(client, team, who, piece, level, decision="pass", notes=""):
    detail = client.get(f"/api/v1/content/{piece['id']}", headers=headers(team, who)).get_json()
    items = next(lv["checklist"] for lv in detail["chain"] if lv["key"] == level)
    answer = client.post(f"/api/v1/content/{piece['id']}/reviews", headers=headers(team, who),
                         json={"version": piece["sha256"], "level": level, "decision": decision,
                               "notes": notes, "checklist": dict.fromkeys(items, True)})
    assert answer.status_code == 201, (level, answer.get_json())


SIGNERS = dict(zip(LEVELS, ["bianji1", "bianji2", "zuzhang", "shenhe", "zhuguan"], strict=True))


def through(client, team, piece, levels):
    for level in levels:
        sign(client, team, SIGNERS[level], piece, level)


def publish(client, team, piece, channel, at):
    answer = client.post("/api/v1/publications", headers=headers(team, "bianji1"), json={
        "content_id": piece["id"], "version": piece["sha256"], "channel": channel,
        "published_at": at, "url": f"https://example.com/{piece['id']}/{channel}"})
    assert answer.status_code == 201, answer.get_json()


def chain_of(client, team, piece):
    detail = client.get(f"/api/v1/content/{piece['id']}", headers=headers(team, "bianji1"))
    return {lv["key"]: lv for lv in detail.get_json()["chain"]}


def open_calendar(page, team, who="zuzhang"):
    user = team[who][0]
    log_in(page, user.username, user.password)
    page.locator("#tabs").get_by_role("link", name="内容日历", exact=True).click()
    expect(page.locator("#month-grid")).to_be_visible()


def test_the_lead_signs_the_third_level_from_the_browser(desk, client, team):  # noqa: F811
    piece = new_piece(client, team, "北京城市总规实施一周年")
    other = new_piece(client, team, "名城保护<b>条例</b>")
    through(client, team, piece, LEVELS[:2])
    through(client, team, other, LEVELS[:2])
    open_calendar(desk, team)
    awaiting = desk.locator("#awaiting")
    expect(awaiting.locator("h2")).to_have_text("待我审核（2）")
    item = awaiting.locator(f'li[data-content="{piece["id"]}"]')
    expect(item).to_contain_text(piece["sha256"][:8])
    expect(item.locator(".level")).to_have_text("三审")
    expect(item.locator(".tag")).to_have_text("文章")
    # A title is text, never markup.
    expect(awaiting.locator(f'li[data-content="{other["id"]}"] .open-content')).to_have_text(
        "名城保护<b>条例</b>")
    item.locator(".open-content").click()
    panel = desk.locator("#review-panel")
    expect(panel.locator("#review-body")).to_contain_text("规划的的实施情况发布")
    expect(panel.locator("#findings li")).not_to_have_count(0)
    expect(panel.locator("#findings")).to_contain_text("的的")
    checks = panel.locator('input[name="check"]')
    expect(checks).to_have_count(3)
    expect(panel.locator("legend")).to_have_text("三审检查项")
    # Unticked: the API refuses, said in Chinese at the form; nothing is signed.
    panel.get_by_role("button", name="通过", exact=True).click()
    expect(panel.locator("#review-error")).to_be_visible()
    expect(panel.locator("#review-error")).to_contain_text("检查项")
    assert chain_of(client, team, piece)["third"]["state"] == "awaiting"
    for n in range(3):
        checks.nth(n).check()
    panel.get_by_role("button", name="通过", exact=True).click()
    expect(awaiting.locator("h2")).to_have_text("待我审核（1）")
    third = chain_of(client, team, piece)["third"]
    assert third["state"] == "passed"
    assert third["review"]["signer"]["username"] == "zuzhang"
    assert third["review"]["decision"] == "pass"

    # The other piece goes back with a reason; without one the API's refusal is shown.
    awaiting.locator(f'li[data-content="{other["id"]}"] .open-content').click()
    expect(panel.locator("legend")).to_have_text("三审检查项")
    panel.get_by_role("button", name="退回", exact=True).click()
    expect(panel.locator("#review-error")).to_contain_text("退回须说明原因")
    panel.locator("#review-notes").fill("标题需修改，请补充实施情况的数据")
    panel.get_by_role("button", name="退回", exact=True).click()
    expect(awaiting.locator("h2")).to_have_text("待我审核（0）")
    third = chain_of(client, team, other)["third"]
    assert third["state"] == "returned"
    assert third["review"]["signer"]["username"] == "zuzhang"
    assert third["review"]["notes"] == "标题需修改，请补充实施情况的数据"


def test_october_2023_shows_the_holidays_the_day_worked_and_the_publications(
        desk, client, team):  # noqa: F811
    national = new_piece(client, team, "国庆假期规划展览馆开放", body="国庆期间开放。")
    makeup = new_piece(client, team, "调休日的城市更新进展", body="城市更新进展。")
    through(client, team, national, LEVELS)
    through(client, team, makeup, LEVELS)
    publish(client, team, national, "wechat", "2023-10-01T02:00:00Z")
    publish(client, team, makeup, "wechat", "2023-10-07T02:00:00Z")
    publish(client, team, makeup, "weibo", "2023-10-07T03:00:00Z")
    # Planned for the Monday after the holiday, not yet reviewed: shown as planned.
    planned = client.post("/api/v1/content", headers=headers(team, "bianji1"), json={
        "contract": CONTENT, "title": "节后第一周工作安排", "kind": "article", "original": True,
        "channels": ["wechat", "weibo"], "body": "节后安排。", "planned_on": "2023-10-09"})
    assert planned.status_code == 201, planned.get_json()
    errors = []
    desk.on("pageerror", lambda error: errors.append(str(error)))
    open_calendar(desk, team, "bianji1")
    # Today is after the term: the term's last month first.
    expect(desk.locator("#cal-month")).to_have_value("2024-06")
    desk.locator("#cal-month").select_option("2023-10")
    expect(desk.locator("#calendar h2")).to_have_text("2023 年 10 月")
    first = desk.locator('[data-date="2023-10-01"]')
    expect(first).to_have_attribute("data-kind", "holiday")
    expect(first.locator(".kind")).to_have_text("国庆节 · 休")
    expect(first.locator('.pub[data-channel="wechat"]')).to_have_text("微信 1")
    worked = desk.locator('[data-date="2023-10-07"]')
    expect(worked).to_have_attribute("data-kind", "adjusted_workday")
    expect(worked.locator(".kind")).to_have_text("班")
    expect(worked.locator('.pub[data-channel="wechat"]')).to_have_text("微信 1")
    expect(worked.locator('.pub[data-channel="weibo"]')).to_have_text("微博 1")
    expect(desk.locator('[data-date="2023-10-14"]')).to_have_attribute("data-kind", "weekend")
    expect(desk.locator('[data-date="2023-10-09"] .pub')).to_have_count(0)
    monday_plans = desk.locator('[data-date="2023-10-09"] .plan')
    expect(monday_plans).to_have_count(2)
    expect(monday_plans.first).to_have_text("计划 微信 1")
    expect(desk.locator('[data-date="2023-10-07"] .plan')).to_have_count(0)
    # Weeks as rows, Monday first, with the ISO week: 2023-10-01 is the Sunday of W39.
    expect(desk.locator('[data-week="2023-W39"] .day').last).to_have_attribute(
        "data-date", "2023-10-01")
    expect(desk.locator("#month-grid .week:not(.head)")).to_have_count(6)
    # The quotas, counted by /compliance on the frozen calendar: the National Day holiday owes
    # one WeChat article (one was published: met); the 调休 Saturday owes two (one: short);
    # an ordinary working day with nothing published is short; a weekend day after the
    # holiday owes one and had none (short).
    expect(first).to_have_attribute("data-status", "met")
    expect(worked).to_have_attribute("data-status", "short")
    expect(desk.locator('[data-date="2023-10-09"]')).to_have_attribute("data-status", "short")
    expect(worked).to_have_class(re.compile(r"\bq-short\b"))
    # The week of the holiday still owes ten items on every platform: short.
    expect(desk.locator('[data-week="2023-W40"]')).to_have_attribute("data-status", "short")
    expect(desk.locator("#quota-legend")).to_be_visible()
    expect(desk.locator("#quota-note")).to_have_count(0)
    expect(desk.locator("#view .error")).to_have_count(0)
    # The planned piece waits for 一审, which any editor signs.
    expect(desk.locator("#awaiting h2")).to_have_text("待我审核（1）")
    # The neighbours by the arrows.
    desk.get_by_role("button", name="下个月").click()
    expect(desk.locator("#calendar h2")).to_have_text("2023 年 11 月")
    desk.get_by_role("button", name="上个月").click()
    expect(desk.locator('[data-date="2023-10-07"] .kind')).to_have_text("班")
    assert errors == []


def test_the_calendar_fits_a_390_px_phone(browser, live_server, client, team):
    piece = new_piece(client, team, "一个很长很长的标题" * 8)
    through(client, team, piece, LEVELS)
    publish(client, team, piece, "wechat", "2023-10-07T02:00:00Z")
    publish(client, team, piece, "weibo", "2023-10-07T02:30:00Z")
    other = new_piece(client, team, "待三审的稿件：" + "城市更新与街区保护" * 12)
    through(client, team, other, LEVELS[:2])
    playwright, chromium = browser
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True, device_scale_factor=3, base_url=live_server,
                                   locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    phone = context.new_page()
    try:
        open_calendar(phone, team)
        phone.locator("#cal-month").select_option("2023-10")
        expect(phone.locator('[data-date="2023-10-07"] .pub')).to_have_count(2)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.locator(f'li[data-content="{other["id"]}"] .open-content').click()
        expect(phone.locator('#review-panel input[name="check"]')).to_have_count(3)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_the_quota_colours_are_the_compliance_services(desk, client, team):  # noqa: F811
    """Two WeChat articles on the 调休 Sunday 2023-10-08 meet its daily floor, one on the
    Saturday does not: green beside red, as /compliance itself answers for those days."""
    pieces = [new_piece(client, team, f"调休日稿件{n}", body=f"城市更新进展第{n}篇。")
              for n in range(3)]
    for piece in pieces:
        through(client, team, piece, LEVELS)
    publish(client, team, pieces[0], "wechat", "2023-10-07T02:00:00Z")
    publish(client, team, pieces[1], "wechat", "2023-10-08T02:00:00Z")
    publish(client, team, pieces[2], "wechat", "2023-10-08T03:00:00Z")
    answer = client.get(f"/api/v1/compliance?contract={CONTENT}&from=2023-10-07&to=2023-10-08"
                        "&period=day&channel=wechat", headers=headers(team, "bianji2"))
    assert answer.status_code == 200, answer.get_json()
    wechat = {(i["from"], i["obligation"]): i["status"] for i in answer.get_json()["items"]
              if i["mandatory"]}
    assert wechat[("2023-10-07", "wechat_articles_working_day")] == "short"
    assert wechat[("2023-10-08", "wechat_articles_working_day")] == "met"
    open_calendar(desk, team, "bianji2")
    desk.locator("#cal-month").select_option("2023-10")
    saturday, sunday = desk.locator('[data-date="2023-10-07"]'), desk.locator(
        '[data-date="2023-10-08"]')
    expect(saturday).to_have_attribute("data-status", "short")
    # The Sunday also owes a Weibo update as a working day: none was posted, so it is short
    # too until one is; after it, the Sunday turns green.
    expect(sunday).to_have_attribute("data-status", "short")
    publish(client, team, pieces[1], "weibo", "2023-10-08T04:00:00Z")
    desk.reload()
    expect(desk.locator("#month-grid")).to_be_visible()
    desk.locator("#cal-month").select_option("2023-10")
    expect(sunday).to_have_attribute("data-status", "met")
    expect(saturday).to_have_attribute("data-status", "short")
    red = saturday.evaluate("node => getComputedStyle(node).backgroundColor")
    green = sunday.evaluate("node => getComputedStyle(node).backgroundColor")
    assert red != green
    # A weekend day of an ordinary week owes one WeChat article: none here, short.
    expect(desk.locator('[data-date="2023-10-14"]')).to_have_attribute("data-status", "short")
    expect(desk.locator("#quota-legend")).to_be_visible()


def test_an_admin_has_the_calendar_in_the_console(desk, team, admin):  # noqa: F811
    log_in(desk, admin.username, admin.password)
    expect(desk.locator("#verified")).to_be_visible()
    desk.locator("#tabs").get_by_role("link", name="内容日历", exact=True).click()
    expect(desk.locator("#month-grid")).to_be_visible()
    # Only the content contract is a content calendar (the district's contract is not).
    expect(desk.locator("#cal-contract-name")).to_contain_text("新媒体运营项目")
    expect(desk.locator("#awaiting h2")).to_have_text("待我审核（0）")


def test_a_member_of_two_content_contracts_picks_one(desk, client, team, admin_headers):  # noqa: F811
    source = Path(__file__).resolve().parents[2] / "data" / "contracts" / "bjghzy-2023.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "key: planning-media-2023", "key: planning-media-2024").replace(
        "name: 北京市规划和自然资源委员会新媒体运营项目（2023—2024）", "name: 第二份内容合同")
    loaded = client.post("/api/v1/contracts", headers=admin_headers, data={
        "file": (io.BytesIO(text.encode()), "second.yaml")}, content_type="multipart/form-data")
    assert loaded.status_code in (200, 201), loaded.get_json()
    user = team["zuzhang"][0]
    assert client.put(f"/api/v1/contracts/planning-media-2024/members/{user.id}",
                      headers=admin_headers, json={"role": "editor"}).status_code == 200
    piece = new_piece(client, team, "只在第一份合同中")
    through(client, team, piece, LEVELS[:2])
    open_calendar(desk, team)
    picker = desk.locator("#cal-contract")
    expect(picker.locator("option")).to_have_count(2)
    expect(desk.locator(f'#awaiting li[data-content="{piece["id"]}"]')).to_be_visible()
    picker.select_option("planning-media-2024")
    expect(desk.locator("#awaiting h2")).to_have_text("待我审核（0）")
    expect(desk.locator("#cal-contract")).to_have_value("planning-media-2024")
    expect(desk.locator("#month-grid")).to_be_visible()
