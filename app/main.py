"""create_app(settings): the FastAPI application; the lifespan owns the database engine."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from app import readmodel
from app.db import make_engine
from app.dependencies import reader
from app.revisions import head_revisions
from app.routes import (
    apidocs,
    auth,
    changes,
    edits,
    extract,
    features,
    health,
    openapi,
    printing,
    tiles,
    web,
)
from app.routes.common import Recent
from app.routes.guards import AllowedHosts, BodyLimit, HeadAsGet, RejectNulBytes, SecurityHeaders
from app.routes.problems import add_exception_handlers
from app.settings import Settings
from app.tokens import signing_key
from app.webmap.assets import STATIC_DIR, VENDOR_DIRS


def create_app(settings: Settings, database_url: str | None = None) -> FastAPI:
    """`database_url` overrides settings (the CLI passes the private cluster's URL)."""
    url = database_url or settings.database_url
    if url is None:
        raise ValueError("no database URL: set DATABASE_URL or start the local cluster")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            url,
            statement_timeout=settings.statement_timeout_seconds,
            lock_timeout=settings.lock_timeout_seconds,
            pool_timeout=settings.pool_timeout_seconds,
        )
        app.state.engine = engine
        app.state.read_model = readmodel.StateWatch(url, engine)
        app.state.read_model.start()
        try:
            yield
        finally:
            app.state.read_model.stop()
            engine.dispose()

    app = FastAPI(
        title="通州副中心项目地图 Tongzhou sub-centre project map",
        version="0.1.0",
        lifespan=lifespan,
        # FastAPI's interactive docs load their scripts from a public CDN, which an intranet
        # does not reach: /docs serves Swagger UI from the npm install instead (routes/apidocs).
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.head_revisions = head_revisions()
    app.state.signing_key = signing_key(settings)
    app.state.reading_limit = extract.ReadingLimit(settings.extract_readings_per_hour)
    # Per data version (the keys carry it): the numberMatched of recent selections, so that
    # paging through one counts it once, and the statements built for them, so that a request
    # of the same shape runs one without building it (SQLAlchemy then skips the compiling too).
    app.state.matched = Recent[int](1024)
    app.state.statements = Recent[Any](512)
    add_exception_handlers(app)
    openapi.install(app)
    # Innermost first: the last one added sees each request first and each response last.
    app.add_middleware(RejectNulBytes)
    app.add_middleware(
        BodyLimit,
        limits={"/uploads": settings.upload_max_bytes + 64 * 1024, "/extract": 3 * 1024 * 1024},
        default=1024 * 1024,
    )
    # Level 2, not the default 9: CPU is what a busy 2-core server runs out of first, bytes on an
    # intranet are cheap. Measured on a page of 1,000 features (1.4 MB): 6.6 ms and 210 KB at
    # level 2, 12.7 ms and 191 KB at 4, 20.5 ms and 168 KB at 6; 2 workers under 32 clients
    # served 24 % more such pages at level 2 than at 4.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=2)
    if settings.allowed_hosts != ["*"]:
        app.add_middleware(AllowedHosts, hosts=settings.allowed_hosts)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "OPTIONS", "POST", "PUT"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match"],
            expose_headers=["ETag", "Content-Crs", "Content-Disposition", "Location"],
        )
    app.add_middleware(HeadAsGet)  # outside GZip: HEAD's headers are GET's, encoding included
    app.add_middleware(SecurityHeaders)  # on every answer, the middleware's own included
    read = [Depends(reader)]  # open to all, or to signed-in users only (anonymous_read)
    # `responses`: the problem+json answers the routes share, for /openapi.json (routes/openapi).
    app.include_router(health.router, responses=openapi.ANY)
    app.include_router(apidocs.router, responses=openapi.ANY)
    app.include_router(auth.router, responses=openapi.READS)
    # The changes feed and the editing routes before the generic /collections/{collectionId}/….
    app.include_router(changes.router, responses=openapi.READS)
    app.include_router(edits.router, responses=openapi.READS)
    app.include_router(features.router, dependencies=read, responses=openapi.READER)
    app.include_router(tiles.router, dependencies=read, responses=openapi.READER)
    app.include_router(extract.page_router, responses=openapi.ANY)
    app.include_router(extract.router, dependencies=read, responses=openapi.READER)
    app.include_router(printing.router, dependencies=read, responses=openapi.READER)
    app.include_router(web.router, dependencies=read, responses=openapi.READER)
    # check_dir=False: the app (and its API) still starts before `npm ci` has run.
    for name, directory in VENDOR_DIRS.items():
        app.mount(
            f"/static/vendor/{name}", StaticFiles(directory=directory, check_dir=False), name=name
        )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
