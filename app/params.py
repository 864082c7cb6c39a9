"""Query parameters of the feature endpoints, parsed into one ready object or a 400 problem."""

import re
from typing import Annotated

from fastapi import Depends, Query, Request

from app import vocab
from app.crs import CRS84, SUPPORTED_CRS, parse_crs
from app.errors import InvalidParameter
from app.exports import EXPORT_FORMATS
from app.query import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ItemsQuery,
    parse_bbox,
    parse_categories,
    parse_mode,
    parse_sortby,
    parse_statuses,
    parse_year,
    split_list,
)

# The parameters each kind of request understands; anything else is a 400 (OGC API – Features
# requires unknown parameters to be rejected rather than silently ignored).
COMMON_PARAMETERS = {"f", "crs", "year", "datetime", "properties"}
ITEMS_PARAMETERS = COMMON_PARAMETERS | {
    "limit",
    "offset",
    "bbox",
    "bbox-crs",
    "township",
    "status",
    "mode",
    "category",
    "programme",
    "q",
    "behind_plan",
    "sortby",
    "filter",
    "filter-lang",
    "filter-crs",
}


# What /openapi.json says of the values (enum, pattern, range) is for the document only
# (json_schema_extra): the checks and their messages, which say what is valid, stay in parse_*.
def _values(*values: str) -> dict[str, object]:
    return {"enum": list(values)}


CRS_NAMES = tuple(
    dict.fromkeys((*SUPPORTED_CRS, "CRS84", *(f"EPSG:{c.srid}" for c in SUPPORTED_CRS.values())))
)
_NUMBER = r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?"
_INSTANT = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9]{2}:?[0-9]{2})?)?)?)?"
Year = Annotated[
    int | None,
    Query(
        json_schema_extra={"minimum": vocab.YEAR_MIN, "maximum": vocab.YEAR_MAX},
        description="Status as of this year",
    ),
]
Datetime = Annotated[
    str | None,
    Query(
        max_length=100,
        json_schema_extra={"pattern": rf"^({_INSTANT}|({_INSTANT}|\.\.)?/({_INSTANT}|\.\.)?)$"},
        description="An RFC 3339 date or date-time, or an interval (`a/b`, `../b`, `a/..`)",
    ),
]
Crs = Annotated[str | None, Query(json_schema_extra=_values(*CRS_NAMES))]
Properties = Annotated[
    str | None,
    Query(
        json_schema_extra={"pattern": "^([a-z_]+(,[a-z_]+)*)?$"},
        description="Comma-separated property names",
    ),
]
F = Annotated[
    str | None,
    Query(
        json_schema_extra=_values("json", "html", *EXPORT_FORMATS),
        description="json (GeoJSON), html (a page) or a download of the filtered set",
    ),
]


def reject_unknown(request: Request, allowed: set[str]) -> None:
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise InvalidParameter(
            f"unknown query parameter(s): {', '.join(unknown)}; "
            f"this endpoint understands: {', '.join(sorted(allowed))}"
        )


def items_query(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
    bbox: Annotated[
        str | None,
        Query(
            json_schema_extra={"pattern": rf"^{_NUMBER}(,{_NUMBER}){{3}}((,{_NUMBER}){{2}})?$"},
            description="minx,miny,maxx,maxy (or 6 numbers: a 3D box), in bbox-crs",
        ),
    ] = None,
    bbox_crs: Annotated[
        str | None, Query(alias="bbox-crs", json_schema_extra=_values(*CRS_NAMES))
    ] = None,
    datetime: Datetime = None,
    year: Year = None,
    township: Annotated[
        list[str] | None, Query(description="Township name or code; repeatable")
    ] = None,
    status: Annotated[
        list[str] | None,
        Query(
            json_schema_extra={
                "items": {"type": "string", **_values(*vocab.STATUSES, "not_reported")}
            }
        ),
    ] = None,
    mode: Annotated[
        str,
        Query(
            json_schema_extra=_values("actual", "plan"),
            description="Which status `status` filters on: as reported (actual) or as planned",
        ),
    ] = "actual",
    category: Annotated[
        list[str] | None,
        Query(json_schema_extra={"items": {"type": "string", **_values(*vocab.CATEGORIES)}}),
    ] = None,
    programme: Annotated[list[str] | None, Query(description="Programme id; repeatable")] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    behind_plan: bool | None = None,
    sortby: Annotated[
        str | None,
        Query(
            json_schema_extra={"pattern": "^([+-]?[a-z_]+(,[+-]?[a-z_]+)*)?$"},
            description="Comma-separated property names, each with - for descending order",
        ),
    ] = None,
    properties: Properties = None,
    filter: Annotated[
        str | None, Query(max_length=10_000, description="A CQL2 filter (see the queryables)")
    ] = None,
    filter_lang: Annotated[
        str, Query(alias="filter-lang", json_schema_extra=_values("cql2-text", "cql2-json"))
    ] = "cql2-text",
    filter_crs: Annotated[
        str | None,
        Query(alias="filter-crs", json_schema_extra=_values(CRS84, "CRS84", "OGC:CRS84")),
    ] = None,
    crs: Crs = None,
    f: F = None,
) -> ItemsQuery:
    reject_unknown(request, ITEMS_PARAMETERS)
    # Checked here for every route that takes them, TileJSON and the standalone export too (which
    # use neither); the year they stand for is resolved against the data, in select_features.
    parse_year(year, datetime, vocab.YEAR_MIN)
    names = split_list([properties]) if properties is not None else None
    for name in names or []:
        if not re.fullmatch("[a-z_]+", name):
            raise InvalidParameter(f"properties: '{name}' is not a property name")
    statuses = parse_statuses(split_list(status))
    categories = parse_categories(split_list(category))
    if f is not None and f not in ("json", "html", *EXPORT_FORMATS):
        raise InvalidParameter(
            f"f: unknown format {f!r}: use one of json (GeoJSON), html (a page), or a download: "
            + ", ".join(EXPORT_FORMATS)
        )
    if filter_lang not in ("cql2-text", "cql2-json"):
        raise InvalidParameter("filter-lang must be cql2-text or cql2-json")
    if filter_crs is not None and parse_crs(filter_crs, "filter-crs").uri != CRS84:
        raise InvalidParameter("filter-crs: only CRS84 geometries are accepted in filters")
    return ItemsQuery(
        limit=limit,
        offset=offset,
        year_given=year,
        datetime=datetime,
        bbox=parse_bbox(bbox, bbox_crs),
        crs=parse_crs(crs),
        townships=split_list(township),
        statuses=statuses,
        mode=parse_mode(mode),
        categories=categories,
        programmes=split_list(programme),
        q=q.strip() or None if q else None,
        behind_plan=behind_plan,
        sortby=parse_sortby(sortby),
        properties=names,
        filter=filter,
        filter_lang=filter_lang,
        f=f,
    )


ItemsQueryDep = Annotated[ItemsQuery, Depends(items_query)]
