"""WHERE and ORDER BY clauses for a layer's rows, from the parsed filters (app.filters).

One clause per filter, in FILTER_CLAUSES. A clause tests some queryables; a layer that has none
of them refuses the filter with a 400, so which filters a layer allows follows from its
queryables (app.layers) and needs no list of its own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Text, and_, cast, exists, func, or_
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.sql.selectable import Subquery

from app.errors import InvalidParameter
from app.filters import Filters, SortKey, YearRange
from app.models import ProjectAlias, StatusEvent
from app.queries.cql2 import Queryable, filter_clause

GEOMETRY = "geometry"


@dataclass(frozen=True)
class Scope:
    """What a clause is built on: the layer's rows and queryables, the years asked for and the
    townships' codes (resolved against the database)."""

    rows: Subquery
    queryables: dict[str, Queryable]
    years: YearRange
    codes: list[str]

    def column(self, name: str) -> Any:
        return self.queryables[name].column


def _overlaps(column: Any, values: list[str]) -> ColumnElement[bool]:
    """Does the text-array column share an element with `values`?"""
    return column.op("&&")(cast(array(values), ARRAY(Text)))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _bbox(f: Filters, s: Scope) -> ColumnElement[bool]:
    assert f.box is not None
    (minx, miny, maxx, maxy), crs = f.box
    envelope = func.ST_Transform(func.ST_MakeEnvelope(minx, miny, maxx, maxy, crs.srid), 4326)
    return func.ST_Intersects(s.column(GEOMETRY), envelope)


def _township(f: Filters, s: Scope) -> ColumnElement[bool]:
    if "township_codes" in s.queryables:
        return _overlaps(s.column("township_codes"), s.codes)
    return s.column("code").in_(s.codes)  # the townships themselves


def _text(f: Filters, s: Scope) -> ColumnElement[bool]:
    assert f.q is not None
    pattern = _like_pattern(f.q)
    match: ColumnElement[bool] = s.column("name").ilike(pattern, escape="\\")
    if "aliases" in s.queryables:
        alias = ProjectAlias.alias.ilike(pattern, escape="\\")
        match = or_(match, exists().where(ProjectAlias.project_id == s.column("id"), alias))
    return match


def _category(f: Filters, s: Scope) -> ColumnElement[bool]:
    return s.column("category").in_(f.category)


def _programme(f: Filters, s: Scope) -> ColumnElement[bool]:
    return _overlaps(s.column("programmes"), f.programme)


def _behind_plan(f: Filters, s: Scope) -> ColumnElement[bool]:
    return s.column("behind_plan").is_(f.behind_plan)


def _geometry_quality(f: Filters, s: Scope) -> ColumnElement[bool]:
    return s.column("geometry_quality") == f.geometry_quality


def _status(f: Filters, s: Scope) -> ColumnElement[bool]:
    status = s.rows.c.planned_status if f.mode == "plan" else s.column("status")
    named = [v for v in f.status if v != "not_reported"]
    options = [status.in_(named)] if named else []
    if "not_reported" in f.status:
        options.append(status.is_(None))
    return or_(*options)


def _changed_between(f: Filters, s: Scope) -> ColumnElement[bool]:
    assert s.years.since is not None
    e, c = StatusEvent, s.column("id")
    return exists().where(e.project_id == c, and_(e.year >= s.years.since, e.year <= s.years.year))


def _cql2(f: Filters, s: Scope) -> ColumnElement[bool]:
    assert f.filter is not None
    lang: Literal["cql2-text", "cql2-json"] = (
        "cql2-json" if f.filter_lang == "cql2-json" else "cql2-text"
    )
    return filter_clause(f.filter, lang, s.queryables)


@dataclass(frozen=True)
class FilterClause:
    parameter: str  # as the filters name it (Filters.given), and as messages say it
    tests: tuple[str, ...]  # the queryables it tests: a layer with none of them refuses it
    build: Callable[[Filters, Scope], ColumnElement[bool]]
    # Whether the request asks for it; by default, whether the parameter is given.
    asked: Callable[[Filters, YearRange], bool] | None = None


FILTER_CLAUSES = (
    FilterClause("bbox", (GEOMETRY,), _bbox),
    FilterClause("township", ("township_codes", "code"), _township),
    FilterClause("q", ("name",), _text),
    FilterClause("category", ("category",), _category),
    FilterClause("status", ("status",), _status),
    FilterClause("programme", ("programmes",), _programme),
    FilterClause("behind_plan", ("behind_plan",), _behind_plan),
    FilterClause("geometry_quality", ("geometry_quality",), _geometry_quality),
    FilterClause(
        "datetime interval", ("status",), _changed_between, lambda f, years: years.since is not None
    ),
    FilterClause("filter", (), _cql2),
)


def where_clauses(
    layer_id: str,
    rows: Subquery,
    queryables: dict[str, Queryable],
    filters: Filters,
    years: YearRange,
    codes: list[str],
) -> list[ColumnElement[bool]]:
    scope = Scope(rows, queryables, years, codes)
    given = filters.given()
    where = []
    for clause in FILTER_CLAUSES:
        asked = clause.asked(filters, years) if clause.asked else clause.parameter in given
        if not asked:
            continue
        if clause.tests and not any(name in queryables for name in clause.tests):
            raise InvalidParameter(
                f"the {clause.parameter} filter does not apply to the {layer_id} collection"
            )
        where.append(clause.build(filters, scope))
    return where


def order_by(queryables: dict[str, Queryable], sortby: list[SortKey]) -> Any:
    """A function giving the ORDER BY on a given set of columns; the id always breaks ties."""
    unsortable = ("geometry", "string_array")
    sortable = {n for n, q in queryables.items() if q.type not in unsortable}
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
