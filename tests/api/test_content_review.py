"""Content with versions and a five-level review; publications (#17 points 4 and 5), through
the API: the chain's order, its roles, the same-person and author refusals, a new version
voiding the signatures, and a publication refused unless its exact version passed all levels."""

import base64
import hashlib
import threading

import pytest

CONTENT = "planning-media-2023"
DISTRICT = "xicheng-2022"
LEVELS = ["first", "second", "third", "fourth", "final"]


@pytest.fixture
def team(runner, client, admin_headers, make_user, auth_headers):
    """The 2023 contract loaded, with two editors, the lead, the client's reviewer and
    approver, an official who reads and a content account outside the contract."""
    result = runner.invoke(args=["seed-district"])
    assert result.exit_code == 0, result.output
    people = {}
    for name, role in [("editor", "editor"), ("editor2", "editor"), ("lead", "editor_lead"),
                       ("reviewer", "client_reviewer"), ("approver", "client_approver"),
                       ("reader", "official"), ("outsider", None)]:
        user = make_user("official" if role == "official" else "content", name,
                         display_name=name)
        if role:
            answer = client.put(f"/api/v1/contracts/{CONTENT}/members/{user.id}",
                                headers=admin_headers, json={"role": role})
            assert answer.status_code == 200, answer.get_json()
        people[name] = auth_headers(user)
    people["admin"] = admin_headers
    return people


def new_content(client, headers, **changes):
    body = {"contract": CONTENT, "title": "北京城市总规实施一周年", "kind": "article",
            "original": True, "column": "北京城市总规", "channels": ["wechat", "weibo"],
            "body": "7月1日，规划的的实施情况发布，详见http:/example.com。", **changes}
    return client.post("/api/v1/content", headers=headers, json=body)


@pytest.fixture
def piece(client, team):
    created = new_content(client, team["editor"])
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def checklist(client, headers, content_id, level, value=True):
    detail = client.get(f"/api/v1/content/{content_id}", headers=headers).get_json()
    items = next((lv["checklist"] for lv in detail["chain"] if lv["key"] == level), [])
    return {item: value for item in items}


def sign(client, team, who, content, level, decision="pass", sha=None, notes=""):
    return client.post(f"/api/v1/content/{content['id']}/reviews", headers=team[who], json={
        "version": sha or content["sha256"], "level": level, "decision": decision,
        "notes": notes, "checklist": checklist(client, team["admin"], content["id"], level)})


def sign_all(client, team, content, levels=LEVELS,
             signers=("editor", "editor2", "lead", "reviewer", "approver")):
    signer_of = dict(zip(LEVELS, signers, strict=True))
    for level in levels:
        answer = sign(client, team, signer_of[level], content, level)
        assert answer.status_code == 201, (level, answer.get_json())


def publish(client, headers, content, **changes):
    body = {"content_id": content["id"], "version": content["sha256"], "channel": "wechat",
            "published_at": "2023-07-03T16:30:00Z",
            "url": "https://mp.weixin.qq.com/s/abc", **changes}
    return client.post("/api/v1/publications", headers=headers, json=body)


def test_a_piece_is_created_with_its_first_version_checked_automatically(client, team, piece):
    assert piece["status"] == "draft" and piece["version"] == 1
    assert piece["next_level"] == "first" and piece["next_role"] == "editor"
    current = piece["current_version"]
    assert current["checker"] == "content-check/1"
    assert {f["rule"] for f in current["findings"]} == {"doubled_character", "bad_link"}
    # The hash as documented: content-version/1, then length-prefixed title, body, attachment.
    title, body = "北京城市总规实施一周年", current["body"]
    expected = hashlib.sha256(b"content-version/1\n")
    for part in (title.encode(), body.encode()):
        expected.update(f"{len(part)}:".encode() + part)
    expected.update(b"-")
    assert current["sha256"] == piece["sha256"] == expected.hexdigest()
    assert [lv["name"] for lv in piece["chain"]] == ["一审", "二审", "三审", "四审", "终审"]
    assert [lv["state"] for lv in piece["chain"]] == ["awaiting"] + ["pending"] * 4


