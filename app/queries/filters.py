"""WHERE and ORDER BY clauses for the items of a layer, from an already parsed request."""

from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Text, and_, cast, exists, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.sql.selectable import Subquery

from app import vocab
from app.errors import InvalidParameter
from app.models import ProjectAlias, StatusEvent, Township
from app.queries.cql2 import Queryable, filter_clause
from app.query import ItemsQuery, SortKey, YearRange

GEOMETRY = "geometry"


def township_codes(conn: Connection, values: list[str]) -> list[str]:
    """Township names or 12/9-digit codes to codes; an unknown one names the valid ones."""
    known = conn.execute(select(Township.code, Township.name).order_by(Township.code)).all()
    by_key = {name: code for code, name in known} | {code: code for code, _ in known}
    by_key |= {code[:9]: code for code, _ in known}
    codes = []
    for value in values:
        code = by_key.get(value)
        if code is None:
            valid = ", ".join(f"{name} ({code})" for code, name in known)
            raise InvalidParameter(f"township '{value}' is unknown; valid townships: {valid}")
        codes.append(code)
    return codes


def _overlaps(column: Any, values: list[str]) -> ColumnElement[bool]:
    """Does the text-array column share an element with `values`?"""
    return column.op("&&")(cast(array(values), ARRAY(Text)))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def queryables(layer_id: str, rows: Subquery) -> dict[str, Queryable]:
    c = rows.c
    if layer_id == "projects":
        return {
            q.name: q
            for q in (
                Queryable("id", c.id, "string"),
                Queryable("name", c.name, "string"),
                Queryable("category", c.category, "string", vocab.CATEGORIES),
                Queryable("status", c.status, "string", vocab.STATUSES),
                Queryable("status_year", c.status_year, "integer"),
                Queryable("target_status", c.target_status, "string", vocab.STATUSES),
                Queryable("target_year", c.target_year, "integer"),
                Queryable("behind_plan", c.behind_plan, "boolean"),
                Queryable(
                    "geometry_quality", c.geometry_quality, "string", vocab.GEOMETRY_QUALITIES
                ),
                Queryable("townships", c.townships, "string_array"),
                Queryable("township_codes", c.township_codes, "string_array"),
                Queryable("programmes", c.programmes, "string_array"),
                Queryable("aliases", c.aliases, "string_array"),
                Queryable("cross_border", c.cross_border, "boolean"),
                Queryable("length_km", c.length_km, "number"),
                Queryable("area_ha", c.area_ha, "number"),
                Queryable(GEOMETRY, c.geom, "geometry"),
            )
        }
    if layer_id == "townships":
        return {
            q.name: q
            for q in (
                Queryable("code", c.code, "string"),
                Queryable("name", c.name, "string"),
                Queryable("kind", c.kind, "string", vocab.TOWNSHIP_KINDS),
                Queryable(
                    "boundary_quality", c.boundary_quality, "string", vocab.BOUNDARY_QUALITIES
                ),
                Queryable("membership", c.membership, "string", ("estimated", "official")),
                Queryable("count_total", c.count_total, "integer"),
                Queryable("count_behind_plan", c.count_behind_plan, "integer"),
                Queryable(GEOMETRY, c.geom, "geometry"),
            )
        }
    if layer_id == "programmes":
        return {
            q.name: q
            for q in (
                Queryable("id", c.id, "string"),
                Queryable("name", c.name, "string"),
                Queryable("category", c.category, "string", vocab.CATEGORIES),
                Queryable("target_year", c.target_year, "integer"),
                Queryable("target_count", c.target_count, "number"),
                Queryable("located_count", c.located_count, "integer"),
            )
        }
    return {
        q.name: q
        for q in (
            Queryable("id", c.id, "string"),
            Queryable("name", c.name, "string"),
            Queryable("unit", c.unit, "string"),
        )
    }


def _not_for(layer_id: str, parameter: str) -> InvalidParameter:
    return InvalidParameter(f"the {parameter} filter does not apply to the {layer_id} collection")


def where_clauses(
    layer_id: str,
    rows: Subquery,
    query: ItemsQuery,
    years: YearRange,
    codes: list[str],
) -> list[ColumnElement[bool]]:
    c = rows.c
    where: list[ColumnElement[bool]] = []
    if query.bbox is not None:
        if layer_id == "indicators":
            raise _not_for(layer_id, "bbox")
        (minx, miny, maxx, maxy), crs = query.bbox
        envelope = func.ST_Transform(func.ST_MakeEnvelope(minx, miny, maxx, maxy, crs.srid), 4326)
        where.append(func.ST_Intersects(c.geom, envelope))
    if codes:
        if layer_id == "projects":
            where.append(_overlaps(c.township_codes, codes))
        elif layer_id == "townships":
            where.append(c.code.in_(codes))
        else:
            raise _not_for(layer_id, "township")
    if query.q:
        pattern = _like_pattern(query.q)
        match: ColumnElement[bool] = c.name.ilike(pattern, escape="\\")
        if layer_id == "projects":
            alias = exists().where(
                ProjectAlias.project_id == c.id, ProjectAlias.alias.ilike(pattern, escape="\\")
            )
            match = or_(match, alias)
        where.append(match)
    if query.categories:
        if layer_id not in ("projects", "programmes"):
            raise _not_for(layer_id, "category")
        where.append(c.category.in_(query.categories))
    where += _project_clauses(layer_id, rows, query, years)
    if query.filter:
        lang: Literal["cql2-text", "cql2-json"] = (
            "cql2-json" if query.filter_lang == "cql2-json" else "cql2-text"
        )
        where.append(filter_clause(query.filter, lang, queryables(layer_id, rows)))
    return where


def _project_clauses(
    layer_id: str, rows: Subquery, query: ItemsQuery, years: YearRange
) -> list[ColumnElement[bool]]:
    c = rows.c
    asked = {
        "status": bool(query.statuses),
        "programme": bool(query.programmes),
        "behind_plan": query.behind_plan is not None,
        "datetime interval": years.since is not None,
    }
    if layer_id != "projects":
        for parameter, given in asked.items():
            if given:
                raise _not_for(layer_id, parameter)
        return []
    where: list[ColumnElement[bool]] = []
    if query.statuses:
        status = c.planned_status if query.mode == "plan" else c.status
        named = [s for s in query.statuses if s != "not_reported"]
        options = [status.in_(named)] if named else []
        if "not_reported" in query.statuses:
            options.append(status.is_(None))
        where.append(or_(*options))
    if query.programmes:
        where.append(_overlaps(c.programmes, query.programmes))
    if query.behind_plan is not None:
        where.append(c.behind_plan.is_(query.behind_plan))
    if years.since is not None:
        e = StatusEvent
        where.append(
            exists().where(e.project_id == c.id, and_(e.year >= years.since, e.year <= years.year))
        )
    return where


def order_by(layer_id: str, rows: Subquery, sortby: list[SortKey]) -> Any:
    """A function giving the ORDER BY on a given set of columns; the id always breaks ties."""
    unsortable = ("geometry", "string_array")
    sortable = {n for n, q in queryables(layer_id, rows).items() if q.type not in unsortable}
    for key in sortby:
        if key.name not in sortable:
            raise InvalidParameter(
                f"cannot sort by '{key.name}'; sortable properties: {', '.join(sorted(sortable))}"
            )

    def order(columns: Any) -> list[ColumnElement[Any]]:
        clauses = [
            (columns[k.name].desc() if k.descending else columns[k.name].asc()).nulls_last()
            for k in sortby
        ]
        return [*clauses, columns.id.asc()]

    return order
