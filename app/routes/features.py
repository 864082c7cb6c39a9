"""OGC API – Features: landing page, conformance, collections, items, one item, queryables."""

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine, Select, String, bindparam

from app import readmodel, vocab
from app.crs import CRS84, DEFAULT_CRS, SUPPORTED_CRS, OutputCrs
from app.db import reading
from app.dependencies import EngineDep, ItemDep, ItemsDep, LayerDep, metadata_parameters
from app.edits.changes import revision_of, revision_tag
from app.errors import InvalidParameter, NotFound
from app.exports import EXPORT_FORMATS, export_features
from app.filters import MAX_LIMIT, ItemsParameters, YearRange
from app.layers import LAYERS, Layer, select_features, selection_key
from app.queries.features import Page, feature_page, single_feature
from app.queries.filters import order_by
from app.queries.townships import loaded_townships
from app.routes import ogc_html, web
from app.routes.changes import changes_collection
from app.routes.common import (
    base_url,
    cached,
    district_bbox,
    etag_for,
    link,
    not_modified,
    read_model_state,
    township_membership,
    versioned,
)
from app.routes.openapi import (
    SCHEMA_JSON,
    Collection,
    Collections,
    Conformance,
    Feature,
    FeatureCollection,
    GeoJSONResponse,
    LandingPage,
    SchemaJSONResponse,
    also,
    problems,
)

router = APIRouter(tags=["OGC API – Features"])

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.1"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
]
DOWNLOAD_TYPES = sorted({f.media_type.split(";")[0] for f in EXPORT_FORMATS.values()} - {GEOJSON})
PLAN_PERIOD = (f"{vocab.PLAN_YEARS[0]}-01-01T00:00:00Z", f"{vocab.PLAN_YEARS[-1]}-12-31T23:59:59Z")


@router.get("/", summary="Landing page", response_model=LandingPage, responses=also(HTML))
def landing(request: Request) -> Response:
    # A browser gets the map, its state in the URL; this page as HTML only when it asks f=html.
    if web.wants_html(request) and request.query_params.get("f") != "html":
        return web.page(request)
    metadata_parameters(request)
    base = base_url(request)
    body = {
        "title": "通州副中心重点项目地图 Tongzhou sub-centre project map",
        "description": (
            "Projects of the Beijing city sub-centre (Tongzhou) plan documents with status by "
            "year, targets and evidence, as OGC API – Features."
        ),
        "links": [
            link(f"{base}/", "self", JSON, "This document"),
            link(f"{base}/?f=html", "alternate", HTML, "This document as HTML"),
            link(f"{base}/openapi.json", "service-desc", OPENAPI, "API definition"),
            link(f"{base}/docs", "service-doc", HTML, "API documentation"),
            link(f"{base}/conformance", "conformance", JSON, "Conformance classes"),
            link(f"{base}/collections", "data", JSON, "Collections"),
        ],
    }
    if ogc_html.wanted(request):
        return ogc_html.landing_page(body)
    return JSONResponse(body)


@router.get(
    "/conformance", summary="Conformance classes", response_model=Conformance, responses=also(HTML)
)
def conformance(request: Request) -> Response:
    metadata_parameters(request)
    body = {"conformsTo": CONFORMANCE}
    if ogc_html.wanted(request):
        return ogc_html.conformance_page(body, f"{base_url(request)}/conformance")
    return JSONResponse(body)


def _collection(
    base: str, layer: Layer, bbox: list[float], boundaries: str | None
) -> dict[str, Any]:
    href = f"{base}/collections/{layer.id}"
    links = [
        link(href, "self", JSON, layer.title),
        link(f"{href}?f=html", "alternate", HTML, f"{layer.title} as HTML"),
        link(f"{href}/items", "items", GEOJSON, "Features as GeoJSON"),
        link(f"{href}/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables",
              "application/schema+json", "Queryable properties"),
    ]  # fmt: skip
    if layer.tile_properties:
        links.append(link(f"{href}/tiles/WebMercatorQuad/tilejson.json", "describedby",
                          JSON, "TileJSON of the vector tiles (WebMercatorQuad)"))  # fmt: skip
    for fmt in EXPORT_FORMATS.values():
        links.append(link(f"{href}/items?f={fmt.key}", "enclosure", fmt.media_type,
                          f"Download as {fmt.title}"))  # fmt: skip
    description, membership = layer.description, {}
    if layer.township_membership and boundaries is not None:
        membership = township_membership(boundaries)
        if vocab.membership_estimated([boundaries]):
            description += " " + vocab.TOWNSHIP_MEMBERSHIP_NOTES["en"][boundaries]
    collection: dict[str, Any] = {
        "id": layer.id,
        "title": layer.title,
        "description": description,
        "keywords": list(layer.keywords),
        **membership,
        "links": links,
        "extent": {
            "spatial": {"bbox": [bbox], "crs": CRS84},
            "temporal": {"interval": [list(PLAN_PERIOD)]},
        },
        "itemType": "feature",
    }
    if layer.has_geometry:
        collection["crs"] = list(SUPPORTED_CRS)
        collection["storageCrs"] = CRS84
    return collection


