"""The app as an ASGI server's workers build it: `uvicorn --factory app.asgi:app`, from the
environment alone (`tzmap serve --workers N` starts them this way)."""

import ctypes
import json
from typing import Any

from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

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


class ProblemHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, except that the 400 it answers itself, for a request it cannot
    parse (a request line or headers beyond about 64 KB, a malformed line), is problem+json like
    every other error rather than plain text."""

    def send_400_response(self, msg: str) -> None:
        body = json.dumps({
            "type": "about:blank",
            "title": "Bad Request",
            "status": 400,
            "detail": f"{msg.rstrip('.')}: a request line or headers over 64 KB, or malformed",
        }).encode()  # fmt: skip
        headers = [
            *self.server_state.default_headers,
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"connection", b"close"),
        ]
        head = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
        self.transport.write(STATUS_LINE[400] + head + b"\r\n" + body)
        self.transport.close()


# How every server of the app runs uvicorn: `tzmap serve` and the tests' live servers.
UVICORN_OPTIONS: dict[str, Any] = {
    "http": ProblemHttpProtocol,
    # Longer than the idle time of the clients and proxies in front: with uvicorn's 5 s, a
    # connection it closes as a client reuses it is a failed request (bench/load.py saw 5).
    "timeout_keep_alive": 75,
}
