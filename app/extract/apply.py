"""Write accepted proposals: validated first, then in one transaction, each write audited.

A fact already in the database (same project, kind, year and status; same programme or indicator,
kind, year and value) is `recorded` and never written twice, so applying a report again writes
nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from app import vocab
from app.extract.document import ExtractError, ReportDocument
from app.extract.lexicon import Lexicon
from app.extract.proposals import Proposal
from app.models import (
    AuditLog,
    Document,
    Evidence,
    IndicatorValue,
    ProgrammeProgress,
    Project,
    StatusEvent,
    Target,
)

PROGRAMME_KINDS = vocab.PROGRAMME_VALUE_KINDS
INDICATOR_KINDS = vocab.INDICATOR_VALUE_KINDS


@dataclass
class ApplyReport:
    document_id: str
    document_registered: bool = False
    written: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        parts = [f"{n} {what}" for what, n in sorted(self.written.items())]
        done = ", ".join(parts) if parts else "nothing new"
        registered = " (document registered)" if self.document_registered else ""
        return f"Applied to {self.document_id}{registered}: {done}."


def recorded_keys(conn: Connection) -> set[tuple[Any, ...]]:
    """The facts the database holds, keyed as `Proposal.key` keys them."""
    keys: set[tuple[Any, ...]] = set()
    for table, kind in ((StatusEvent, "event"), (Target, "target")):
        for project_id, year, status in conn.execute(
            select(table.project_id, table.year, table.status)
        ):
            keys.add(("project", project_id, kind, year, status))
    for programme_id, kind, year, count in conn.execute(
        select(
            ProgrammeProgress.programme_id,
            ProgrammeProgress.kind,
            ProgrammeProgress.year,
            ProgrammeProgress.count,
        )
    ):
        keys.add(("programme", programme_id, kind, year, _number(count)))
    for indicator_id, kind, year, value in conn.execute(
        select(
            IndicatorValue.indicator_id,
            IndicatorValue.kind,
            IndicatorValue.year,
            IndicatorValue.value,
        )
    ):
        keys.add(("indicator", indicator_id, kind, year, _number(value)))
    return keys


def _number(value: float) -> float:
    return int(value) if float(value).is_integer() else value


def mark_recorded(conn: Connection, proposals: list[Proposal]) -> None:
    recorded = recorded_keys(conn)
    for proposal in proposals:
        if proposal.key in recorded:
            proposal.state = "recorded"


def problems_of(
    proposal: Proposal, report_text: str, lexicon: Lexicon, projects: set[str]
) -> list[str]:
    """Why a proposal may not be written; empty when it may."""
    where = f"{proposal.entity} {proposal.entity_id} {proposal.year}"
    problems = []
    if not 0 <= proposal.evidence_start < proposal.evidence_end <= len(report_text):
        problems.append(f"{where}: evidence range outside the document")
    if not vocab.YEAR_MIN <= proposal.year <= vocab.YEAR_MAX:
        problems.append(f"{where}: year outside {vocab.YEAR_MIN}–{vocab.YEAR_MAX}")
    quoted = report_text[proposal.evidence_start : proposal.evidence_end]
    if proposal.entity == "project":
        if proposal.entity_id not in projects:
            problems.append(f"{where}: no such project")
        if proposal.status not in vocab.STATUSES:
            problems.append(f"{where}: status {proposal.status} is not one of {vocab.STATUSES}")
        names = lexicon.evidence_names(proposal.entity_id or "")
    else:
        entity = lexicon.entity(proposal.entity, proposal.entity_id or "")
        names = list(entity.forms) if entity else []
        kinds = PROGRAMME_KINDS if proposal.entity == "programme" else INDICATOR_KINDS
        if entity is None:
            problems.append(f"{where}: no such {proposal.entity}")
        if proposal.value_kind not in kinds or proposal.value is None:
            problems.append(f"{where}: a {proposal.entity} figure needs a value and a kind")
        elif proposal.entity == "programme" and proposal.value < 0:
            problems.append(f"{where}: a programme's count cannot be negative")
    if not any(name in quoted for name in names):
        problems.append(f"{where}: the evidence names none of its names")
    return problems


def apply_proposals(
    engine: Engine,
    document: ReportDocument,
    report_text: str,
    proposals: list[Proposal],
    lexicon: Lexicon,
    actor: str,
) -> ApplyReport:
    """Write the accepted proposals and register the document, or nothing on any problem."""
    report = ApplyReport(document.id)
    with engine.begin() as conn:
        mark_recorded(conn, proposals)  # again, inside the transaction that writes
        accepted = [p for p in proposals if p.accepted]
        projects = set(conn.execute(select(Project.id)).scalars())
        problems = [m for p in accepted for m in problems_of(p, report_text, lexicon, projects)]
        if problems:
            raise ExtractError("nothing was applied:\n" + "\n".join(f"  - {m}" for m in problems))
        writer = _Writer(conn, actor, document, report)
        writer.register(report_text)
        for proposal in accepted:
            writer.write(proposal)
    return report


class _Writer:
    def __init__(
        self, conn: Connection, actor: str, document: ReportDocument, report: ApplyReport
    ) -> None:
        self.conn = conn
        self.actor = actor
        self.document = document
        self.report = report

    def audit(self, entity: str, entity_id: str, after: dict[str, Any]) -> None:
        self.conn.execute(
            insert(AuditLog).values(
                actor=self.actor,
                action="create",
                entity=entity,
                entity_id=entity_id,
                before=None,
                after=after,
            )
        )

    def register(self, report_text: str) -> None:
        d = self.document
        if d.registered:
            return
        exists = self.conn.execute(select(Document.id).where(Document.id == d.id)).first()
        values = {
            "title": d.title,
            "date": d.date,
            "sha256": d.sha256,
            "file_name": d.file_name,
            "text": report_text,
            "registered_at": func.now(),
        }
        if exists:
            self.conn.execute(update(Document).where(Document.id == d.id).values(**values))
        else:
            self.conn.execute(insert(Document).values(id=d.id, **values))
        after = {k: v for k, v in values.items() if k not in ("text", "registered_at")}
        self.audit("document", d.id, after | {"text": "registered"})
        self.report.document_registered = True

    def evidence(self, proposal: Proposal) -> int:
        values = {
            "document_id": self.document.id,
            "char_start": proposal.evidence_start,
            "char_end": proposal.evidence_end,
        }
        self.conn.execute(
            text(
                "INSERT INTO evidence (document_id, char_start, char_end)"
                " VALUES (:document_id, :char_start, :char_end) ON CONFLICT DO NOTHING"
            ),
            values,
        )
        return int(self.conn.execute(select(Evidence.id).filter_by(**values)).scalar_one())

    def write(self, proposal: Proposal) -> None:
        evidence_id = self.evidence(proposal)
        after = {
            "year": proposal.year,
            "evidence": [self.document.id, proposal.evidence_start, proposal.evidence_end],
            "confidence": proposal.confidence,
            "source": "tzmap extract",
        }
        if proposal.entity == "project":
            self._status(proposal, evidence_id, after)
        elif proposal.entity == "programme":
            self._figure(ProgrammeProgress, "programme_id", "count", proposal, evidence_id, after)
        else:
            self._figure(IndicatorValue, "indicator_id", "value", proposal, evidence_id, after)

    def _status(self, proposal: Proposal, evidence_id: int, after: dict[str, Any]) -> None:
        project_id = proposal.entity_id
        row = {
            "project_id": project_id,
            "year": proposal.year,
            "status": proposal.status,
            "origin": "report",
        }
        model: type[StatusEvent] | type[Target] = Target
        if proposal.kind == "event":
            model = StatusEvent
            row["milestone"] = proposal.milestone
        inserted = self.conn.execute(
            pg_insert(model)
            .values(evidence_id=evidence_id, **row)
            .on_conflict_do_nothing()
            .returning(model.id)
        ).first()
        if inserted is None:
            return  # recorded meanwhile by someone else
        self.conn.execute(
            update(Project).where(Project.id == project_id).values(updated_at=func.now())
        )
        entity = model.__tablename__
        self.audit(entity, f"{project_id}/{proposal.year}/{proposal.status}", after | row)
        self.report.written[entity] += 1
        proposal.state = "applied"

    def _figure(
        self,
        model: type[ProgrammeProgress] | type[IndicatorValue],
        key: str,
        column: str,
        proposal: Proposal,
        evidence_id: int,
        after: dict[str, Any],
    ) -> None:
        row: dict[str, Any] = {
            key: proposal.entity_id,
            "year": proposal.year,
            "kind": proposal.value_kind,
            column: proposal.value,
            "origin": "report",
        }
        if model is IndicatorValue:
            row["qualifier"] = proposal.qualifier
        self.conn.execute(insert(model).values(evidence_id=evidence_id, **row))
        entity = model.__tablename__
        entity_id = f"{proposal.entity_id}/{proposal.year}/{proposal.value_kind}"
        self.audit(entity, entity_id, after | row)
        self.report.written[entity] += 1
        proposal.state = "applied"
