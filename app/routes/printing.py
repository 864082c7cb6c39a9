"""GET /print: the map as a printed sheet (PDF or PNG) or the township atlas, with the filters of
the feeds and the web map, so the map's "print this view" link prints what it shows.

Bad parameters are 400 problems and no file; without a CJK font printing answers 503 (the server
lacks fonts-noto-cjk: nothing the user can change, and setting Chinese in tofu is no answer).
"""

import os
import threading
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import vocab
from app.deps import EngineDep
from app.params import Year, reject_unknown

router = APIRouter(tags=["Printing"])

PRINT_PARAMETERS = {
    "year",
    "mode",
    "township",
    "status",
    "category",
    "programme",
    "behind_plan",
    "bbox",
    "bbox-crs",
    "format",
    "size",
    "orientation",
    "dpi",
    "lang",
    "atlas",
    "page",
    "title",
    "since",
}


def _one_of(*values: str) -> dict[str, object]:
    return {"enum": list(values)}  # for /openapi.json; print_request checks the values


# Drawing is CPU-bound: more renders at once than cores only slows every one of them down.
_renders = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))


@router.get(
    "/print",
    summary="Printed progress map: PDF (every page) or PNG (one page)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "image/png": {}}}},
)
def print_map(
    request: Request,
    engine: EngineDep,
    year: Year = None,
    mode: Annotated[str, Query(json_schema_extra=_one_of("actual", "plan"))] = "actual",
    township: Annotated[list[str] | None, Query()] = None,
    status: Annotated[list[str] | None, Query()] = None,
    category: Annotated[list[str] | None, Query()] = None,
    programme: Annotated[list[str] | None, Query()] = None,
    behind_plan: bool | None = None,
    bbox: str | None = None,
    bbox_crs: Annotated[str | None, Query(alias="bbox-crs")] = None,
    format_: Annotated[str, Query(alias="format", json_schema_extra=_one_of("pdf", "png"))] = "pdf",
    size: Annotated[str, Query(json_schema_extra=_one_of("A4", "A3"))] = "A4",
    orientation: Annotated[
        str, Query(json_schema_extra=_one_of("portrait", "landscape"))
    ] = "portrait",
    # The bounds are documented only: the print request's own check says what is valid.
    dpi: Annotated[
        int | None,
        Query(json_schema_extra={"minimum": 50, "maximum": 300}, description="PNG only"),
    ] = None,
    lang: Annotated[str, Query(json_schema_extra=_one_of("zh", "en"))] = "zh",
    atlas: Annotated[str | None, Query(json_schema_extra=_one_of("township"))] = None,
    page: Annotated[
        int | None, Query(json_schema_extra={"minimum": 1}, description="PNG only")
    ] = None,
    title: Annotated[
        str | None,
        Query(
            json_schema_extra={"maxLength": 80},
            description="The sheet's heading in place of the default subject: one line of "
            "plain text",
        ),
    ] = None,
    since: Annotated[
        int | None,
        Query(
            json_schema_extra={"minimum": vocab.YEAR_MIN, "maximum": vocab.YEAR_MAX},
            description="Compare with this earlier year: only the projects whose reported "
            "status moved since, coloured by the move (not with mode=plan or atlas)",
        ),
    ] = None,
) -> Response:
    # Imported on first use: matplotlib and geopandas cost ~100 MB per worker.
    from app.printing import Marking, cjk_font, fetch, print_request, render

    reject_unknown(request, PRINT_PARAMETERS)
    asked = print_request(
        year=year,
        mode=mode,
        townships=township,
        statuses=status,
        categories=category,
        programmes=programme,
        behind_plan=behind_plan,
        bbox=bbox,
        bbox_crs=bbox_crs,
        format=format_,
        size=size,
        orientation=orientation,
        dpi=dpi,
        lang=lang,
        atlas=atlas,
        page=page,
        title=title,
        since=since,
    )
    cjk_font()  # a missing font is a 503 before any work
    with engine.connect() as conn:
        data = fetch(conn, asked)
    settings = request.app.state.settings
    marking = Marking(settings.print_approval_number, settings.print_internal_use)
    with _renders:
        rendered = render(asked, data, marking)
    response = Response(rendered.content, media_type=rendered.media_type)
    # RFC 6266: an ASCII filename= for every client (townships by code), and filename*= (RFC
    # 5987, UTF-8) naming the townships, which browsers prefer.
    disposition = f'inline; filename="{rendered.filename}"'
    if rendered.named and rendered.named != rendered.filename:
        disposition += f"; filename*=UTF-8''{quote(rendered.named, safe='')}"
    response.headers["Content-Disposition"] = disposition
    response.headers["X-Page-Count"] = str(rendered.pages)
    response.headers["Cache-Control"] = "no-store"  # every sheet carries its print date
    return response
