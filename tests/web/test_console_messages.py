"""留言与咨询 (#18): the duty queue of the 2023 content contract in the browser — the editors'
lead enters a WeChat private message by hand, sees it flagged with its due time, approves and
replies from a standard reply (答复口径); a user's markup is shown as text; an editor sees the
API's own refusals (the 409 naming the missing step, the 403 of a step not theirs) and keeps
what was typed."""

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import log_in
from tests.web.console_a import assert_fits, desk, open_tab  # noqa: F401 (a fixture)

pytestmark = pytest.mark.web
CONTENT = "planning-media-2023"
MARKUP = "<img src=x onerror=alert(1)>"
STANDARD = "您好，不动产登记可在西城区政务服务中心办理，感谢您的关注。"


@pytest.fixture
def team(runner, client, admin_headers, make_user, auth_headers):
    """The 2023 contract with an editor and the editors' lead, and one standard reply."""
    result = runner.invoke(args=["seed-district"])
    assert result.exit_code == 0, result.output
    people = {}
    for name, role in [("bianji1", "editor"), ("zuzhang", "editor_lead")]:
        user = make_user("content", name, display_name=name)
        answer = client.put(f"/api/v1/contracts/{CONTENT}/members/{user.id}",
                            headers=admin_headers, json={"role": role})
        assert answer.status_code == 200, answer.get_json()
        people[name] = (user, auth_headers(user))
    template = client.post("/api/v1/reply-templates", headers=people["zuzhang"][1], json={
        "contract": CONTENT, "category": "不动产登记", "title": "办理地点", "text": STANDARD})
    assert template.status_code == 201, template.get_json()
    people["template"] = template.get_json()
    return people


def open_messages(page, team, who):
    user = team[who][0]
    log_in(page, user.username, user.password)
    page.locator("#tabs").get_by_role("link", name="留言与咨询", exact=True).click()
    expect(page.locator("#message-queue")).to_be_visible()


def message_of(client, team, message_id):
    answer = client.get(f"/api/v1/messages/{message_id}", headers=team["zuzhang"][1])
    assert answer.status_code == 200
    return answer.get_json()


def test_the_lead_enters_a_wechat_message_approves_and_replies_from_a_standard_reply(
        desk, client, team):  # noqa: F811
    open_messages(desk, team, "zuzhang")
    expect(desk.locator("#messages-count")).to_have_text("共 0 条")
    desk.get_by_role("button", name="登记留言").click()
    form = desk.locator("#message-entry")
    form.get_by_label("渠道").select_option("wechat")
    form.get_by_label("类型").select_option("private_message")
    # Thursday before National Day: due on the 调休 Saturday 10-07; WeChat's window closes first.
    form.get_by_label("收到时间").fill("2023-09-28T10:00")
    form.get_by_label("内容").fill("请问不动产登记在哪里办理？")
    # Without the user's handle: the API's refusal beside the field, nothing typed lost.
    form.get_by_role("button", name="登记").click()
    expect(form.locator('.field-error[data-field="handle"]')).to_have_text(re.compile("[\u4e00-\u9fa5]"))
    expect(form.get_by_label("内容")).to_have_value("请问不动产登记在哪里办理？")
    form.get_by_label("用户").fill("西城居民")
    form.get_by_label("内容").fill("请问不动产登记在哪里办理？")
    form.get_by_role("button", name="登记").click()

    expect(desk.locator("#messages-count")).to_have_text("共 1 条")
    item = desk.locator("li.message")
    expect(item.locator(".received")).to_have_text("2023-09-28 10:00")
    expect(item.locator(".channel")).to_have_text("微信")
    expect(item.locator(".kind")).to_have_text("私信")
    expect(item.locator(".status")).to_have_text("待处理")
    expect(item.locator(".due")).to_contain_text("答复时限 2023-10-07 10:00")
    expect(item.locator(".tag.flag")).to_have_text("48小时窗口")
    expect(item).to_have_class("message flagged past-due open")
    detail = desk.locator("#message-detail")
    expect(detail.locator(".events li")).to_have_count(1)
    expect(detail.locator(".events li").first).to_contain_text("登记")
    expect(detail.locator(".events li").first).to_contain_text("zuzhang")
    # 仅48小时窗口 keeps it; 仅超时 too (received in 2023, never answered).
    count = desk.locator("#messages-count")
    desk.get_by_label("仅48小时窗口").check()
    expect(count).to_have_text("共 1 条（仅48小时窗口）")
    desk.get_by_label("仅超时").check()
    expect(count).to_have_text("共 1 条（仅超时、仅48小时窗口）")
    desk.get_by_label("状态").select_option("replied")
    expect(count).to_have_text("共 0 条（已回复、仅超时、仅48小时窗口）")
    expect(detail).to_be_visible()  # the open message stays open
    desk.get_by_label("状态").select_option("")
    expect(count).to_have_text("共 1 条（仅超时、仅48小时窗口）")
    desk.get_by_label("仅超时").uncheck()
    expect(count).to_have_text("共 1 条（仅48小时窗口）")
    desk.get_by_label("仅48小时窗口").uncheck()
    expect(count).to_have_text("共 1 条")

    approve = detail.locator("#step-approve")
    approve.get_by_label("答复口径").select_option(label="办理地点")
    expect(approve.locator("textarea")).to_have_value(STANDARD)
    approve.get_by_role("button", name="主管审核").click()
    expect(item.locator(".status")).to_have_text("已审核")
    reply = detail.locator("#step-reply")
    expect(reply.locator("textarea")).to_have_value(STANDARD)
    reply.get_by_label("答复口径").select_option(label="办理地点")
    reply.get_by_role("button", name="回复").click()

    expect(item.locator(".status")).to_have_text("已回复")
    expect(item.locator(".tag.late")).to_have_text("超时回复")
    expect(detail.locator(".events li")).to_have_count(4)  # enter, approve, reply, breach
    expect(detail.locator("#step-reply")).to_have_count(0)
    entered = client.get(f"/api/v1/messages?contract={CONTENT}", headers=team["zuzhang"][1])
    [message] = entered.get_json()["items"]
    assert message["status"] == "replied" and message["reply"] == STANDARD
    assert message["template_id"] == team["template"]["id"]
    assert message["due_at"] == "2023-10-07T02:00:00+00:00" and message["flagged"] is True
    assert [e["step"] for e in message["events"]] == ["enter", "approve", "reply", "breach"]
    assert {e["actor"] for e in message["events"]} == {"zuzhang"}


