"""The report reader in the app.

`GET /extract` is the page; `POST /extract` reads an uploaded report and answers the proposed
updates (nothing is written; signed-in users of any role may ask, since a reading costs seconds
of CPU); `POST /extract/changes` turns the proposals a signed-in planner chose into changes,
through the one write path of every edit: approved at once, or submitted to the review queue.
Both read the report, and both count towards the user's readings an hour.
"""

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from app import vocab
from app.dependencies import ActorDep, EngineDep, UserDep
from app.errors import Forbidden, InvalidParameter, ServiceUnavailable, TooManyRequests
from app.extract.apply import Selection
from app.extract.output import proposal_dicts
from app.extract.proposals import THRESHOLD
from app.extract.service import ReportRun, apply_run, run_extract, run_registered
from app.routes.openapi import SIGNED_IN, WRITES, problems
from app.vocab import CATEGORY_LABELS
from app.webmap.assets import STATIC_DIR

# The page is static and holds no data: it is served to everyone, so that one can sign in on it
# even where reading needs a token.
page_router = APIRouter(tags=["extract"])
router = APIRouter(tags=["extract"])

# The district's reports run to some 50 000 characters; ten times that is no report.
MAX_BYTES = 2_000_000
# A report of that size makes a few hundred proposals; a selection names each at most once.
MAX_SELECTED = 2_000
MAX_SELECTION_CHARS = 400_000

ReportFile = Annotated[
    UploadFile | None, File(description="The report as plain text (UTF-8 or GB18030)")
]
ReportYear = Annotated[
    int | None,
    Form(
        ge=vocab.YEAR_MIN,
        le=vocab.YEAR_MAX,
        description="Year the report reviews (default: read from it)",
    ),
]
# Reading a report costs seconds of CPU: one at a time per process, so that the feeds keep their
# share; a second reader is asked to come back at once (waiting would hold a worker thread).
READERS = threading.BoundedSemaphore(1)
HOUR = 3600.0


class ReadingLimit:
    """At most `per_hour` readings per user in any (sliding) hour. Kept in memory, so it is per
    worker process: with n workers a user may have up to n times as many readings."""

    def __init__(self, per_hour: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_hour = per_hour
        self.clock = clock
        self._lock = threading.Lock()
        self._readings: defaultdict[int, deque[float]] = defaultdict(deque)

    def take(self, user_id: int) -> None:
        """Count one reading of this user's, or refuse it (429) when the hour's are used up."""
        now = self.clock()
        with self._lock:
            readings = self._readings[user_id]
            while readings and readings[0] <= now - HOUR:
                readings.popleft()
            if len(readings) >= self.per_hour:
                wait = max(1, math.ceil(readings[0] + HOUR - now))
                raise TooManyRequests(
                    f"you have had {self.per_hour} reports read this hour; "
                    f"try again in {math.ceil(wait / 60)} minutes",
                    retry_after=wait,
                )
            readings.append(now)


def reading_limit(request: Request) -> ReadingLimit:
    limit: ReadingLimit = request.app.state.reading_limit
    return limit


ReadingLimitDep = Annotated[ReadingLimit, Depends(reading_limit)]


@page_router.get(
    "/extract",
    summary="The page to upload a report and review its proposals",
    response_class=HTMLResponse,
)
def extract_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "extract.html", media_type="text/html")


def _read(
    engine: EngineDep,
    file: UploadFile | None,
    document: str | None,
    report_year: int | None,
    limit: ReadingLimit,
    user_id: int,
) -> ReportRun:
    """The report, uploaded or registered already, read against the catalogue, as one of the
    user's readings this hour."""
    if (file is None) == (document is None):
        raise InvalidParameter(
            "send the report's text as `file`, or the id of a registered report as `document`"
        )
    raw = None
    if file is not None:
        raw = file.file.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise InvalidParameter(
                f"the report is larger than {MAX_BYTES} bytes; is it plain text?"
            )
    if not READERS.acquire(blocking=False):
        raise ServiceUnavailable(
            "another report is being read just now; try again in a minute",
            headers={"Retry-After": "30"},
        )
    try:
        limit.take(user_id)  # once the reader is free: a reading refused as busy does not count
        if document is not None:
            return run_registered(engine, document, report_year)
        assert file is not None and raw is not None
        return run_extract(engine, raw, file.filename, report_year)
    finally:
        READERS.release()