def test_the_whole_chain_in_order_then_a_publication(client, team, piece):
    sign_all(client, team, piece)
    detail = client.get(f"/api/v1/content/{piece['id']}", headers=team["reader"]).get_json()
    assert detail["status"] == "approved" and detail["next_level"] is None
    assert [(lv["state"], lv["review"]["signer"]["username"]) for lv in detail["chain"]] == [
        ("passed", "editor"), ("passed", "editor2"), ("passed", "lead"),
        ("passed", "reviewer"), ("passed", "approver")]
    png = b"\x89PNG\r\n\x1a\n" + b"1" * 64
    not_an_image = publish(client, team["editor2"], piece,
                           screenshot=base64.b64encode(b"GIF89a...").decode())
    assert not_an_image.get_json()["errors"]["json"]["screenshot"] == ["截图应为 PNG 或 JPEG 图片"]
    published = publish(client, team["editor2"], piece,
                        screenshot=base64.b64encode(png).decode())
    assert published.status_code == 201, published.get_json()
    assert published.get_json()["screenshot"] == "image/png"
    shot = f"/api/v1/publications/{published.get_json()['id']}/screenshot"
    assert client.get(shot, headers=team["reader"]).data == png
    assert client.get(shot, headers=team["outsider"]).status_code == 404
    # 16:30 UTC is 00:30 the next day in Beijing: it counts for 2023-07-04.
    assert published.get_json()["published_on"] == "2023-07-04"
    assert published.get_json()["sha256"] == piece["sha256"]
    again = publish(client, team["editor"], piece)
    assert again.status_code == 409
    listed = client.get(f"/api/v1/publications?contract={CONTENT}&from=2023-07-04"
                        f"&to=2023-07-04&channel=wechat", headers=team["reader"]).get_json()
    assert listed["total"] == 1 and listed["items"][0]["title"] == piece["title"]
    empty = client.get(f"/api/v1/publications?contract={CONTENT}&to=2023-07-03",
                       headers=team["reader"]).get_json()
    assert empty["total"] == 0
    detail = client.get(f"/api/v1/content/{piece['id']}", headers=team["editor"]).get_json()
    assert detail["status"] == "published" and len(detail["publications"]) == 1


def test_levels_are_signed_in_order_each_by_its_role(client, team, piece):
    early = sign(client, team, "lead", piece, "third")
    assert early.status_code == 422
    assert early.get_json()["errors"]["json"]["level"] == ["须按顺序签署：下一级为一审"]
    assert sign(client, team, "editor", piece, "first").status_code == 201
    wrong_role = sign(client, team, "lead", piece, "second")
    assert wrong_role.status_code == 403
    assert wrong_role.get_json()["message"] == "二审须由稿件编辑签署"
    assert sign(client, team, "reviewer", piece, "first").status_code == 403
    unknown = sign(client, team, "editor2", piece, "sixth")
    assert unknown.status_code == 422 and "level" in unknown.get_json()["errors"]["json"]
    twice = sign(client, team, "editor2", piece, "first")
    assert twice.status_code == 422 and twice.get_json()["errors"]["json"]["level"] == [
        "一审已签署"]


def test_nobody_signs_two_levels_and_the_author_not_the_second(client, team):
    by_lead = new_content(client, team["lead"]).get_json()
    assert sign(client, team, "editor2", by_lead, "first").status_code == 201
    same = sign(client, team, "editor2", by_lead, "second")
    assert same.status_code == 403
    assert same.get_json()["message"] == "同一人不能签署同一版本的两级审核"
    # The editor wrote this one: they may sign 一审 (see the chain test), never 二审.
    by_editor = new_content(client, team["editor"]).get_json()
    assert sign(client, team, "editor2", by_editor, "first").status_code == 201
    author = sign(client, team, "editor", by_editor, "second")
    assert author.status_code == 403
    assert author.get_json()["message"] == "二审须由作者以外的人签署"


