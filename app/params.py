"""Query parameters of the feature endpoints, parsed into one ready object or a 400 problem."""

from typing import Annotated

from fastapi import Depends, Query, Request

from app.crs import CRS84, parse_crs
from app.errors import InvalidParameter
from app.query import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ItemsQuery,
    parse_bbox,
    parse_categories,
    parse_sortby,
    parse_statuses,
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
    "category",
    "programme",
    "q",
    "behind_plan",
    "sortby",
    "filter",
    "filter-lang",
    "filter-crs",
}


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
    offset: Annotated[int, Query(ge=0)] = 0,
    bbox: str | None = None,
    bbox_crs: Annotated[str | None, Query(alias="bbox-crs")] = None,
    datetime: str | None = None,
    year: int | None = None,
    township: Annotated[list[str] | None, Query()] = None,
    status: Annotated[list[str] | None, Query()] = None,
    category: Annotated[list[str] | None, Query()] = None,
    programme: Annotated[list[str] | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    behind_plan: bool | None = None,
    sortby: str | None = None,
    properties: str | None = None,
    filter: Annotated[str | None, Query(max_length=10_000)] = None,
    filter_lang: Annotated[str, Query(alias="filter-lang")] = "cql2-text",
    filter_crs: Annotated[str | None, Query(alias="filter-crs")] = None,
    crs: str | None = None,
    f: str | None = None,
) -> ItemsQuery:
    reject_unknown(request, ITEMS_PARAMETERS)
    statuses = parse_statuses(split_list(status))
    categories = parse_categories(split_list(category))
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
        categories=categories,
        programmes=split_list(programme),
        q=q.strip() or None if q else None,
        behind_plan=behind_plan,
        sortby=parse_sortby(sortby),
        properties=split_list([properties]) if properties is not None else None,
        filter=filter,
        filter_lang=filter_lang,
        f=f,
    )


ItemsQueryDep = Annotated[ItemsQuery, Depends(items_query)]
