"""Project features as of a year: one row per project with the columns every feed shows.

Status as of year Y is the latest status event with year <= Y (within one year the higher status
wins). A project is behind plan as of Y when a target whose year has passed (<= Y, and no later than
the latest year any report covers, since later years cannot be judged yet) promised more than the
project's status.
"""

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Numeric,
    String,
    case,
    cast,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, array
from sqlalchemy.sql.selectable import Subquery

from app import vocab
from app.models import (
    Evidence,
    ProgrammeMember,
    Project,
    ProjectAlias,
    ProjectTownship,
    StatusEvent,
    Target,
    Township,
)
from app.queries.sql import jsonb_list

Year = ColumnElement[int] | int


def published() -> ColumnElement[bool]:
    """Retired projects keep their history but leave the map, the feeds and the prints."""
    return Project.retired_at.is_(None)


def status_rank(status: Any) -> ColumnElement[int]:
    """planned=1 … in_service=4; NULL (nothing reported yet) counts as 0."""
    return func.coalesce(func.array_position(array(vocab.STATUSES), status), 0)


def last_reported_year() -> ColumnElement[int]:
    """The latest year an annual report covers (the catalogue's and the reports' events). An
    update approved in the app speaks for its own project only, not for the whole district."""
    return select(func.max(StatusEvent.year)).where(StatusEvent.origin != "edit").scalar_subquery()


def latest_event_year() -> ColumnElement[int]:
    """The latest year anything is known to have happened: reports and approved updates."""
    return select(func.max(StatusEvent.year)).scalar_subquery()


def _first(columns: list[Any], where: list[Any], order_by: list[Any]) -> dict[str, Any]:
    """The first row of a correlated, ordered query, one scalar subquery per column. Unlike a
    LATERAL join, PostgreSQL skips those a statement does not use (say, counting a page's
    matches), and evaluates the others only for the rows that are returned."""
    return {
        # correlate(Project): inside the EXISTS of behind_plan, automatic correlation would bind
        # to that EXISTS and compare with any project's status.
        column.key: select(column)
        .where(*where)
        .order_by(*order_by)
        .limit(1)
        .correlate(Project)
        .scalar_subquery()
        for column in columns
    }


def _status_as_of(year: Year) -> dict[str, Any]:
    e = StatusEvent
    return _first(
        [e.status, e.year, e.milestone],
        [e.project_id == Project.id, e.year <= year],
        [e.year.desc(), status_rank(e.status).desc()],
    )


def _planned_as_of(year: Year) -> dict[str, Any]:
    """What the plans had promised by year Y: the highest target status with year <= Y."""
    t = Target
    return _first(
        [t.status, t.year],
        [t.project_id == Project.id, t.year <= year],
        [status_rank(t.status).desc(), t.year.desc()],
    )


def _target_for(year: Year) -> dict[str, Any]:
    """The target that matters in year Y: the next one due (year >= Y), else the latest one."""
    t = Target
    return _first(
        [t.status, t.year],
        [t.project_id == Project.id],
        [t.year < year, func.abs(t.year - year), status_rank(t.status).desc()],
    )


def _behind_plan(year: Year, status: ColumnElement[Any]) -> ColumnElement[bool]:
    t = Target
    return exists().where(
        t.project_id == Project.id,
        t.year <= year,
        t.year <= last_reported_year(),
        status_rank(t.status) > status_rank(status),
    )


def _array(column: Any, order_by: Any, *where: ColumnElement[bool], joins: Any = None) -> Any:
    query = select(
        func.coalesce(
            func.array_agg(aggregate_order_by(column, order_by)),
            cast(array([], type_=String), ARRAY(String)),
        )
    ).where(*where)
    if joins is not None:
        query = query.select_from(joins)
    return query.scalar_subquery()


