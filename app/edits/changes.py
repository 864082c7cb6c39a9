"""The one way a change made in the app reaches the catalogue.

`submit` validates a change with the loader's own models and checks, authorises it, records it
as *submitted* and audits that; `decide` approves it, writing it to the base tables (origin
`edit`, or `report` for a report's proposal) through `_apply`, or rejects it, each step audited.
Every step runs in the caller's transaction and bumps the project's revision, the version
`If-Match` is checked against. Only approved changes touch the tables the feeds, tiles and
prints read; a read model (issue 16) is to be refreshed from `_apply`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import shapely
from pydantic import ValidationError
from shapely.geometry import mapping
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.selectable import ScalarSelect

from app import readmodel
from app.accounts import User
from app.errors import (
    Conflict,
    Forbidden,
    InvalidParameter,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from app.geodata.load import assign_townships, geojson_value
from app.geodata.records import (
    EvidenceRef,
    FileEvidenceRef,
    GeometryEdit,
    IndicatorFigureEdit,
    ProgrammeFigureEdit,
    ProjectCreate,
    Record,
    RetireEdit,
    StatusEventEdit,
    TargetEdit,
)
from app.geodata.validate import (
    PROJECT_GEOMETRY_TYPES,
    evidence_problem,
    figure_stage_problem,
    placement_problem,
    read_geometry,
    to_metric,
)
from app.models import (
    AuditLog,
    ChangeRequest,
    District,
    Document,
    Evidence,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammeMember,
    ProgrammeProgress,
    Project,
    ProjectAlias,
    ProjectTownship,
    StatusEvent,
    Target,
)

EDIT = "edit"
CATALOGUE = "catalogue"
PAYLOADS: dict[str, type[Record]] = {
    "event": StatusEventEdit,
    "target": TargetEdit,
    "geometry": GeometryEdit,
    "project": ProjectCreate,
    "retire": RetireEdit,
    "programme_figure": ProgrammeFigureEdit,
    "indicator_figure": IndicatorFigureEdit,
}
# Changes about the district as a whole, not about one project.
FIGURE_KINDS = frozenset({"programme_figure", "indicator_figure"})
# What a township editor may submit; everything else is for planners and admins.
EDITOR_KINDS = frozenset({"event"})
SUBMITTER_ROLES = frozenset({"admin", "planner", "township_editor"})
_REVISION_TAG = re.compile(r'^(?:W/)?"r(\d+)(?:-[0-9a-f]+)?"$')


@dataclass(frozen=True)
class Actor:
    user: User
    client: str | None = None  # the address and user agent a change came from


@dataclass(frozen=True)
class ProjectState:
    id: str
    name: str
    names: list[str]  # evidence must mention one: name, aliases, or a programme's (as the loader)
    revision: int
    townships: list[str]
    retired: bool


def revision_tag(revision: int, etag: str | None = None) -> str:
    """The project's revision as an entity tag, leading the tag of a representation when given
    (what `check_revision` reads back from If-Match)."""
    return f'"r{revision}-{etag.strip(chr(34))}"' if etag else f'"r{revision}"'


def parse_payload(kind: str, data: Any) -> Record:
    model = PAYLOADS.get(kind)
    if model is None:
        raise InvalidParameter(f"kind must be one of {', '.join(PAYLOADS)}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        raise InvalidParameter(detail, errors=errors) from exc


def check_revision(current: int, if_match: str | None) -> None:
    """The request must name the revision it was made against (`If-Match`), and it must be the
    current one: otherwise someone changed the project meanwhile."""
    if not if_match:
        raise PreconditionRequired(
            "send If-Match with the project's ETag (from GET …/items/{id}) so that a change made "
            "meanwhile is not overwritten"
        )
    revisions = {m.group(1) for t in if_match.split(",") if (m := _REVISION_TAG.match(t.strip()))}
    if not revisions:
        raise PreconditionFailed("If-Match does not carry a project ETag")
    if str(current) not in revisions:
        raise PreconditionFailed(
            f"the project changed since you read it (now revision {current}); reload and retry",
            revision=current,
        )


def revision_of(project_id: str | ColumnElement[str]) -> ScalarSelect[int]:
    """The project's revision (what its ETag leads with), as a column to select."""
    return select(Project.revision).where(Project.id == project_id).scalar_subquery()


