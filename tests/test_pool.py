"""The engine's pool: connections are tested only after standing idle, and a dead one is replaced
rather than handed to a request."""

from typing import Any

from sqlalchemy import text
from sqlalchemy.pool import NullPool

from app import db

PID = text("SELECT pg_backend_pid()")


def test_a_connection_that_died_while_idle_is_replaced(empty_db: str, monkeypatch: Any) -> None:
    engine = db.make_engine(empty_db, pool_size=1, max_overflow=0)
    pings: list[Any] = []
    ping = engine.dialect.do_ping

    def counted(connection: Any) -> bool:
        pings.append(connection)
        return ping(connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    try:
        with engine.connect() as conn:
            first = conn.execute(PID).scalar_one()
        with engine.connect() as conn:  # used a moment ago: not tested before use
            assert conn.execute(PID).scalar_one() == first
        assert pings == []
        other = db.make_engine(empty_db, poolclass=NullPool)
        with other.connect() as conn:  # the server closes it (a restart, an idle timeout)
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        other.dispose()
        monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)  # as if it had stood idle
        with engine.connect() as conn:
            assert conn.execute(PID).scalar_one() != first
        assert len(pings) >= 1
    finally:
        engine.dispose()


def test_sessions_plan_each_query_alone_and_on_one_core(empty_db: str) -> None:
    engine = db.make_engine(empty_db, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            settings = [
                conn.execute(text(f"SHOW {name}")).scalar_one()
                for name in ("jit", "plan_cache_mode", "max_parallel_workers_per_gather")
            ]
    finally:
        engine.dispose()
    assert settings == ["off", "force_custom_plan", "0"]
