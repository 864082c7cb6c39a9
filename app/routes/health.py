"""/healthz: can we reach the database, has it PostGIS, is the schema at the migration head."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.dependencies import EngineDep
from app.revisions import current_revisions
from app.routes.problems import log

router = APIRouter(tags=["health"])

VERSIONS_SQL = text(
    "SELECT current_setting('server_version') AS postgres,"
    " (SELECT extversion FROM pg_extension WHERE extname = 'postgis') AS postgis,"
    " current_user AS role,"
    " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser"
)


@router.get("/livez", summary="Liveness: the process answers")
def livez() -> JSONResponse:
    return JSONResponse({"status": "alive"})


@router.get(
    "/healthz",
    summary="Service health",
    responses={503: {"description": "Unhealthy: the reason is in the body"}},
)
def healthz(request: Request, engine: EngineDep) -> JSONResponse:
    head = list(request.app.state.head_revisions)
    try:
        with engine.connect() as conn:
            versions = conn.execute(VERSIONS_SQL).one()
            current = list(current_revisions(conn))
    except SQLAlchemyError as exc:
        # The reason (with the server's address) goes to the log, not to whoever asks.
        log.warning("health check: database unreachable: %s", exc)
        failure = {
            "status": "unavailable",
            "database": "unreachable",
            "detail": "cannot reach the database, or it did not answer in time",
        }
        return JSONResponse(failure, status_code=503, headers={"Retry-After": "5"})

    at_head = sorted(current) == sorted(head)
    problems = []
    if versions.postgis is None:
        problems.append("PostGIS is not installed in this database")
    if not at_head:
        problems.append("the schema is not at the migration head; run `tzmap migrate`")
    body: dict[str, object] = {
        "status": "unavailable" if problems else "ok",
        "database": "reachable",
        "postgres_version": versions.postgres,
        "postgis_version": versions.postgis,
        "schema": {"current": current, "head": head, "at_head": at_head},
        # A server connected as a superuser could bypass what the database enforces.
        "database_role": {"name": versions.role, "superuser": versions.superuser},
    }
    if problems:
        body["detail"] = "; ".join(problems)
    return JSONResponse(body, status_code=503 if problems else 200)
