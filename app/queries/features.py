"""Pages of features as one SQL statement: PostGIS builds the GeoJSON, Python only adds links.

The statement returns numberMatched, numberReturned and the features array as JSON text, so the
response can be streamed without a per-feature loop in Python.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by
from sqlalchemy.sql.selectable import Subquery

from app.crs import OutputCrs

OrderBy = Callable[[Any], list[ColumnElement[Any]]]


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


def geometry_json(geom: ColumnElement[Any], crs: OutputCrs) -> ColumnElement[Any]:
    """GeoJSON geometry in the requested CRS and axis order; NULL stays null."""
    shaped = geom
    if crs.srid != 4326:
        shaped = func.ST_Transform(shaped, crs.srid)
    if crs.lat_lon:
        # EPSG:4326 and EPSG:4490 define latitude first; CRS84 (the default) is longitude first.
        shaped = func.ST_FlipCoordinates(shaped)
    return cast(func.ST_AsGeoJSON(shaped, crs.decimals), Text)


def feature_json(
    columns: Any, properties: Sequence[str], crs: OutputCrs, geometry: bool = True
) -> ColumnElement[Any]:
    pairs: list[Any] = []
    for name in properties:
        pairs += [literal(name), columns[name]]
    geom: Any = cast(geometry_json(columns.geom, crs), JSON) if geometry else None
    return func.json_build_object(
        literal("type"), literal("Feature"),
        literal("id"), columns.id,
        literal("geometry"), geom,
        literal("properties"), func.json_build_object(*pairs),
    )  # fmt: skip


def feature_page(
    rows: Subquery,
    where: Sequence[ColumnElement[bool]],
    order_by: OrderBy,
    page: Page,
    properties: Sequence[str],
    crs: OutputCrs,
    geometry: bool = True,
    stored: bool = False,
    matched: int | None = None,
) -> Select[Any]:
    """numberMatched, numberReturned and the features as a JSON array text.

    The page is chosen on the ids alone (an index-only scan where the filters allow), and only
    its own rows are then read whole. With `stored`, the rows carry each feature's text ready to
    send (the read model's `feature`), used as it is; else the features are built from the
    columns, with `properties` in `crs`. A `matched` count already known is not counted again.

    The page's bounds and the count are named parameters (`page_limit`, `page_offset`,
    `matched`): the statement built once runs for any page of the same selection."""
    # Numbered after the page is cut: a window over the order would number every skipped row.
    # The filters and the order apply to `rows` directly: a CTE of the filtered rows would cost
    # a proxy of every column per request (most of the statement's construction).
    matching = select(rows.c.id).where(*where).order_by(*order_by(rows.c))
    limit = bindparam("page_limit", page.limit, type_=BigInteger)
    offset = bindparam("page_offset", page.offset, type_=BigInteger)
    ordered = matching.limit(limit).offset(offset).subquery("page")
    paged = select(ordered.c.id, func.row_number().over().label("n")).cte("paged")
    chosen = paged.join(rows, rows.c.id == paged.c.id)
    if stored:
        text = func.string_agg(rows.c.feature, aggregate_order_by(literal(","), paged.c.n))
        features: Any = func.coalesce("[" + text + "]", "[]")
    else:
        feature = feature_json(rows.c, properties, crs, geometry)
        built = cast(func.json_agg(aggregate_order_by(feature, paged.c.n)), Text)
        features = func.coalesce(built, "[]")
    count: Any = (
        bindparam("matched", matched, type_=BigInteger)
        if matched is not None
        else (select(func.count()).select_from(rows).where(*where).scalar_subquery())
    )
    return select(
        count.label("matched"),
        select(func.count()).select_from(paged).scalar_subquery().label("returned"),
        select(features).select_from(chosen).scalar_subquery().label("features"),
    )


def single_feature(
    rows: Subquery,
    feature_id: str,
    properties: Sequence[str],
    crs: OutputCrs,
    geometry: bool = True,
    stored: bool = False,
) -> Select[Any]:
    """One feature as JSON text: the stored text with `stored` (see feature_page), else built;
    its id is the parameter `feature_id`."""
    feature = (
        rows.c.feature if stored else cast(feature_json(rows.c, properties, crs, geometry), Text)
    )
    return select(feature).where(rows.c.id == bindparam("feature_id", feature_id))
