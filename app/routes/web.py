"""The web map: the page, its static files, a project's timeline, and the standalone export."""

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select

from app.dependencies import EngineDep, ItemsDep
from app.errors import NotFound
from app.models import Project
from app.routes.openapi import problems
from app.webmap.export import basemap_collection, embedded_data, timeline_rows

router = APIRouter(tags=["Web map"])


def wants_html(request: Request) -> bool:
    """Browsers ask for text/html; GIS clients for JSON (or anything): they get the OGC page."""
    if request.query_params.get("f") in ("json", "application/json"):
        return False
    return "text/html" in request.headers.get("accept", "")


def page(request: Request) -> HTMLResponse:
    # Imported on first use: Folium and the pandas under it cost ~50 MB per worker.
    from app.webmap.page import map_page

    settings = request.app.state.settings
    html = map_page(
        tianditu_key=settings.tianditu_key,
        print_url="/print",
        anonymous_read=settings.anonymous_read,
    )
    return HTMLResponse(html)


@router.get(
    "/api/projects/{project_id}/timeline",
    summary="A project's events and targets",
    responses=problems(404),
)
def project_timeline(project_id: str, engine: EngineDep) -> JSONResponse:
    with engine.connect() as conn:
        if conn.execute(select(Project.id).where(Project.id == project_id)).first() is None:
            raise NotFound(f"no project '{project_id}'")
        rows = timeline_rows(conn, project_id)
    return JSONResponse(rows)


@router.get("/api/basemap", summary="The offline base map: district outline, rivers, roads")
def basemap(engine: EngineDep) -> JSONResponse:
    with engine.connect() as conn:
        return JSONResponse(basemap_collection(conn))


@router.get(
    "/export.html",
    summary="The map as one self-contained HTML file",
    response_class=HTMLResponse,
)
def export_html(request: Request, query: ItemsDep, engine: EngineDep) -> Response:
    from app.webmap.page import map_page

    with engine.connect() as conn:
        data = embedded_data(conn, query)
    html = map_page(tianditu_key=None, print_url=None, embedded=data)
    filename = f"tongzhou-projects-{date.today().isoformat()}.html"
    return HTMLResponse(html, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