def project_revision(conn: Connection, project_id: str) -> int | None:
    """The project's revision, None when there is no such project."""
    return conn.execute(select(revision_of(project_id))).scalar()


def project_state(conn: Connection, project_id: str, lock: bool = False) -> ProjectState | None:
    query = select(Project.id, Project.name, Project.revision, Project.retired_at).where(
        Project.id == project_id
    )
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        return None
    aliases = conn.execute(
        select(ProjectAlias.alias).where(ProjectAlias.project_id == project_id)
    ).scalars()
    townships = conn.execute(
        select(ProjectTownship.township_code)
        .where(ProjectTownship.project_id == project_id)
        .order_by(ProjectTownship.township_code)
    ).scalars()
    # A programme named for exactly its members (绿心三大文化设施) speaks for each of them.
    programmes = conn.execute(
        select(Programme.name, Programme.aliases)
        .join(ProgrammeMember, ProgrammeMember.programme_id == Programme.id)
        .where(ProgrammeMember.project_id == project_id)
    ).all()
    return ProjectState(
        row.id,
        row.name,
        [row.name, *aliases, *(n for p in programmes for n in (p.name, *p.aliases))],
        row.revision,
        list(townships),
        row.retired_at is not None,
    )


def authorize(user: User, kind: str, project: ProjectState | None) -> None:
    """Forbidden, with the reason, unless the user may make this kind of change here."""
    if user.is_reviewer:
        return
    if user.role != "township_editor":
        raise Forbidden(f"a {user.role} may not change projects")
    if kind not in EDITOR_KINDS:
        raise Forbidden(f"a township editor may report progress (events); '{kind}' is for planners")
    if project is None or not set(project.townships) & set(user.townships):
        where = "no township" if project is None or not project.townships else "another township"
        raise Forbidden(
            f"this project lies in {where}; you may change projects in "
            f"{', '.join(user.townships)} only"
        )


def submit(
    conn: Connection,
    actor: Actor,
    kind: str,
    project_id: str | None,
    data: Any,
    if_match: str | None,
    approve: bool = False,
    comment: str | None = None,
    origin: str = EDIT,
) -> dict[str, Any]:
    """Record a change as submitted (and, for a reviewer who asks, approve it at once).

    `project_id` is the project changed (None for a new project or a district figure)."""
    payload = parse_payload(kind, data)
    if isinstance(payload, ProjectCreate):
        project_id = payload.id
    project = project_state(conn, project_id, lock=True) if project_id else None
    if kind == "project" or kind in FIGURE_KINDS:
        authorize(actor.user, kind, None)
    else:
        if project is None or project.retired:
            raise NotFound(f"no project '{project_id}'")
        authorize(actor.user, kind, project)
        check_revision(project.revision, if_match)
    if approve and not actor.user.is_reviewer:
        raise Forbidden("a township editor's change waits for a planner's review")
    _check(conn, payload, project)
    if isinstance(payload, StatusEventEdit | TargetEdit):
        _refuse_twice(conn, kind, project_id, payload)
    change_id = conn.execute(
        insert(ChangeRequest)
        .values(
            kind=kind,
            project_id=project_id,
            payload=payload.model_dump(mode="json", exclude_none=True),
            origin=origin,
            base_revision=project.revision if project else None,
            township_codes=project.townships if project else [],
            submitted_by=actor.user.id,
            client=actor.client,
        )
        .returning(ChangeRequest.id)
    ).scalar_one()
    summary = _summary(conn, change_id)
    write_audit(conn, actor, "submit", "change_request", str(change_id), None, summary, change_id)
    if project is not None:
        _bump(conn, project.id)
    if approve:
        return decide(conn, actor, change_id, True, comment)
    return change_json(conn, change_id)


