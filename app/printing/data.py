"""The data a print shows, fetched with the feeds' own query builders and filters.

Geometry comes back in EPSG:4548 (CGCS2000 / Gauss-Krüger CM 117E): Tongzhou lies within 0.4° of
the central meridian, where the grid's scale factor differs from 1 by under 3 × 10⁻⁵, so a map
drawn in these metres has a true scale bar.
"""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, case, func, select

from app import readmodel, vocab
from app.errors import InvalidParameter
from app.filters import Filters
from app.layers import LAYERS, Selection, select_features
from app.models import AuditLog, District, Document, Programme, Township
from app.printing.request import PrintRequest, check_since

BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class ProjectRow:
    id: str
    name: str
    category: str
    status: str | None
    status_year: int | None
    milestone: str | None
    planned_status: str | None
    target_status: str | None
    target_year: int | None
    behind_plan: bool
    townships: tuple[str, ...]
    township_codes: tuple[str, ...]
    geometry_quality: str
    geometry: BaseGeometry | None  # EPSG:4548; None when unplaced
    documents: frozenset[str]
    # On a comparison sheet: the status as of the earlier year, and how it moved since.
    status_since: str | None = None
    move: str | None = None

    def shown_status(self, plan_mode: bool) -> str | None:
        """The status a print shows: as reported, or (plan mode) as the plans promised."""
        return self.planned_status if plan_mode else self.status


@dataclass(frozen=True)
class TownshipRow:
    code: str
    name: str
    kind: str
    boundary_quality: str
    geometry: BaseGeometry
    label_point: BaseGeometry


@dataclass(frozen=True)
class DocumentRow:
    id: str
    title: str
    date: str
    publisher: str | None


@dataclass(frozen=True)
class PrintData:
    year: int
    reported_year: int | None  # the last year any report covers
    projects: list[ProjectRow]
    townships: list[TownshipRow]  # all of them, in code order
    district_name: str
    district: BaseGeometry
    documents: list[DocumentRow]  # those the printed projects cite, by date
    programme_names: dict[str, str]  # the programmes filtered on
    township_filter: list[str]  # codes
    bbox: tuple[float, float, float, float] | None  # EPSG:4548
    updated: date | None  # the last change to the data


def _metric(geom: Any) -> Any:
    return func.ST_AsBinary(func.ST_Transform(geom, vocab.METRIC_SRID))


def _shape(wkb: bytes | None) -> BaseGeometry | None:
    return shapely.from_wkb(bytes(wkb)) if wkb is not None else None


def fetch_projects(conn: Connection, selection: Selection) -> list[ProjectRow]:
    c, where = selection.rows.c, selection.where
    statement = (
        select(
            c.id,
            c.name,
            c.category,
            c.status,
            c.status_year,
            c.milestone,
            c.planned_status,
            c.target_status,
            c.target_year,
            c.behind_plan,
            c.townships,
            c.township_codes,
            c.geometry_quality,
            c.evidence,
            _metric(c.geom).label("wkb"),
        )
        .where(*where)
        .order_by(c.id)
    )
    return [
        ProjectRow(
            id=r.id,
            name=r.name,
            category=r.category,
            status=r.status,
            status_year=r.status_year,
            milestone=r.milestone,
            planned_status=r.planned_status,
            target_status=r.target_status,
            target_year=r.target_year,
            behind_plan=bool(r.behind_plan),
            townships=tuple(r.townships),
            township_codes=tuple(r.township_codes),
            geometry_quality=r.geometry_quality,
            geometry=_shape(r.wkb),
            documents=frozenset(e["document"] for e in r.evidence or []),
        )
        for r in conn.execute(statement)
    ]


def fetch_townships(conn: Connection) -> list[TownshipRow]:
    t = Township
    # The seat labels the township when it lies inside; otherwise a point surely inside.
    label = case((func.ST_Intersects(t.seat, t.geom), t.seat), else_=func.ST_PointOnSurface(t.geom))
    statement = select(
        t.code,
        t.name,
        t.kind,
        t.boundary_quality,
        _metric(t.geom).label("wkb"),
        _metric(label).label("label"),
    ).order_by(t.code)
    result = []
    for r in conn.execute(statement):
        geometry, point = _shape(r.wkb), _shape(r.label)
        assert geometry is not None and point is not None
        result.append(TownshipRow(r.code, r.name, r.kind, r.boundary_quality, geometry, point))
    return result


