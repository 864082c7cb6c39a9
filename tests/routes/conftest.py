"""A catalogue with accounts for the editing tests: one database per test module, since edits
change it; users of every role, two township editors in different townships."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.accounts import create_user
from app.main import create_app
from app.settings import Settings
from tests.conftest import catalogue_database

PASSWORDS = {
    "admin": "admin-password-1",
    "planner": "planner-password-1",
    "song": "songzhuang-pass-1",
    "yong": "yongshun-pass-1",
    "viewer": "viewer-password-1",
}
SONGZHUANG = "宋庄镇"
YONGSHUN = "永顺镇"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Living:
    url: str
    engine: Engine
    client: TestClient
    settings: Settings
    own_project: str  # in 宋庄镇 only
    other_project: str  # in 永顺镇, not in 宋庄镇

    def token(self, username: str) -> str:
        response = self.client.post(
            "/auth/token", data={"username": username, "password": PASSWORDS[username]}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def auth(self, username: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"} if username else {}

    def etag(self, project_id: str) -> str:
        response = self.client.get(f"/collections/projects/items/{project_id}")
        assert response.status_code == 200, response.text
        return response.headers["etag"]

    def write(self, username: str | None, method: str, path: str, body: Any, **params: Any) -> Any:
        project_id = path.split("/items/")[1].split("/")[0] if "/items/" in path else None
        headers = self.auth(username)
        if project_id:
            headers["If-Match"] = self.etag(project_id)
        return self.client.request(method, path, json=body, headers=headers, params=params)

    def upload(self, username: str = "planner", data: bytes = PNG, name: str = "p.png") -> str:
        response = self.client.post(
            "/uploads", files={"file": (name, data, "image/png")}, headers=self.auth(username)
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def sql(self, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(statement, params or None)]


def _project_in(engine: Engine, township: str, not_in: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.exec_driver_sql(
                """
                SELECT pt.project_id FROM project_township pt JOIN township t
                  ON t.code = pt.township_code
                WHERE t.name = %(t)s AND NOT EXISTS (
                    SELECT 1 FROM project_township o JOIN township u ON u.code = o.township_code
                    WHERE o.project_id = pt.project_id AND u.name = %(n)s)
                ORDER BY pt.project_id LIMIT 1
                """,
                {"t": township, "n": not_in},
            ).scalar_one()
        )


@pytest.fixture(scope="module")
def living(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Living]:
    uploads: Path = tmp_path_factory.mktemp("uploads")
    with catalogue_database(server_url) as (url, engine):
        with engine.begin() as conn:
            create_user(conn, "admin", "admin", PASSWORDS["admin"])
            create_user(conn, "planner", "planner", PASSWORDS["planner"])
            create_user(conn, "song", "township_editor", PASSWORDS["song"], [SONGZHUANG])
            create_user(conn, "yong", "township_editor", PASSWORDS["yong"], [YONGSHUN])
            create_user(conn, "viewer", "viewer", PASSWORDS["viewer"])
        settings = Settings(uploads_dir=uploads, upload_max_bytes=64 * 1024)
        with TestClient(create_app(settings, url)) as client:
            yield Living(
                url,
                engine,
                client,
                settings,
                _project_in(engine, SONGZHUANG, YONGSHUN),
                _project_in(engine, YONGSHUN, SONGZHUANG),
            )
