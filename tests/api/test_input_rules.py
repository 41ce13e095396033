"""What a careless user or an attacker sends is refused at the door with a 4xx that names the
field, or is harmless: unstorable text, dates and numbers out of range, deep JSON, unknown
parameters, missing bodies, other users' client_ids, a sync batch with a broken item."""

import io
import json
import uuid

import pytest
from sqlalchemy import func, select, text

from models import Problem, Theme, UserCountImport, Visit, db
from tests.api.test_visits import FUYOUJIE, XICHANG, visit_body

CONTROL_TEXTS = ["a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f", "lone\ud800surrogate"]


def send_json(client, method, url, body, headers=None):
    """JSON as a phone would send it, lone surrogates escaped (json.dumps writes \\ud800)."""
    return client.open(url, method=method, data=json.dumps(body),
                       headers={**(headers or {}), "Content-Type": "application/json"})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def error_fields(response) -> dict:
    errors = response.get_json()["errors"]
    return errors.get("json") or errors.get("query") or errors


@pytest.mark.parametrize("value", CONTROL_TEXTS)
def test_unstorable_text_in_a_visit_is_422_naming_the_field_and_stores_nothing(
        app, client, liaison_headers, value):
    response = send_json(client, "POST", "/api/v1/visits", visit_body(notes=value),
                         liaison_headers)
    assert response.status_code == 422
    assert "notes" in error_fields(response)
    with app.app_context():
        assert count(Visit) == 0


@pytest.mark.parametrize("value", CONTROL_TEXTS)
def test_unstorable_text_in_a_login_is_422_not_500(client, value):
    response = send_json(client, "POST", "/api/v1/auth/login",
                         {"username": value, "password": value})
    assert response.status_code == 422
    assert {"username", "password"} <= set(error_fields(response))


@pytest.mark.parametrize("url,body,field", [
    ("/api/v1/problems", {"community_code": FUYOUJIE, "title": "x\x00", "category": "c"},
     "title"),
    ("/api/v1/problems", {"community_code": FUYOUJIE, "title": "t", "category": "\ud800"},
     "category"),
    ("/api/v1/trainings", {"date": "2022-05-01", "title": "t\x1b", "trainer": "王",
                           "attendees": 3}, "title"),
])
def test_unstorable_text_in_records_is_422_naming_the_field(client, admin_headers, url, body,
                                                             field):
    response = send_json(client, "POST", url, body, admin_headers)
    assert response.status_code == 422
    assert field in error_fields(response)


def test_an_unstorable_field_name_is_422_and_the_answer_is_valid_json(client, admin_headers):
    response = send_json(client, "POST", "/api/v1/problems",
                         {"community_code": FUYOUJIE, "title": "t", "category": "c",
                          "\ud800x": 1}, admin_headers)
    assert response.status_code == 422
    assert "\\ud800x" in error_fields(response)


def test_control_characters_in_a_query_or_a_path_are_refused(client, admin_headers):
    response = client.get("/api/v1/visits?username=a%00b", headers=admin_headers)
    assert response.status_code == 422 and "username" in error_fields(response)
    response = client.patch("/api/v1/targets/a%00b", json={"value": 1}, headers=admin_headers)
    assert response.status_code == 404


@pytest.mark.parametrize("field", ["visited_at", "fix_at"])
@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                    "1999-12-31T23:00:00+08:00"])
def test_visit_times_out_of_the_service_years_are_422(client, liaison_headers, field, moment):
    response = post_visit(client, liaison_headers, **{field: moment})
    assert response.status_code == 422
    assert field in error_fields(response)


def post_visit(client, headers, **overrides):
    return send_json(client, "POST", "/api/v1/visits", visit_body(**overrides), headers)


@pytest.mark.parametrize("url,param", [
    ("/api/v1/visits?from=0001-01-01", "from"),
    ("/api/v1/visits?to=9999-12-31", "to"),
    ("/api/v1/dashboard/users?as_of=0001-01-01", "as_of"),
    ("/api/v1/dashboard/users/series?from=9999-12-25&to=9999-12-31&step=week", "from"),
    ("/api/v1/visits/coverage?as_of=9999-12-31", "as_of"),
])
def test_dates_out_of_range_in_queries_are_422_naming_the_parameter(client, admin_headers, url,
                                                                    param):
    response = client.get(url, headers=admin_headers)
    assert response.status_code == 422
    assert param in error_fields(response)


@pytest.mark.parametrize("week", ["0001-W01", "9999-W52", "2022-W60"])
def test_weeks_out_of_range_are_422_naming_the_week(client, admin_headers, week):
    for url in (f"/api/v1/reports/weekly/{week}.zip",
                f"/api/v1/reports/weekly/{week}/district.xlsx"):
        response = client.get(url, headers=admin_headers)
        assert response.status_code == 422
        assert "week" in error_fields(response)


