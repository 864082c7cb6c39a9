"""Pages of features as one SQL statement: PostGIS builds the GeoJSON, Python only adds links.

The statement returns numberMatched, numberReturned and the features array as JSON text, so the
response can be streamed without a per-feature loop in Python.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, cast, func, literal, select
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
) -> Select[Any]:
    """numberMatched, numberReturned and the features as a JSON array text. With `stored`, the
    rows carry each feature's text ready to send (the read model's `feature`), which is used as
    it is; else the features are built from the columns, with `properties` in `crs`."""
    # NOT MATERIALIZED lets PostgreSQL fold the CTEs into each use: the count reads only what
    # the filters need, and the page builds features only for its own rows.
    filtered = select(rows).where(*where).cte("filtered").prefix_with("NOT MATERIALIZED")
    paged = (
        select(filtered).order_by(*order_by(filtered.c)).limit(page.limit).offset(page.offset)
    ).cte("paged")
    order = order_by(paged.c)
    if stored:
        joined = func.string_agg(paged.c.feature, aggregate_order_by(literal(","), *order))
        features: Any = func.coalesce("[" + joined + "]", "[]")
    else:
        feature = feature_json(paged.c, properties, crs, geometry)
        features = func.coalesce(
            cast(func.json_agg(aggregate_order_by(feature, *order)), Text), "[]"
        )
    return select(
        select(func.count()).select_from(filtered).scalar_subquery().label("matched"),
        select(func.count()).select_from(paged).scalar_subquery().label("returned"),
        select(features).scalar_subquery().label("features"),
    )


def single_feature(
    rows: Subquery,
    feature_id: str,
    properties: Sequence[str],
    crs: OutputCrs,
    geometry: bool = True,
) -> Select[Any]:
    feature = feature_json(rows.c, properties, crs, geometry)
    return select(cast(feature, Text)).where(rows.c.id == feature_id)
