"""The review queue and the log of changes.

`/changes` is the queue (a planner sees every change, a township editor their own);
`/changes/{id}/approve|reject` decide one; `/collections/changes/items` is the log as a feed that
GIS clients and scripts read like the others (who may read it is the setting `changes_readers`).
"""

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, text

from app import vocab
from app.accounts import User
from app.dependencies import ActorDep, EngineDep, MaybeUser, UserDep
from app.edits import changes
from app.errors import Forbidden, InvalidParameter, Unauthorized
from app.queries.townships import loaded_townships
from app.routes.common import base_url, link
from app.routes.openapi import SIGNED_IN, WRITES, GeoJSONResponse, problems

router = APIRouter(tags=["Review"])
MAX_CHANGES = 1000

LIST_SQL = text(
    """
    SELECT count(*) OVER () AS matched, c.id
    FROM change_request c JOIN app_user s ON s.id = c.submitted_by
    WHERE (CAST(:state AS text) IS NULL OR c.state = :state)
      AND (CAST(:project AS text) IS NULL OR c.project_id = :project)
      AND (CAST(:username AS text) IS NULL OR s.username = :username)
      AND (CAST(:townships AS text[]) IS NULL
           OR CAST(c.township_codes AS text[]) && CAST(:townships AS text[]))
      AND (CAST(:since AS timestamptz) IS NULL OR c.submitted_at >= :since)
      AND (CAST(:until AS timestamptz) IS NULL OR c.submitted_at <= :until)
      AND (CAST(:only_user AS int) IS NULL OR c.submitted_by = :only_user)
      AND (NOT :only_approved OR c.state = 'approved' OR c.submitted_by = :me)
    ORDER BY c.submitted_at DESC, c.id DESC
    LIMIT :limit OFFSET :offset
    """
)


