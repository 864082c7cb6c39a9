from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app import migrate, revisions
from app.db import make_engine
from app.migrate import include_object
from app.models import Base

OUR_TABLES = set(Base.metadata.tables)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"spatial_ref_sys", "alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_db: str) -> None:
    migrate.upgrade(empty_db)
    assert _tables(empty_db) == OUR_TABLES
    migrate.downgrade(empty_db, "base")
    assert _tables(empty_db) == set()
    migrate.upgrade(empty_db)
    assert _tables(empty_db) == OUR_TABLES


def test_models_and_migrations_agree(migrated_db: str) -> None:
    engine = make_engine(migrated_db)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": include_object, "compare_type": True}
            )
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_revisions_read_without_alembic_are_alembics(empty_db: str, tmp_path: Path) -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config()).get_heads()
    assert revisions.head_revisions() == tuple(sorted(heads))
    # A merge revises two heads: both stop being heads, the merge is the one left.
    for name, revision, down in [("a", "r1", None), ("b", "r2", "r1"), ("c", "r3", "r1"),
                                 ("d", "r4", ("r2", "r3"))]:  # fmt: skip
        (tmp_path / f"{name}.py").write_text(
            f"revision: str = {revision!r}\ndown_revision = {down!r}\n", encoding="utf-8"
        )
    assert revisions.head_revisions(tmp_path) == ("r4",)
    (tmp_path / "d.py").unlink()
    assert revisions.head_revisions(tmp_path) == ("r2", "r3")

    engine = make_engine(empty_db)
    try:
        with engine.connect() as conn:
            assert revisions.current_revisions(conn) == ()
        migrate.upgrade(empty_db)
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
            assert revisions.current_revisions(conn) == tuple(sorted(current)) == tuple(heads)
    finally:
        engine.dispose()