def test_admins_and_readers_do_not_sign(client, team, piece):
    admin = sign(client, team, "admin", piece, "first")
    assert admin.status_code == 403
    assert admin.get_json()["message"] == "管理员不签署审核：每一级须由合同中担任该级角色的人签署"
    assert sign(client, team, "reader", piece, "first").status_code == 403
    assert sign(client, team, "outsider", piece, "first").status_code == 404


def test_a_pass_needs_every_checklist_item_and_a_return_its_reason(client, team, piece):
    body = {"version": piece["sha256"], "level": "first", "decision": "pass", "notes": "",
            "checklist": checklist(client, team["admin"], piece["id"], "first", False)}
    url = f"/api/v1/content/{piece['id']}/reviews"
    unchecked = client.post(url, headers=team["editor"], json=body)
    assert unchecked.status_code == 422 and "checklist" in unchecked.get_json()["errors"]["json"]
    missing = client.post(url, headers=team["editor"], json={**body, "checklist": {}})
    assert missing.status_code == 422
    stranger = client.post(url, headers=team["editor"], json={
        **body, "checklist": {**checklist(client, team["admin"], piece["id"], "first"),
                              "别的检查项": True}})
    assert stranger.status_code == 422
    no_reason = client.post(url, headers=team["editor"], json={**body, "decision": "return"})
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"]["json"]["notes"] == ["退回须说明原因"]


def test_a_return_ends_the_chain_until_a_new_version(client, team, piece):
    sign_all(client, team, piece, LEVELS[:2])
    returned = sign(client, team, "lead", piece, "third", "return", notes="标题需修改")
    assert returned.status_code == 201 and returned.get_json()["decision"] == "return"
    detail = client.get(f"/api/v1/content/{piece['id']}", headers=team["editor"]).get_json()
    assert detail["status"] == "returned" and detail["next_level"] is None
    assert sign(client, team, "reviewer", piece, "fourth").status_code == 422
    new = client.post(f"/api/v1/content/{piece['id']}/versions", headers=team["editor"],
                      json={"title": "北京城市总规实施一周年回顾",
                            "body": "7月1日，实施情况发布。"})
    assert new.status_code == 201 and new.get_json()["number"] == 2
    assert new.get_json()["findings"] == []
    detail = client.get(f"/api/v1/content/{piece['id']}", headers=team["editor"]).get_json()
    assert detail["status"] == "draft" and detail["title"] == "北京城市总规实施一周年回顾"


def test_a_new_version_voids_the_signatures_of_the_old_one(client, team, piece):
    sign_all(client, team, piece, LEVELS[:3])
    new = client.post(f"/api/v1/content/{piece['id']}/versions", headers=team["editor2"],
                      json={"body": "7月1日，规划实施情况发布。"})
    assert new.status_code == 201
    sha2 = new.get_json()["sha256"]
    detail = client.get(f"/api/v1/content/{piece['id']}", headers=team["editor"]).get_json()
    assert detail["status"] == "draft" and detail["sha256"] == sha2 and detail["version"] == 2
    assert [lv["state"] for lv in detail["chain"]] == ["awaiting"] + ["pending"] * 4
    # The old version can be neither signed further nor published.
    old = sign(client, team, "reviewer", piece, "fourth")
    assert old.status_code == 422 and "version" in old.get_json()["errors"]["json"]
    refused = publish(client, team["editor"], piece)
    assert refused.status_code == 422 and "version" in refused.get_json()["errors"]["json"]
    history = client.get(f"/api/v1/content/{piece['id']}/history",
                         headers=team["reader"]).get_json()
    reviews = [(e["level"], e["actor"]["username"], e["sha256"], e["void"],
                e["voided_by_version"]) for e in history if e["event"] == "review"]
    assert reviews == [("first", "editor", piece["sha256"], True, 2),
                       ("second", "editor2", piece["sha256"], True, 2),
                       ("third", "lead", piece["sha256"], True, 2)]
    assert [(e["event"], e["version"]) for e in history if e["event"] == "version"] == [
        ("version", 1), ("version", 2)]
    # The author of version 2 may not sign its 二审; the author of version 1 now may.
    piece2 = {**piece, "sha256": sha2}
    assert sign(client, team, "editor", piece2, "first").status_code == 201
    assert sign(client, team, "editor2", piece2, "second").status_code == 403


