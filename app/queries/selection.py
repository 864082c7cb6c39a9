"""What a feature request selects: the rows of a layer as of the year asked, and the WHERE
clauses of its filters. Shared by the feeds, the tiles, the prints and the benchmark."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection
from sqlalchemy.sql.selectable import Subquery

from app import readmodel
from app.layers import Layer
from app.queries.filters import township_codes, where_clauses
from app.query import ItemsQuery, YearRange, parse_year


def reported_year(conn: Connection) -> int | None:
    """The latest year an annual report covers; later years cannot be judged behind plan."""
    return readmodel.state(conn).reported_year


@dataclass(frozen=True)
class Selection:
    years: YearRange
    rows: Subquery
    where: list[ColumnElement[bool]]
    township_codes: list[str]


def select_features(
    conn: Connection, layer: Layer, query: ItemsQuery, state: readmodel.State | None = None
) -> Selection:
    state = state or readmodel.state(conn)
    years = parse_year(query.year_given, query.datetime, state.default_year)
    rows = layer.rows(years.year)
    codes = township_codes(conn, query.townships) if query.townships else []
    where = where_clauses(layer.id, rows, query, years, codes)
    return Selection(years, rows, where, codes)
