"""Mapbox vector tiles built in PostGIS: tile envelope -> ST_AsMVTGeom -> ST_AsMVT."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, func, literal_column, select
from sqlalchemy.sql.selectable import Subquery

from app import vocab

EXTENT = 4096
BUFFER = 64  # pixels of geometry kept beyond the tile edge, so lines and labels join up


def generalised(z: int) -> bool:
    """Is a tile at zoom z cut from the read model's generalised geometry?"""
    return z <= vocab.GENERALISED_MAX_ZOOM


def tile(
    rows: Subquery,
    where: Sequence[ColumnElement[bool]],
    z: int,
    x: int,
    y: int,
    layer: str,
    properties: Sequence[str],
    arrays: Sequence[str],
) -> Select[Any]:
    """One tile of a layer; array properties are joined with ';' (MVT values are scalars).
    Rows with a `tile_geom` (the read model's geometry in Web Mercator) are found by its spatial
    index and cut from it, or up to GENERALISED_MAX_ZOOM from its generalised copy; others are
    transformed here. The tile's numbers are the parameters `tile_z`, `tile_x` and `tile_y`: the
    statement built once runs for any tile of the same selection and zoom band (generalised or
    not)."""
    envelope = func.ST_TileEnvelope(
        bindparam("tile_z", z, type_=Integer),
        bindparam("tile_x", x, type_=Integer),
        bindparam("tile_y", y, type_=Integer),
    )
    geom: ColumnElement[Any]
    meets: ColumnElement[bool]
    if "tile_geom" in rows.c:
        geom = rows.c.tile_geom_generalised if generalised(z) else rows.c.tile_geom
        # The bounding boxes meeting is enough: ST_AsMVTGeom gives nothing (NULL, which ST_AsMVT
        # leaves out) for a geometry that misses the tile, and testing each exactly costs more.
        meets = rows.c.tile_geom.op("&&")(envelope)
    else:
        geom = func.ST_Transform(rows.c.geom, vocab.WEB_MERCATOR_SRID)
        meets = func.ST_Intersects(rows.c.geom, func.ST_Transform(envelope, 4326))
    columns = [
        func.array_to_string(rows.c[name], ";").label(name) if name in arrays else rows.c[name]
        for name in properties
    ]
    features = (
        select(
            rows.c.id,
            func.ST_AsMVTGeom(geom, envelope, EXTENT, BUFFER, True).label("geom"),
            *columns,
        )
        .where(*where, meets)
        .cte("features")
    )
    # ST_AsMVT aggregates whole rows: pass the row of the CTE, not its columns. MVT feature ids
    # must be integers, so the slug id travels as an ordinary "id" property.
    return select(func.ST_AsMVT(literal_column("features.*"), layer, EXTENT, "geom")).select_from(
        features
    )