def _extent(engine: Engine) -> tuple[list[float], str | None]:
    """The district's box, and the least exact quality of the township boundaries."""
    with reading(engine) as conn:
        bbox = district_bbox(conn)
        return bbox, loaded_townships(conn, readmodel.state(conn).version).boundary_quality


@router.get(
    "/collections",
    summary="The published collections",
    response_model=Collections,
    responses=also(HTML),
)
def collections(request: Request, engine: EngineDep) -> Response:
    metadata_parameters(request)
    base = base_url(request)
    bbox, boundaries = _extent(engine)
    body = {
        "links": [
            link(f"{base}/collections", "self", JSON),
            link(f"{base}/collections?f=html", "alternate", HTML, "Collections as HTML"),
        ],
        "collections": [
            *(_collection(base, layer, bbox, boundaries) for layer in LAYERS.values()),
            changes_collection(base),
        ],
    }
    if ogc_html.wanted(request):
        return ogc_html.collections_page(body)
    return JSONResponse(body)


@router.get(
    "/collections/{collectionId}",
    summary="One collection",
    response_model=Collection,
    responses={**also(HTML), **problems(404)},
)
def collection(request: Request, layer: LayerDep, engine: EngineDep) -> Response:
    metadata_parameters(request)
    bbox, boundaries = _extent(engine)
    body = _collection(base_url(request), layer, bbox, boundaries)
    if ogc_html.wanted(request):
        return ogc_html.collection_page(body)
    return JSONResponse(body)


@router.get(
    "/collections/{collectionId}/queryables",
    summary="Queryable properties",
    response_class=SchemaJSONResponse,
    responses={200: {"content": {SCHEMA_JSON: {"schema": {"type": "object"}}}}, **problems(404)},
)
def collection_queryables(request: Request, layer: LayerDep) -> JSONResponse:
    metadata_parameters(request)
    properties: dict[str, Any] = {}
    for name, q in layer.queryables_of(layer.rows(vocab.PLAN_YEARS[0])).items():
        if q.type == "geometry":
            properties[name] = {"format": "geometry-any", "title": "Geometry"}
        elif q.type == "string_array":
            properties[name] = {"type": "array", "items": {"type": "string"}}
        else:
            properties[name] = {"type": q.type}
        if q.values:
            properties[name]["enum"] = list(q.values)
    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base_url(request)}/collections/{layer.id}/queryables",
        "type": "object",
        "title": layer.title,
        "properties": properties,
        "additionalProperties": False,
    }
    return JSONResponse(body, media_type="application/schema+json")


def _page_links(
    request: Request, query: ItemsParameters, returned: int, matched: int
) -> list[dict[str, str]]:
    url = f"{base_url(request)}{request.url.path}"
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("offset", "f")]
    # The GeoJSON links keep f=json, never f=html (they are typed GeoJSON); the alternate has it.
    json_f = [("f", "json")] if query.f == "json" else []

    def at(offset: int, *extra: tuple[str, str]) -> str:
        return f"{url}?{urlencode([*params, *extra, ('offset', str(offset))])}"

    links = [
        link(at(query.offset, *json_f), "self", GEOJSON),
        link(at(query.offset, ("f", "html")), "alternate", HTML, "This page as HTML"),
    ]
    if query.offset + returned < matched:
        links.append(link(at(query.offset + query.limit, *json_f), "next", GEOJSON, "Next page"))
    if query.offset > 0:
        previous = at(max(0, query.offset - query.limit), *json_f)
        links.append(link(previous, "prev", GEOJSON, "Previous page"))
    return links


def _properties(layer: Layer, asked: list[str] | None) -> tuple[str, ...]:
    if asked is None:
        return layer.properties
    unknown = [p for p in asked if p not in layer.properties]
    if unknown:
        raise InvalidParameter(
            f"unknown properties {', '.join(unknown)}; {layer.id} has {', '.join(layer.properties)}"
        )
    return tuple(p for p in layer.properties if p in asked)


