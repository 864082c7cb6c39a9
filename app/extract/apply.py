"""Turn a report's proposals into changes, through the one write path of the app.

The report's text is registered as a document (audited), so that evidence can point into it; then
every chosen proposal becomes a change made by `app.edits.changes.submit` with origin `report`:
approved at once by the planner who applies it, or left in the review queue. All of it is one
transaction: on any problem nothing is written, and every problem is listed.

A fact already in the database (same project, kind, year and status; same programme or indicator,
kind, year and value) is `recorded`, one waiting in the queue is `submitted`; neither is written
again, so applying a report twice writes nothing. A new-project candidate becomes a new, unplaced
project the same way (kind `project`), the sentence that names it as its description.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select

from app.edits import changes
from app.edits.changes import Actor
from app.edits.documents import register_document
from app.errors import Forbidden, InvalidParameter, TzmapError
from app.extract.document import ExtractError, ReportDocument
from app.extract.proposals import Proposal
from app.models import ChangeRequest, IndicatorValue, ProgrammeProgress, StatusEvent, Target

ORIGIN = "report"
FIGURE_KINDS = {"programme": "programme_figure", "indicator": "indicator_figure"}
_SKIP_REASONS = {
    "recorded": "the database holds this fact already",
    "submitted": "a change of this fact waits in the review queue already",
    "applied": "applied already",
}


@dataclass(frozen=True)
class Selection:
    """A proposal chosen by its `ref`; for a candidate, what the new project is to be."""

    ref: str
    name: str | None = None  # the new project's name (default: the name the report uses)
    project_id: str | None = None  # its id (default: made from the name)
    category: str | None = None  # required for a candidate


@dataclass
class ApplyReport:
    document_id: str
    approved: bool = True
    document_registered: bool = False
    changes: list[dict[str, Any]] = field(default_factory=list)  # as change_json, with `ref`
    skipped: list[dict[str, str]] = field(default_factory=list)  # ref and reason

    @property
    def written(self) -> Counter[str]:
        """Changes made, by kind."""
        return Counter(c["kind"] for c in self.changes)

    def __str__(self) -> str:
        registered = " (document registered)" if self.document_registered else ""
        if not self.changes:
            return f"Applied to {self.document_id}{registered}: nothing new."
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.written.items()))
        ids = ", ".join(str(c["id"]) for c in self.changes)
        what = "approved" if self.approved else "submitted for review"
        return (
            f"Applied to {self.document_id}{registered}: {len(self.changes)} changes {what}"
            f" ({kinds}); change ids {ids}."
        )


class ApplyError(ExtractError):
    """Proposals that may not be written; nothing was. `problems` names each with its reason."""

    def __init__(self, problems: list[dict[str, Any]], kinds: set[type[TzmapError]]) -> None:
        lines = "\n".join(f"  - {p['ref']}: {p['detail']}" for p in problems)
        super().__init__(f"nothing was applied:\n{lines}")
        self.problems = problems
        self.kinds = kinds  # the kinds of error met, for the HTTP status of the answer


def _number(value: Any) -> Any:
    value = float(value)
    return int(value) if value.is_integer() else value


def recorded_keys(conn: Connection) -> set[tuple[Any, ...]]:
    """The facts the database holds, keyed as `Proposal.key` keys them."""
    keys: set[tuple[Any, ...]] = set()
    for table, kind in ((StatusEvent, "event"), (Target, "target")):
        for project_id, year, status in conn.execute(
            select(table.project_id, table.year, table.status)
        ):
            keys.add(("project", project_id, kind, year, status))
    figures: tuple[tuple[str, Any, Any, Any, Any], ...] = (
        ("programme", ProgrammeProgress.programme_id, ProgrammeProgress.kind,
         ProgrammeProgress.year, ProgrammeProgress.count),
        ("indicator", IndicatorValue.indicator_id, IndicatorValue.kind, IndicatorValue.year,
         IndicatorValue.value),
    )  # fmt: skip
    for entity, *columns in figures:
        for key, kind, year, value in conn.execute(select(*columns)):
            keys.add((entity, key, kind, year, _number(value)))
    return keys


def queued_keys(conn: Connection) -> set[tuple[Any, ...]]:
    """The facts of changes waiting in the review queue, keyed like proposals; a new project
    waiting there keys every candidate of its names."""
    keys: set[tuple[Any, ...]] = set()
    rows = conn.execute(
        select(ChangeRequest.kind, ChangeRequest.project_id, ChangeRequest.payload).where(
            ChangeRequest.state == "submitted"
        )
    )
    for kind, project_id, payload in rows:
        if kind in ("event", "target"):
            keys.add(("project", project_id, kind, payload["year"], payload["status"]))
        elif kind == "programme_figure":
            keys.add(("programme", payload["programme"], payload["kind"], payload["year"],
                      _number(payload["count"])))  # fmt: skip
        elif kind == "indicator_figure":
            keys.add(("indicator", payload["indicator"], payload["kind"], payload["year"],
                      _number(payload["value"])))  # fmt: skip
        elif kind == "project":
            for name in [payload["name"], *payload.get("aliases", [])]:
                keys.add(("candidate", name))
    return keys


def mark_recorded(conn: Connection, proposals: list[Proposal]) -> None:
    """Mark the proposals the database holds (`recorded`) or the queue waits on (`submitted`)."""
    recorded = recorded_keys(conn)
    queued = queued_keys(conn)
    for proposal in proposals:
        if proposal.key in recorded:
            proposal.state = "recorded"
        elif proposal.key in queued or (proposal.entity, proposal.entity_name) in queued:
            proposal.state = "submitted"


def candidate_project_id(name: str) -> str:
    """An id for a new project when the planner gives none: the same name gives the same id."""
    return f"project-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:10]}"


def apply_proposals(
    engine: Engine,
    document: ReportDocument,
    report_text: str,
    proposals: list[Proposal],
    actor: Actor,
    selection: list[Selection] | None = None,
    approve: bool = True,
) -> ApplyReport:
    """Submit the chosen proposals as changes (approved when `approve`), all or nothing.

    Without `selection`, the accepted ones (new, confident, not candidates) are chosen."""
    user = actor.user
    if not user.is_active:
        raise Forbidden(f"the account {user.username} is disabled")
    if not user.is_reviewer:
        raise Forbidden(f"{user.username} is a {user.role}: planners and admins apply reports")
    report = ApplyReport(document.id, approve)
    with engine.begin() as conn:
        mark_recorded(conn, proposals)  # again, inside the transaction that writes
        chosen, unknown = _choose(proposals, selection)
        plan = _Plan(document, report_text, approve, report)
        for ref in unknown:  # the catalogue or the text changed since the report was read
            plan.problem(ref, InvalidParameter("no such proposal in this report (read it again)"))
        for proposal, choice in chosen:
            plan.add(proposal, choice)
        if plan.problems:
            raise ApplyError(plan.problems, plan.kinds)
        if not plan.steps:
            return report
        report.document_registered = register_document(
            conn, actor, document_id=document.id, title=document.title, date=document.date,
            sha256=document.sha256, file_name=document.file_name, text=report_text,
        )  # fmt: skip
        for step in plan.steps:
            plan.run(conn, actor, step)
        if plan.problems:
            raise ApplyError(plan.problems, plan.kinds)  # leaving the block rolls all back
    for step in plan.steps:
        step.proposal.state = "applied" if approve else "submitted"
    return report


def _choose(
    proposals: list[Proposal], selection: list[Selection] | None
) -> tuple[list[tuple[Proposal, Selection]], list[str]]:
    """The chosen proposals in the order of the text, each with what was said of it; and the
    refs chosen that name no proposal."""
    if selection is None:
        return [(p, Selection(p.ref)) for p in proposals if p.accepted], []
    by_ref: dict[str, Proposal] = {}
    for proposal in proposals:
        by_ref.setdefault(proposal.ref, proposal)
    wanted = {s.ref: s for s in selection}
    chosen = [(p, wanted[p.ref]) for p in proposals if p.ref in wanted and by_ref[p.ref] is p]
    return chosen, [ref for ref in wanted if ref not in by_ref]


@dataclass
class _Step:
    proposal: Proposal
    kind: str
    project_id: str | None
    data: dict[str, Any]


@dataclass
class _Plan:
    """The changes to submit, worked out and checked for form before anything is written."""

    document: ReportDocument
    text: str
    approve: bool
    report: ApplyReport
    steps: list[_Step] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    kinds: set[type[TzmapError]] = field(default_factory=set)
    facts: set[tuple[Any, ...]] = field(default_factory=set)

    def skip(self, proposal: Proposal, reason: str) -> None:
        self.report.skipped.append({"ref": proposal.ref, "reason": reason})

    def problem(self, ref: str, error: TzmapError) -> None:
        self.problems.append({"ref": ref, "status": error.status_code, "title": error.title,
                              "detail": error.detail})  # fmt: skip
        self.kinds.add(type(error))

    def add(self, proposal: Proposal, choice: Selection) -> None:
        if proposal.state in _SKIP_REASONS:
            self.skip(proposal, _SKIP_REASONS[proposal.state])
            return
        if proposal.entity == "candidate":
            self._add_candidate(proposal, choice)
            return
        if proposal.entity == "project":
            self._add_fact(proposal, proposal.entity_id)
            return
        figure: dict[str, Any] = {
            proposal.entity: proposal.entity_id,
            "year": proposal.year,
            "kind": proposal.value_kind,
            "count" if proposal.entity == "programme" else "value": proposal.value,
            "evidence": self._evidence(proposal),
        }
        if proposal.entity == "indicator":
            figure["qualifier"] = proposal.qualifier
        self._step(proposal, FIGURE_KINDS[proposal.entity], None, figure, proposal.key)

    def _add_candidate(self, proposal: Proposal, choice: Selection) -> None:
        """A new, unplaced project; approved at once, it gets the candidate's status too."""
        name = (choice.name or proposal.entity_name).strip()
        project_id = choice.project_id or candidate_project_id(name)
        if not choice.category:
            message = f"choose a category for the new project {name}"
            self.problem(proposal.ref, InvalidParameter(message))
            return
        start, end = proposal.evidence_start, proposal.evidence_end
        if ("project", project_id) not in self.facts:
            project = {
                "id": project_id,
                "name": name,
                "aliases": [proposal.mention] if proposal.mention != name else [],
                "category": choice.category,
                # ProjectCreate has no evidence: the sentence that names the project stands in
                # its description, and where it stands in its placement.
                "description": self.text[start:end].strip(),
                "geometry_quality": "unplaced",
                "placement": f"not placed yet; named in {self.document.title} "
                f"({self.document.id} [{start}:{end}])",
            }
            self._step(proposal, "project", None, project, ("project", project_id))
        if proposal.status is None:
            return
        if not self.approve:
            fact = f"{proposal.kind} {proposal.year} {proposal.status}"
            self.skip(proposal, f"the {fact} waits for the new project's approval: read the "
                      "report again then")  # fmt: skip
            return
        self._add_fact(proposal, project_id)

    def _add_fact(self, proposal: Proposal, project_id: str | None) -> None:
        """A status event or target of a project, with what the reading rests on as its note."""
        data: dict[str, Any] = {
            "year": proposal.year,
            "status": proposal.status,
            "evidence": self._evidence(proposal),
            "note": f"{proposal.basis} (confidence {proposal.confidence:.2f})",
        }
        if proposal.kind == "event":
            data["milestone"] = proposal.milestone
        key = ("project", project_id, proposal.kind, proposal.year, proposal.status)
        self._step(proposal, proposal.kind, project_id, data, key)

    def _evidence(self, proposal: Proposal) -> dict[str, Any]:
        return {"document": self.document.id, "start": proposal.evidence_start,
                "end": proposal.evidence_end}  # fmt: skip

    def _step(self, proposal: Proposal, kind: str, project_id: str | None,
              data: dict[str, Any], fact: tuple[Any, ...]) -> None:  # fmt: skip
        if fact in self.facts:
            self.skip(proposal, "the same fact is chosen twice; written once")
            return
        self.facts.add(fact)
        try:
            changes.parse_payload(kind, data)  # form first, before anything is written
        except TzmapError as exc:
            self.problem(proposal.ref, exc)
            return
        self.steps.append(_Step(proposal, kind, project_id, data))

    def run(self, conn: Connection, actor: Actor, step: _Step) -> None:
        """Submit one change; a problem is listed and the others still checked."""
        try:
            with conn.begin_nested():
                if_match = None
                if step.project_id is not None and step.kind != "project":
                    # The change adds a fact from the report and does not depend on what the
                    # project looked like: it is made against the revision current now, locked.
                    state = changes.project_state(conn, step.project_id, lock=True)
                    if_match = changes.revision_tag(state.revision) if state else None
                change = changes.submit(conn, actor, step.kind, step.project_id, step.data,
                                        if_match, approve=self.approve, origin=ORIGIN)  # fmt: skip
        except TzmapError as exc:
            self.problem(step.proposal.ref, exc)
            return
        self.report.changes.append({"ref": step.proposal.ref, **change})
