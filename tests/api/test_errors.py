"""Every refusal is JSON with a fitting status; nothing malformed produces a 500."""

import pytest


def assert_error_shape(response, status):
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert body["code"] == status and isinstance(body["message"], str) and body["status"]
    return body


def test_malformed_json_is_400(client, admin_headers):
    response = client.post("/api/v1/users", data='{"username": ',
                           headers={**admin_headers, "Content-Type": "application/json"})
    assert_error_shape(response, 400)


@pytest.mark.parametrize("payload", ['[1, 2]', '"text"', "42", "null"])
def test_json_that_is_not_an_object_is_refused(client, admin_headers, payload):
    response = client.post("/api/v1/users", data=payload,
                           headers={**admin_headers, "Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert_error_shape(response, response.status_code)


def test_huge_body_is_413(client, admin_headers):
    response = client.post("/api/v1/users", data="x" * (3 * 1024 * 1024),
                           headers={**admin_headers, "Content-Type": "application/json"})
    assert_error_shape(response, 413)


def test_unknown_route_is_json_404(client, admin_headers):
    assert_error_shape(client.get("/api/v1/nothing-here", headers=admin_headers), 404)


def test_wrong_method_is_json_405_with_allow(client, admin_headers):
    response = client.put("/api/v1/streets", headers=admin_headers)
    assert_error_shape(response, 405)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("query,field", [
    ("page=0", "page"), ("per_page=501", "per_page"), ("per_page=abc", "per_page"),
    ("colour=red", "colour"),
])
def test_bad_query_parameters_are_422_naming_them(client, admin_headers, query, field):
    response = client.get(f"/api/v1/communities?{query}", headers=admin_headers)
    body = assert_error_shape(response, 422)
    assert field in body["errors"]["query"]
    assert field in body["message"]


def test_unexpected_errors_are_logged_json_500_without_internals(app, client, admin_headers,
                                                                 monkeypatch, caplog):
    def explode(**_kwargs):
        raise RuntimeError("secret internal detail")
    monkeypatch.setattr("service.district.places.list_communities", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.testing = False
    try:
        response = client.get("/api/v1/communities", headers={**admin_headers,
                                                               "X-Request-ID": "req-123"})
    finally:
        app.testing = True
    body = assert_error_shape(response, 500)
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert body["request_id"] == "req-123" and response.headers["X-Request-ID"] == "req-123"
    assert "req-123" in caplog.text and "secret internal detail" in caplog.text


def test_health_is_public_and_reports_the_database(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_health_is_503_when_the_database_is_unreachable(client, monkeypatch):
    monkeypatch.setattr("api.health.database_reachable", lambda: False)
    response = client.get("/api/v1/health")
    assert response.status_code == 503 and response.get_json()["status"] == "unavailable"


def test_openapi_spec_documents_the_endpoints_and_bearer_auth(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "/api/v1/communities" in spec["paths"]
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert login["security"] == []
    assert "requestBody" in login
    assert client.get("/api/docs").status_code == 200


def test_interactive_docs_load_their_vendored_assets(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    asset = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
