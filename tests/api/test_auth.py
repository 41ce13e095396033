"""Logging in, tokens, throttling, and the role matrix of the account endpoints."""

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service.district import accounts

# Hash methods far costlier than the tests' own, so that hashing dominates a login's time.
COSTLY_METHOD = "pbkdf2:sha256:50000"  # about 12 ms
SLOW_METHOD = "pbkdf2:sha256:1000000"  # about 0.25 s


def login(client, username, password, address="10.0.0.1"):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_login_returns_a_bearer_token_that_opens_me(client, make_user):
    user = make_user("official", "guan", display_name="官员甲")
    response = login(client, "guan", user.password)
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["user"] == {"id": user.id, "username": "guan", "display_name": "官员甲",
                            "role": "official", "active": True, "phone": None,
                            "last_login_at": body["user"]["last_login_at"],
                            "must_change_password": False, "places": [],
                            "community_code": None, "community_name": None, "email": None,
                            "district_code": None}
    assert body["user"]["last_login_at"] is not None
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.get_json()["username"] == "guan"


def test_wrong_password_and_unknown_user_are_401_alike(client, make_user):
    make_user("liaison", "li")
    wrong = login(client, "li", "not-the-password")
    unknown = login(client, "nobody", "whatever-pass")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["message"] == unknown.get_json()["message"] == "用户名或密码错误"