def _district(conn: Connection) -> tuple[str, BaseGeometry]:
    row = conn.execute(select(District.name, _metric(District.geom).label("wkb"))).first()
    if row is None:
        raise InvalidParameter("the district boundary is not loaded; run tzmap load first")
    geometry = _shape(row.wkb)
    assert geometry is not None
    return row.name, geometry


def _documents(conn: Connection, projects: list[ProjectRow]) -> list[DocumentRow]:
    cited = set().union(*(p.documents for p in projects)) if projects else set()
    statement = select(Document.id, Document.title, Document.date, Document.publisher)
    rows = conn.execute(statement.where(Document.id.in_(cited)).order_by(Document.date))
    return [DocumentRow(r.id, r.title, r.date, r.publisher) for r in rows]


def _programme_names(conn: Connection, asked: list[str]) -> dict[str, str]:
    if not asked:
        return {}
    rows = conn.execute(select(Programme.id, Programme.name).order_by(Programme.id))
    known: dict[str, str] = {r.id: r.name for r in rows}
    for programme in asked:
        if programme not in known:
            valid = ", ".join(f"{pid} ({name})" for pid, name in known.items())
            raise InvalidParameter(f"programme '{programme}' is unknown; valid programmes: {valid}")
    return {p: known[p] for p in asked}


def _bbox(conn: Connection, request: PrintRequest) -> tuple[float, float, float, float] | None:
    if request.query.box is None:
        return None
    (minx, miny, maxx, maxy), crs = request.query.box
    envelope = func.ST_MakeEnvelope(minx, miny, maxx, maxy, crs.srid)
    box = func.ST_Transform(envelope, vocab.METRIC_SRID)
    row = conn.execute(
        select(func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box))
    ).one()
    return (row[0], row[1], row[2], row[3])


def _updated(conn: Connection) -> date | None:
    at = conn.execute(select(func.max(AuditLog.at))).scalar()
    return at.astimezone(BEIJING).date() if at is not None else None


def _as_of(conn: Connection, query: Filters, year: int) -> dict[str, tuple[str | None, bool]]:
    """Status and behind plan, as of `year`, of each project `query` selects."""
    selection = select_features(conn, LAYERS["projects"], query.as_of(year))
    c = selection.rows.c
    rows = conn.execute(select(c.id, c.status, c.behind_plan).where(*selection.where))
    return {r.id: (r.status, bool(r.behind_plan)) for r in rows}


def moved(
    conn: Connection,
    query: Filters,
    projects: list[ProjectRow],
    since: int,
    behind_plan: bool | None,
) -> list[ProjectRow]:
    """Of `projects` (as of the later year, as `query` selects them, whatever their status and
    lateness) those whose reported status was another in `since`, with that status and the
    move. As on the web page, a behind-plan filter selects a project late (or not) in either
    year."""
    before = _as_of(conn, query, since)
    result = []
    for p in projects:
        status_since, late_since = before.get(p.id, (None, False))
        move = vocab.move_of(status_since, p.status)
        if move is not None and behind_plan in (None, p.behind_plan, late_since):
            result.append(replace(p, status_since=status_since, move=move))
    return result


def fetch(conn: Connection, request: PrintRequest) -> PrintData:
    """Everything a print shows; raises InvalidParameter for unknown townships or programmes."""
    reported = readmodel.state(conn).reported_year
    query = request.query
    if request.since is not None:  # the moves are found among every status, late or not
        query = query.model_copy(update={"status": [], "behind_plan": None})
    selection = select_features(conn, LAYERS["projects"], query)
    year, codes = selection.years.year, selection.township_codes
    check_since(request.since, year)
    programme_names = _programme_names(conn, request.query.programme)
    projects = fetch_projects(conn, selection)
    if request.since is not None:
        projects = moved(conn, query, projects, request.since, request.query.behind_plan)
    district_name, district = _district(conn)
    return PrintData(
        year=year,
        reported_year=reported,
        projects=projects,
        townships=fetch_townships(conn),
        district_name=district_name,
        district=district,
        documents=_documents(conn, projects),
        programme_names=programme_names,
        township_filter=codes,
        bbox=_bbox(conn, request),
        updated=_updated(conn),
    )
