"""A project's events, targets and mentions with the document sentence behind each."""

from typing import Any

from sqlalchemy import Select, func, literal, select, union_all

from app.models import Document, Evidence, ProjectMention, StatusEvent, Target


def timeline(project_id: str) -> Select[Any]:
    """Rows of (kind, year, status, milestone, document, title, date, start, end, quote).

    Kind `mention` (year, status and milestone null) is a sentence that names the project
    without giving it a stage; mentions come after the dated facts."""
    events = select(
        literal("event").label("kind"),
        StatusEvent.year,
        StatusEvent.status,
        StatusEvent.milestone,
        StatusEvent.evidence_id,
    ).where(StatusEvent.project_id == project_id)
    targets = select(
        literal("target").label("kind"),
        Target.year,
        Target.status,
        literal(None).label("milestone"),
        Target.evidence_id,
    ).where(Target.project_id == project_id)
    mentions = select(
        literal("mention").label("kind"),
        literal(None).label("year"),
        literal(None).label("status"),
        literal(None).label("milestone"),
        ProjectMention.evidence_id,
    ).where(ProjectMention.project_id == project_id)
    facts = union_all(events, targets, mentions).subquery("facts")
    # substr counts characters, like the code-point offsets of the evidence.
    quote = func.substr(
        Document.text, Evidence.char_start + 1, Evidence.char_end - Evidence.char_start
    )
    return (
        select(
            facts.c.kind,
            facts.c.year,
            facts.c.status,
            facts.c.milestone,
            Document.id.label("document"),
            Document.title,
            Document.date,
            Evidence.char_start.label("start"),
            Evidence.char_end.label("end"),
            quote.label("quote"),
        )
        .join(Evidence, Evidence.id == facts.c.evidence_id)
        .join(Document, Document.id == Evidence.document_id)
        .order_by(facts.c.year, facts.c.kind, facts.c.status, Evidence.char_start)
    )
