"""What a feature request selects: the rows of a layer as of the year asked, and the WHERE
clauses of its filters. Shared by the feeds, the tiles, the prints and the benchmark."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, select
from sqlalchemy.sql.selectable import Subquery

from app.layers import Layer
from app.queries.filters import township_codes, where_clauses
from app.queries.projects import last_reported_year, latest_event_year
from app.query import ItemsQuery, YearRange, parse_year

FIRST_PLAN_YEAR = 2022  # the default year while no report is loaded


def reported_year(conn: Connection) -> int | None:
    """The latest year an annual report covers; later years cannot be judged behind plan."""
    latest = conn.execute(select(last_reported_year())).scalar()
    return int(latest) if latest is not None else None


def default_year(conn: Connection) -> int:
    """Without year or datetime, statuses are as of the latest year anything is known of."""
    latest = conn.execute(select(latest_event_year())).scalar()
    return int(latest) if latest is not None else FIRST_PLAN_YEAR


@dataclass(frozen=True)
class Selection:
    years: YearRange
    rows: Subquery
    where: list[ColumnElement[bool]]
    township_codes: list[str]


def select_features(conn: Connection, layer: Layer, query: ItemsQuery) -> Selection:
    years = parse_year(query.year_given, query.datetime, default_year(conn))
    rows = layer.rows(years.year)
    codes = township_codes(conn, query.townships) if query.townships else []
    where = where_clauses(layer.id, rows, query, years, codes)
    return Selection(years, rows, where, codes)
