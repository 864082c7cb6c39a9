from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import pool

from app.db import make_engine
from app.migrate import include_object
from app.models import Base
from app.settings import get_settings

config = context.config


def database_url() -> str:
    url = config.attributes.get("database_url") or get_settings().database_url
    if url:
        return url
    from app.cluster import LocalCluster

    return LocalCluster(get_settings().data_dir).url()


def run_migrations_online() -> None:
    engine = make_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            include_object=include_object,
            process_revision_directives=alembic_helpers.writer,
            render_item=alembic_helpers.render_item,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