def test_a_fraction_for_an_integer_is_422_and_links_nothing(app, client, liaison_headers):
    created = post_visit(client, liaison_headers)
    assert created.status_code == 201
    response = send_json(client, "POST", "/api/v1/problems",
                         {"visit_id": created.get_json()["id"] + 0.5, "title": "t",
                          "category": "c"}, liaison_headers)
    assert response.status_code == 422 and "visit_id" in error_fields(response)
    response = post_visit(client, liaison_headers, people_met=1.5)
    assert response.status_code == 422 and "people_met" in error_fields(response)
    with app.app_context():
        assert count(Problem) == 0 and count(Visit) == 1


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_422(client, liaison_headers, literal):
    body = json.dumps(visit_body()).replace('"accuracy_m": 25.0', f'"accuracy_m": {literal}')
    response = client.post("/api/v1/visits", data=body,
                           headers={**liaison_headers, "Content-Type": "application/json"})
    assert response.status_code == 422 and "accuracy_m" in error_fields(response)


def test_json_nested_thousands_deep_is_400_with_or_without_a_token(client, liaison_headers):
    deep = "[" * 5000 + "]" * 5000
    response = client.post("/api/v1/auth/login", data=deep,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "嵌套" in response.get_json()["message"]
    body = '{"visits": ' + deep + "}"
    response = client.post("/api/v1/visits/sync", data=body,
                           headers={**liaison_headers, "Content-Type": "application/json"})
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/api/v1/users/{user}", "/api/v1/problems/{problem}",
                                 f"/api/v1/communities/{FUYOUJIE}"])
@pytest.mark.parametrize("body", [None, {}])
def test_a_patch_without_a_body_or_without_changes_is_422(client, admin, admin_headers, url,
                                                          body):
    problem = send_json(client, "POST", "/api/v1/problems",
                        {"community_code": FUYOUJIE, "title": "t", "category": "c"},
                        admin_headers).get_json()
    url = url.format(user=admin.id, problem=problem["id"])
    response = (client.patch(url, headers=admin_headers) if body is None
                else client.patch(url, json=body, headers=admin_headers))
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["_schema"]


def test_an_unknown_query_parameter_is_422_and_the_import_is_not_stored(app, client,
                                                                        admin_headers):
    csv = "社区编码,注册用户数,实名认证用户数\n110102001004,10,5\n".encode()
    response = client.post("/api/v1/user-counts/import?dry_run=true", headers=admin_headers,
                           data={"file": (io.BytesIO(csv), "counts.csv"),
                                 "date": "2022-05-01"})
    assert response.status_code == 422
    assert "dry_run" in response.get_json()["errors"]["query"]
    with app.app_context():
        assert count(UserCountImport) == 0


def test_unknown_query_parameters_are_refused_on_every_kind_of_endpoint(client, admin_headers,
                                                                        liaison_headers):
    assert client.get("/api/v1/me?debug=1", headers=admin_headers).status_code == 422
    response = send_json(client, "POST", "/api/v1/visits?force=1", visit_body(),
                         liaison_headers)
    assert response.status_code == 422 and "force" in error_fields(response)
    assert client.get("/api/v1/health?x=1").status_code == 422


@pytest.mark.parametrize("url,body", [
    ("/api/v1/visits", visit_body(community_code="110102999999")),
    ("/api/v1/problems", {"community_code": "110102999999", "title": "t", "category": "c"}),
])
def test_an_unknown_community_in_a_body_is_422_naming_it(client, admin_headers, make_user, url,
                                                         body):
    make_user("liaison", "li", streets=[XICHANG])
    body = {**body, "username": "li"} if url.endswith("visits") else body
    response = send_json(client, "POST", url, body, admin_headers)
    assert response.status_code == 422
    assert "community_code" in error_fields(response)


def test_another_users_client_id_is_409_revealing_nothing(client, make_user, auth_headers,
                                                          liaison_headers):
    other = auth_headers(make_user("liaison", "other", streets=[XICHANG]))
    body = visit_body(notes="另一位联络员的私人笔记")
    assert send_json(client, "POST", "/api/v1/visits", body, other).status_code == 201
    for attempt in (body, {**body, "notes": "改过的"}):
        response = send_json(client, "POST", "/api/v1/visits", attempt, liaison_headers)
        assert response.status_code == 409
        assert "client_id" in error_fields(response)
        assert "私人笔记" not in response.get_data(as_text=True)
    response = send_json(client, "POST", "/api/v1/visits/sync", {"visits": [body]},
                         liaison_headers)
    result = response.get_json()["results"][0]
    assert result["status"] == "rejected" and result["id"] is None
    assert "私人笔记" not in response.get_data(as_text=True)