@pytest.mark.parametrize("header", [
    None, "Bearer", "Bearer ", "Basic abc", "Bearer not-a-token",
])
def test_missing_or_malformed_tokens_are_401(client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["code"] == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_forged_token_signed_with_another_key_is_401(client, make_user):
    user = make_user("admin", "boss")
    forged = URLSafeTimedSerializer("another-secret", salt=accounts.TOKEN_SALT).dumps(
        {"uid": user.id, "v": 1})
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_expired_token_is_401(app, client, make_user, monkeypatch):
    user = make_user("admin", "boss")
    token = login(client, "boss", user.password).get_json()["access_token"]
    app.config["TOKEN_LIFETIME"] = 0
    try:
        # itsdangerous compares whole seconds: move its clock past the lifetime.
        later = datetime.now(UTC) + timedelta(seconds=5)
        monkeypatch.setattr("itsdangerous.timed.TimestampSigner.get_timestamp",
                            lambda self: int(later.timestamp()))
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    finally:
        app.config["TOKEN_LIFETIME"] = 3600
    assert response.status_code == 401
    assert "过期" in response.get_json()["message"]


def test_disabled_users_token_stops_working_and_login_is_refused(
        client, make_user, admin_headers, auth_headers):
    user = make_user("liaison", "li")
    headers = auth_headers(user)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.patch(f"/api/v1/users/{user.id}", json={"active": False},
                        headers=admin_headers).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert login(client, "li", user.password).status_code == 401


def test_password_change_invalidates_old_tokens(client, make_user, admin_headers, auth_headers):
    user = make_user("liaison", "li")
    headers = auth_headers(user)
    response = client.patch(f"/api/v1/users/{user.id}", json={"password": "brand-new-pass"},
                            headers=admin_headers)
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert login(client, "li", "brand-new-pass").status_code == 200


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(client, make_user):
    user = make_user("liaison", "liaison05")
    for attempt in range(accounts.MAX_FAILURES_PER_USERNAME_AT_ADDRESS + 2):
        login(client, "liaison05", f"wrong-{attempt}", address="10.0.0.1")
    assert login(client, "liaison05", user.password, address="10.0.0.2").status_code == 200
    throttled = login(client, "liaison05", user.password, address="10.0.0.1")
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert throttled.get_json()["code"] == 429


def test_many_usernames_failing_from_one_address_throttle_that_address_only(client, make_user):
    user = make_user("liaison", "li")
    for attempt in range(accounts.MAX_FAILURES_PER_ADDRESS):
        assert login(client, f"user{attempt}", "wrong-password", address="10.1.1.1"
                     ).status_code == 401
    assert login(client, "li", user.password, address="10.1.1.1").status_code == 429
    assert login(client, "li", "anything-else", address="10.1.1.2").status_code == 401
    assert login(client, "li", user.password, address="10.1.1.2").status_code == 200


def test_throttle_window_passes(app, make_user):
    user = make_user("liaison", "li")
    then = datetime(2022, 5, 1, 8, 0, tzinfo=UTC)
    with app.app_context():
        for _ in range(accounts.MAX_FAILURES_PER_USERNAME_AT_ADDRESS):
            with pytest.raises(accounts.AuthenticationError):
                accounts.authenticate("li", "wrong-password", address="x", now=then)
        with pytest.raises(accounts.TooManyAttemptsError):
            accounts.authenticate("li", user.password, address="x", now=then)
        later = then + accounts.FAILURE_WINDOW + timedelta(seconds=1)
        assert accounts.authenticate("li", user.password, address="x", now=later).username == "li"


def test_passwords_are_stored_hashed(app, make_user):
    user = make_user("liaison", "li")
    with app.app_context():
        stored = accounts.get_user(user.id).password_hash
    assert user.password not in stored and stored.startswith("pbkdf2:sha256")


def test_login_refuses_unknown_fields_and_missing_password(client):
    response = client.post("/api/v1/auth/login", json={"username": "a", "pass": "b"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert "password" in errors and "pass" in errors


def test_behind_a_trusted_proxy_the_throttle_sees_the_phones_address(make_user, database_url):
    from api import create_app
    from api.config import for_tests
    proxied = create_app({**for_tests(database_url), "TRUSTED_PROXIES": 1}).test_client()
    make_user("liaison", "li")
    for attempt in range(accounts.MAX_FAILURES_PER_ADDRESS):
        proxied.post("/api/v1/auth/login", json={"username": f"u{attempt}", "password": "x"},
                     headers={"X-Forwarded-For": "203.0.113.9"},
                     environ_base={"REMOTE_ADDR": "127.0.0.1"})
    refused = proxied.post("/api/v1/auth/login", json={"username": "li", "password": "y"},
                           headers={"X-Forwarded-For": "203.0.113.9"})
    other_phone = proxied.post("/api/v1/auth/login", json={"username": "li", "password": "y"},
                               headers={"X-Forwarded-For": "203.0.113.10"})
    assert refused.status_code == 429 and other_phone.status_code == 401


def test_an_unknown_user_takes_as_long_as_a_wrong_password(app, client, make_user,
                                                         monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", COSTLY_METHOD)
    make_user("liaison", "liaison05")
    times = {"nobody": [], "liaison05": []}
    for attempt in range(15):
        # Alternating, so that a busy machine slows both kinds alike.
        for username, taken in times.items():
            started = time.perf_counter()
            response = login(client, username, "wrong-password", address=f"10.3.{attempt}.1")
            taken.append(time.perf_counter() - started)
            assert response.status_code == 401
    # The fastest of each: other work on the machine only ever adds time, so the minimum is
    # each path's own cost (a median still moved 27 % under a loaded CI machine).
    unknown, wrong = (min(taken) for taken in times.values())
    assert max(unknown, wrong) / min(unknown, wrong) < 1.25, (unknown, wrong)


def _take_write_lock(database_url: str, engine, user_id: int) -> None:
    """Write the way another request would, giving up after 100 ms if the lock is held."""
    if engine is None:  # SQLite: one write lock for the whole file
        connection = sqlite3.connect(make_url(database_url).database, timeout=0.1,
                                     isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        finally:
            connection.close()
        return
    with engine.begin() as connection:  # PostgreSQL locks rows: try the user's own row
        connection.execute(text("SET LOCAL lock_timeout = '100ms'"))
        connection.execute(text("UPDATE users SET active = active WHERE id = :id"),
                           {"id": user_id})


@pytest.mark.parametrize("action", ["login", "password change"])
def test_other_writers_go_on_while_a_password_is_hashed(
        app, client, make_user, admin_headers, database_url, monkeypatch, action):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", SLOW_METHOD)
    user = make_user("liaison", "li")
    request = (lambda: login(client, "li", user.password)) if action == "login" else (
        lambda: client.patch(f"/api/v1/users/{user.id}", json={"password": "brand-new-pass"},
                             headers=admin_headers))
    engine = None if database_url.startswith("sqlite") else create_engine(database_url)
    done, statuses = threading.Event(), []
    thread = threading.Thread(target=lambda: (statuses.append(request().status_code),
                                              done.set()))
    thread.start()
    writes = 0
    try:
        while not done.wait(0.01):
            _take_write_lock(database_url, engine, user.id)
            writes += 1
    finally:
        thread.join()
        if engine is not None:
            engine.dispose()
    assert statuses == [200]
    assert writes >= 5  # the writes overlapped the hashing, not just its edges