def _evidence_refs() -> ColumnElement[Any]:
    """Each event and target of the project with the document range that supports it."""
    # Correlated explicitly: inside a FROM clause, automatic correlation does not reach them.
    e, t = StatusEvent, Target
    events = (
        select(literal("event").label("kind"), e.year, e.status, e.evidence_id)
        .where(e.project_id == Project.id)
        .correlate(Project)
    )
    targets = (
        select(literal("target").label("kind"), t.year, t.status, t.evidence_id)
        .where(t.project_id == Project.id)
        .correlate(Project)
    )
    facts = events.union_all(targets).subquery("facts")
    item = func.jsonb_build_object(
        "kind", facts.c.kind,
        "year", facts.c.year,
        "status", facts.c.status,
        "document", Evidence.document_id,
        "start", Evidence.char_start,
        "end", Evidence.char_end,
    )  # fmt: skip
    return (
        select(jsonb_list(item, facts.c.year, facts.c.kind, facts.c.status))
        .select_from(facts.join(Evidence, Evidence.id == facts.c.evidence_id))
        .scalar_subquery()
    )


def _measure(dimension: int, metres: ColumnElement[float], unit: float) -> ColumnElement[Any]:
    """Length (km) of lines or area (ha) of polygons, measured in the metric CRS; else NULL."""
    rounded = func.round(cast(metres / unit, Numeric), 3)
    return case((func.ST_Dimension(Project.geom) == dimension, rounded), else_=None)


def project_status(year: Year) -> Subquery:
    """Just the status and behind-plan state of each project as of `year` (for counts)."""
    status = _status_as_of(year)
    return (
        select(
            Project.id,
            status["status"].label("status"),
            _behind_plan(year, status["status"]).label("behind_plan"),
        )
        .select_from(Project)
        .where(published())
        .subquery("project_status")
    )


def project_rows(year: Year) -> Subquery:
    """Every project with its properties as of `year`, as a subquery to filter and page."""
    status = _status_as_of(year)
    planned = _planned_as_of(year)
    target = _target_for(year)
    metric = func.ST_Transform(Project.geom, vocab.METRIC_SRID)
    township_join = ProjectTownship.__table__.join(
        Township.__table__, Township.code == ProjectTownship.township_code
    )
    return (
        select(
            Project.id,
            Project.geom,
            Project.name,
            _array(ProjectAlias.alias, ProjectAlias.alias, ProjectAlias.project_id == Project.id)
            .label("aliases"),
            Project.category,
            Project.description,
            status["status"].label("status"),
            status["year"].label("status_year"),
            status["milestone"].label("milestone"),
            planned["status"].label("planned_status"),
            planned["year"].label("planned_year"),
            target["status"].label("target_status"),
            target["year"].label("target_year"),
            _behind_plan(year, status["status"]).label("behind_plan"),
            _array(
                Township.name, Township.code, ProjectTownship.project_id == Project.id,
                joins=township_join,
            ).label("townships"),
            _array(
                ProjectTownship.township_code, ProjectTownship.township_code,
                ProjectTownship.project_id == Project.id,
            ).label("township_codes"),
            Project.geometry_quality,
            Project.placement,
            Project.cross_border,
            _measure(1, func.ST_Length(metric), 1000).label("length_km"),
            _measure(2, func.ST_Area(metric), 10000).label("area_ha"),
            _array(
                ProgrammeMember.programme_id, ProgrammeMember.programme_id,
                ProgrammeMember.project_id == Project.id,
            ).label("programmes"),
            _evidence_refs().label("evidence"),
        )
        .select_from(Project)
        .where(published())
        .subquery("projects")
    )  # fmt: skip


# The properties of a project feature, in the order feeds show them.
PROPERTIES = (
    "name",
    "aliases",
    "category",
    "status",
    "status_year",
    "milestone",
    "planned_status",
    "planned_year",
    "target_status",
    "target_year",
    "behind_plan",
    "townships",
    "township_codes",
    "geometry_quality",
    "placement",
    "cross_border",
    "length_km",
    "area_ha",
    "programmes",
    "description",
    "evidence",
)
