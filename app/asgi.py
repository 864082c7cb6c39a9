"""The app as an ASGI server's workers build it: `uvicorn --factory app.asgi:app`, from the
environment alone (`tzmap serve --workers N` starts them this way)."""

from fastapi import FastAPI

from app.cluster import LocalCluster
from app.settings import Settings, get_settings


def server_database_url(settings: Settings) -> str:
    """What the server connects as: TZMAP_APP_DATABASE_URL; else DATABASE_URL's user; else the
    private cluster's app role, which may read and write data but not alter the schema."""
    if settings.app_database_url:
        return settings.app_database_url
    if settings.database_url:
        return settings.database_url
    return LocalCluster(settings.data_dir).app_url()


def app() -> FastAPI:
    from app.main import create_app

    settings = get_settings()
    return create_app(settings, server_database_url(settings))
