"""One run of the extractor against the database: what the CLI and the web upload both call."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from sqlalchemy import Engine

from app.extract.apply import ApplyReport, apply_proposals, mark_recorded
from app.extract.document import ExtractError, ReportDocument, decode, report_document
from app.extract.frames import YearUnknown
from app.extract.lexicon import Lexicon, read_lexicon
from app.extract.proposals import Extraction, extract


@dataclass
class ReportRun:
    document: ReportDocument
    text: str
    extraction: Extraction
    applied: ApplyReport | None = None


def run_extract(
    engine: Engine,
    raw: bytes,
    file_name: str | None,
    report_year: int | None = None,
    apply: bool = False,
    actor: str | None = None,
) -> ReportRun:
    """Read the report against the catalogue in the database; apply the accepted proposals
    when asked. Raises ExtractError for a report that cannot be read."""
    text = decode(raw)
    with engine.connect() as conn:
        lexicon = read_lexicon(conn)
        try:
            extraction = extract(text, lexicon, report_year)
        except YearUnknown as exc:
            raise ExtractError(str(exc)) from exc
        document = report_document(conn, raw, text, file_name, extraction.years)
        mark_recorded(conn, extraction.proposals)
    run = ReportRun(document, text, extraction)
    if apply:
        run.applied = _apply(engine, run, lexicon, actor)
    return run


def _apply(engine: Engine, run: ReportRun, lexicon: Lexicon, actor: str | None) -> ApplyReport:
    who = actor or f"tzmap extract ({getpass.getuser()})"
    return apply_proposals(engine, run.document, run.text, run.extraction.proposals, lexicon, who)