def decide(
    conn: Connection, actor: Actor, change_id: int, approve: bool, comment: str | None
) -> dict[str, Any]:
    """Approve (write to the catalogue) or reject a submitted change."""
    if not actor.user.is_reviewer:
        raise Forbidden("only planners and admins review changes")
    change = conn.execute(
        select(ChangeRequest.__table__).where(ChangeRequest.id == change_id).with_for_update()
    ).first()
    if change is None:
        raise NotFound(f"no change {change_id}")
    if change.state != "submitted":
        raise Conflict(f"change {change_id} was {change.state} already")
    if not approve and not (comment and comment.strip()):
        raise InvalidParameter("say why in a comment, so that the submitter can correct it")
    before = _summary(conn, change_id)
    project = project_state(conn, change.project_id, lock=True) if change.project_id else None
    if approve:
        payload = parse_payload(change.kind, change.payload)
        about_project = change.kind not in FIGURE_KINDS and change.kind != "project"
        if about_project and (project is None or project.retired):
            raise Conflict(f"project '{change.project_id}' was retired or removed meanwhile")
        _check(conn, payload, project)  # again: the catalogue may have moved on
        _apply(conn, actor, change.project_id, payload, change_id, change.origin)
    conn.execute(
        update(ChangeRequest)
        .where(ChangeRequest.id == change_id)
        .values(
            state="approved" if approve else "rejected",
            reviewed_by=actor.user.id,
            reviewed_at=func.now(),
            review_comment=comment,
        )
    )
    write_audit(conn, actor, "approve" if approve else "reject", "change_request", str(change_id),
           before, _summary(conn, change_id), change_id)  # fmt: skip
    if change.project_id and (project is not None or approve):
        _bump(conn, change.project_id)
    return change_json(conn, change_id)


def _refuse_twice(
    conn: Connection, kind: str, project_id: str | None, payload: StatusEventEdit | TargetEdit
) -> None:
    """The same fact may wait in the review queue only once."""
    c = ChangeRequest
    waiting = conn.execute(
        select(c.id).where(
            c.state == "submitted",
            c.kind == kind,
            c.project_id == project_id,
            c.payload["year"].as_integer() == payload.year,
            c.payload["status"].as_string() == payload.status,
        )
    ).first()
    if waiting is not None:
        raise Conflict(
            f"the {kind} {payload.year} {payload.status} waits for review already "
            f"(change {waiting.id})"
        )


# --- checks that need the database: the same ones the loader makes on files -----------------


def _check(conn: Connection, payload: Record, project: ProjectState | None) -> None:
    if isinstance(payload, ProgrammeFigureEdit | IndicatorFigureEdit):
        _check_figure(conn, payload)
    elif isinstance(payload, StatusEventEdit | TargetEdit):
        assert project is not None
        if isinstance(payload, StatusEventEdit) and payload.year > date.today().year:
            raise InvalidParameter(
                f"an event reports what has happened, and {payload.year} is still to come; "
                "a promise for that year is a target"
            )
        _check_evidence(conn, payload.evidence, project.names)
        table = StatusEvent if isinstance(payload, StatusEventEdit) else Target
        exists = conn.execute(
            select(table.id).where(
                table.project_id == project.id,
                table.year == payload.year,
                table.status == payload.status,
            )
        ).first()
        if exists:
            what = "event" if table is StatusEvent else "target"
            raise Conflict(f"the {what} {payload.year} {payload.status} is recorded already")
    elif isinstance(payload, GeometryEdit):
        _check_geometry(conn, payload.geometry, payload.geometry_quality, payload.cross_border)
    elif isinstance(payload, ProjectCreate):
        if conn.execute(select(Project.id).where(Project.id == payload.id)).first():
            raise Conflict(f"a project '{payload.id}' exists already")
        _check_geometry(conn, payload.geometry, payload.geometry_quality, payload.cross_border)
        names = [payload.name, *payload.aliases]
        taken = conn.execute(
            select(Project.name).where(Project.name.in_(names)).union(
                select(ProjectAlias.alias).where(ProjectAlias.alias.in_(names))
            )
        ).scalars().all()  # fmt: skip
        if taken:
            raise Conflict(f"another project is named {', '.join(taken)}")
        known = set(conn.execute(select(Programme.id)).scalars())
        unknown = sorted(set(payload.programmes) - known)
        if unknown:
            raise InvalidParameter(f"unknown programme {', '.join(unknown)}")