def test_markup_is_text_and_an_editor_sees_the_apis_refusals(
        desk, client, team, admin):  # noqa: F811
    created = client.post("/api/v1/messages", headers=team["bianji1"][1], json={
        "contract": CONTENT, "channel": "weibo", "kind": "comment",
        "received_at": "2023-11-03T17:00:00+08:00", "handle": MARKUP, "text": MARKUP})
    assert created.status_code == 201, created.get_json()
    message = created.get_json()
    alerts = []
    desk.on("dialog", lambda dialog: alerts.append(dialog.message))
    open_messages(desk, team, "bianji1")
    item = desk.locator(f'li.message[data-message="{message["id"]}"]')
    expect(item.locator(".text")).to_have_text(MARKUP)
    expect(item.locator(".handle")).to_have_text(MARKUP)
    item.locator(".message-open").click()
    detail = desk.locator("#message-detail")
    expect(detail.locator(".message-facts .text")).to_have_text(MARKUP)
    assert desk.locator("#message-queue img, #message-detail img").count() == 0
    # On a phone's width the page scrolls down, never sideways.
    assert_fits(desk, 390)
    desk.set_viewport_size({"width": 1366, "height": 768})

    # A reply before the supervisor's approval: the 409 naming the step; the text stays.
    reply = detail.locator("#step-reply")
    reply.locator("textarea").fill("感谢关注，我们会尽快核实。")
    reply.get_by_role("button", name="回复").click()
    expect(reply.locator(".form-error")).to_contain_text("须先完成「主管审核」才能回复")
    expect(reply.locator("textarea")).to_have_value("感谢关注，我们会尽快核实。")
    # The approval is the lead's: an editor is refused (403), in the API's words.
    approve = detail.locator("#step-approve")
    approve.locator("textarea").fill("感谢关注，我们会尽快核实。")
    approve.get_by_role("button", name="主管审核").click()
    expect(approve.locator(".form-error")).to_have_text("您在该合同中的角色不能进行「主管审核」")
    expect(approve.locator("textarea")).to_have_value("感谢关注，我们会尽快核实。")
    assert message_of(client, team, message["id"])["status"] == "new"
    assert alerts == []

    # The admins' console has the same page, and the same message.
    desk.locator("#logout").click()
    open_tab(desk, admin, "留言与咨询")
    expect(desk.locator(f'li.message[data-message="{message["id"]}"] .text')).to_have_text(MARKUP)