def test_an_identical_version_is_refused(client, team, piece):
    same = client.post(f"/api/v1/content/{piece['id']}/versions", headers=team["editor"],
                       json={"body": piece["current_version"]["body"]})
    assert same.status_code == 409
    assert same.get_json()["message"] == "与当前版本相同：没有修改正文、标题或附件"
    second = client.post(f"/api/v1/content/{piece['id']}/versions", headers=team["editor"],
                         json={"body": "改了一句。"})
    assert second.status_code == 201
    back = client.post(f"/api/v1/content/{piece['id']}/versions", headers=team["editor"],
                       json={"body": piece["current_version"]["body"]})
    assert back.status_code == 409 and "第 1 版" in back.get_json()["message"]


def test_a_publication_of_an_unsigned_version_is_refused(client, team, piece):
    unsigned = publish(client, team["editor"], piece)
    assert unsigned.status_code == 422
    assert unsigned.get_json()["errors"]["json"]["version"] == [
        "该版本（第 1 版）未通过全部审核，不能发布（尚缺：一审、二审、三审、四审、终审）"]
    sign_all(client, team, piece, LEVELS[:4])
    assert publish(client, team["editor"], piece).status_code == 422
    sign(client, team, "approver", piece, "final")
    not_planned = publish(client, team["editor"], piece, channel="toutiao")
    assert not_planned.status_code == 422 and "channel" in not_planned.get_json()["errors"]["json"]
    stranger = publish(client, team["editor"], piece, channel="douyin")
    assert stranger.status_code == 422
    future = publish(client, team["editor"], piece, published_at="2099-01-01T08:00:00+08:00")
    assert future.get_json()["errors"]["json"]["published_at"] == ["发布时间不能晚于当前时间"]
    # 2023-06-30T16:30Z is 07-01 00:30 in Beijing: the term's first day; a minute earlier, not.
    before = publish(client, team["editor"], piece, published_at="2023-06-30T15:59:00Z")
    assert before.status_code == 422 and "published_at" in before.get_json()["errors"]["json"]
    naive = publish(client, team["editor"], piece, published_at="2023-07-03T10:00:00")
    assert naive.status_code == 422 and "published_at" in naive.get_json()["errors"]["json"]
    by_client = publish(client, team["approver"], piece)
    assert by_client.status_code == 403
    unknown = publish(client, team["editor"], piece, content_id=999_999)
    assert unknown.status_code == 422 and "content_id" in unknown.get_json()["errors"]["json"]
    assert publish(client, team["outsider"], piece).status_code == 422
    assert client.get(f"/api/v1/publications?contract={CONTENT}",
                      headers=team["editor"]).get_json()["total"] == 0


def test_a_publication_stays_when_its_version_is_superseded(client, team, piece):
    sign_all(client, team, piece)
    assert publish(client, team["editor"], piece).status_code == 201
    assert client.post(f"/api/v1/content/{piece['id']}/versions", headers=team["editor"],
                       json={"body": "更正：规划实施情况发布。"}).status_code == 201
    detail = client.get(f"/api/v1/content/{piece['id']}", headers=team["editor"]).get_json()
    assert detail["status"] == "draft" and len(detail["publications"]) == 1
    assert detail["publications"][0]["version"] == 1
    # It was signed when published; from now on its signatures are void: it goes out nowhere
    # else.
    assert publish(client, team["editor"], piece, channel="weibo").status_code == 422
    listed = client.get(f"/api/v1/publications?contract={CONTENT}", headers=team["reader"])
    assert [(p["version"], p["channel"]) for p in listed.get_json()["items"]] == [(1, "wechat")]