def _check_figure(conn: Connection, payload: ProgrammeFigureEdit | IndicatorFigureEdit) -> None:
    entity: Any
    table: Any
    if isinstance(payload, ProgrammeFigureEdit):
        entity, key = Programme, payload.programme
        table, value_column, value = ProgrammeProgress, ProgrammeProgress.count, payload.count
        owner = ProgrammeProgress.programme_id
    else:
        entity, key = Indicator, payload.indicator
        table, value_column, value = IndicatorValue, IndicatorValue.value, payload.value
        owner = IndicatorValue.indicator_id
    found = conn.execute(select(entity.name, entity.aliases).where(entity.id == key)).first()
    if found is None:
        raise InvalidParameter(f"no {entity.__tablename__} '{key}'")
    _check_evidence(conn, payload.evidence, [found.name, *found.aliases])
    if isinstance(payload, ProgrammeFigureEdit) and isinstance(payload.evidence, EvidenceRef):
        _check_stage(conn, payload)
    recorded = conn.execute(
        select(table.id).where(
            owner == key, table.year == payload.year, table.kind == payload.kind,
            value_column == value,
        )
    ).first()  # fmt: skip
    if recorded:
        raise Conflict(f"{key} {payload.year} {payload.kind} {value} is recorded already")


def _check_stage(conn: Connection, payload: ProgrammeFigureEdit) -> None:
    """A programme's figure counts the stage the programme counts, as the loader checks."""
    assert isinstance(payload.evidence, EvidenceRef)
    stage = conn.execute(
        select(Programme.stage).where(Programme.id == payload.programme)
    ).scalar_one()
    text = conn.execute(
        select(Document.text).where(Document.id == payload.evidence.document)
    ).scalar_one()
    if text is None:  # _check_evidence refuses this first
        return
    piece = text[payload.evidence.start : payload.evidence.end]
    reason = figure_stage_problem(stage, payload.kind, payload.count, piece)
    if reason:
        raise InvalidParameter(f"{payload.programme} {payload.year} {reason}")


def _check_evidence(
    conn: Connection, evidence: EvidenceRef | FileEvidenceRef, names: list[str]
) -> None:
    document = conn.execute(
        select(Document.text, Document.stored_name).where(Document.id == evidence.document)
    ).first()
    if document is None:
        raise InvalidParameter(f"evidence: no document '{evidence.document}'")
    if isinstance(evidence, FileEvidenceRef):
        if document.stored_name is None:
            raise InvalidParameter(
                f"evidence: '{evidence.document}' is not an uploaded file; give start and end"
            )
        return
    if document.stored_name is not None:
        raise InvalidParameter(
            f"evidence: '{evidence.document}' is an uploaded file: cite it whole, without a range"
        )
    if document.text is None:
        # The loader lets a reviewed file cite a text it does not hold; an edit must be checkable.
        raise InvalidParameter(
            f"evidence: the text of '{evidence.document}' is not registered, so the range "
            "cannot be checked"
        )
    reason = evidence_problem(evidence.document, evidence.start, evidence.end, document.text,
                              names)  # fmt: skip
    if reason:
        raise InvalidParameter(reason)


def _check_geometry(
    conn: Connection, data: dict[str, Any] | None, quality: str, cross_border: bool
) -> None:
    if quality == "unplaced":
        if data is not None:
            raise InvalidParameter("an unplaced project has no geometry; give a quality")
        return
    if data is None:
        raise InvalidParameter(f"a {quality} project needs a geometry")
    if data.get("type") not in PROJECT_GEOMETRY_TYPES:
        raise InvalidParameter(f"geometry type must be one of {sorted(PROJECT_GEOMETRY_TYPES)}")
    geom, reason = read_geometry(data)
    if geom is None:
        raise InvalidParameter(reason or "invalid geometry")
    district = conn.execute(select(District.geom.ST_AsBinary())).scalar()
    if district is not None:
        reason = placement_problem(geom, to_metric(shapely.from_wkb(bytes(district))),
                                   cross_border)  # fmt: skip
        if reason:
            raise InvalidParameter(reason)


# --- writing an approved change -------------------------------------------------------------


def _apply(
    conn: Connection,
    actor: Actor,
    project_id: str | None,
    payload: Record,
    change_id: int,
    origin: str,
) -> None:
    """Write an approved change and bring the read model up to date, in one transaction."""
    _write_facts(conn, actor, project_id, payload, change_id, origin)
    readmodel.refresh(conn, [project_id] if project_id is not None else [])


