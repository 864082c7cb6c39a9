"""From a report's text to a review list: one proposal per name and what the text says of it.

`extract` needs no database: it takes the text and a `Lexicon`. Proposals of a fact already
proposed earlier in the list are marked `repeat`; `apply.mark_recorded` marks those the database
already holds as `recorded`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from app.extract import language
from app.extract.candidates import find_candidates
from app.extract.classify import (
    CONTAINER_CONFIDENCE,
    Cue,
    Finding,
    find_cues,
    is_place,
    masked,
    read_clause,
)
from app.extract.figures import Figure, read_figures
from app.extract.frames import (
    Frame,
    ReportYears,
    parts_found,
    report_years,
    sentence_frames,
    year_stated,
)
from app.extract.language import STATUS_RANK, UNDER_CONSTRUCTION
from app.extract.lexicon import Lexicon
from app.extract.mentions import Mention, find_mentions
from app.extract.sentences import SENTENCE_ENDS, Sentence, Span, is_record, sentences

# Proposals at or above this confidence are applied by --apply: an outright stage word, partial
# progress, a verb of progress or preparatory work next to the name. Below it (a project named
# only as the place of another, or a stage word far from the name) they stay for review.
THRESHOLD = 0.7

# A reading whose review and plan parts the document did not show stays below THRESHOLD: its
# kinds and years are guesses (a blind text with 上篇/下篇 parts was read whole as a plan).
UNSURE_PARTS = 0.6

# A later clause takes a new subject when it opens with a name or says something of its names
# (…，西端起点是北京城市副中心站 keeps the railway as the subject of what follows).
TOPIC_REACH = 2
# …or after a modifier of its own: 相邻的北咨大厦…, 两家企业联合打造的…中心….
MODIFIER_REACH = 12
# …，这一安排没有兑现: what the sentence meant did not happen.
_UNMET = re.compile(r"(?:没有|没能|未能|未)(?:兑现|实现|落实)|落空")
# …均已完工，并投入使用; …封顶，目前仍在续建: the same subject goes on.
_GOES_ON = ("并", "且", "随后", "随即", "目前", "仍在", "仍然")

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
    found = parts_found(text, parts, years)
    for sentence, frame in zip(parts, sentence_frames(text, parts, years), strict=True):
        read = _sentence_proposals(text, sentence, frame, years, lexicon)
        if not frame.read:
            read = [_unsure(p, "the part's kind is not stated") for p in read]
        result.proposals += read
    if not found:
        result.proposals = [_unsure(p, "review and plan parts not found") for p in result.proposals]
    elif report_year is None and not year_stated(text):
        why = "the year reviewed is read from the body, not stated by a title or heading"
        result.proposals = [_unsure(p, why) for p in result.proposals]
    result.proposals.sort(key=lambda p: (p.evidence_start, p.mention_start, p.entity_name))
    mark_repeats(result.proposals)
    return result


def _unsure(proposal: Proposal, why: str) -> Proposal:
    return dataclasses.replace(
        proposal,
        confidence=min(proposal.confidence, UNSURE_PARTS),
        basis=f"{proposal.basis}; {why}",
    )


def _sentence_proposals(
    text: str, sentence: Sentence, frame: Frame, years: ReportYears, lexicon: Lexicon
) -> list[Proposal]:
    proposals: list[Proposal] = []
    subject: _Subject | None = None
    container: list[Mention] = []
    for clause in _clauses(text, sentence, lexicon):
        known = find_mentions(text, lexicon, clause.start, clause.end)
        unknown: list[Mention] = []
        if not _is_title(text, sentence):
            known, unknown = _candidates(text, clause, known)
        names = sorted(known + unknown, key=lambda m: m.start)
        findings = []
        if names:
            findings = read_clause(text, clause, names, frame, years)
            opens = _opens(text[clause.start : names[0].start])
            topical = subject is None or opens or bool(findings)
            if any(not n.entities or n.project for n in names) and topical:
                subject = _subject(text, clause, names)
        elif subject is not None and subject.speaks_in(text, clause):
            findings = read_clause(text, clause, subject.names, frame, years, subject.clause)
            _drop_negated(text, clause, subject.names, proposals)
        elif subject is not None and _UNMET.search(text, clause.start, clause.end):
            # …人大通州校区年内开工，这一安排没有兑现: what the sentence meant did not happen
            starts = {m.start for m in subject.names}
            proposals = [p for p in proposals if p.mention_start not in starts]
        made = [_from_finding(f, lexicon) for f in findings]
        proposals += made + _container_proposals(container, made, clause, lexicon)
        if text[clause.end : clause.end + 1] in "：:":
            container = [m for m in known if m.project]
        read = {id(f.mention) for f in findings}
        proposals += [_unread_candidate(m, clause, frame) for m in unknown if id(m) not in read]
        estimate = "预计" in text[clause.start : clause.end]
        proposals += [_from_figure(f) for f in read_figures(text, clause, known, frame, estimate)]
    if not is_record(sentence.text):  # a record's fields are statements of their own
        proposals = _final_stages(proposals)
    return _whole_or_part(sentence, proposals, lexicon)


def _final_stages(proposals: list[Proposal]) -> list[Proposal]:
    """…力争年底前竣工，并向市民开放: of the stages a sentence gives one name for one year, the
    furthest stands (the final verb wins); the others are steps on the way to it."""

    def key(p: Proposal) -> tuple[Any, ...]:
        return (p.entity, p.entity_id, p.mention_start, p.kind, p.year)

    def rank(p: Proposal) -> int | None:
        staged = p.status and p.entity in ("project", "candidate")
        return STATUS_RANK[p.status or ""] if staged else None

    furthest: dict[tuple[Any, ...], int] = {}
    for p in proposals:
        if (r := rank(p)) is not None:
            furthest[key(p)] = max(furthest.get(key(p), r), r)
    return [p for p in proposals if rank(p) in (None, furthest.get(key(p)))]


def _opens(before: str) -> bool:
    """Does a name this far into its clause open it (the clause speaks of it)?"""
    if len(before) <= TOPIC_REACH:
        return True
    # find_cues only for a modifier: it is the one costly test, and most names open early.
    return before.endswith("的") and len(before) <= MODIFIER_REACH and not find_cues(before, 0)[0]


def _clauses(text: str, sentence: Sentence, lexicon: Lexicon) -> list[Span]:
    """The sentence's clauses, a nameless one that ends in a colon joined to the list it announces
    (三个项目同日举行开工仪式：A、B和C) unless the list has verbs of its own (实际推迟到了春末：
    A、B分别在4月封顶)."""
    clauses: list[Span] = []
    for clause in sentence.clauses:
        last = clauses[-1] if clauses else None
        if (
            last
            and text[last.end : last.end + 1] in "：:"
            and not _names_any(text, last, lexicon)
            and not find_cues(masked(text, clause, []), clause.start)[0]
        ):
            clauses[-1] = Span(last.start, clause.end, text[last.start : clause.end])
        else:
            clauses.append(clause)
    return clauses


def _names_any(text: str, clause: Span, lexicon: Lexicon) -> bool:
    known = find_mentions(text, lexicon, clause.start, clause.end)
    return bool(known) or bool(_candidates(text, clause, known)[1])


def _container_proposals(
    container: list[Mention], made: list[Proposal], clause: Span, lexicon: Lexicon
) -> list[Proposal]:
    """通州堰分洪体系有两项组成工程取得进展：宋庄蓄滞洪区（二期）…完工: what the list after the
    colon builds or finishes, the project before it holds, so that one is under construction."""
    works = [p for p in made if p.status and p.status != "planned"]
    if not container or not works:
        return []
    first = works[0]
    return [
        dataclasses.replace(
            first,
            entity="project",
            entity_id=project.id,
            entity_name=(lexicon.project(project.id) or project).name,
            status=UNDER_CONSTRUCTION,
            milestone=None,
            mention=mention.form,
            mention_start=mention.start,
            mention_end=mention.end,
            evidence_start=min(mention.start, clause.start),
            confidence=CONTAINER_CONFIDENCE,
            basis=f"{first.mention} {first.basis}",
        )
        for mention in container
        if (project := mention.project) is not None
    ]


def _is_title(text: str, sentence: Sentence) -> bool:
    """A heading that is no sentence (关于…的报告, （一）交通枢纽): its nouns are no projects."""
    return sentence.heading and text[sentence.end : sentence.end + 1] not in SENTENCE_ENDS


@dataclass(frozen=True)
class _Subject:
    """The names a sentence's last named clause starts with, for its clauses without a name."""

    names: list[Mention]
    clause: Span
    told: bool  # whether its own clause already gave them a stage

    def speaks_in(self, text: str, clause: Span) -> bool:
        """A clause without a name speaks of the subject when the subject still waits for its
        verb (22号线（平谷线）全长81.2公里，北京段16座车站全部开工), or when it dates or promises
        a stage to come (…主体结构封顶，预计2026年竣工; …继续施工，目标是年底具备通车条件). Else
        its verb may have a subject of its own that is no project (…建设，保障市级机关搬迁入驻)."""
        if text.startswith("其中", clause.start):
            return False  # 其中…: one of the things named before, not all of them
        if not self.told or text.startswith(_GOES_ON, clause.start):
            return True  # …均已完工，并投入使用: the same subject goes on
        cues, negated = find_cues(masked(text, clause, []), clause.start)
        intent = any(w in text[clause.start : clause.end] for w in language.FUTURE_WORDS)
        return intent or any(c.year is not None for c in cues) or bool(negated)