@pytest.fixture
def breaking_trigger(app):
    """A real database fault for one visit: inserting notes 'boom' fails inside the
    database, the way an unforeseen error would."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text(
                "CREATE TRIGGER boom BEFORE INSERT ON visits WHEN NEW.notes = 'boom' "
                "BEGIN SELECT RAISE(ABORT, 'boom'); END"))
        else:
            db.session.execute(text(
                "CREATE OR REPLACE FUNCTION boom() RETURNS trigger AS $$ BEGIN "
                "IF NEW.notes = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END "
                "$$ LANGUAGE plpgsql"))
            db.session.execute(text(
                "CREATE TRIGGER boom BEFORE INSERT ON visits FOR EACH ROW "
                "EXECUTE FUNCTION boom()"))
        db.session.commit()
    yield
    with app.app_context():
        db.session.execute(text("DROP TRIGGER boom" if db.engine.dialect.name == "sqlite"
                                else "DROP TRIGGER boom ON visits"))
        db.session.commit()


def test_a_sync_batch_never_half_applies(app, client, liaison_headers, breaking_trigger):
    good, bad, good2 = (visit_body(notes="早"), visit_body(notes="boom"),
                        visit_body(notes="晚", visited_at="2022-05-16T15:00:00+08:00"))
    surrogate = {**visit_body(), "notes": "\ud800"}
    items = [good, bad, surrogate, "not an object", good2]
    response = send_json(client, "POST", "/api/v1/visits/sync", {"visits": items},
                         liaison_headers)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["created", "rejected", "rejected", "rejected",
                                              "created"]
    assert results[1]["client_id"] == bad["client_id"] and "boom" not in str(results[1])
    assert "notes" in results[2]["errors"]
    with app.app_context():
        stored = set(db.session.scalars(select(Visit.client_id)))
    assert stored == {good["client_id"], good2["client_id"]}
    again = send_json(client, "POST", "/api/v1/visits/sync", {"visits": [good, good2]},
                      liaison_headers).get_json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]


def test_an_official_is_refused_before_anything_is_looked_up(app, client, admin_headers,
                                                             make_user, auth_headers):
    official = auth_headers(make_user("official", "gov"))
    taken = {"month": "2022-05", "title": "五月"}
    assert client.post("/api/v1/topics", json=taken, headers=admin_headers).status_code == 201
    designated = {"community_code": FUYOUJIE, "designated_on": "2022-06-01"}
    assert client.post("/api/v1/demo-communities", json=designated,
                       headers=admin_headers).status_code == 201
    for url, body in [("/api/v1/topics", taken), ("/api/v1/demo-communities", designated),
                      ("/api/v1/trainings", {"title": "\x00"}), ("/api/v1/visits", {}),
                      ("/api/v1/problems", {"visit_id": 1.5}), ("/api/v1/visits/sync", {})]:
        response = send_json(client, "POST", url, body, official)
        assert response.status_code == 403, url
        assert "errors" not in response.get_json()
    assert client.patch("/api/v1/topics/999999", json={"title": "x"},
                        headers=official).status_code == 403
    with app.app_context():
        assert count(Theme) == 1  # the topic, a theme of the contract


def test_a_liaison_is_refused_an_admins_kind_before_validation(client, liaison_headers):
    response = client.post("/api/v1/articles", json={"title": 5}, headers=liaison_headers)
    assert response.status_code == 403


def test_a_fresh_uuid_is_still_taken_once(client, liaison_headers):
    body = visit_body(client_id=str(uuid.uuid4()))
    assert send_json(client, "POST", "/api/v1/visits", body, liaison_headers).status_code == 201
    assert send_json(client, "POST", "/api/v1/visits", body, liaison_headers).status_code == 200


def test_validation_messages_are_in_chinese(client, liaison_headers):
    body = {**visit_body(people_met="三"), "colour": "red"}
    del body["purpose"]
    errors = send_json(client, "POST", "/api/v1/visits", body, liaison_headers).get_json()[
        "errors"]["json"]
    assert errors == {"purpose": ["必填"], "people_met": ["应为整数"], "colour": ["未知字段"]}
    item = send_json(client, "POST", "/api/v1/visits/sync",
                     {"visits": [{**visit_body(), "visited_at": "昨天"}]},
                     liaison_headers).get_json()["results"][0]
    assert item["errors"] == {
        "visited_at": ["时间格式应为 ISO 8601，例如 2022-05-16T10:30:00+08:00"]}


def test_an_unknown_user_named_in_a_body_is_422_naming_it(client, admin_headers):
    response = send_json(client, "POST", "/api/v1/visits", visit_body(username="nobody"),
                         admin_headers)
    assert response.status_code == 422 and "username" in error_fields(response)
    response = send_json(client, "POST", "/api/v1/assignments", {
        "username": "nobody", "street_code": XICHANG, "start_date": "2022-03-15"},
        admin_headers)
    assert response.status_code == 422 and "username" in error_fields(response)