def _write_facts(
    conn: Connection,
    actor: Actor,
    project_id: str | None,
    payload: Record,
    change_id: int,
    origin: str,
) -> None:
    def audit(action: str, entity: str, key: str, before: Any, after: Any) -> None:
        write_audit(conn, actor, action, entity, key, before, after, change_id)

    if isinstance(payload, ProgrammeFigureEdit | IndicatorFigureEdit):
        figure = payload.model_dump(exclude={"evidence", "programme", "indicator"})
        if isinstance(payload, ProgrammeFigureEdit):
            table: Any = ProgrammeProgress
            key = payload.programme
            figure["programme_id"] = key
        else:
            table = IndicatorValue
            key = payload.indicator
            figure["indicator_id"] = key
        conn.execute(
            insert(table).values(
                **figure, origin=origin, evidence_id=evidence_id(conn, payload.evidence)
            )
        )
        after = figure | {"origin": origin, "evidence": payload.evidence.model_dump()}
        audit("create", table.__tablename__, f"{key}/{payload.year}/{payload.kind}", None, after)
        return
    assert project_id is not None
    if isinstance(payload, StatusEventEdit | TargetEdit):
        is_event = isinstance(payload, StatusEventEdit)
        table = StatusEvent if is_event else Target
        row: dict[str, Any] = {
            "project_id": project_id,
            "year": payload.year,
            "status": payload.status,
            "origin": origin,
            "evidence_id": evidence_id(conn, payload.evidence),
        }
        if isinstance(payload, StatusEventEdit):
            row["milestone"] = payload.milestone
        conn.execute(insert(table).values(**row))
        after = row | {"evidence": payload.evidence.model_dump(), "note": payload.note}
        del after["evidence_id"]
        audit("create", table.__tablename__, f"{project_id}/{payload.year}/{payload.status}",
              None, after)  # fmt: skip
    elif isinstance(payload, GeometryEdit):
        before = _placement(conn, project_id)
        conn.execute(
            update(Project)
            .where(Project.id == project_id)
            .values(
                geom=geojson_value(payload.geometry),
                geometry_quality=payload.geometry_quality,
                placement=payload.placement,
                placement_zh=payload.placement_zh,
                cross_border=payload.cross_border,
                geometry_origin=EDIT,
            )
        )
        assign_townships(conn, project_id)
        audit("update", "project", project_id, before, _placement(conn, project_id))
    elif isinstance(payload, ProjectCreate):
        conn.execute(
            insert(Project).values(
                id=project_id,
                name=payload.name,
                category=payload.category,
                description=payload.description,
                description_zh=payload.description_zh,
                geom=geojson_value(payload.geometry),
                geometry_quality=payload.geometry_quality,
                placement=payload.placement,
                placement_zh=payload.placement_zh,
                cross_border=payload.cross_border,
                origin=origin,
                # Unplaced, it may still be placed by the catalogue files.
                geometry_origin=EDIT if payload.geometry is not None else CATALOGUE,
            )
        )
        for alias in sorted(set(payload.aliases) - {payload.name}):
            conn.execute(insert(ProjectAlias).values(alias=alias, project_id=project_id))
        for programme_id in sorted(set(payload.programmes)):
            conn.execute(
                insert(ProgrammeMember).values(programme_id=programme_id, project_id=project_id)
            )
        assign_townships(conn, project_id)
        audit("create", "project", project_id, None, payload.model_dump(mode="json"))
    elif isinstance(payload, RetireEdit):
        conn.execute(update(Project).where(Project.id == project_id).values(retired_at=func.now()))
        audit("update", "project", project_id, {"retired": False},
              {"retired": True, "reason": payload.reason})  # fmt: skip
        _close_waiting(conn, actor, project_id, change_id)


def _close_waiting(conn: Connection, actor: Actor, project_id: str, retiring: int) -> None:
    """Changes still waiting for a project that is retired are rejected, saying why."""
    waiting = conn.execute(
        select(ChangeRequest.id).where(
            ChangeRequest.project_id == project_id,
            ChangeRequest.state == "submitted",
            ChangeRequest.id != retiring,
        )
    ).scalars()
    comment = f"the project was retired (change {retiring})"
    for change_id in list(waiting):
        before = _summary(conn, change_id)
        conn.execute(
            update(ChangeRequest)
            .where(ChangeRequest.id == change_id)
            .values(
                state="rejected",
                reviewed_by=actor.user.id,
                reviewed_at=func.now(),
                review_comment=comment,
            )
        )
        write_audit(conn, actor, "reject", "change_request", str(change_id), before,
                    _summary(conn, change_id), change_id)  # fmt: skip


