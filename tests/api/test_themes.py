"""Monthly themes (#17 point 6, 每月一题): a theme a month within the contract's term, with its
content, format and responsible departments; planned → in_production → delivered one step at
a time, `missed` once its month has ended undelivered; planned by admins, the editors' lead
and the client's reviewer and approver, read by the contract's members, every change
recorded."""

import io
from datetime import timedelta

import pytest
import yaml

from service.clock import local_today

CONTENT = "planning-media-2023"
LIVE = "planning-media-live"  # a content contract whose term holds today
DISTRICT = "xicheng-2022"
JULY = {"contract": CONTENT, "month": "2023-07", "title": "地质灾害防治",
        "description": "汛期地质灾害防治知识", "format": "海报、视频、预警提示",
        "departments": ["地质矿产处", "宣传中心"]}


def months() -> tuple[str, str, str]:
    """Last month, this month and next month in Asia/Shanghai."""
    first = local_today().replace(day=1)
    last = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return tuple(m.strftime("%Y-%m") for m in (last, first, following))


@pytest.fixture(autouse=True)
def seeded(runner, client, admin_headers):
    result = runner.invoke(args=["seed-district"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(open("data/contracts/bjghzy-2023.yaml", encoding="utf-8"))
    start = local_today().replace(day=1) - timedelta(days=40)
    data.update(key=LIVE, start=start.replace(day=1).isoformat(),
                end=(start + timedelta(days=200)).isoformat())
    content = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    loaded = client.post("/api/v1/contracts", headers=admin_headers,
                         content_type="multipart/form-data",
                         data={"file": (io.BytesIO(content), "contract.yaml")})
    assert loaded.status_code == 201, loaded.get_json()


@pytest.fixture
def member(client, admin_headers, make_user, auth_headers):
    """An account with a role in both content contracts, and its headers."""
    def make(role: str, username: str | None = None) -> dict:
        user = make_user("official" if role == "official" else "content",
                         username or f"m_{role}")
        for key in (CONTENT, LIVE):
            given = client.put(f"/api/v1/contracts/{key}/members/{user.id}",
                               headers=admin_headers, json={"role": role})
            assert given.status_code == 200, given.get_json()
        return auth_headers(user)
    return make


def field_errors(response) -> dict:
    return response.get_json()["errors"]["json"]


def listed(client, headers, query: str = "") -> list[tuple[str, str, str]]:
    response = client.get(f"/api/v1/themes{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [(t["contract"], t["month"], t["status"]) for t in response.get_json()["items"]]


def test_the_editors_lead_plans_a_month_s_theme_recorded(client, member):
    lead = member("editor_lead")
    planned = client.post("/api/v1/themes", headers=lead, json=JULY)
    assert planned.status_code == 201, planned.get_json()
    theme = planned.get_json()
    assert {k: theme[k] for k in JULY} == JULY
    # July 2023 is long over and nothing was delivered: it shows as missed.
    assert theme["status"] == "missed"
    assert theme["created_at"].endswith("+00:00")
    _, this, _ = months()
    live = client.post("/api/v1/themes", headers=lead,
                       json={**JULY, "contract": LIVE, "month": this})
    assert live.status_code == 201 and live.get_json()["status"] == "planned"
    again = client.post("/api/v1/themes", headers=lead, json={**JULY, "title": "另一个主题"})
    assert again.status_code == 409 and "2023-07" in again.get_json()["message"]
    assert "month" in again.get_json()["errors"]
    one = client.get(f"/api/v1/themes/{theme['id']}", headers=member("editor"))
    assert one.status_code == 200 and one.get_json()["title"] == "地质灾害防治"
    history = client.get(f"/api/v1/themes/{theme['id']}/history", headers=lead).get_json()
    assert [(e["action"], e["actor"]) for e in history] == [("create", "m_editor_lead")]
    assert history[0]["changes"]["departments"] == ["地质矿产处", "宣传中心"]


def test_the_client_s_reviewer_and_approver_plan_themes_too(client, member):
    for role, month in (("client_reviewer", "2023-08"), ("client_approver", "2023-09")):
        response = client.post("/api/v1/themes", headers=member(role),
                               json={**JULY, "month": month})
        assert response.status_code == 201, response.get_json()


def test_who_may_not_plan_or_change_themes_is_refused(
        client, admin_headers, member, liaison_headers, make_user, auth_headers):
    theme = client.post("/api/v1/themes", headers=admin_headers, json=JULY).get_json()
    url = f"/api/v1/themes/{theme['id']}"
    official = auth_headers(make_user("official", "guan"))
    community = auth_headers(make_user("community", "shequ", community_code="110102001004"))
    # Refused before the body is read, whatever it holds.
    for headers in (liaison_headers, official, community):
        assert client.post("/api/v1/themes", headers=headers,
                           json={"nonsense": 1}).status_code == 403
        assert client.patch(url, headers=headers, json={"nonsense": 1}).status_code == 403
    for role in ("editor", "official"):
        headers = member(role)
        assert client.post("/api/v1/themes", headers=headers,
                           json={**JULY, "month": "2023-10"}).status_code == 403
        assert client.patch(url, headers=headers, json={"title": "改"}).status_code == 403
        assert client.get(url, headers=headers).status_code == 200
    stranger = auth_headers(make_user("content", "wairen"))
    refused = client.post("/api/v1/themes", headers=stranger, json={**JULY, "month": "2023-10"})
    assert refused.status_code == 422 and "contract" in field_errors(refused)
    for call in (client.get(url, headers=stranger),
                 client.get(f"{url}/history", headers=stranger),
                 client.patch(url, headers=stranger, json={"title": "改"}),
                 client.get(f"/api/v1/themes?contract={CONTENT}", headers=stranger),
                 client.get(url, headers=liaison_headers)):
        assert call.status_code == 404
    assert client.get("/api/v1/themes", headers=community).status_code == 403
    assert listed(client, stranger) == [] and listed(client, liaison_headers) == []
    assert [t[1] for t in listed(client, admin_headers)] == ["2023-07"]


@pytest.mark.parametrize(("change", "field"), [
    ({"month": "2023-13"}, "month"),
    ({"month": "2023-7"}, "month"),
    ({"month": "2023-06"}, "month"),  # before the term
    ({"month": "2024-07"}, "month"),  # after it
    ({"title": ""}, "title"),
    ({"title": "  "}, "title"),
    ({"title": "长" * 201}, "title"),
    ({"departments": [""]}, "departments"),
    ({"departments": ["处"] * 21}, "departments"),
    ({"departments": "宣传中心"}, "departments"),
    ({"contract": "nothing"}, "contract"),
    ({"status": "delivered"}, "status"),
    ({"month": None}, "month"),
])
def test_a_bad_theme_is_refused_naming_the_field(client, admin_headers, change, field):
    refused = client.post("/api/v1/themes", headers=admin_headers, json={**JULY, **change})
    assert refused.status_code == 422, refused.get_json()
    assert field in field_errors(refused)
    assert listed(client, admin_headers) == []


def test_a_theme_moves_forward_one_step_at_a_time_and_back_only_by_an_admin(
        client, admin_headers, member):
    lead = member("editor_lead")
    _, this, _ = months()
    theme = client.post("/api/v1/themes", headers=lead,
                        json={**JULY, "contract": LIVE, "month": this}).get_json()
    url = f"/api/v1/themes/{theme['id']}"
    skipped = client.patch(url, headers=lead, json={"status": "delivered"})
    assert skipped.status_code == 409
    assert "计划中 → 制作中 → 已交付" in skipped.get_json()["errors"]["status"][0]
    for status in ("in_production", "delivered"):
        moved = client.patch(url, headers=lead, json={"status": status})
        assert moved.status_code == 200 and moved.get_json()["status"] == status
    back = client.patch(url, headers=lead, json={"status": "planned"})
    assert back.status_code == 409
    assert back.get_json()["message"].startswith("主题状态不能从「已交付」改为「计划中」")
    without_reason = client.patch(url, headers=admin_headers, json={"status": "planned"})
    assert without_reason.status_code == 422 and "reason" in field_errors(without_reason)
    reopened = client.patch(url, headers=admin_headers,
                            json={"status": "in_production", "reason": "甲方要求补充视频"})
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "in_production"
    missed = client.patch(url, headers=admin_headers, json={"status": "missed", "reason": "x"})
    assert missed.status_code == 422 and "status" in field_errors(missed)
    edited = client.patch(url, headers=lead, json={"description": "补充：地灾防治短视频",
                                                    "departments": ["地质矿产处"]})
    assert edited.status_code == 200 and edited.get_json()["departments"] == ["地质矿产处"]
    assert client.patch(url, headers=lead, json={}).status_code == 422
    same = client.patch(url, headers=lead, json={"departments": ["地质矿产处"]})
    assert same.status_code == 422 and same.get_json()["message"] == "没有任何修改"
    assert client.patch("/api/v1/themes/999999", headers=lead,
                        json={"title": "x"}).status_code == 404
    history = client.get(f"{url}/history", headers=lead).get_json()
    assert [e["action"] for e in history] == ["create", "update", "update", "update", "update"]
    assert history[1]["changes"] == {"status": ["planned", "in_production"]}
    assert history[3]["changes"] == {"status": ["delivered", "in_production"],
                                     "reason": "甲方要求补充视频"}
    assert history[3]["actor"] == "admin"


def test_a_theme_whose_month_ended_undelivered_is_missed_and_settled(
        client, admin_headers, member):
    lead = member("editor_lead")
    last, this, following = months()
    ids = {}
    for month in (last, this, following):
        created = client.post("/api/v1/themes", headers=lead,
                              json={**JULY, "contract": LIVE, "month": month})
        assert created.status_code == 201, created.get_json()
        ids[month] = created.get_json()["id"]
    assert listed(client, lead, f"?contract={LIVE}") == [
        (LIVE, last, "missed"), (LIVE, this, "planned"), (LIVE, following, "planned")]
    assert listed(client, lead, f"?contract={LIVE}&status=missed") == [(LIVE, last, "missed")]
    assert listed(client, lead, f"?contract={LIVE}&status=planned&from={this}&to={this}") == [
        (LIVE, this, "planned")]
    url = f"/api/v1/themes/{ids[last]}"
    # Settled: the editors' lead can neither move it on nor move it to a later month.
    for change in ({"status": "in_production"}, {"month": following}, {"title": "改"}):
        refused = client.patch(url, headers=lead, json=change)
        assert refused.status_code == 409, change
        assert "已结束且未交付" in refused.get_json()["message"]
    assert client.patch(url, headers=admin_headers,
                        json={"status": "delivered"}).status_code == 422
    late = client.patch(url, headers=admin_headers,
                        json={"status": "delivered", "reason": "已于月底前发布，漏登记"})
    assert late.status_code == 200 and late.get_json()["status"] == "delivered"
    assert listed(client, lead, f"?contract={LIVE}&status=missed") == []
    assert listed(client, lead, f"?contract={LIVE}&status=delivered") == [
        (LIVE, last, "delivered")]
    moved = client.patch(f"/api/v1/themes/{ids[following]}", headers=lead,
                         json={"month": this})
    assert moved.status_code == 409 and "month" in moved.get_json()["errors"]


def test_members_list_the_themes_of_their_contracts(client, admin_headers, member):
    client.post("/api/v1/themes", headers=admin_headers, json=JULY)
    client.post("/api/v1/themes", headers=admin_headers,
                json={**JULY, "month": "2022-05", "contract": DISTRICT, "title": "实名认证"})
    assert [(t[0], t[1]) for t in listed(client, admin_headers)] == [
        (DISTRICT, "2022-05"), (CONTENT, "2023-07")]
    assert [t[1] for t in listed(client, member("editor"))] == ["2023-07"]
    assert listed(client, admin_headers, "?from=2023-01") == [(CONTENT, "2023-07", "missed")]
    assert listed(client, admin_headers, "?to=2022-12&status=missed") == [
        (DISTRICT, "2022-05", "missed")]
    for query, field in (("?from=2023-1", "from"), ("?status=late", "status"),
                         ("?to=1999-12", "to"), ("?contract=" + "k" * 65, "contract"),
                         ("?colour=red", "colour")):
        refused = client.get(f"/api/v1/themes{query}", headers=admin_headers)
        assert refused.status_code == 422 and field in refused.get_json()["errors"]["query"]
    assert client.get("/api/v1/themes?contract=nothing",
                      headers=admin_headers).status_code == 404
