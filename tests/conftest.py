"""Tests run against a real PostGIS: TZMAP_TEST_DATABASE_URL (a server where we may create
databases), else DATABASE_URL's server, else the project's private local cluster."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine

from app import migrate, scratch
from app.db import make_engine
from app.models import Base
from app.scratch import scratch_database
from app.settings import Settings

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="session")
def server_url() -> str:
    return scratch.server_url()


@pytest.fixture
def empty_db(server_url: str) -> Iterator[str]:
    """A database with PostGIS and no schema."""
    with scratch_database(server_url) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_db(server_url: str) -> Iterator[str]:
    """A database migrated to head, shared by the tests of a session."""
    with scratch_database(server_url) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
def engine(server_url: str) -> Iterator[Engine]:
    """An engine on a fresh migrated database of its own."""
    with scratch_database(server_url) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and content hash of every table: equal fingerprints mean nothing changed."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    result = {}
    with psycopg.connect(url) as conn:
        for table in Base.metadata.tables:
            row = conn.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                    " FROM {} AS t"
                ).format(sql.Identifier(table))
            ).fetchone()
            assert row is not None
            result[table] = (row[0], row[1])
    return result


def query(engine: Engine, statement: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(statement)]


@contextmanager
def catalogue_database(server_url: str) -> Iterator[tuple[str, Engine]]:
    """A new database, migrated, with the whole catalogue of geodata/ loaded: its URL and an
    engine on it; dropped afterwards."""
    from app.geodata.load import load_catalogue
    from app.settings import REPO_ROOT

    with scratch_database(server_url) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            load_catalogue(engine, REPO_ROOT / "geodata", SEEDS_DIR)
            yield url, engine
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def loaded_db(server_url: str) -> Iterator[str]:
    """A database with the whole catalogue of geodata/ loaded, shared by a session."""
    with catalogue_database(server_url) as (url, _):
        yield url


@pytest.fixture(scope="session")
def catalogue_size(loaded_db: str) -> int:
    engine = make_engine(loaded_db)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM project").scalar_one())
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def client(loaded_db: str) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from app.main import create_app

    with TestClient(create_app(Settings(), loaded_db)) as test_client:
        yield test_client


READER = ("reader", "reader-password-1")  # a viewer on the shared catalogue (loaded_db)


@pytest.fixture(scope="session")
def reader_account(loaded_db: str) -> tuple[str, str]:
    """A viewer's user name and password on the shared catalogue, for what needs a sign-in."""
    from app.accounts import create_user

    engine = make_engine(loaded_db)
    try:
        with engine.begin() as conn:
            create_user(conn, READER[0], "viewer", READER[1])
    finally:
        engine.dispose()
    return READER


def bearer(client: Any, username: str, password: str) -> dict[str, str]:
    """`Authorization` with a fresh access token of the user, signed in through `client`."""
    response = client.post("/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def reader_headers(client: Any, reader_account: tuple[str, str]) -> dict[str, str]:
    """That viewer's `Authorization`, signed in anew for each test (a token lives 30 minutes)."""
    return bearer(client, *reader_account)


@contextmanager
def serve(database_url: str, settings: Settings | None = None) -> Iterator[str]:
    """The app on `database_url`, served by uvicorn on a free loopback port."""
    import threading
    import time

    import uvicorn

    from app.asgi import UVICORN_OPTIONS
    from app.cluster import free_port
    from app.main import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(settings or Settings(), database_url),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        **UVICORN_OPTIONS,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(loaded_db: str) -> Iterator[str]:
    """The app served over HTTP, for clients that others wrote."""
    with serve(loaded_db) as base:
        yield base