def _interval(value: str | None) -> tuple[datetime | None, datetime | None]:
    """An RFC 3339 instant or interval (`a/b`, `../b`, `a/..`) of submission times."""
    if value is None:
        return None, None
    if value.strip() in ("", "/"):
        raise InvalidParameter("datetime: give an RFC 3339 date-time or an interval")
    start, _, end = value.partition("/") if "/" in value else (value, "", value)

    def instant(part: str) -> datetime | None:
        if part in ("", ".."):
            return None
        try:
            return datetime.fromisoformat(part.replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidParameter(f"datetime: '{part}' is not an RFC 3339 date-time") from exc

    return instant(start), instant(end)


def _list(
    conn: Connection,
    *,
    state: str | None,
    project: str | None,
    username: str | None,
    township: list[str],
    interval: str | None,
    only_user: int | None,
    only_approved: bool,
    me: int | None,
    limit: int,
    offset: int,
) -> tuple[int, list[dict[str, Any]]]:
    if state is not None and state not in vocab.CHANGE_STATES:
        raise InvalidParameter(f"state must be one of {', '.join(vocab.CHANGE_STATES)}")
    since, until = _interval(interval)
    rows = conn.execute(
        LIST_SQL,
        {
            "state": state,
            "project": project,
            "username": username,
            "townships": loaded_townships(conn).codes(township) if township else None,
            "since": since,
            "until": until,
            "only_user": only_user,
            "only_approved": only_approved,
            "me": me if me is not None else -1,
            "limit": limit,
            "offset": offset,
        },
    ).all()
    matched = rows[0].matched if rows else 0
    return matched, changes.changes_json(conn, [row.id for row in rows])


Limit = Annotated[int, Query(ge=1, le=MAX_CHANGES)]
Offset = Annotated[int, Query(ge=0, le=2**31)]
_TIME = r"[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
INSTANT = rf"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}({_TIME})?"  # what datetime.fromisoformat reads
Comment = Annotated[str | None, Body(embed=True, max_length=2000)]
State = Annotated[str | None, Query(json_schema_extra={"enum": list(vocab.CHANGE_STATES)})]


@router.get(
    "/changes", summary="The review queue", responses=problems(401, 403), openapi_extra=SIGNED_IN
)
def queue(
    engine: EngineDep,
    user: UserDep,
    state: State = None,
    project: str | None = None,
    township: Annotated[list[str] | None, Query()] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    if not user.is_reviewer and user.role != "township_editor":
        raise Forbidden("the queue is for planners, admins and township editors")
    with engine.connect() as conn:
        matched, items = _list(
            conn, state=state, project=project, username=None, township=township or [],
            interval=None, only_user=None if user.is_reviewer else user.id,
            only_approved=False, me=user.id, limit=limit, offset=offset,
        )  # fmt: skip
    return JSONResponse(
        {"numberMatched": matched, "numberReturned": len(items), "changes": items},
        headers={"Cache-Control": "no-store"},
    )


@router.get(
    "/changes/{change_id}",
    summary="One change",
    responses=problems(401, 403, 404),
    openapi_extra=SIGNED_IN,
)
def one_change(engine: EngineDep, user: UserDep, change_id: int) -> JSONResponse:
    with engine.connect() as conn:
        change = changes.change_json(conn, change_id)
    if not user.is_reviewer and change["submitted_by"] != user.username:
        raise Forbidden("you may see your own changes only")
    return JSONResponse(change, headers={"Cache-Control": "no-store"})


def _decide(engine: EngineDep, actor: ActorDep, change_id: int, approve: bool,
            comment: str | None) -> JSONResponse:  # fmt: skip
    with engine.begin() as conn:
        change = changes.decide(conn, actor, change_id, approve, comment)
    return JSONResponse(change)


@router.post(
    "/changes/{change_id}/approve",
    summary="Approve a change: it reaches the map",
    responses=WRITES,
    openapi_extra=SIGNED_IN,
)
def approve(
    engine: EngineDep, actor: ActorDep, change_id: int, comment: Comment = None
) -> JSONResponse:
    return _decide(engine, actor, change_id, True, comment)


@router.post(
    "/changes/{change_id}/reject",
    summary="Reject a change, saying why",
    responses=WRITES,
    openapi_extra=SIGNED_IN,
)
def reject(
    engine: EngineDep, actor: ActorDep, change_id: int, comment: Comment = None
) -> JSONResponse:
    return _decide(engine, actor, change_id, False, comment)


def changes_collection(base: str) -> dict[str, Any]:
    """The change log as a collection, listed in /collections with the published layers."""
    href = f"{base}/collections/changes"
    return {
        "id": "changes",
        "title": "变更记录 Changes",
        "description": (
            "Every change made in the app or read from a report: who submitted it and when, its "
            "state (submitted, approved, rejected), the reviewer and comment, and the evidence. "
            "No geometry; filter by datetime (submission), township, project, user and state."
        ),
        "links": [
            link(href, "self", "application/json", "变更记录 Changes"),
            link(f"{href}/items", "items", "application/geo+json", "Changes as GeoJSON"),
        ],
        "extent": {"temporal": {"interval": [[None, None]]}},
        "itemType": "feature",
    }


@router.get(
    "/collections/changes", summary="The change log as a collection", responses=problems(401)
)
def change_log_collection(request: Request, user: MaybeUser) -> JSONResponse:
    may_read_log(request, user)
    return JSONResponse(changes_collection(base_url(request)))


def may_read_log(request: Request, user: User | None) -> bool:
    """Whether this reader sees every change in the log (else: approved ones and their own)."""
    settings = request.app.state.settings
    if user is not None and user.is_reviewer:
        return True
    if user is None and not settings.anonymous_read:
        raise Unauthorized("this map is closed to anonymous readers; sign in first")
    return bool(settings.changes_readers == "readers")


@router.get(
    "/collections/changes/items",
    summary="The log of changes, as a feed",
    response_class=GeoJSONResponse,
    responses=problems(401),
)
def change_log(
    request: Request,
    engine: EngineDep,
    user: MaybeUser,
    state: State = None,
    project: str | None = None,
    township: Annotated[list[str] | None, Query()] = None,
    username: Annotated[str | None, Query(alias="user", max_length=64)] = None,
    datetime_: Annotated[
        str | None,
        Query(
            alias="datetime",
            max_length=100,
            json_schema_extra={"pattern": rf"^({INSTANT}|({INSTANT}|\.\.)?/({INSTANT}|\.\.)?)$"},
            description="Submitted at this instant or in this interval (`a/b`, `../b`, `a/..`)",
        ),
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    everything = may_read_log(request, user)
    with engine.connect() as conn:
        matched, items = _list(
            conn, state=state, project=project, username=username, township=township or [],
            interval=datetime_, only_user=None, only_approved=not everything,
            me=user.id if user else None, limit=limit, offset=offset,
        )  # fmt: skip
    base = base_url(request)
    features = [
        {"type": "Feature", "id": c["id"], "geometry": None, "properties": c} for c in items
    ]
    links = [link(f"{base}/collections/changes/items", "self", "application/geo+json")]
    if offset + len(items) < matched:
        query = request.query_params.multi_items()
        params = [(k, v) for k, v in query if k != "offset"] + [("offset", str(offset + limit))]
        href = f"{base}/collections/changes/items?{urlencode(params)}"
        links.append(link(href, "next", "application/geo+json"))
    body = {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": len(features),
        "features": features,
        "links": links,
    }
    return JSONResponse(body, media_type="application/geo+json",
                        headers={"Cache-Control": "no-store"})  # fmt: skip


@router.get(
    "/collections/projects/items/{featureId}/history",
    summary="A project's changes",
    responses=problems(401),
)
def history(
    request: Request,
    engine: EngineDep,
    user: MaybeUser,
    feature_id: Annotated[str, Path(alias="featureId", max_length=64)],
) -> JSONResponse:
    everything = may_read_log(request, user)
    with engine.connect() as conn:
        state = changes.project_state(conn, feature_id)
        _, items = _list(
            conn, state=None, project=feature_id, username=None, township=[], interval=None,
            only_user=None, only_approved=not everything, me=user.id if user else None,
            limit=MAX_CHANGES, offset=0,
        )  # fmt: skip
    body = {"project": feature_id, "revision": state.revision if state else None, "changes": items}
    headers = {"Cache-Control": "no-store"}
    if state is not None:
        headers["ETag"] = changes.revision_tag(state.revision)
    return JSONResponse(body, headers=headers)