def _document(run: ReportRun) -> dict[str, Any]:
    d = run.document
    registered = d.registered or (run.applied is not None and run.applied.document_registered)
    return {
        "id": d.id,
        "title": d.title,
        "date": d.date,
        "sha256": d.sha256,
        "file_name": d.file_name,
        "registered": registered,
    }


@router.post(
    "/extract",
    summary="Proposed status updates from a report's text (signed-in users of any role)",
    responses=problems(401, 413, 429),
    openapi_extra=SIGNED_IN,
)
def extract_report(
    engine: EngineDep,
    user: UserDep,
    limit: ReadingLimitDep,
    file: Annotated[UploadFile, File(description="The report as plain text (UTF-8 or GB18030)")],
    report_year: ReportYear = None,
) -> dict[str, Any]:
    run = _read(engine, file, None, report_year, limit, user.id)
    years = run.extraction.years
    return {
        "document": _document(run),
        "report_year": years.report,
        "plan_year": years.plan,
        "threshold": THRESHOLD,
        "proposals": proposal_dicts(run),
        # What a candidate's new project may be, in the words of the map and the prints.
        "categories": [
            {"id": c, "zh": CATEGORY_LABELS["zh"][c], "en": CATEGORY_LABELS["en"][c]}
            for c in vocab.CATEGORIES
        ],
    }


_Ref = Annotated[str, Field(min_length=1, max_length=400)]


class Chosen(BaseModel):
    """A proposal chosen by its `ref`; a candidate also says what the new project is to be."""

    model_config = ConfigDict(extra="forbid")

    ref: _Ref
    name: Annotated[str | None, Field(max_length=200)] = None
    id: Annotated[str | None, Field(max_length=64)] = None
    category: Annotated[str | None, Field(max_length=64)] = None


class ChosenList(RootModel[list[str | Chosen]]):
    root: Annotated[list[_Ref | Chosen], Field(max_length=MAX_SELECTED)]


def _selection(value: str) -> list[Selection]:
    try:
        items = ChosenList.model_validate_json(value).root
    except ValidationError as exc:
        errors = [
            {"field": "selection." + ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors()[:20]
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        shape = 'a JSON list of proposal refs, or of {"ref", "name", "id", "category"}'
        raise InvalidParameter(f"selection must be {shape}: {detail}", errors=errors) from exc
    if not items:
        raise InvalidParameter("the selection is empty: choose at least one proposal")
    return [
        Selection(item) if isinstance(item, str) else
        Selection(item.ref, item.name, item.id, item.category)
        for item in items
    ]  # fmt: skip


@router.post(
    "/extract/changes",
    summary="Turn chosen proposals into changes (planners): approved, or queued for review",
    responses={
        201: {"description": "Changes made and approved"},
        202: {"description": "Changes submitted to the review queue"},
        **WRITES,
        **problems(429),
    },
    openapi_extra=SIGNED_IN,
)
def extract_changes(
    engine: EngineDep,
    actor: ActorDep,
    limit: ReadingLimitDep,
    selection: Annotated[
        str,
        Form(
            max_length=MAX_SELECTION_CHARS,
            description="JSON list of proposal refs (`ref` of POST /extract), or of objects "
            '{"ref", "name", "id", "category"}: a candidate becomes a new, unplaced project',
        ),
    ],
    file: ReportFile = None,
    document: Annotated[
        str | None, Form(max_length=64, description="Instead of `file`: a registered report")
    ] = None,
    report_year: ReportYear = None,
    approve: Annotated[
        bool, Form(description="Approve at once (default), or submit to the review queue")
    ] = True,
) -> JSONResponse:
    if not actor.user.is_reviewer:
        raise Forbidden("planners and admins turn a report's proposals into changes")
    chosen = _selection(selection)
    run = _read(engine, file, document, report_year, limit, actor.user.id)
    applied = apply_run(engine, run, actor, chosen, approve)
    body = {
        "document": _document(run),
        "approved": approve,
        "changes": applied.changes,
        "skipped": applied.skipped,
        "summary": str(applied),
    }
    status = (201 if approve else 202) if applied.changes else 200
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
