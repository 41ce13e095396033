"""Channels (#17 point 3): the accounts a contract runs on each platform, with their posting
windows: read by the contract's members, added and changed by admins and the contract's
editors' lead, checked as the contract file's are, recorded, and kept when the file is
loaded again."""

import io

import pytest
import yaml

CONTENT = "planning-media-2023"
DISTRICT = "xicheng-2022"
CONTENT_FILE = "data/contracts/bjghzy-2023.yaml"
DOUYIN = {"contract": CONTENT, "key": "douyin", "platform": "抖音",
          "account": "北京规划自然资源", "posting_windows": [
              {"days": "working", "from": "12:00", "to": "13:00"},
              {"from": "20:00", "to": "24:00"}]}


@pytest.fixture(autouse=True)
def seeded(runner):
    result = runner.invoke(args=["seed-district"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def member(client, admin_headers, make_user, auth_headers):
    """A content account with a role in the content contract, and its headers."""
    def make(role: str, username: str | None = None) -> dict:
        user = make_user("content" if role != "official" else "official",
                         username or f"m_{role}")
        given = client.put(f"/api/v1/contracts/{CONTENT}/members/{user.id}",
                           headers=admin_headers, json={"role": role})
        assert given.status_code == 200, given.get_json()
        return auth_headers(user)
    return make


def channels(client, headers, query: str = "") -> list[tuple[str, str]]:
    response = client.get(f"/api/v1/channels{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [(c["contract"], c["key"]) for c in response.get_json()["items"]]


def upload(client, headers, data: dict):
    content = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    return client.post("/api/v1/contracts", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), "contract.yaml")})


def field_errors(response) -> dict:
    return response.get_json()["errors"]["json"]


FIVE = [(CONTENT, key) for key in ("wechat", "weibo", "toutiao", "beijing_hao", "baijiahao")]


def test_members_read_the_channels_of_their_contracts_and_others_do_not_see_them(
        client, admin_headers, member, liaison_headers, make_user, auth_headers):
    # The district contract runs one account: its WeChat one, where its articles go out.
    assert channels(client, admin_headers) == [(DISTRICT, "wechat"), *FIVE]
    assert channels(client, admin_headers, f"?contract={DISTRICT}") == [(DISTRICT, "wechat")]
    editor = member("editor")
    assert channels(client, editor) == FIVE
    wechat = client.get(f"/api/v1/channels?contract={CONTENT}&per_page=1",
                        headers=editor).get_json()
    assert wechat["total"] == 5 and wechat["items"][0]["platform"] == "微信公众号"
    assert wechat["items"][0]["posting_windows"][0] == {"days": "working", "from": "08:00",
                                                        "to": "09:00"}
    assert wechat["items"][0]["origin"] == "file"
    one = client.get(f"/api/v1/channels/{wechat['items'][0]['id']}", headers=editor)
    assert one.status_code == 200 and one.get_json()["key"] == "wechat"
    # A liaison belongs to the district contract only: the content contract's channels do
    # not exist for it.
    assert channels(client, liaison_headers) == [(DISTRICT, "wechat")]
    assert client.get(f"/api/v1/channels?contract={CONTENT}",
                      headers=liaison_headers).status_code == 404
    assert client.get(f"/api/v1/channels/{wechat['items'][0]['id']}",
                      headers=liaison_headers).status_code == 404
    stranger = auth_headers(make_user("content", "wairen"))
    assert channels(client, stranger) == []  # a content account belongs to no district one
    assert client.get(f"/api/v1/channels?contract={CONTENT}",
                      headers=stranger).status_code == 404
    community = auth_headers(make_user("community", "shequ", community_code="110102001004"))
    assert client.get("/api/v1/channels", headers=community).status_code == 403
    assert client.get("/api/v1/channels?contract=nothing",
                      headers=admin_headers).status_code == 404


