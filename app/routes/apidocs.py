"""The interactive API documentation: Swagger UI from the npm install (package-lock.json), served
by the app itself, since FastAPI's own /docs loads it from a public CDN."""

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from app.webmap.assets import STATIC_DIR

router = APIRouter(tags=["API documentation"])


@router.get(
    "/docs", summary="Interactive API documentation (Swagger UI)", response_class=HTMLResponse
)
def api_docs() -> FileResponse:
    return FileResponse(STATIC_DIR / "api-docs.html", media_type="text/html")
