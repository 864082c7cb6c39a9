"""POST /extract: upload a new annual report's text, get the proposed status updates back.

Nothing is written here; approving proposals belongs to the editing flow (authenticated and
township-scoped), and `tzmap extract --apply` writes them from the command line meanwhile.
"""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import FileResponse

from app.deps import EngineDep
from app.errors import InvalidParameter
from app.extract.document import ExtractError
from app.extract.output import proposal_dicts
from app.extract.proposals import THRESHOLD
from app.extract.service import run_extract
from app.webmap.page import STATIC_DIR

router = APIRouter(tags=["extract"])

# The district's reports run to some 50 000 characters; ten times that is no report.
MAX_BYTES = 2_000_000


@router.get("/extract", summary="The page to upload a report and review its proposals")
def extract_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "extract.html", media_type="text/html")


@router.post("/extract", summary="Proposed status updates from a report's text")
def extract_report(
    engine: EngineDep,
    file: Annotated[UploadFile, File(description="The report as plain text (UTF-8 or GB18030)")],
    report_year: Annotated[
        int | None, Form(description="Year the report reviews (default: read from it)")
    ] = None,
) -> dict[str, Any]:
    raw = file.file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise InvalidParameter(f"the report is larger than {MAX_BYTES} bytes; is it plain text?")
    try:
        run = run_extract(engine, raw, file.filename, report_year)
    except ExtractError as exc:
        raise InvalidParameter(str(exc)) from exc
    d, years = run.document, run.extraction.years
    return {
        "document": {
            "id": d.id,
            "title": d.title,
            "date": d.date,
            "sha256": d.sha256,
            "file_name": d.file_name,
            "registered": d.registered,
        },
        "report_year": years.report,
        "plan_year": years.plan,
        "threshold": THRESHOLD,
        "proposals": proposal_dicts(run),
    }