def test_who_reads_and_who_writes(client, team, piece):
    for who in ("reader", "approver", "admin", "lead"):
        assert client.get(f"/api/v1/content/{piece['id']}",
                          headers=team[who]).status_code == 200, who
    assert client.get(f"/api/v1/content/{piece['id']}",
                      headers=team["outsider"]).status_code == 404
    assert client.get(f"/api/v1/content?contract={CONTENT}",
                      headers=team["outsider"]).status_code == 404
    assert new_content(client, team["reader"]).status_code == 403
    assert new_content(client, team["reviewer"]).status_code == 403
    assert new_content(client, team["outsider"]).status_code == 422
    assert new_content(client, team["admin"]).status_code == 201
    assert client.post(f"/api/v1/content/{piece['id']}/versions", headers=team["approver"],
                       json={"body": "甲方改稿"}).status_code == 403


def test_lists_by_status_and_what_awaits_me(client, team, piece):
    other = new_content(client, team["editor2"], title="名城保护").get_json()
    sign(client, team, "editor", piece, "first")

    def titles(who, query=""):
        answer = client.get(f"/api/v1/content?contract={CONTENT}{query}", headers=team[who])
        assert answer.status_code == 200, answer.get_json()
        return sorted(item["title"] for item in answer.get_json()["items"])

    assert titles("reader") == sorted([piece["title"], other["title"]])
    assert titles("reader", "&status=in_review") == [piece["title"]]
    assert titles("reader", "&status=draft") == [other["title"]]
    # editor signed piece's 一审 and wrote it: its 二审 awaits editor2; other's 一审 awaits
    # either editor (一审 has no author rule).
    assert titles("editor2", "&awaiting=me") == sorted([piece["title"], other["title"]])
    assert titles("editor", "&awaiting=me") == [other["title"]]
    assert titles("lead", "&awaiting=me") == []
    assert client.get(f"/api/v1/content?contract={CONTENT}&awaiting=you",
                      headers=team["editor"]).status_code == 422


def test_the_list_pages_from_the_database_as_it_listed_in_full(client, team, piece):
    """Pages of the list (one query each) put together are the whole list, newest change
    first, with the same total; a status filters before paging."""
    for n in range(4):
        new_content(client, team["editor2"], title=f"第{n}篇")
    sign(client, team, "editor", piece, "first")

    def read(query):
        answer = client.get(f"/api/v1/content?contract={CONTENT}{query}", headers=team["reader"])
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    whole = read("&per_page=50")
    pages = [read(f"&per_page=2&page={n}") for n in (1, 2, 3)]
    assert [p["total"] for p in pages] == [5, 5, 5] == [whole["total"]] * 3
    assert [i["id"] for p in pages for i in p["items"]] == [i["id"] for i in whole["items"]]
    assert [i["id"] for i in whole["items"]][0] == piece["id"]  # signed last: newest change
    drafts = read("&status=draft&per_page=3")
    assert drafts["total"] == 4 and len(drafts["items"]) == 3


@pytest.mark.parametrize("changes, field", [
    ({"channels": ["wechat", "douyin"]}, "channels"),
    ({"channels": []}, "channels"),
    ({"kind": "podcast"}, "kind"),
    ({"column": "不存在的栏目"}, "column"),
    ({"contract": DISTRICT}, "contract"),
    ({"contract": "no-such-contract"}, "contract"),
    ({"title": ""}, "title"),
    ({"attachment": {"filename": "a.png", "content_type": "image/png", "data": "不是base64"}},
     "attachment"),
])
def test_bad_content_is_refused_naming_the_field(client, team, changes, field):
    refused = new_content(client, team["admin"], **changes)
    assert refused.status_code == 422, refused.get_json()
    assert field in refused.get_json()["errors"]["json"]


