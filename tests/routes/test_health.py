from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.cluster import free_port
from app.main import create_app
from app.settings import Settings


@pytest.fixture
def client_for() -> Iterator[object]:
    clients: list[TestClient] = []

    def make(url: str) -> TestClient:
        client = TestClient(create_app(Settings(), url))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_healthz_ok_on_migrated_database(client_for, migrated_db: str) -> None:
    response = client_for(migrated_db).get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "reachable"
    assert body["postgis_version"].startswith("3.")
    assert body["schema"]["at_head"] is True
    assert body["schema"]["current"] == body["schema"]["head"]


def test_healthz_503_on_unmigrated_database(client_for, empty_db: str) -> None:
    response = client_for(empty_db).get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["schema"]["at_head"] is False
    assert body["schema"]["current"] == []
    assert "tzmap migrate" in body["detail"]


def test_healthz_503_when_database_unreachable(client_for) -> None:
    url = f"postgresql://nobody:secret@127.0.0.1:{free_port()}/nothing"
    response = client_for(url).get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_unknown_path_is_problem_json(client_for, migrated_db: str) -> None:
    response = client_for(migrated_db).get("/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404
