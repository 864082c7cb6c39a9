"""Every error a user can cause becomes an application/problem+json response; so does a database
that is down or too slow (503, with Retry-After), which is not the user's doing."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from app.errors import InvalidParameter, TzmapError
from app.exports import ExportError
from app.extract.apply import ApplyError
from app.extract.document import ExtractError
from app.routes.common import NotModified, cached

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 5
log = logging.getLogger("tzmap")


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return ProblemResponse(body, status_code=status, headers=headers)


def add_exception_handlers(app: FastAPI) -> None:
    @app.exception_handler(TzmapError)
    async def _tzmap_error(request: Request, exc: TzmapError) -> JSONResponse:
        return problem(exc.status_code, exc.title, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(NotModified)
    async def _not_modified(request: Request, exc: NotModified) -> Response:
        return cached(request, exc.etag, Response(status_code=304))

    # Errors of the parts that know nothing of HTTP: a file or a request they cannot serve.
    @app.exception_handler(ExportError)
    @app.exception_handler(ExtractError)
    async def _unusable(request: Request, exc: Exception) -> JSONResponse:
        return problem(InvalidParameter.status_code, InvalidParameter.title, str(exc))

    @app.exception_handler(ApplyError)
    async def _not_applied(request: Request, exc: ApplyError) -> JSONResponse:
        # Of one kind (all forbidden, all conflicting …): its status; of several, a 400.
        kind = next(iter(exc.kinds)) if len(exc.kinds) == 1 else InvalidParameter
        return problem(kind.status_code, kind.title, str(exc), errors=exc.problems)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"parameter": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
        return problem(400, "Invalid parameter", detail, errors=errors)

    @app.exception_handler(sa.DataError)
    async def _data_error(request: Request, exc: sa.DataError) -> JSONResponse:
        # The database refused a value the request carried (a NUL character, a number out of
        # range): the request's fault, and nothing was written.
        return problem(400, "Invalid value", "a value in the request cannot be stored or compared")

    @app.exception_handler(sa.IntegrityError)
    async def _integrity_error(request: Request, exc: sa.IntegrityError) -> JSONResponse:
        # Two requests made the same thing at once; the checks before the write passed both.
        return problem(409, "Conflict", "the same thing was written meanwhile; read it again")

    @app.exception_handler(sa.OperationalError)
    @app.exception_handler(sa.InterfaceError)
    @app.exception_handler(sa.TimeoutError)
    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # Down, restarting, overloaded, or a statement or lock wait past its timeout. The body
        # names no host: the reason goes to the log.
        log.warning("database unavailable for %r: %s", request.url.path, exc)
        return problem(
            503,
            "Service unavailable",
            "the database is unavailable or too slow just now; try again shortly",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Its headers too: a 405 says which methods are allowed (Allow).
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405 and (allowed := allowed_methods(request)):
            headers = {**(headers or {}), "Allow": allowed}
        return problem(exc.status_code, "Error", str(exc.detail), headers)


def allowed_methods(request: Request) -> str:
    """Every method some route answers at this path: Starlette's 405 names those of the first
    route whose path matched (POST at /collections/{collectionId}/items, not GET too); HEAD with
    GET (guards.HeadAsGet). Mounts (static files) say their own."""
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]
    methods = {
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    }
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))