def test_an_attachment_is_part_of_the_version(client, team):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    attachment = {"filename": "一图读懂.png", "content_type": "image/png",
                  "data": base64.b64encode(png).decode()}
    created = new_content(client, team["editor"], kind="infographic", attachment=attachment)
    assert created.status_code == 201
    piece = created.get_json()
    assert piece["current_version"]["attachment"] == {
        "filename": "一图读懂.png", "content_type": "image/png", "size": len(png)}
    url = f"/api/v1/content/{piece['id']}/versions/1/attachment"
    assert client.get(url, headers=team["reader"]).data == png
    assert client.get(url, headers=team["outsider"]).status_code == 404
    # The same text without the attachment is another version; with it again, the first.
    without = client.post(f"/api/v1/content/{piece['id']}/versions", headers=team["editor"],
                          json={"body": piece["current_version"]["body"], "attachment": None})
    assert without.status_code == 201 and without.get_json()["attachment"] is None
    kept = client.post(f"/api/v1/content/{piece['id']}/versions", headers=team["editor"],
                       json={"body": "新的正文"})
    assert kept.status_code == 201 and kept.get_json()["attachment"] is None
    again = client.post(f"/api/v1/content/{piece['id']}/versions", headers=team["editor"],
                        json={"body": piece["current_version"]["body"],
                              "attachment": attachment})
    assert again.status_code == 409


def test_the_chain_is_checked_when_a_contract_is_loaded(app):
    from service.content.review_chain import checked_review_chain
    from service.errors import RuleViolationError

    roles = ["editor", "client_approver", "official"]
    good = [{"key": "first", "name": "一审", "role": "editor", "checklist": ["已核对"]}]
    assert checked_review_chain({"roles": roles, "review_chain": good})[0]["rule"] is None
    for bad in ([{**good[0], "role": "editor_lead"}], [{**good[0], "role": "official"}],
                [{**good[0], "rule": "anyone"}], good + good, [{**good[0], "extra": 1}],
                [{**good[0], "checklist": "已核对"}]):
        with pytest.raises(RuleViolationError):
            checked_review_chain({"roles": roles, "review_chain": bad})


def test_concurrent_signatures_and_versions_never_collide(app, client, team, piece):
    body = {"version": piece["sha256"], "level": "first", "decision": "pass",
            "checklist": checklist(client, team["admin"], piece["id"], "first")}
    answers = []

    def send(who, url, json):
        answers.append(app.test_client().post(url, json=json, headers=team[who]))

    threads = [threading.Thread(target=send, args=(who, f"/api/v1/content/{piece['id']}/reviews",
                                                   body)) for who in ("editor", "editor2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201, 422], [a.get_json() for a in answers]
    answers.clear()
    threads = [threading.Thread(target=send, args=(
        "editor2", f"/api/v1/content/{piece['id']}/versions", {"body": f"第{n}种写法。"}))
        for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 5
    assert sorted(a.get_json()["number"] for a in answers) == [2, 3, 4, 5, 6]
    history = client.get(f"/api/v1/content/{piece['id']}/history",
                         headers=team["editor"]).get_json()
    assert [e["void"] for e in history if e["event"] == "review"] == [True]


def test_an_attachment_over_the_bound_is_refused(app, client, team):
    from models import User, db
    from service.content import review
    from service.errors import RuleViolationError

    # Over the request limit (2 MB in tests, 10 MB in production): 413, said in Chinese.
    big = base64.b64encode(b"0" * 2_000_000).decode()
    refused = new_content(client, team["editor"], attachment={
        "filename": "a.mp4", "content_type": "video/mp4", "data": big})
    assert refused.status_code == 413 and refused.get_json()["message"] == "上传内容过大"
    # Over 5 MB once decoded: refused naming the field, whatever the request limit.
    with app.app_context():
        editor = db.session.scalar(db.select(User).where(User.username == "editor"))
        with pytest.raises(RuleViolationError) as error:
            review.create_content(
                actor=editor, contract=CONTENT, title="视频", kind="video", original=True,
                channels=["wechat"], body="", attachment=review.Attachment(
                    "a.mp4", "video/mp4", b"0" * (review.MAX_ATTACHMENT_BYTES + 1)))
        assert error.value.errors == {"attachment": ["附件过大（最多 5 MB）"]}
