"""Messages and inquiries of the 2023 content contract (#18 point 1, and points 4 and 5's
parts), through the API: due one working day after receipt on the contract's calendar (across
National Day and a 调休 weekend), WeChat's 48-hour window flagged first, the steps each kind
requires (409 naming the missing one), breaches kept, 403 outside the contract, standard
replies counted, a FAQ list published as content."""

import io

import pytest
import yaml

CONTENT = "planning-media-2023"


@pytest.fixture
def team(runner, client, admin_headers, make_user, auth_headers):
    """The 2023 contract loaded, with an editor, the editors' lead (the team's supervisor),
    the client's reviewer, an official who reads and a content account outside the
    contract."""
    result = runner.invoke(args=["seed-district"])
    assert result.exit_code == 0, result.output
    people = {}
    for name, role in [("editor", "editor"), ("lead", "editor_lead"),
                       ("reviewer", "client_reviewer"), ("reader", "official"),
                       ("outsider", None)]:
        user = make_user("official" if role == "official" else "content", name)
        if role:
            given = client.put(f"/api/v1/contracts/{CONTENT}/members/{user.id}",
                               headers=admin_headers, json={"role": role})
            assert given.status_code == 200, given.get_json()
        people[name] = auth_headers(user)
    people["admin"] = admin_headers
    return people


def enter(client, headers, **changes):
    body = {"contract": CONTENT, "channel": "weibo", "kind": "comment",
            "received_at": "2023-09-28T10:00:00+08:00", "handle": "西城居民",
            "text": "请问不动产登记在哪里办理？", **changes}
    return client.post("/api/v1/messages", headers=headers, json=body)


def entered(client, headers, **changes) -> dict:
    response = enter(client, headers, **changes)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def step(client, headers, message, name, **body):
    return client.post(f"/api/v1/messages/{message['id']}/{name}", headers=headers, json=body)