def evidence_id(conn: Connection, evidence: EvidenceRef | FileEvidenceRef) -> int:
    """The evidence row for a document range or a whole uploaded file, made when new."""
    start = evidence.start if isinstance(evidence, EvidenceRef) else None
    end = evidence.end if isinstance(evidence, EvidenceRef) else None
    where = [
        Evidence.document_id == evidence.document,
        Evidence.char_start.is_(None) if start is None else Evidence.char_start == start,
        Evidence.char_end.is_(None) if end is None else Evidence.char_end == end,
    ]
    found = conn.execute(select(Evidence.id).where(*where)).scalar()
    if found is not None:
        return int(found)
    return int(
        conn.execute(
            insert(Evidence)
            .values(document_id=evidence.document, char_start=start, char_end=end)
            .returning(Evidence.id)
        ).scalar_one()
    )


def _placement(conn: Connection, project_id: str) -> dict[str, Any]:
    row = conn.execute(
        select(
            Project.geom.ST_AsBinary(),
            Project.geometry_quality,
            Project.placement,
            Project.placement_zh,
            Project.cross_border,
        ).where(Project.id == project_id)
    ).one()
    geometry = mapping(shapely.from_wkb(bytes(row[0]))) if row[0] is not None else None
    return {
        "geometry": geometry,
        "geometry_quality": row[1],
        "placement": row[2],
        "placement_zh": row[3],
        "cross_border": row[4],
    }


def _bump(conn: Connection, project_id: str) -> None:
    conn.execute(
        update(Project)
        .where(Project.id == project_id)
        .values(revision=Project.revision + 1, updated_at=func.now())
    )


def write_audit(
    conn: Connection,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    before: Any,
    after: Any,
    change_id: int | None,
) -> None:
    """The audit row of one step; every write of the app leaves one."""
    conn.execute(
        insert(AuditLog).values(
            user_id=actor.user.id,
            actor=actor.user.username,
            client=actor.client,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            change_id=change_id,
        )
    )


# --- reading changes -------------------------------------------------------------------------

CHANGE_JSON_SQL = text(
    """
    SELECT jsonb_build_object(
        'id', c.id, 'kind', c.kind, 'state', c.state,
        'project', CASE WHEN c.project_id IS NOT NULL THEN jsonb_build_object(
                       'id', c.project_id, 'name', coalesce(p.name, c.payload->>'name')) END,
        'payload', c.payload, 'origin', c.origin, 'base_revision', c.base_revision,
        'township_codes', to_jsonb(c.township_codes),
        'submitted_by', s.username, 'submitted_at', c.submitted_at,
        'reviewed_by', r.username, 'reviewed_at', c.reviewed_at,
        'review_comment', c.review_comment,
        'evidence', CASE WHEN d.id IS NOT NULL THEN jsonb_build_object(
            'document', d.id, 'title', d.title, 'date', d.date, 'file_name', d.file_name,
            'media_type', d.media_type,
            'file', CASE WHEN d.stored_name IS NOT NULL THEN '/documents/' || d.id || '/file' END,
            'start', (c.payload->'evidence'->>'start')::int,
            'end', (c.payload->'evidence'->>'end')::int,
            -- substr counts characters, like the code-point offsets of the evidence
            'quote', substr(d.text, (c.payload->'evidence'->>'start')::int + 1,
                            (c.payload->'evidence'->>'end')::int
                            - (c.payload->'evidence'->>'start')::int)) END)
    FROM change_request c
    JOIN app_user s ON s.id = c.submitted_by
    LEFT JOIN app_user r ON r.id = c.reviewed_by
    LEFT JOIN project p ON p.id = c.project_id
    LEFT JOIN document d ON d.id = c.payload->'evidence'->>'document'
    WHERE c.id = ANY(:ids)
    ORDER BY array_position(:ids, c.id)
    """
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))


def changes_json(conn: Connection, change_ids: list[int]) -> list[dict[str, Any]]:
    """Changes as JSON objects, in the order asked, in one statement."""
    return [dict(c) for c in conn.execute(CHANGE_JSON_SQL, {"ids": change_ids}).scalars()]


def change_json(conn: Connection, change_id: int) -> dict[str, Any]:
    found = changes_json(conn, [change_id])
    if not found:
        raise NotFound(f"no change {change_id}")
    return found[0]


def _summary(conn: Connection, change_id: int) -> dict[str, Any]:
    """What the audit keeps of a change request: everything but the project's display name."""
    summary = change_json(conn, change_id)
    summary.pop("project", None)
    return summary