def _subject(text: str, clause: Span, names: list[Mention]) -> _Subject:
    cues, negated = find_cues(masked(text, clause, names), clause.start)
    first = min((c.start for c in cues + negated), default=clause.end)
    leading = [n for n in names if n.start < first] or names[:1]
    # 文化旅游区的“湾里”商业娱乐综合体: the owner of what the clause is about is not its subject;
    # 新址在文化旅游区西北部: nor is a place where something stands.
    owned = [n for n in leading[:-1] if text.startswith("的", n.end)]
    places = [n for n in leading if is_place(text, n)]
    return _Subject(
        [n for n in leading if n not in owned and n not in places], clause, told=bool(cues)
    )


def _drop_negated(
    text: str, clause: Span, subject: list[Mention], proposals: list[Proposal]
) -> None:
    """…，但年内尚未通车: a stage the sentence denies is not proposed for its subject."""
    _cues, negated = find_cues(masked(text, clause, []), clause.start)
    denied = [STATUS_RANK[s] for c in negated if (s := language.STATUS_WORDS.get(c.word))]
    if not denied:
        return
    starts = {m.start for m in subject}
    for proposal in list(proposals):
        rank = STATUS_RANK.get(proposal.status or "", -1)
        if proposal.mention_start in starts and rank >= min(denied):
            proposals.remove(proposal)


