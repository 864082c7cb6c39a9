"""What a feature request selects: the rows of a layer as of the year asked, and the WHERE
clauses of its filters. Shared by the feeds, the tiles, the prints and the benchmark."""

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, Connection
from sqlalchemy.sql.selectable import Subquery

from app import readmodel
from app.crs import DEFAULT_CRS
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
    # What the filters select, as a key: equal keys of one data version match the same rows.
    key: str


def select_features(
    conn: Connection, layer: Layer, query: ItemsQuery, state: readmodel.State | None = None
) -> Selection:
    state = state or readmodel.state(conn)
    years = parse_year(query.year_given, query.datetime, state.default_year)
    rows = layer.rows(years.year)
    codes = township_codes(conn, query.townships) if query.townships else []
    where = where_clauses(layer.id, rows, query, years, codes)
    unpaged = replace(query, limit=0, offset=0, sortby=[], properties=None, crs=DEFAULT_CRS, f=None)
    key = repr((state.version, layer.id, years, codes, unpaged))
    return Selection(years, rows, where, codes, key)


class MatchedCounts:
    """numberMatched of recent selections, so that paging through one counts it once. Keys carry
    the data version: a write makes the old ones unreachable, and they age out."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._counts: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> int | None:
        with self._lock:
            if key in self._counts:
                self._counts.move_to_end(key)
            return self._counts.get(key)

    def put(self, key: str, count: int) -> None:
        with self._lock:
            self._counts[key] = count
            self._counts.move_to_end(key)
            while len(self._counts) > self._size:
                self._counts.popitem(last=False)