def test_the_editors_lead_adds_a_channel_checked_and_recorded(client, admin_headers, member):
    lead = member("editor_lead")
    added = client.post("/api/v1/channels", headers=lead, json=DOUYIN)
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert body["key"] == "douyin" and body["origin"] == "api" and body["contract"] == CONTENT
    assert body["posting_windows"] == [{"days": "working", "from": "12:00", "to": "13:00"},
                                       {"days": "all", "from": "20:00", "to": "24:00"}]
    assert channels(client, lead) == [*FIVE, (CONTENT, "douyin")]
    again = client.post("/api/v1/channels", headers=admin_headers, json=DOUYIN)
    assert again.status_code == 409 and "douyin" in again.get_json()["message"]
    history = client.get(f"/api/v1/channels/{body['id']}/history", headers=lead).get_json()
    assert [(e["action"], e["actor"]) for e in history] == [("create", "m_editor_lead")]
    assert history[0]["changes"]["account"] == "北京规划自然资源"
    # Admins add channels to any contract, the district's too.
    district = client.post("/api/v1/channels", headers=admin_headers,
                           json={**DOUYIN, "contract": DISTRICT})
    assert district.status_code == 201


@pytest.mark.parametrize(("windows", "message"), [
    ([{"from": "09:00", "to": "08:00"}], "结束时间应晚于开始时间"),
    ([{"from": "8:00", "to": "09:00"}], "应为 HH:MM"),
    ([{"from": "23:00", "to": "24:01"}], "应为 HH:MM"),
])
def test_posting_windows_are_checked_as_the_contract_file_checks_them(
        client, admin_headers, windows, message):
    refused = client.post("/api/v1/channels", headers=admin_headers,
                          json={**DOUYIN, "posting_windows": windows})
    assert refused.status_code == 422
    assert message in field_errors(refused)["posting_windows"][0]
    # The same window in a contract file is refused with the same words.
    data = yaml.safe_load(open(CONTENT_FILE, encoding="utf-8"))
    data["channels"][0]["posting_windows"] = windows
    in_file = upload(client, admin_headers, data)
    assert in_file.status_code == 422 and message in field_errors(in_file)["channels"][0]


@pytest.mark.parametrize(("body", "field"), [
    ({**DOUYIN, "key": "WeChat"}, "key"),
    ({**DOUYIN, "key": "x" * 33}, "key"),
    ({**DOUYIN, "platform": ""}, "platform"),
    ({**DOUYIN, "account": "   "}, "account"),
    ({**DOUYIN, "posting_windows": [{"days": "sometimes", "from": "08:00", "to": "09:00"}]},
     "posting_windows"),
    ({**DOUYIN, "posting_windows": [{"from": "08:00"}]}, "posting_windows"),
    ({**DOUYIN, "contract": "nothing"}, "contract"),
    ({**DOUYIN, "origin": "file"}, "origin"),
])
def test_a_bad_channel_is_refused_naming_the_field(client, admin_headers, body, field):
    refused = client.post("/api/v1/channels", headers=admin_headers, json=body)
    assert refused.status_code == 422, refused.get_json()
    assert field in field_errors(refused)


def test_who_may_not_add_or_change_a_channel_is_refused_before_the_body_is_read(
        client, admin_headers, member, liaison_headers, make_user, auth_headers):
    wechat = client.get(f"/api/v1/channels?contract={CONTENT}",
                        headers=admin_headers).get_json()["items"][0]["id"]
    official = auth_headers(make_user("official", "guan"))
    community = auth_headers(make_user("community", "shequ", community_code="110102001004"))
    for headers in (liaison_headers, official, community):
        assert client.post("/api/v1/channels", headers=headers,
                           json={"nonsense": 1}).status_code == 403
        assert client.patch(f"/api/v1/channels/{wechat}", headers=headers,
                            json={"nonsense": 1}).status_code == 403
    # Members with another role: 403; a content account of no contract: it does not exist.
    for role in ("editor", "client_reviewer", "client_approver"):
        headers = member(role)
        assert client.post("/api/v1/channels", headers=headers,
                           json=DOUYIN).status_code == 403
        assert client.patch(f"/api/v1/channels/{wechat}", headers=headers,
                            json={"account": "新名"}).status_code == 403
    stranger = auth_headers(make_user("content", "wairen"))
    refused = client.post("/api/v1/channels", headers=stranger, json=DOUYIN)
    assert refused.status_code == 422 and "contract" in field_errors(refused)
    assert client.patch(f"/api/v1/channels/{wechat}", headers=stranger,
                        json={"account": "新名"}).status_code == 404
    assert client.get(f"/api/v1/channels/{wechat}/history",
                      headers=stranger).status_code == 404
    assert channels(client, admin_headers, f"?contract={CONTENT}") == FIVE


