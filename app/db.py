"""Engines from libpq-form URLs."""

import time
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError

# A pooled connection is tested before use only after this long unused: pinging at every
# checkout (pool_pre_ping) cost a round trip per request, a sixth of a tile's time. A connection
# that dies while in use fails its request, and the pool then replaces all of its connections.
IDLE_BEFORE_PING = 10.0  # seconds


def sqlalchemy_url(database_url: str) -> URL:
    """postgresql://user:pass@host:port/db (libpq form) as a URL for the psycopg 3 driver."""
    return make_url(database_url).set(drivername="postgresql+psycopg")


def make_engine(
    database_url: str,
    statement_timeout: float | None = None,
    lock_timeout: float | None = None,
    **kwargs: Any,
) -> Engine:
    """An engine; the timeouts (seconds) bound every statement and lock wait of its sessions."""
    # Enough pooled connections for the server's concurrent requests, so they are not reopened.
    options = kwargs if "poolclass" in kwargs else {"pool_size": 10, "max_overflow": 10, **kwargs}
    # JIT compiling costs more than it saves on these short, wide queries (measured by
    # bench/feeds.py: up to 0.7 s on a tile or an items page).
    # psycopg prepares a statement run five times, and PostgreSQL then plans it once for any
    # values; that generic plan cannot see how selective a township or a box is (a township page
    # of 100,000 projects: 2 ms planned for its values, 120-170 ms generic). So every execution
    # is planned for its values, and the prepared statement still saves the parsing.
    # No parallel workers: a server's clients already keep the cores busy, and starting workers
    # for each query only adds their cost (measured at 100,000 projects, 2 server workers under
    # 32 clients: tiles at z12 +40 %, a 5 % box +54 %, items pages +10-22 % without them).
    session = [
        "-c jit=off",
        "-c plan_cache_mode=force_custom_plan",
        "-c max_parallel_workers_per_gather=0",
    ]
    if statement_timeout is not None:
        session.append(f"-c statement_timeout={int(statement_timeout * 1000)}")
    if lock_timeout is not None:
        session.append(f"-c lock_timeout={int(lock_timeout * 1000)}")
    engine = create_engine(
        sqlalchemy_url(database_url),
        connect_args={
            "connect_timeout": 5,
            "application_name": "tzmap",
            "options": " ".join(session),
        },
        **options,
    )
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool opens a new connection and tries again
            raise DisconnectionError("a pooled connection was closed") from error

    event.listen(engine, "checkin", returned)
    event.listen(engine, "checkout", taken)


def reading(engine: Engine) -> Connection:
    """A connection for reading: each statement commits on its own, which saves the BEGIN and
    ROLLBACK round trips. Under READ COMMITTED each statement sees its own snapshot anyway."""
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")
