"""Alembic, driven from Python: the CLI, the health check and the tests share these."""

from alembic import command
from alembic.config import Config
from geoalchemy2 import alembic_helpers
from sqlalchemy.schema import SchemaItem

from app import readmodel
from app.db import make_engine
from app.settings import REPO_ROOT


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    # Passed as an attribute, not an ini option: configparser would choke on a '%' in a password.
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
    if revision == "head":
        _build_read_model(database_url)


def _build_read_model(database_url: str) -> None:
    """A database migrated to the read model's revision gets it built from the data it holds,
    and so does one whose read model a migration emptied to change its shape."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            rebuilt = readmodel.state(conn).version == 0 or readmodel.emptied(conn)
            if rebuilt:
                readmodel.rebuild(conn)
        if rebuilt:  # the planner must know the new rows, or it picks the wrong indexes
            readmodel.vacuum(engine)
    finally:
        engine.dispose()


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def include_object(
    obj: SchemaItem, name: str | None, obj_type: str, reflected: bool, compare_to: object
) -> bool:
    """What autogenerate compares: our tables, not PostGIS's own (spatial_ref_sys, topology …)."""
    if obj_type == "table" and getattr(obj, "schema", None) not in (None, "public"):
        return False
    return bool(alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to))
