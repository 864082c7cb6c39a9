"""Vector tiles of a collection (WebMercatorQuad) with the same filters as its items, and their
TileJSON."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Select

from app.db import reading
from app.dependencies import EngineDep, ItemsDep, LayerDep
from app.errors import NotFound
from app.filters import Filters, ItemsParameters
from app.layers import select_features, selection_key
from app.queries.tiles import generalised, tile
from app.routes.common import base_url, cached, district_bbox, versioned
from app.routes.openapi import MVT, MVTResponse, problems

router = APIRouter(tags=["Vector tiles"])

MAX_ZOOM = 22
# Tiles take the items' parameters (clients send them along) and use the filters among them.
TILE_PARAMETERS_IGNORED = set(ItemsParameters.parameter_names()) - set(Filters.parameter_names())


def _tiled(layer: LayerDep) -> None:
    if not layer.tile_properties:
        raise NotFound(f"the {layer.id} collection has no geometry and so no tiles")


@router.get(
    "/collections/{collectionId}/tiles/WebMercatorQuad/{z}/{x}/{y}",
    summary="A vector tile",
    response_class=MVTResponse,
    responses={
        200: {"content": {MVT: {"schema": {"type": "string", "format": "binary"}}}},
        **problems(404),
    },
)
def vector_tile(
    request: Request,
    layer: LayerDep,
    query: ItemsDep,
    engine: EngineDep,
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM)],
    x: Annotated[int, Path(ge=0, le=2**MAX_ZOOM - 1, description="Column: below 2^z")],
    y: Annotated[int, Path(ge=0, le=2**MAX_ZOOM - 1, description="Row: below 2^z")],
) -> Response:
    _tiled(layer)
    if x >= 2**z or y >= 2**z:
        raise NotFound(f"tile {z}/{x}/{y} does not exist: x and y must be below {2**z}")
    state, etag = versioned(request)
    with reading(engine) as conn:

        def build() -> Select[Any]:
            selection = select_features(conn, layer, query, state)
            return tile(
                selection.rows,
                selection.where,
                z,
                x,
                y,
                layer.id,
                layer.tile_properties,
                layer.tile_arrays,
            )

        shape = repr(("tile", generalised(z), selection_key(layer, query, state)))
        statement = request.app.state.statements.get_or_build(shape, build)
        values = {"tile_z": z, "tile_x": x, "tile_y": y}
        content = conn.execute(statement, values).scalar() or b""
    return cached(request, etag, MVTResponse(bytes(content)))


@router.get(
    "/collections/{collectionId}/tiles/WebMercatorQuad/tilejson.json",
    summary="TileJSON",
    responses=problems(404),
)
def tilejson(request: Request, layer: LayerDep, query: ItemsDep, engine: EngineDep) -> JSONResponse:
    _tiled(layer)
    with reading(engine) as conn:
        bbox = district_bbox(conn)
    filters = [
        (k, v) for k, v in request.query_params.multi_items() if k not in TILE_PARAMETERS_IGNORED
    ]
    suffix = f"?{urlencode(filters)}" if filters else ""
    url = f"{base_url(request)}/collections/{layer.id}/tiles/WebMercatorQuad/{{z}}/{{x}}/{{y}}"
    fields = {name: name for name in layer.tile_properties}
    return JSONResponse(
        {
            "tilejson": "3.0.0",
            "name": layer.title,
            "description": layer.description,
            "tiles": [url + suffix],
            "minzoom": 0,
            "maxzoom": MAX_ZOOM,
            "bounds": bbox,
            "center": [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, 11],
            "vector_layers": [{"id": layer.id, "fields": fields}],
        }
    )