@router.get(
    "/collections/{collectionId}/items",
    summary="Features of a collection",
    response_class=GeoJSONResponse,
    response_model=FeatureCollection,
    responses={**also(HTML, *DOWNLOAD_TYPES), **problems(404)},
)
def items(request: Request, layer: LayerDep, query: ItemsDep, engine: EngineDep) -> Response:
    # f=geojson is a download of the whole filtered set; f=html (or a browser's Accept) a page.
    export = query.f not in (None, "json", "html")
    crs, page = query.output_crs, Page(query.limit, query.offset)
    if export:  # the format is known: ItemsParameters checks it
        if crs != DEFAULT_CRS:
            raise InvalidParameter("crs applies to GeoJSON; downloads are always in EPSG:4326")
        if "limit" not in request.query_params:  # a download is the whole filtered set
            page = Page(MAX_LIMIT, query.offset)
    state, etag = versioned(request)
    key = selection_key(layer, query, state)
    matched: int | None = request.app.state.matched.get(key)
    properties = _properties(layer, query.property_names)
    stored = layer.stored_features and not query.shaped
    shape = repr((key, query.sortby, properties, crs.uri, stored, matched is None))
    with reading(engine) as conn:

        def build() -> tuple[YearRange, Select[Any]]:
            selection = select_features(conn, layer, query, state)
            statement = feature_page(
                selection.rows,
                selection.where,
                order_by(selection.queryables, query.sort_keys),
                page,
                properties,
                crs,
                layer.has_geometry,
                stored=stored,
                matched=matched,
            )
            return selection.years, statement

        years, statement = request.app.state.statements.get_or_build(shape, build)
        values = {"page_limit": page.limit, "page_offset": page.offset, "matched": matched}
        result = conn.execute(statement, values).one()
        membership = {}
        if layer.township_membership:
            membership = township_membership(loaded_townships(conn, state.version).boundary_quality)
    request.app.state.matched.put(key, result.matched)
    if export:
        collection = f'{{"type":"FeatureCollection","features":{result.features}}}'.encode()
        file = export_features(collection, str(query.f), layer.id, f"{layer.id}-{years.year}")
        response = Response(file.content, media_type=file.media_type)
        response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        if file.left_out:  # unplaced projects a shapefile, KML or FlatGeobuf cannot hold
            response.headers["X-Features-Left-Out"] = str(file.left_out)
        return cached(request, etag, response)
    head = {
        "type": "FeatureCollection",
        "numberMatched": result.matched,
        "numberReturned": result.returned,
        "links": _page_links(request, query, result.returned, result.matched),
        "year": years.year,
        # The latest year an annual report covers: later years show the statuses reported then
        # and the updates approved since, and nothing after it is judged behind plan.
        "reported_year": state.reported_year,
        # Which township a feature lies in (the township filter, `townships`, the counts) is
        # estimated while the township boundaries are not official: the answer says so.
        **membership,
    }
    if ogc_html.wanted(request):
        on_map = layer.has_geometry and crs == DEFAULT_CRS
        html_page = ogc_html.items_page(head, result.features, layer.title, on_map)
        return cached(request, etag, html_page)
    response = _feature_collection(head, result.features, crs)
    return cached(request, etag, response)


def _feature_collection(head: dict[str, Any], features: str, crs: OutputCrs) -> Response:
    """The collection as one body: the features' text is already whole in memory, and a
    streamed body would cost a thread hand-off per chunk."""
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ',"features":'
    body = f"{opening}{features}}}".encode()
    return Response(body, media_type=GEOJSON, headers={"Content-Crs": f"<{crs.uri}>"})


@router.get(
    "/collections/{collectionId}/items/{featureId}",
    summary="One feature",
    response_class=GeoJSONResponse,
    response_model=Feature,
    responses={**also(HTML), **problems(404)},
)
def item(
    request: Request,
    layer: LayerDep,
    feature_id: Annotated[str, Path(alias="featureId", max_length=100)],
    engine: EngineDep,
    params: ItemDep,
) -> Response:
    output_crs = params.output_crs
    names = _properties(layer, params.property_names)
    stored = layer.stored_features and not params.shaped
    state = read_model_state(request)
    years = params.years(state.default_year)

    def build() -> Select[Any]:
        statement = single_feature(
            layer.rows(years.year), feature_id, names, output_crs, layer.has_geometry, stored
        )
        if layer.id == "projects":
            # The project's revision leads the tag, so that the tag is also what an edit of
            # it sends as If-Match (app.edits.changes.check_revision); it rides along.
            the_id = bindparam("feature_id", feature_id, type_=String)
            statement = statement.add_columns(revision_of(the_id).label("revision"))
        return statement

    shape = repr((state.version, layer.id, years, names, output_crs.uri, stored))
    statement = request.app.state.statements.get_or_build(shape, build)
    with reading(engine) as conn:
        found = conn.execute(statement, {"feature_id": feature_id}).first()
    if found is None:
        raise NotFound(f"no feature '{feature_id}' in collection '{layer.id}'")
    feature = found[0]
    etag = etag_for(request, state.version)
    if layer.id == "projects":
        etag = revision_tag(found.revision, etag)
    if not_modified(request, etag):
        return cached(request, etag, Response(status_code=304))
    base = base_url(request)
    links = [
        link(f"{base}/collections/{layer.id}/items/{feature_id}", "self", GEOJSON),
        link(f"{base}/collections/{layer.id}/items/{feature_id}?f=html", "alternate", HTML,
             "This feature as HTML"),
        link(f"{base}/collections/{layer.id}", "collection", JSON, layer.title),
    ]  # fmt: skip
    body = feature[:-1] + ',"links":' + json.dumps(links) + "}"
    if ogc_html.wanted(request):
        on_map = layer.has_geometry and output_crs == DEFAULT_CRS
        return cached(request, etag, ogc_html.item_page(body, layer.title, on_map))
    response = Response(body, media_type=GEOJSON)
    response.headers["Content-Crs"] = f"<{output_crs.uri}>"
    return cached(request, etag, response)