def test_the_editors_lead_changes_a_channel_but_never_its_key(client, admin_headers, member):
    lead = member("editor_lead")
    weibo = client.get(f"/api/v1/channels?contract={CONTENT}",
                       headers=lead).get_json()["items"][1]
    url = f"/api/v1/channels/{weibo['id']}"
    changed = client.patch(url, headers=lead, json={
        "account": "首都规划", "posting_windows": [{"days": "working", "from": "09:00",
                                                   "to": "10:00"}]})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["account"] == "首都规划"
    assert changed.get_json()["posting_windows"] == [{"days": "working", "from": "09:00",
                                                      "to": "10:00"}]
    assert client.patch(url, headers=lead, json={"key": "douyin"}).status_code == 422
    assert client.patch(url, headers=lead, json={}).status_code == 422
    same = client.patch(url, headers=lead, json={"account": "首都规划"})
    assert same.status_code == 422 and same.get_json()["message"] == "没有任何修改"
    bad = client.patch(url, headers=lead, json={"posting_windows": [
        {"from": "10:00", "to": "10:00"}]})
    assert bad.status_code == 422 and "posting_windows" in field_errors(bad)
    assert client.patch("/api/v1/channels/999999", headers=lead,
                        json={"account": "x"}).status_code == 404
    history = client.get(f"{url}/history", headers=lead).get_json()
    assert [e["action"] for e in history] == ["update"]
    assert history[0]["changes"]["account"] == ["北京市规划和自然资源委员会", "首都规划"]
    assert history[0]["actor"] == "m_editor_lead"


def test_reloading_the_contract_file_keeps_the_channels_added_here(client, admin_headers):
    added = client.post("/api/v1/channels", headers=admin_headers, json=DOUYIN).get_json()
    before = {c["key"]: c for c in client.get(f"/api/v1/channels?contract={CONTENT}",
                                              headers=admin_headers).get_json()["items"]}
    data = yaml.safe_load(open(CONTENT_FILE, encoding="utf-8"))
    data["channels"][0]["account"] = "北京规划自然"  # WeChat's account, changed in the file
    data["channels"][0]["posting_windows"] = [{"days": "all", "from": "07:00", "to": "08:00"}]
    loaded = upload(client, admin_headers, data)
    assert loaded.status_code == 201, loaded.get_json()
    after = {c["key"]: c for c in client.get(f"/api/v1/channels?contract={CONTENT}",
                                             headers=admin_headers).get_json()["items"]}
    assert list(after) == ["wechat", "weibo", "toutiao", "beijing_hao", "baijiahao", "douyin"]
    assert after["douyin"] == added
    assert after["wechat"]["id"] == before["wechat"]["id"]
    assert after["wechat"]["account"] == "北京规划自然"
    assert after["wechat"]["posting_windows"] == [{"days": "all", "from": "07:00",
                                                   "to": "08:00"}]
    assert after["weibo"] == before["weibo"]
    # A channel dropped from the file stays too (publications will refer to it).
    data["channels"] = data["channels"][:4]
    data["obligations"] = [o for o in data["obligations"]
                           if "baijiahao" not in o.get("channels", [])]
    assert upload(client, admin_headers, data).status_code == 201
    kept = channels(client, admin_headers, f"?contract={CONTENT}")
    assert kept[-2:] == [(CONTENT, "baijiahao"), (CONTENT, "douyin")]
    # A file naming a channel added here takes it over.
    data["channels"].append({"key": "douyin", "platform": "抖音号", "account": "规自委"})
    assert upload(client, admin_headers, data).status_code == 201
    taken = client.get(f"/api/v1/channels/{added['id']}", headers=admin_headers).get_json()
    assert taken["origin"] == "file" and taken["platform"] == "抖音号"
    assert taken["posting_windows"] == []
