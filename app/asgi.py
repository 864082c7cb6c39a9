"""The app as an ASGI server's workers build it: `uvicorn --factory app.asgi:app`, from the
environment alone (`tzmap serve --workers N` starts them this way)."""

import ctypes

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


M_ARENA_MAX = -8  # glibc's mallopt parameter


def limit_malloc_arenas() -> None:
    """Two malloc arenas per worker, as MALLOC_ARENA_MAX=2 would give. glibc makes one per
    request thread, and a busy worker's memory grows with them: measured under 32 clients of
    1,000-feature pages, 118 → 254 MB with the default, 118 → 207 MB with two. Not glibc: as is."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(M_ARENA_MAX, 2)


def app() -> FastAPI:
    from app.main import create_app

    limit_malloc_arenas()
    settings = get_settings()
    return create_app(settings, server_database_url(settings))
