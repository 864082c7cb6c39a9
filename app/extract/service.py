"""One run of the extractor against the database: what the CLI and the web app both call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from app.edits.changes import Actor
from app.extract.apply import ApplyReport, Selection, apply_proposals, mark_recorded
from app.extract.document import (
    ExtractError,
    ReportDocument,
    decode,
    registered_report,
    report_document,
)
from app.extract.frames import ReportYears, YearUnknown
from app.extract.lexicon import read_lexicon
from app.extract.proposals import Extraction, extract


@dataclass
class ReportRun:
    document: ReportDocument
    text: str
    extraction: Extraction
    applied: ApplyReport | None = None


def run_extract(
    engine: Engine, raw: bytes, file_name: str | None, report_year: int | None = None
) -> ReportRun:
    """Read a report's text against the catalogue in the database; nothing is written.
    Raises ExtractError for a report that cannot be read."""
    text = decode(raw)
    with engine.connect() as conn:
        document_of = lambda years: report_document(conn, raw, text, file_name, years)  # noqa: E731
        return _read(conn, text, report_year, document_of)


def run_registered(engine: Engine, document_id: str, report_year: int | None = None) -> ReportRun:
    """Read again a report whose text the database keeps (registered by an earlier apply)."""
    with engine.connect() as conn:
        document, text = registered_report(conn, document_id)
        return _read(conn, text, report_year, lambda years: document)


def _read(
    conn: Connection,
    text: str,
    report_year: int | None,
    document_of: Callable[[ReportYears], ReportDocument],
) -> ReportRun:
    lexicon = read_lexicon(conn)
    try:
        extraction = extract(text, lexicon, report_year)
    except YearUnknown as exc:
        raise ExtractError(str(exc)) from exc
    document = document_of(extraction.years)
    mark_recorded(conn, extraction.proposals)
    return ReportRun(document, text, extraction)


def apply_run(
    engine: Engine,
    run: ReportRun,
    actor: Actor,
    selection: list[Selection] | None = None,
    approve: bool = True,
) -> ApplyReport:
    """Turn the chosen proposals of a run into changes by `actor` (see `apply.apply_proposals`)."""
    run.applied = apply_proposals(
        engine, run.document, run.text, run.extraction.proposals, actor, selection, approve
    )
    return run.applied
