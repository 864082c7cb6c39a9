"""Sign-in: tokens, refresh, revocation, throttling, and reading with anonymous access off."""

from datetime import timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from app import tokens
from app.accounts import create_user, set_active, set_password
from app.main import create_app
from app.settings import Settings
from tests.routes.conftest import PASSWORDS, Living


def _me(living: Living, token: str) -> int:
    response = living.client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


def test_password_grant_answers_bearer_token_and_refresh(living: Living) -> None:
    response = living.client.post(
        "/auth/token", data={"username": "song", "password": PASSWORDS["song"]}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert 0 < body["expires_in"] <= 24 * 3600
    me = living.client.get("/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["role"] == "township_editor"
    assert me.json()["townships"] == [{"code": "110112104000", "name": "宋庄镇"}]
    refreshed = living.client.post(
        "/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
    )
    assert refreshed.status_code == 200
    assert _me(living, refreshed.json()["access_token"]) == 200


def test_bad_tokens_are_401(living: Living) -> None:
    key = living.client.app.state.signing_key  # type: ignore[attr-defined]
    user_id = living.sql("SELECT id FROM app_user WHERE username = 'planner'")[0][0]
    good = living.token("planner")
    expired = tokens.issue(user_id, 0, "access", timedelta(seconds=-5), key)
    forged = tokens.issue(user_id, 0, "access", timedelta(minutes=5), "another key entirely")
    head, payload, signature = good.split(".")
    tampered = f"{head}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    refresh_as_access = tokens.issue(user_id, 0, "refresh", timedelta(minutes=5), key)
    unsigned = jwt.encode(
        {"sub": str(user_id), "gen": 0, "typ": "access"}, key="", algorithm="none"
    )
    for token in (expired, forged, tampered, refresh_as_access, unsigned, "not-a-token"):
        response = living.client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
    assert _me(living, good) == 200
    assert living.client.get("/auth/me").status_code == 401
    basic = {"Authorization": "Basic YTpi"}  # a proxy's credentials: anonymous to us
    assert living.client.get("/auth/me", headers=basic).status_code == 401
    assert living.client.get("/collections", headers=basic).status_code == 200


def test_disabling_or_new_password_revokes_tokens(living: Living) -> None:
    token = living.token("viewer")
    assert _me(living, token) == 200
    with living.engine.begin() as conn:
        set_active(conn, "viewer", False)
    assert _me(living, token) == 401
    refused = living.client.post(
        "/auth/token", data={"username": "viewer", "password": PASSWORDS["viewer"]}
    )
    assert refused.status_code == 401
    with living.engine.begin() as conn:
        set_active(conn, "viewer", True)
    token = living.token("viewer")
    with living.engine.begin() as conn:
        set_password(conn, "viewer", "a-new-password-2")
        set_password(conn, "viewer", PASSWORDS["viewer"])
    assert _me(living, token) == 401
    assert _me(living, living.token("viewer")) == 200


def test_failed_sign_ins_are_throttled_per_user(living: Living) -> None:
    limit = living.settings.sign_in_failures_per_user
    for _ in range(limit):
        wrong = living.client.post("/auth/token", data={"username": "admin", "password": "wrong"})
        assert wrong.status_code == 401
        assert "disabled" in wrong.json()["detail"]  # the same answer whatever the cause
    blocked = living.client.post(
        "/auth/token", data={"username": "admin", "password": PASSWORDS["admin"]}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    # Another user from the same address is not blocked by admin's failures …
    assert living.token("planner")
    # … and a new password clears the user's failures.
    with living.engine.begin() as conn:
        set_password(conn, "admin", PASSWORDS["admin"])
    assert living.token("admin")


def test_failed_sign_ins_are_throttled_per_address(living: Living) -> None:
    settings = Settings(sign_in_failures_per_address=3, sign_in_failures_per_user=100)
    with TestClient(create_app(settings, living.url)) as client:
        for name in ("nobody1", "nobody2", "nobody3"):
            response = client.post("/auth/token", data={"username": name, "password": "x"})
            assert response.status_code == 401
        blocked = client.post(
            "/auth/token", data={"username": "planner", "password": PASSWORDS["planner"]}
        )
        assert blocked.status_code == 429
    living.sql("SELECT 1")  # the shared client still signs in: its limits are the defaults


@pytest.mark.parametrize("grant", ["client_credentials", "implicit"])
def test_other_grants_are_400(living: Living, grant: str) -> None:
    response = living.client.post("/auth/token", data={"grant_type": grant})
    assert response.status_code == 400


def test_closed_map_needs_a_token_to_read(living: Living) -> None:
    with TestClient(create_app(Settings(anonymous_read=False), living.url)) as client:
        for path in (
            "/collections",
            "/collections/projects/items",
            f"/collections/projects/items/{living.own_project}",
            "/collections/projects/tiles/WebMercatorQuad/12/3373/1551",
            "/api/basemap",
            "/collections/changes/items",
        ):
            assert client.get(path).status_code == 401, path
        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 200  # the page, to sign in on
        token = client.post(
            "/auth/token", data={"username": "viewer", "password": PASSWORDS["viewer"]}
        ).json()["access_token"]
        readable = client.get(
            "/collections/projects/items", headers={"Authorization": f"Bearer {token}"}
        )
        assert readable.status_code == 200
        assert client.get("/healthz").status_code == 200


def test_parallel_guesses_cannot_pass_the_same_count(living: Living) -> None:
    import threading

    import httpx

    from tests.conftest import serve

    with living.engine.begin() as conn:
        create_user(conn, "racer", "viewer", "racer-password-1")
    answers: list[int] = []
    barrier = threading.Barrier(10)
    with serve(living.url, Settings(sign_in_failures_per_address=1000)) as base:

        def guess() -> None:
            barrier.wait()
            data = {"username": "racer", "password": "wrong"}
            answers.append(httpx.post(f"{base}/auth/token", data=data, timeout=60).status_code)

        threads = [threading.Thread(target=guess) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    limit = Settings().sign_in_failures_per_user
    assert sorted(answers) == [401] * limit + [429] * (10 - limit)