def queue(client, headers, query="") -> list[dict]:
    response = client.get(f"/api/v1/messages?contract={CONTENT}{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


@pytest.mark.parametrize("received, due", [
    # Thursday before National Day: 09-29 … 10-06 off, Saturday 10-07 worked (调休).
    ("2023-09-28T10:00:00+08:00", "2023-10-07T02:00:00+00:00"),
    # Without an offset: Asia/Shanghai's clock.
    ("2023-09-28T10:00:00", "2023-10-07T02:00:00+00:00"),
    ("2023-09-28T02:00:00+00:00", "2023-10-07T02:00:00+00:00"),
    # Received on a holiday: the clock starts with 10-07 and runs to its end.
    ("2023-10-01T15:00:00+08:00", "2023-10-07T16:00:00+00:00"),
    # Received in the evening on the worked Sunday 10-08: due Monday at the same time.
    ("2023-10-08T21:30:00+08:00", "2023-10-09T13:30:00+00:00"),
    # The Friday before Spring Festival's 调休 Sunday 2024-02-04: due that Sunday.
    ("2024-02-02T15:00:00+08:00", "2024-02-04T07:00:00+00:00"),
    # Saturday 2024-02-03 (off): due at the end of the worked Sunday.
    ("2024-02-03T11:00:00+08:00", "2024-02-04T16:00:00+00:00"),
    # An ordinary Friday: due Monday, not Saturday.
    ("2023-11-03T17:00:00+08:00", "2023-11-06T09:00:00+00:00"),
    # The term's last day (a Sunday): due at the end of the next working day after it.
    ("2024-06-30T09:00:00+08:00", "2024-07-01T16:00:00+00:00"),
])
def test_a_message_is_due_one_working_day_after_receipt(client, team, received, due):
    message = entered(client, team["editor"], received_at=received)
    assert message["due_at"] == due
    assert message["status"] == "new" and message["window_closes_at"] is None
    assert [e["step"] for e in message["events"]] == ["enter"]


def test_wechat_private_messages_whose_48_hours_end_before_the_due_time_come_first(
        client, team):
    before_holiday = entered(client, team["editor"], channel="wechat", kind="private_message",
                             received_at="2023-09-28T10:00:00+08:00", handle="市民甲")
    assert before_holiday["window_closes_at"] == "2023-09-30T02:00:00+00:00"
    assert before_holiday["due_at"] == "2023-10-07T02:00:00+00:00"
    assert before_holiday["flagged"] is True
    ordinary = entered(client, team["editor"], channel="wechat", kind="private_message",
                       received_at="2023-10-09T10:00:00+08:00", handle="市民乙")
    assert ordinary["window_closes_at"] == "2023-10-11T02:00:00+00:00"
    assert ordinary["flagged"] is False
    # Due earliest of all, but no window: after the flagged one.
    earliest = entered(client, team["editor"], received_at="2023-09-27T09:00:00+08:00")
    assert earliest["window_closes_at"] is None and earliest["flagged"] is False
    assert [m["id"] for m in queue(client, team["editor"])] == [
        before_holiday["id"], earliest["id"], ordinary["id"]]
    assert [m["id"] for m in queue(client, team["editor"], "&flagged=true")] == [
        before_holiday["id"]]
    assert queue(client, team["editor"], "&flagged=true")[0]["window_closed"] is True


def test_a_comment_goes_out_once_the_supervisor_approved_it(client, team):
    message = entered(client, team["editor"])
    early = step(client, team["editor"], message, "reply", text="您好，请到政务服务中心办理。",
                 replied_at="2023-09-28T11:00:00+08:00")
    assert early.status_code == 409, early.get_json()
    assert early.get_json()["errors"] == {"missing_step": ["approve"]}
    assert "主管审核" in early.get_json()["message"]
    approved = step(client, team["lead"], message, "approve", text="您好，请到政务服务中心办理。")
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    other_words = step(client, team["editor"], message, "reply", text="换个说法",
                       replied_at="2023-09-28T11:00:00+08:00")
    assert other_words.status_code == 409
    replied = step(client, team["editor"], message, "reply",
                   replied_at="2023-09-28T11:00:00+08:00")
    assert replied.status_code == 200, replied.get_json()
    body = replied.get_json()
    assert body["status"] == "replied" and body["reply"] == "您好，请到政务服务中心办理。"
    assert body["replied_at"] == "2023-09-28T03:00:00+00:00"
    assert (body["late"], body["window_missed"], body["breached"]) == (False, False, False)
    assert [(e["step"], e["actor"]) for e in body["events"]] == [
        ("enter", "editor"), ("approve", "lead"), ("reply", "editor")]
    again = step(client, team["editor"], message, "reply")
    assert again.status_code == 409


def test_an_inquiry_is_routed_answered_approved_then_replied_each_step_named_when_missing(
        client, team):
    inquiry = entered(client, team["editor"], kind="inquiry", text="我家老房子能否加装电梯？")
    refused = step(client, team["editor"], inquiry, "reply", text="可以",
                   replied_at="2023-09-28T12:00:00+08:00")
    assert refused.status_code == 409
    assert refused.get_json()["errors"]["missing_step"] == ["route", "answer", "approve"]
    assert "转办业务处室" in refused.get_json()["message"]
    answered_first = step(client, team["reviewer"], inquiry, "answer", text="可以申请")
    assert answered_first.status_code == 409
    assert answered_first.get_json()["errors"]["missing_step"] == ["route"]
    routed = step(client, team["editor"], inquiry, "route", department="详细规划处")
    assert routed.status_code == 200 and routed.get_json()["status"] == "routed"
    answered = step(client, team["reviewer"], inquiry, "answer",
                    text="符合条件的住宅可申请加装电梯，请咨询所在街道。")
    assert answered.status_code == 200 and answered.get_json()["status"] == "answered"
    not_approved = step(client, team["editor"], inquiry, "reply",
                        replied_at="2023-09-28T12:00:00+08:00")
    assert not_approved.status_code == 409
    assert not_approved.get_json()["errors"]["missing_step"] == ["approve"]
    assert step(client, team["lead"], inquiry, "approve").status_code == 200
    replied = step(client, team["editor"], inquiry, "reply",
                   replied_at="2023-09-29T09:00:00+08:00").get_json()
    assert replied["reply"] == "符合条件的住宅可申请加装电梯，请咨询所在街道。"
    assert replied["department"] == "详细规划处" and replied["late"] is False
    assert [e["step"] for e in replied["events"]] == ["enter", "route", "answer", "approve",
                                                      "reply"]


def test_a_late_reply_is_a_breach_kept_and_open_messages_past_due_are_the_duty_queue(
        client, team):
    late = entered(client, team["editor"])
    step(client, team["lead"], late, "approve", text="您好，已收到。")
    replied = step(client, team["editor"], late, "reply",
                   replied_at="2023-10-07T10:30:00+08:00").get_json()
    assert (replied["late"], replied["window_missed"], replied["breached"]) == (
        True, False, True)
    assert replied["events"][-1]["step"] == "breach"
    assert replied["events"][-1]["details"]["due_at"] == "2023-10-07T02:00:00+00:00"
    # WeChat's window closed over the holiday, though the reply was in time.
    window = entered(client, team["editor"], channel="wechat", kind="private_message")
    step(client, team["lead"], window, "approve", text="您好。")
    in_time = step(client, team["editor"], window, "reply",
                   replied_at="2023-10-07T09:00:00+08:00").get_json()
    assert (in_time["late"], in_time["window_missed"]) == (False, True)
    still_open = entered(client, team["editor"], received_at="2023-10-09T10:00:00+08:00")
    assert {m["id"] for m in queue(client, team["editor"], "&breached=true")} == {
        late["id"], window["id"]}
    # Every open message of 2023 is past due by now (the test runs after the term).
    assert [m["id"] for m in queue(client, team["editor"], "&overdue=true")] == [
        still_open["id"]]
    assert [m["id"] for m in queue(client, team["editor"], "&status=replied&kind=comment")] == [
        late["id"]]


def test_who_may_not_enter_route_approve_or_reply_is_refused(
        client, team, make_user, auth_headers, liaison_headers):
    message = entered(client, team["editor"], kind="inquiry")
    url = f"/api/v1/messages/{message['id']}"
    # Outside the contract: 403 for the message, whatever the body holds.
    for name in ("route", "answer", "approve", "reply"):
        refused = client.post(f"{url}/{name}", headers=team["outsider"], json={})
        assert refused.status_code == 403, (name, refused.get_json())
    assert client.get(url, headers=team["outsider"]).status_code == 403
    # Liaisons and officials never write here, before the body is read.
    for headers in (liaison_headers, team["reader"]):
        assert client.post(f"{url}/reply", headers=headers, json={"x": 1}).status_code == 403
        assert enter(client, headers).status_code == 403
    assert client.get(url, headers=team["reader"]).status_code == 200
    # The contract's roles: editors do not approve; admins do not either.
    step(client, team["editor"], message, "route", department="不动产登记处")
    step(client, team["editor"], message, "answer", text="答复")
    assert step(client, team["editor"], message, "approve").status_code == 403
    assert step(client, team["admin"], message, "approve").status_code == 403
    assert step(client, team["reviewer"], message, "reply").status_code == 403
    assert step(client, team["lead"], message, "approve").status_code == 200
    # The client's reviewer reads the queue; a stranger's contract query is a 404.
    assert queue(client, team["reviewer"])[0]["id"] == message["id"]
    stranger = client.get(f"/api/v1/messages?contract={CONTENT}", headers=team["outsider"])
    assert stranger.status_code == 404


def test_bad_messages_are_refused_naming_the_field(client, team):
    cases = [({"channel": "douyin"}, "channel"), ({"kind": "letter"}, "kind"),
             ({"received_at": "2023-06-30T10:00:00+08:00"}, "received_at"),
             ({"received_at": "2099-01-01T10:00:00+08:00"}, "received_at"),
             ({"content_id": 999}, "content_id"), ({"text": ""}, "text"),
             ({"contract": "xicheng-2022"}, "contract"), ({"contract": "nope"}, "contract")]
    for changes, field in cases:
        response = enter(client, team["admin"], **changes)
        assert response.status_code == 422, (changes, response.get_json())
        assert field in response.get_json()["errors"]["json"], (changes, response.get_json())
    assert queue(client, team["admin"]) == []


def test_standard_replies_by_category_count_their_use(client, team):
    refused = client.post("/api/v1/reply-templates", headers=team["editor"], json={
        "contract": CONTENT, "category": "不动产登记", "title": "办理地点", "text": "x"})
    assert refused.status_code == 403
    created = client.post("/api/v1/reply-templates", headers=team["lead"], json={
        "contract": CONTENT, "category": "不动产登记", "title": "办理地点",
        "text": "您好，不动产登记可在各区政务服务中心办理。"})
    assert created.status_code == 201, created.get_json()
    template = created.get_json()
    other = client.post("/api/v1/reply-templates", headers=team["reviewer"], json={
        "contract": CONTENT, "category": "城市更新", "title": "政策", "text": "请参阅条例。"})
    assert other.status_code == 201
    message = entered(client, team["editor"])
    approved = step(client, team["lead"], message, "approve", template_id=template["id"])
    assert approved.get_json()["approved_text"] == template["text"]
    replied = step(client, team["editor"], message, "reply", template_id=template["id"],
                   replied_at="2023-09-28T12:00:00+08:00")
    assert replied.status_code == 200 and replied.get_json()["template_id"] == template["id"]
    listed = client.get(f"/api/v1/reply-templates?contract={CONTENT}&category=不动产登记",
                        headers=team["editor"]).get_json()
    assert [(t["title"], t["use_count"]) for t in listed["items"]] == [("办理地点", 2)]
    assert client.get("/api/v1/reply-templates", headers=team["editor"]).get_json()[
        "total"] == 2
    unknown = step(client, team["lead"], entered(client, team["editor"]), "approve",
                   template_id=999)
    assert unknown.status_code == 422 and "template_id" in unknown.get_json()["errors"]["json"]


def test_a_faq_list_of_recurring_questions_is_published_as_a_content_draft(client, team):
    asked = [entered(client, team["editor"], category="不动产登记", handle=f"网民{n}")["id"]
             for n in range(3)]
    entered(client, team["editor"], category="城市更新")
    recurring = client.get(f"/api/v1/faqs/recurring?contract={CONTENT}",
                           headers=team["editor"]).get_json()
    assert recurring == [{"category": "不动产登记", "messages": 3}]
    created = client.post("/api/v1/faqs", headers=team["editor"], json={
        "contract": CONTENT, "title": "不动产登记问题集锦",
        "items": [{"question": "在哪里办理不动产登记？", "answer": "各区政务服务中心。",
                   "message_ids": asked}]})
    assert created.status_code == 201, created.get_json()
    faq = created.get_json()
    stranger_ids = client.post("/api/v1/faqs", headers=team["editor"], json={
        "contract": CONTENT, "title": "x",
        "items": [{"question": "q", "answer": "a", "message_ids": [999]}]})
    assert stranger_ids.status_code == 422
    refused = client.post(f"/api/v1/faqs/{faq['id']}/publish", headers=team["reviewer"],
                          json={"channels": ["wechat"]})
    assert refused.status_code == 403
    published = client.post(f"/api/v1/faqs/{faq['id']}/publish", headers=team["editor"],
                            json={"channels": ["wechat", "weibo"], "column": "不动产登记"})
    assert published.status_code == 201, published.get_json()
    content_id = published.get_json()["content_id"]
    piece = client.get(f"/api/v1/content/{content_id}", headers=team["lead"]).get_json()
    assert piece["title"] == "不动产登记问题集锦" and piece["status"] == "draft"
    assert piece["channels"] == ["wechat", "weibo"]
    body = piece["current_version"]["body"]
    assert "问1：在哪里办理不动产登记？\n答：各区政务服务中心。" in body
    again = client.post(f"/api/v1/faqs/{faq['id']}/publish", headers=team["editor"],
                        json={"channels": ["wechat"]})
    assert again.status_code == 409
    listed = client.get(f"/api/v1/faqs?contract={CONTENT}", headers=team["reader"]).get_json()
    assert [f["content_id"] for f in listed["items"]] == [content_id]


@pytest.mark.parametrize("change, named", [
    (lambda m: m.update(due_working_days=0), "due_working_days"),
    (lambda m: m["kinds"]["inquiry"].update(requires=["route", "publish"]), "kinds.inquiry"),
    (lambda m: m["who"].update(approve=["supervisor"]), "who.approve"),
    (lambda m: m["who"].update(sign=["editor"]), "who"),
    (lambda m: m["platform_windows"][0].update(hours=48.5), "hours"),
    (lambda m: m["platform_windows"][0].update(kind="letter"), "platform_windows"),
])
def test_a_bad_messages_block_refuses_the_contract_file_naming_it(
        client, admin_headers, change, named):
    data = yaml.safe_load(open("data/contracts/bjghzy-2023.yaml", encoding="utf-8"))
    data["key"] = "planning-media-broken"
    change(data["messages"])
    refused = client.post("/api/v1/contracts", headers=admin_headers,
                          content_type="multipart/form-data", data={"file": (io.BytesIO(
                              yaml.safe_dump(data, allow_unicode=True).encode()), "c.yaml")})
    assert refused.status_code == 422, refused.get_json()
    assert named in refused.get_json()["message"]
    assert "messages" in refused.get_json()["errors"]["json"]
    listed = client.get("/api/v1/contracts", headers=admin_headers).get_json()
    assert "planning-media-broken" not in [c["key"] for c in listed]


def test_a_message_names_the_content_it_refers_to(client, team):
    piece = client.post("/api/v1/content", headers=team["editor"], json={
        "contract": CONTENT, "title": "城市更新条例解读", "kind": "article", "original": True,
        "channels": ["wechat"], "body": "正文。"})
    assert piece.status_code == 201, piece.get_json()
    message = entered(client, team["editor"], channel="wechat",
                      content_id=piece.get_json()["id"])
    assert message["content_id"] == piece.get_json()["id"]
    assert client.get(f"/api/v1/messages/{message['id']}",
                      headers=team["reader"]).get_json()["content_id"] == message["content_id"]
