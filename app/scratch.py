"""Throw-away databases for the tests and the benchmarks, on a server where we may create them."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from app.cluster import LocalCluster
from app.settings import Settings


def server_url() -> str:
    """TZMAP_TEST_DATABASE_URL, else DATABASE_URL's server, else the private local cluster."""
    url = os.environ.get("TZMAP_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    cluster = LocalCluster(Settings().data_dir)
    cluster.start()
    return cluster.url()


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


@contextmanager
def scratch_database(server_url: str, prefix: str = "tzmap_test") -> Iterator[str]:
    """A new database with PostGIS, dropped afterwards (also on error); yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
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
