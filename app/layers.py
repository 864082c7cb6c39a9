"""The one registry of published layers: it feeds /collections, the items, the queryables, tiles
and legends alike."""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.sql.selectable import Subquery

from app import vocab
from app.queries.programmes import (
    INDICATOR_PROPERTIES,
    PROGRAMME_PROPERTIES,
    indicator_rows,
    programme_rows,
)
from app.queries.projects import project_rows
from app.queries.townships import PROPERTIES as TOWNSHIP_PROPERTIES
from app.queries.townships import township_rows
from app.readmodel import PROPERTIES as PROJECT_PROPERTIES


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
        ),
        Layer(
            id="indicators",
            title="发展指标 Indicators",
            description="District figures with baseline, yearly actuals and targets; no geometry.",
            rows=lambda year: indicator_rows(),
            properties=INDICATOR_PROPERTIES,
            has_geometry=False,
        ),
    )
}
