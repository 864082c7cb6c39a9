"""Read what a clause says about the names in it: stage, year, milestone, confidence.

Names that follow one another with no stage word between them form a group that shares its verbs
(友谊医院通州院区二期、安贞医院通州院区等工程加快建设). Each stage word belongs to the nearest group
in its clause, so one sentence can start one project and finish another. The group's stage is then
decided from its words: partial progress first, then the strongest outright stage, then
preparatory work, then a verb of progress.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.extract import language
from app.extract.frames import Frame, ReportYears
from app.extract.language import STATUS_RANK, UNDER_CONSTRUCTION, Role
from app.extract.lexicon import Entity, stated_count
from app.extract.mentions import Mention
from app.extract.sentences import Span

MASK = "□"
_CUE_WORDS = sorted(language.ROLES, key=len, reverse=True)
_CUE = re.compile("|".join(re.escape(w) for w in _CUE_WORDS))
_NEGATION = re.compile(language.NEGATION_PATTERN)
_YEAR = re.compile(r"(20\d\d)年")

CONFIDENCE = {"status": 0.9, "partial": 0.85, "generic": 0.8, "preparatory": 0.75}
CONTAINER_CONFIDENCE = 0.6
FAR_PENALTY, FAR_GAP = 0.15, 12
FUTURE_PENALTY = 0.1
VIA_PROGRAMME_PENALTY = 0.1
# A name followed by this many characters of other nouns before its verb only qualifies them
# (运河商务区…屋顶分布式光伏开发): the clause tells the stage of something else.
MODIFIER_TAIL = 8
_TAIL_FILLER = re.compile(r"[\d.%万亿等的了个所家座条处项及和、与“”‘’\"']|一批")
_PARTS = ("片区", "区段", *language.PART_WORDS)
MILESTONE_MAX = 24


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    word: str
    role: Role


@dataclass(frozen=True)
class Reading:
    kind: str
    year: int
    status: str
    milestone: str | None
    confidence: float
    basis: str


@dataclass(frozen=True)
class Finding:
    """One name (or a programme's member) with what the clause says about it."""

    mention: Mention
    entity: Entity | None  # None: a name the catalogue does not know (a candidate)
    reading: Reading
    evidence: Span


@dataclass
class _Group:
    names: list[Mention]
    cues: list[Cue]

    @property
    def start(self) -> int:
        return self.names[0].start

    @property
    def end(self) -> int:
        return self.names[-1].end


def masked(text: str, clause: Span, names: list[Mention]) -> str:
    """The clause with its names blotted out, so that no stage word is read inside a name."""
    chars = list(text[clause.start : clause.end])
    for name in names:
        for i in range(max(name.start, clause.start), min(name.end, clause.end)):
            chars[i - clause.start] = MASK
    return "".join(chars)


def find_cues(blotted: str, offset: int) -> tuple[list[Cue], list[Cue]]:
    """Stage words of a blotted clause, and those among them that are negated."""
    cues, negated = [], []
    for match in _CUE.finditer(blotted):
        word = match.group()
        after = blotted[match.end() : match.end() + 2]
        if word in language.NOUN_USE_WORDS and after in language.NOUN_USE_AFTER:
            continue
        cue = Cue(offset + match.start(), offset + match.end(), word, language.ROLES[word])
        before = blotted[max(0, match.start() - 4) : match.start()]
        if _NEGATION.search(before):
            negated.append(cue)
        else:
            cues.append(cue)
    return cues, negated


def _containers(names: list[Mention]) -> dict[int, Mention]:
    """Names written right before another project's name, as its place (宋庄艺术创意小镇印象街):
    container by the index of the name it contains."""
    found = {}
    for i in range(1, len(names)):
        outer, inner = names[i - 1], names[i]
        if outer.end == inner.start and inner.project:
            found[i] = outer
    return found


def _groups(names: list[Mention], cues: list[Cue], skip: set[int]) -> list[_Group]:
    groups: list[_Group] = []
    for i, name in enumerate(names):
        if i in skip:
            continue
        last = groups[-1] if groups else None
        if last and not any(last.end <= c.start and c.end <= name.start for c in cues):
            last.names.append(name)
        else:
            groups.append(_Group([name], []))
    for cue in cues:
        nearest = min(groups, key=lambda g: (_gap(cue, g), g.start > cue.start))
        nearest.cues.append(cue)
    return groups


def _gap(cue: Cue, group: _Group) -> int:
    if cue.end <= group.start:
        return group.start - cue.end
    if cue.start >= group.end:
        return cue.start - group.end
    return 0


def _tail(text: str, group: _Group, stops: list[int], clause: Span) -> str:
    """The words between the group and what comes next: a stage word, a name, the clause's end."""
    end = min([s for s in stops if s >= group.end], default=clause.end)
    tail = text[group.end : end]
    return "" if tail.startswith("等") else tail


def _is_modifier(text: str, group: _Group, stops: list[int], clause: Span) -> bool:
    """Whether the names only qualify the nouns after them (运河商务区…屋顶分布式光伏开发)."""
    tail = _tail(text, group, stops, clause)
    if any(word in tail for word in _PARTS):
        return False
    return len(_TAIL_FILLER.sub("", tail)) >= MODIFIER_TAIL


def _stage(cues: list[Cue]) -> tuple[str, list[Cue], Role] | None:
    """The stage the cues of one group state, the cues that state it, and their role."""
    if any(c.role == "halt" for c in cues):
        return None  # 暂缓实施: a delay to read about, no stage to record
    steps = [c for c in cues if c.role in ("preparatory", "clearance")]
    if steps:
        # 完成…腾退, 规划编制完成: finishing a step before construction is not completion.
        cues = [Cue(c.start, c.end, c.word, "generic") if c.word == "完成" else c for c in cues]
    partial = [c for c in cues if c.role == "partial"]
    if partial:
        return UNDER_CONSTRUCTION, partial, "partial"
    outright = [c for c in cues if c.role == "status"]
    if outright:
        best = max(STATUS_RANK[language.STATUS_WORDS[c.word]] for c in outright)
        chosen = [c for c in outright if STATUS_RANK[language.STATUS_WORDS[c.word]] == best]
        return language.STATUS_WORDS[chosen[0].word], chosen, "status"
    preparatory = [c for c in cues if c.role == "preparatory"]
    if preparatory:
        return "planned", preparatory, "preparatory"
    progress = [c for c in cues if c.role in ("generic", "clearance")]
    if progress:
        return UNDER_CONSTRUCTION, progress, "generic"
    return None


def _milestone(text: str, name: Mention, chosen: list[Cue], role: Role, clause: Span) -> str:
    """The words that tell the stage; for partial progress with what follows them in the clause
    (西线隧道首段贯通, 累计完工建筑面积440万平方米)."""
    first, last = min(c.start for c in chosen), max(c.end for c in chosen)
    if role == "partial" and first >= name.end:
        first = name.end
        if clause.end - first <= MILESTONE_MAX:
            last = clause.end
    phrase = text[first:last].strip("，,、")
    return phrase if len(phrase) <= MILESTONE_MAX else chosen[0].word


def _names_a_part(text: str, name: Mention, chosen: list[Cue]) -> bool:
    """三座车站完成主体施工: the words between the name and its verb name a part of it."""
    after = [c.start for c in chosen if c.start >= name.end]
    between = text[name.end : min(after)] if after else ""
    return any(word in between for word in language.PART_WORDS)


def _phase(text: str, name: Mention) -> str | None:
    """一期 right after a name without a phase of its own: the clause is about that phase."""
    following = text[name.end : name.end + 3]
    if "期" in name.form:
        return None
    return next((p for p in language.PHASE_WORDS if following.startswith(p)), None)


def _frame_of(text: str, clause: Span, frame: Frame, years: ReportYears) -> tuple[Frame, bool]:
    """The clause's own frame: intent in a review announces next year's plan; a stated year
    in a plan is the year promised."""
    words = text[clause.start : clause.end]
    if frame.kind == "event" and any(w in words for w in language.FUTURE_WORDS):
        return Frame("target", years.plan), True
    stated = [int(y) for y in _YEAR.findall(words)]
    later = [y for y in stated if y >= years.plan]
    if frame.kind == "target" and later:
        return Frame("target", max(later)), False
    return frame, False


def read_clause(
    text: str, clause: Span, names: list[Mention], frame: Frame, years: ReportYears
) -> list[Finding]:
    """What the clause says about each of its names (known projects, programmes' members and
    unknown names); names it says nothing about are left out."""
    if not names:
        return []
    blotted = masked(text, clause, names)
    cues, _negated = find_cues(blotted, clause.start)
    if not cues:
        return []
    containers = _containers(names)
    inner_of = {id(outer): names[i] for i, outer in containers.items()}
    skip = {names.index(outer) for outer in containers.values()}
    frame, switched = _frame_of(text, clause, frame, years)
    stops = [c.start for c in cues] + [n.start for n in names]
    findings: list[Finding] = []
    for group in _groups(names, cues, skip):
        if not group.cues or _is_modifier(text, group, stops, clause):
            continue
        stage = _stage(group.cues)
        if stage is None:
            continue
        findings += _group_findings(text, clause, names, group, stage, frame, switched)
    return findings + _container_findings(names, inner_of, findings, clause)


def _group_findings(
    text: str,
    clause: Span,
    names: list[Mention],
    group: _Group,
    stage: tuple[str, list[Cue], Role],
    frame: Frame,
    switched: bool,
) -> list[Finding]:
    status, chosen, role = stage
    confidence = CONFIDENCE[role]
    if min(_gap(c, group) for c in chosen) > FAR_GAP:
        confidence -= FAR_PENALTY
    if switched:
        confidence -= FUTURE_PENALTY
    basis = "、".join(dict.fromkeys(c.word for c in chosen))
    named = {e.id for n in names for e in n.of_kind("project")}
    findings = []
    for name in group.names:
        milestone = _milestone(text, name, chosen, role, clause)
        own_status = status
        phase = _phase(text, name)
        finished = STATUS_RANK[status] > STATUS_RANK[UNDER_CONSTRUCTION]
        if phase and finished:
            own_status, milestone = UNDER_CONSTRUCTION, f"{phase}{basis}"
        elif finished and _names_a_part(text, name, chosen):
            own_status = UNDER_CONSTRUCTION
            milestone = _milestone(text, name, chosen, "partial", clause)
        reading = Reading(frame.kind, frame.year, own_status, milestone, confidence, basis)
        if not name.entities:
            findings.append(Finding(name, None, reading, clause))
        for entity in name.of_kind("project"):
            findings.append(Finding(name, entity, reading, clause))
        for programme in name.of_kind("programme"):
            findings += _members(name, programme, named, reading, clause)
    return findings


def _members(
    name: Mention, programme: Entity, named: set[str], reading: Reading, clause: Span
) -> list[Finding]:
    """A programme whose name counts exactly its members (绿心三大文化设施) stands for them."""
    if not programme.members or stated_count(name.form) != len(programme.members):
        return []
    via = Reading(
        reading.kind,
        reading.year,
        reading.status,
        reading.milestone,
        round(reading.confidence - VIA_PROGRAMME_PENALTY, 2),
        f"{reading.basis} (via {programme.name})",
    )
    # Only the member's id is at hand here; the proposal takes its name from the lexicon.
    return [
        Finding(name, Entity("project", member, member, ()), via, clause)
        for member in programme.members
        if member not in named
    ]


def _container_findings(
    names: list[Mention], inner_of: dict[int, Mention], findings: list[Finding], clause: Span
) -> list[Finding]:
    """The place of a project being built or finished is itself under construction."""
    result = []
    for outer in names:
        inner = inner_of.get(id(outer))
        if inner is None:
            continue
        about_inner = [f.reading for f in findings if f.mention is inner]
        if not about_inner or about_inner[0].status == "planned":
            continue
        first = about_inner[0]
        reading = Reading(
            first.kind,
            first.year,
            UNDER_CONSTRUCTION,
            None,
            CONTAINER_CONFIDENCE,
            f"{inner.form} {first.basis}",
        )
        result += [Finding(outer, e, reading, clause) for e in outer.of_kind("project")]
    return result
