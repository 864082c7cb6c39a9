"""Changes to projects: status events, targets, geometry, new projects, retiring; uploads.

Each request goes through `app.edits.changes.submit`: a township editor's change waits for review
(202), a planner's or admin's is approved in the same step unless `approve=false` (201).
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from sqlalchemy import func, select
from starlette.convertors import StringConvertor, register_url_convertor

from app.dependencies import ActorDep, EngineDep, SettingsDep, reader
from app.edits import changes, uploads
from app.errors import Forbidden, NotFound
from app.models import Document
from app.routes.common import base_url
from app.routes.openapi import SIGNED_IN, WRITES, problems

router = APIRouter(tags=["Editing"])
FeatureId = Annotated[str, Path(alias="featureId", max_length=64)]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200)]
Approve = Annotated[
    bool | None,
    Query(description="Planners: publish at once (default) or queue for review (false)."),
]
JsonBody = Annotated[dict[str, Any], Body()]
SUBMITTED: dict[int | str, dict[str, Any]] = {202: {"description": "Submitted for review"}}
FILES = ("image/jpeg", "image/png", "application/pdf")  # what uploads.store accepts


def _submit(
    request: Request,
    engine: EngineDep,
    actor: ActorDep,
    kind: str,
    project_id: str | None,
    data: dict[str, Any],
    if_match: str | None,
    approve: bool | None,
) -> JSONResponse:
    publish = actor.user.is_reviewer if approve is None else approve
    with engine.begin() as conn:
        change = changes.submit(conn, actor, kind, project_id, data, if_match, publish)
        project = change["project"]
        revision = changes.project_revision(conn, project["id"]) if project else None
    status = 201 if change["state"] == "approved" else 202
    headers = {"Location": f"{base_url(request)}/changes/{change['id']}"}
    if revision is not None:
        headers["ETag"] = changes.revision_tag(revision)
    return JSONResponse(change, status_code=status, headers=headers)


class CollectionConvertor(StringConvertor):
    """A collection id, but not the change log's (routes/changes.py), whose items take no POST."""

    regex = "(?!changes/)[^/]+"


register_url_convertor("collection", CollectionConvertor())


# At the collection's items, as OGC API – Features Part 4 has it; only projects are made here.
@router.post(
    "/collections/{collectionId:collection}/items",
    summary="Propose a new project (planners)",
    status_code=201,
    responses={**SUBMITTED, **WRITES},
    openapi_extra=SIGNED_IN,
)
def create_project(
    request: Request,
    engine: EngineDep,
    actor: ActorDep,
    collection_id: Annotated[
        str, Path(alias="collectionId", json_schema_extra={"enum": ["projects"]})
    ],
    data: JsonBody,
    approve: Approve = None,
) -> JSONResponse:
    if collection_id != "projects":
        raise NotFound(f"features are made in the projects collection only, not '{collection_id}'")
    return _submit(request, engine, actor, "project", None, data, None, approve)


def _project_change(kind: str) -> Callable[..., JSONResponse]:
    """The route of one kind of change to an existing project."""

    def route(
        request: Request,
        engine: EngineDep,
        actor: ActorDep,
        feature_id: FeatureId,
        data: JsonBody,
        if_match: IfMatch = None,
        approve: Approve = None,
    ) -> JSONResponse:
        return _submit(request, engine, actor, kind, feature_id, data, if_match, approve)

    return route


# (kind, method, path under the item, summary); who may make which: app.edits.changes.authorize
PROJECT_CHANGES = (
    ("event", "POST", "events", "Report progress (township editors: submitted for review)"),
    ("target", "POST", "targets", "Set a target (planners)"),
    ("geometry", "PUT", "geometry", "Place a project (planners)"),
    ("retire", "POST", "retire", "Retire a project (planners)"),
)
for kind, method, path, summary in PROJECT_CHANGES:
    router.add_api_route(
        f"/collections/projects/items/{{featureId}}/{path}",
        _project_change(kind),
        methods=[method],
        summary=summary,
        name=f"change_{kind}",
        status_code=201,
        responses={**SUBMITTED, **WRITES},
        openapi_extra=SIGNED_IN,
    )


@router.post(
    "/uploads",
    status_code=201,
    summary="Upload an evidence file (JPEG, PNG, PDF)",
    responses=WRITES,
    openapi_extra=SIGNED_IN,
)
def upload(
    engine: EngineDep,
    actor: ActorDep,
    settings: SettingsDep,
    file: UploadFile,
    title: Annotated[str | None, Query(max_length=300)] = None,
) -> JSONResponse:
    if actor.user.role not in changes.SUBMITTER_ROLES:
        raise Forbidden("evidence files come with changes: a viewer makes none")
    # One byte past the limit is enough to know the file is too large.
    data = file.file.read(settings.upload_max_bytes + 1)
    with engine.begin() as conn:
        document = uploads.store(conn, actor, data, file.filename, title,
                                 settings.uploads_path(), settings.upload_max_bytes)  # fmt: skip
    return JSONResponse(document, status_code=201)


@router.get(
    "/documents/{document_id}/file",
    summary="An uploaded evidence file",
    dependencies=[Depends(reader)],
    response_class=Response,
    responses={
        200: {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in FILES}},
        **problems(401, 404),
    },
)
def document_file(engine: EngineDep, settings: SettingsDep, document_id: str) -> FileResponse:
    with engine.connect() as conn:
        path, media_type, name = uploads.stored_file(conn, document_id, settings.uploads_path())
    return FileResponse(
        path,
        media_type=media_type,
        filename=name,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"},
    )


@router.get(
    "/documents",
    summary="The source documents whose text is registered, for evidence ranges",
    dependencies=[Depends(reader)],
    responses=problems(401),
)
def documents(engine: EngineDep) -> JSONResponse:
    query = (
        select(Document.id, Document.title, Document.date, Document.publisher,
               func.length(Document.text).label("length"))
        .where(Document.text.is_not(None))
        .order_by(Document.date.desc(), Document.id)
    )  # fmt: skip
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    return JSONResponse(rows)


@router.get(
    "/documents/{document_id}/text",
    summary="A document's text: evidence offsets count its characters from 0",
    dependencies=[Depends(reader)],
    response_class=PlainTextResponse,
    responses=problems(401, 404),
)
def document_text(engine: EngineDep, document_id: str) -> PlainTextResponse:
    with engine.connect() as conn:
        text = conn.execute(select(Document.text).where(Document.id == document_id)).scalar()
    if text is None:
        raise NotFound(f"no document text '{document_id}'")
    return PlainTextResponse(text)
