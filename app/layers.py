"""The one registry of published layers: it feeds /collections, the items, the queryables, tiles
and legends alike; and what a request selects of a layer (select_features), shared by the feeds,
the tiles, the prints, the standalone export and the benchmark."""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Connection
from sqlalchemy.sql.selectable import Subquery

from app import readmodel, vocab
from app.filters import Filters, YearRange
from app.queries.cql2 import Queryable, QueryableType
from app.queries.filters import GEOMETRY, where_clauses
from app.queries.programmes import (
    INDICATOR_PROPERTIES,
    PROGRAMME_PROPERTIES,
    indicator_rows,
    programme_rows,
)
from app.queries.projects import project_rows
from app.queries.townships import PROPERTIES as TOWNSHIP_PROPERTIES
from app.queries.townships import loaded_townships, township_rows
from app.readmodel import PROPERTIES as PROJECT_PROPERTIES


@dataclass(frozen=True)
class Property:
    """A queryable property: filters (CQL2 and the layer's parameters) and sortby may use it."""

    name: str
    type: QueryableType
    values: tuple[str, ...] | None = None  # the value domain when it is an enumeration


@dataclass(frozen=True)
class Layer:
    id: str
    title: str
    description: str
    rows: Callable[[int], Subquery]  # the rows as of a year
    properties: tuple[str, ...]
    has_geometry: bool = True
    # What vector tiles carry: scalar properties, and array ones joined with ';'.
    tile_properties: tuple[str, ...] = ()
    tile_arrays: tuple[str, ...] = ()
    by_year: bool = False  # do its properties depend on the year asked for?
    # Do its rows carry each feature's GeoJSON text ready to send (column `feature`)?
    stored_features: bool = False
    keywords: tuple[str, ...] = field(default_factory=tuple)
    # Do its answers depend on which township a feature lies in? Then they say whether that is
    # estimated (no official boundaries imported) or not.
    township_membership: bool = False
    queryables: tuple[Property, ...] = ()

    def queryables_of(self, rows: Subquery) -> dict[str, Queryable]:
        """The queryable properties bound to the columns of `rows` (the geometry is `geom`)."""
        bound = {}
        for p in self.queryables:
            column = rows.c.geom if p.type == GEOMETRY else rows.c[p.name]
            bound[p.name] = Queryable(p.name, column, p.type, p.values)
        return bound


_GEOMETRY = Property(GEOMETRY, "geometry")
_ID, _NAME = Property("id", "string"), Property("name", "string")


LAYERS: dict[str, Layer] = {
    layer.id: layer
    for layer in (
        Layer(
            id="projects",
            title="重点项目 Projects",
            description=(
                "Infrastructure and public-service projects of the Tongzhou sub-centre plans, "
                "with their status as of the requested year, targets and evidence. "
                "Geometry is approximate or schematic unless geometry_quality says surveyed."
            ),
            rows=project_rows,
            properties=PROJECT_PROPERTIES,
            tile_properties=(
                "name",
                "category",
                "status",
                "status_year",
                "milestone",
                "target_status",
                "target_year",
                "behind_plan",
                "geometry_quality",
                "townships",
                "programmes",
            ),
            tile_arrays=("townships", "programmes"),
            by_year=True,
            stored_features=True,
            keywords=("通州", "城市副中心", "projects", *vocab.CATEGORIES),
            township_membership=True,
            queryables=(
                _ID,
                _NAME,
                Property("category", "string", vocab.CATEGORIES),
                Property("status", "string", vocab.STATUSES),
                Property("status_year", "integer"),
                Property("target_status", "string", vocab.STATUSES),
                Property("target_year", "integer"),
                Property("behind_plan", "boolean"),
                Property("geometry_quality", "string", vocab.GEOMETRY_QUALITIES),
                Property("townships", "string_array"),
                Property("township_codes", "string_array"),
                Property("programmes", "string_array"),
                Property("aliases", "string_array"),
                Property("cross_border", "boolean"),
                Property("length_km", "number"),
                Property("area_ha", "number"),
                _GEOMETRY,
            ),
        ),
        Layer(
            id="townships",
            title="乡镇街道 Townships",
            description=(
                "The 22 街道/镇/乡 of Tongzhou with their statistical codes and the number of "
                "projects in each status as of the requested year. boundary_quality says how a "
                "boundary was made (official: an imported boundary file; schematic: built from "
                "the seats and named places, not surveyed); membership says whether which "
                "projects lie in the township is estimated."
            ),
            rows=township_rows,
            properties=TOWNSHIP_PROPERTIES,
            tile_properties=tuple(p for p in TOWNSHIP_PROPERTIES if p != "source"),
            by_year=True,
            township_membership=True,
            queryables=(
                Property("code", "string"),
                _NAME,
                Property("kind", "string", vocab.TOWNSHIP_KINDS),
                Property("boundary_quality", "string", vocab.BOUNDARY_QUALITIES),
                Property("membership", "string", ("estimated", "official")),
                Property("count_total", "integer"),
                Property("count_behind_plan", "integer"),
                _GEOMETRY,
            ),
        ),
        Layer(
            id="programmes",
            title="计划任务 Programmes",
            description=(
                "Counted commitments of the plans (17 断头路, 14 家园中心 …) with their targets, "
                "reported progress and located members; the geometry collects the members."
            ),
            rows=lambda year: programme_rows(),
            properties=PROGRAMME_PROPERTIES,
            tile_properties=(
                "name",
                "category",
                "unit",
                "target_count",
                "target_year",
                "located_count",
            ),
            queryables=(
                _ID,
                _NAME,
                Property("category", "string", vocab.CATEGORIES),
                Property("target_year", "integer"),
                Property("target_count", "number"),
                Property("located_count", "integer"),
                _GEOMETRY,
            ),
        ),
        Layer(
            id="indicators",
            title="发展指标 Indicators",
            description="District figures with baseline, yearly actuals and targets; no geometry.",
            rows=lambda year: indicator_rows(),
            properties=INDICATOR_PROPERTIES,
            has_geometry=False,
            queryables=(_ID, _NAME, Property("unit", "string")),
        ),
    )
}


@dataclass(frozen=True)
class Selection:
    years: YearRange
    rows: Subquery
    queryables: dict[str, Queryable]
    where: list[ColumnElement[bool]]
    township_codes: list[str]
    # What the filters select, as a key: equal keys of one data version match the same rows.
    key: str


def select_features(
    conn: Connection, layer: Layer, filters: Filters, state: readmodel.State | None = None
) -> Selection:
    """The rows of `layer` as of the year `filters` asks for (the latest reported by default),
    and the WHERE clauses of its filters; raises InvalidParameter for what the layer refuses."""
    state = state or readmodel.state(conn)
    years = filters.years(state.default_year)
    rows = layer.rows(years.year)
    queryables = layer.queryables_of(rows)
    codes = loaded_townships(conn, state.version).codes(filters.township or [])
    where = where_clauses(layer.id, rows, queryables, filters, years, codes)
    return Selection(years, rows, queryables, where, codes, selection_key(layer, filters, state))


def selection_key(layer: Layer, filters: Filters, state: readmodel.State) -> str:
    """What `select_features` selects, as a key (without building it): equal keys of one data
    version match the same rows."""
    years = filters.years(state.default_year)
    return repr((state.version, layer.id, years, sorted(filters.selection().items())))
