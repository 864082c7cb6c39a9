"""Tests run against a real PostGIS: TZMAP_TEST_DATABASE_URL (a server where we may create
databases), else DATABASE_URL's server, else the project's private local cluster."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app import migrate
from app.cluster import LocalCluster
from app.db import make_engine
from app.models import Base
from app.settings import Settings

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _server_url() -> str:
    url = os.environ.get("TZMAP_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    cluster = LocalCluster(Settings().data_dir)
    cluster.start()
    return cluster.url()


@pytest.fixture(scope="session")
def server_url() -> str:
    return _server_url()


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new database with PostGIS, dropped afterwards; yields its libpq URL."""
    name = f"tzmap_test_{uuid.uuid4().hex[:10]}"
    admin = with_database(server_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_database(server_url, name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


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


@pytest.fixture(scope="session")
def loaded_db(server_url: str) -> Iterator[str]:
    """A database with the whole catalogue of geodata/ loaded, shared by a session."""
    from app.geodata.load import load_catalogue
    from app.settings import REPO_ROOT

    with scratch_database(server_url) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        load_catalogue(engine, REPO_ROOT / "geodata", SEEDS_DIR)
        engine.dispose()
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


@pytest.fixture(scope="session")
def live_server(loaded_db: str) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, for clients that others wrote."""
    import threading
    import time

    import uvicorn

    from app.cluster import free_port
    from app.main import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(), loaded_db), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
