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

from app.dependencies import EngineDep
from app.printing.request import PrintParameters

router = APIRouter(tags=["Printing"])

# Drawing is CPU-bound: more renders at once than cores only slows every one of them down.
_renders = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))


@router.get(
    "/print",
    summary="Printed progress map: PDF (every page) or PNG (one page)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "image/png": {}}}},
)
def print_map(
    request: Request, engine: EngineDep, params: Annotated[PrintParameters, Query()]
) -> Response:
    # Imported on first use: matplotlib and geopandas cost ~100 MB per worker.
    from app.printing.context import Marking
    from app.printing.data import fetch
    from app.printing.fonts import cjk_font
    from app.printing.render import render

    asked = params.request()
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