# 其余工程仍在建设: the sentence opened a part of the project, and the rest is still being built.
_REST_BUILDING = re.compile(
    r"(?:其余|其他|剩余)[^，。；]{0,16}?(?:仍在|仍|正在|继续)(?:建设|施工|在建)"
)


def _whole_or_part(
    sentence: Sentence, proposals: list[Proposal], lexicon: Lexicon
) -> list[Proposal]:
    """When the rest of a project is still being built, what the sentence opened or finished is
    its first phase (a project of its own where the catalogue has one); the whole is building."""
    if not _REST_BUILDING.search(sentence.text):
        return proposals
    result = []
    for proposal in proposals:
        finished = STATUS_RANK.get(proposal.status or "", 0) > STATUS_RANK[UNDER_CONSTRUCTION]
        a_phase = any(word in proposal.mention for word in language.PHASE_WORDS)
        if proposal.entity != "project" or not finished or a_phase:
            result.append(proposal)
            continue
        phase = lexicon.first_phase(proposal.entity_id or "")
        if phase is not None:
            result.append(dataclasses.replace(proposal, entity_id=phase.id, entity_name=phase.name))
        result.append(
            dataclasses.replace(
                proposal,
                status=UNDER_CONSTRUCTION,
                milestone=f"部分{proposal.basis}",
                basis=f"{proposal.basis}, 其余在建",
            )
        )
    return result


def _candidates(
    text: str, clause: Span, known: list[Mention]
) -> tuple[list[Mention], list[Mention]]:
    """The names the catalogue does not know, and the known names that are still names of their
    own (not the place an unknown name is called after)."""
    cues, negated = find_cues(masked(text, clause, known), clause.start)
    stages = cues + negated
    # A phrase right after a known name is a part of it (6号线南延三座车站), not a new project,
    # and so is a station in a clause about a line (22号线…完成政务中心站…主体结构).
    ends = {m.end for m in known}
    line = any("线" in m.form for m in known)
    unknown = [
        c
        for c in _unknown_names(text, clause, known, stages)
        if c.start not in ends and not (line and c.form.endswith("站"))
    ]
    # But an institution called after its place is one: 设计小镇创新中心, 文旅区中小学 (not the
    # programme of new schools).
    placed = []
    for m in known:
        if not (
            _INSTITUTION_AFTER.match(text, m.end) or (m.form in INSTITUTIONS and not m.project)
        ):
            continue
        others = [k for k in known if k is not m]
        for c in _unknown_names(text, clause, others, stages):
            if c.form.endswith(INSTITUTIONS) and _called_after(text, c, m):
                placed.append(m)
                unknown.append(c)
                break
    return [m for m in known if m not in placed], sorted(unknown, key=lambda m: m.start)


def _called_after(text: str, name: Mention, place: Mention) -> bool:
    if name.start == place.start:
        return name.end > place.end  # 设计小镇 + 创新中心
    kind = place.form in INSTITUTIONS and not place.project
    return kind and name.end == place.end and bool(_PLACE_END.search(text, name.start, place.start))


# Kinds of institution a place may name (文旅区中小学, …小镇主题酒店).
INSTITUTIONS = ("中小学", "小学", "中学", "学校", "幼儿园", "医院", "酒店", "宾馆", "中心")
_PLACE_END = re.compile(r"(?:区|镇|乡|村|城)$")
_INSTITUTION_AFTER = re.compile(rf"[\u4e00-\u9fff]{{0,12}}?(?:{'|'.join(INSTITUTIONS)})")


def _unknown_names(text: str, clause: Span, known: list[Mention], cues: list[Cue]) -> list[Mention]:
    chars = list(masked(text, clause, known))
    for cue in cues:
        for i in range(cue.start - clause.start, cue.end - clause.start):
            chars[i] = "■"
    return [
        dataclasses.replace(c, form=text[c.start : c.end])
        for c in find_candidates("".join(chars), clause)
    ]


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
