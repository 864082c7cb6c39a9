"""From a report's text to a review list: one proposal per name and what the text says of it.

`extract` needs no database: it takes the text and a `Lexicon`. Proposals of a fact already
proposed earlier in the list are marked `repeat`; `apply.mark_recorded` marks those the database
already holds as `recorded`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.extract.candidates import find_candidates
from app.extract.classify import Finding, find_cues, masked, read_clause
from app.extract.figures import Figure, read_figures
from app.extract.frames import Frame, ReportYears, report_years, sentence_frames
from app.extract.lexicon import Lexicon
from app.extract.mentions import Mention, find_mentions
from app.extract.sentences import Span, sentences

# Proposals at or above this confidence are applied by --apply: an outright stage word, partial
# progress, a verb of progress or preparatory work next to the name. Below it (a project named
# only as the place of another, or a stage word far from the name) they stay for review.
THRESHOLD = 0.7

CSV_FIELDS = (
    "state",
    "accepted",
    "confidence",
    "entity",
    "project_id",
    "project_name",
    "entity_id",
    "entity_name",
    "kind",
    "status",
    "year",
    "milestone",
    "value_kind",
    "value",
    "unit",
    "qualifier",
    "mention",
    "mention_start",
    "mention_end",
    "evidence_start",
    "evidence_end",
    "evidence",
    "basis",
    "ref",
)


@dataclass
class Proposal:
    entity: str  # project, programme, indicator, or candidate (a name the catalogue lacks)
    entity_id: str | None
    entity_name: str
    kind: str  # event: what happened; target: what is planned
    status: str | None
    year: int
    milestone: str | None
    mention: str
    mention_start: int
    mention_end: int
    evidence_start: int
    evidence_end: int
    confidence: float
    basis: str
    value: float | None = None
    value_kind: str | None = None
    unit: str | None = None
    qualifier: str | None = None
    # new; repeat: proposed earlier in the list; recorded: in the database; submitted: waiting in
    # the review queue; applied: just written (approved)
    state: str = "new"

    @property
    def key(self) -> tuple[Any, ...]:
        """What makes two proposals the same fact."""
        if self.entity in ("programme", "indicator"):
            return (self.entity, self.entity_id, self.value_kind, self.year, self.value)
        return (self.entity, self.entity_id or self.entity_name, self.kind, self.year, self.status)

    @property
    def ref(self) -> str:
        """Names the proposal in a selection: the fact, and where the text says it. Reading the
        same text against the same catalogue gives the same refs."""
        fact = "/".join(str(part) for part in self.key if part is not None)
        return f"{fact}@{self.mention_start}-{self.evidence_end}"

    @property
    def accepted(self) -> bool:
        """Whether --apply writes it."""
        if self.entity == "candidate" or self.state != "new":
            return False
        return self.confidence >= THRESHOLD

    def as_dict(self, text: str) -> dict[str, Any]:
        is_project = self.entity == "project"
        return {
            "state": self.state,
            "accepted": self.accepted,
            "confidence": self.confidence,
            "entity": self.entity,
            "project_id": self.entity_id if is_project else None,
            "project_name": self.entity_name if is_project else None,
            "entity_id": self.entity_id,
            "entity_name": self.entity_name,
            "kind": self.kind,
            "status": self.status,
            "year": self.year,
            "milestone": self.milestone,
            "value_kind": self.value_kind,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "mention": self.mention,
            "mention_start": self.mention_start,
            "mention_end": self.mention_end,
            "evidence_start": self.evidence_start,
            "evidence_end": self.evidence_end,
            "evidence": text[self.evidence_start : self.evidence_end],
            "basis": self.basis,
            "ref": self.ref,
        }


@dataclass
class Extraction:
    years: ReportYears
    proposals: list[Proposal] = field(default_factory=list)


def extract(text: str, lexicon: Lexicon, report_year: int | None = None) -> Extraction:
    """Proposals for every name in `text`; raises frames.YearUnknown when the year is unclear."""
    years = report_years(text, report_year)
    parts = sentences(text)
    result = Extraction(years)
    for sentence, frame in zip(parts, sentence_frames(text, parts, years), strict=True):
        for clause in sentence.clauses:
            result.proposals += _clause_proposals(text, clause, frame, years, lexicon)
    result.proposals.sort(key=lambda p: (p.evidence_start, p.mention_start, p.entity_name))
    mark_repeats(result.proposals)
    return result


def _clause_proposals(
    text: str, clause: Span, frame: Frame, years: ReportYears, lexicon: Lexicon
) -> list[Proposal]:
    known = find_mentions(text, lexicon, clause.start, clause.end)
    unknown = _candidates(text, clause, known)
    names = sorted(known + unknown, key=lambda m: m.start)
    findings = read_clause(text, clause, names, frame, years)
    proposals = [_from_finding(f, lexicon) for f in findings]
    read = {id(f.mention) for f in findings}
    proposals += [_unread_candidate(m, clause, frame) for m in unknown if id(m) not in read]
    estimate = "预计" in text[clause.start : clause.end]
    proposals += [_from_figure(f) for f in read_figures(text, clause, known, frame, estimate)]
    return proposals


def _candidates(text: str, clause: Span, known: list[Mention]) -> list[Mention]:
    blotted = masked(text, clause, known)
    cues, negated = find_cues(blotted, clause.start)
    chars = list(blotted)
    for cue in cues + negated:
        for i in range(cue.start - clause.start, cue.end - clause.start):
            chars[i] = "■"
    # A phrase right after a known name is a part of it (6号线南延三座车站), not a new project.
    ends = {m.end for m in known}
    return [c for c in find_candidates("".join(chars), clause) if c.start not in ends]


def _from_finding(finding: Finding, lexicon: Lexicon) -> Proposal:
    reading, mention = finding.reading, finding.mention
    if finding.entity is None:
        entity, entity_id, name = "candidate", None, mention.form
    else:
        project = lexicon.project(finding.entity.id) or finding.entity
        entity, entity_id, name = "project", project.id, project.name
    return Proposal(
        entity=entity,
        entity_id=entity_id,
        entity_name=name,
        kind=reading.kind,
        status=reading.status,
        year=reading.year,
        milestone=reading.milestone,
        mention=mention.form,
        mention_start=mention.start,
        mention_end=mention.end,
        evidence_start=finding.evidence.start,
        evidence_end=finding.evidence.end,
        confidence=round(reading.confidence, 2),
        basis=reading.basis,
    )


def _unread_candidate(mention: Mention, clause: Span, frame: Frame) -> Proposal:
    """An unknown name with no stage word: listed all the same, never dropped."""
    return Proposal(
        entity="candidate",
        entity_id=None,
        entity_name=mention.form,
        kind=frame.kind,
        status=None,
        year=frame.year,
        milestone=None,
        mention=mention.form,
        mention_start=mention.start,
        mention_end=mention.end,
        evidence_start=clause.start,
        evidence_end=clause.end,
        confidence=0.0,
        basis="no stage word",
    )


def _from_figure(figure: Figure) -> Proposal:
    return Proposal(
        entity=figure.entity.kind,
        entity_id=figure.entity.id,
        entity_name=figure.entity.name,
        kind=figure.kind,
        status=None,
        year=figure.year,
        milestone=None,
        mention=figure.mention.form,
        mention_start=figure.mention.start,
        mention_end=figure.mention.end,
        evidence_start=figure.evidence.start,
        evidence_end=figure.evidence.end,
        confidence=figure.confidence,
        basis=f"figure {figure.value:g}{figure.unit or ''}",
        value=figure.value,
        value_kind=figure.value_kind,
        unit=figure.unit,
        qualifier=figure.qualifier,
    )


def mark_repeats(proposals: list[Proposal]) -> None:
    """Of proposals of the same fact, the most confident (the first of equals) stays new."""
    best: dict[tuple[Any, ...], Proposal] = {}
    for proposal in proposals:
        current = best.get(proposal.key)
        if current is None or proposal.confidence > current.confidence:
            best[proposal.key] = proposal
    for proposal in proposals:
        proposal.state = "new" if best[proposal.key] is proposal else "repeat"
