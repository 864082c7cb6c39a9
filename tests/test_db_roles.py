"""The server connects as the app role: it can do everything the app does, and nothing more."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from sqlalchemy.engine import make_url

from app.accounts import create_user
from app.cluster import APP_ROLE
from app.main import create_app
from app.scratch import with_database
from app.settings import Settings
from tests.conftest import catalogue_database

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(scope="module")
def owner_and_app(server_url: str) -> Iterator[tuple[str, str]]:
    """A loaded database, its owner's URL and the URL of a login role in the app role."""
    login, password = f"tzmap_test_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with catalogue_database(server_url) as (owner_url, engine):
        with engine.begin() as conn:
            create_user(conn, "planner", "planner", "planner-password-1")
            create_user(conn, "song", "township_editor", "songzhuang-pass-1", ["宋庄镇"])
        with psycopg.connect(owner_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                    sql.Identifier(login), sql.Literal(password), sql.Identifier(APP_ROLE)
                )
            )
        app_url = (
            make_url(owner_url)
            .set(username=login, password=password)
            .render_as_string(hide_password=False)
        )
        try:
            yield owner_url, app_url
        finally:
            # The role's grants go with the database; the role itself is the cluster's.
            with psycopg.connect(owner_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(login)))
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))


def test_the_app_works_as_the_app_role(owner_and_app: tuple[str, str], tmp_path: Path) -> None:
    _, app_url = owner_and_app
    with TestClient(create_app(Settings(uploads_dir=tmp_path), app_url)) as client:
        health = client.get("/healthz").json()
        assert health["database_role"]["superuser"] is False

        def token(user: str, password: str) -> dict[str, str]:
            answer = client.post("/auth/token", data={"username": user, "password": password})
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        assert (
            client.post("/auth/token", data={"username": "song", "password": "x"}).status_code
            == 401
        )
        editor, planner = token("song", "songzhuang-pass-1"), token("planner", "planner-password-1")
        upload = client.post("/uploads", files={"file": ("a.png", PNG)}, headers=editor)
        assert upload.status_code == 201
        project = "songzhuang-impression-street"
        etag = client.get(f"/collections/projects/items/{project}").headers["etag"]
        body = {"year": 2024, "status": "in_service", "evidence": {"document": upload.json()["id"]}}
        submitted = client.post(
            f"/collections/projects/items/{project}/events",
            json=body,
            headers=editor | {"If-Match": etag},
        )
        assert submitted.status_code == 202
        approved = client.post(f"/changes/{submitted.json()['id']}/approve", headers=planner)
        assert approved.status_code == 200
        etag = client.get(f"/collections/projects/items/{project}").headers["etag"]
        placed = client.put(
            f"/collections/projects/items/{project}/geometry",
            json={
                "geometry": {"type": "Point", "coordinates": [116.73, 39.96]},
                "geometry_quality": "approximate",
                "placement": "test",
            },
            headers=planner | {"If-Match": etag},
        )
        assert placed.status_code == 201, placed.text
        assert client.get("/collections/projects/items?year=2024").status_code == 200


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
        "DELETE FROM status_event",
        "DELETE FROM project",
        "UPDATE app_user SET role = 'admin'",
        "INSERT INTO app_user (username, role) VALUES ('intruder', 'admin')",
        "DROP TABLE project",
        "ALTER TABLE project ADD COLUMN x int",
        "CREATE TABLE public.x (id int)",
        "TRUNCATE change_request",
    ],
)
def test_the_app_role_may_not(owner_and_app: tuple[str, str], statement: str) -> None:
    _, app_url = owner_and_app
    with psycopg.connect(app_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)
