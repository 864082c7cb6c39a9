"""Read what a clause says about the names in it: stage, year, milestone, confidence.

Names that follow one another with no stage word between them form a group that shares its verbs
(友谊医院通州院区二期、安贞医院通州院区等工程加快建设). Each stage word belongs to the nearest group
in its clause, so one sentence can start one project and finish another. The group's stage is then
decided from its words: partial progress first, then the strongest outright stage, then
preparatory work, then a verb of progress.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from app.extract import language
from app.extract.frames import Frame, ReportYears
from app.extract.language import STATUS_RANK, UNDER_CONSTRUCTION, Role
from app.extract.lexicon import Entity, fold, stated_count
from app.extract.mentions import Mention
from app.extract.sentences import Span

MASK = "□"
_CUE_WORDS = sorted(language.ROLES, key=len, reverse=True)
# 进入选址阶段 is not 入选 (a listing) but 选址 (choosing a site).
_NOT_AFTER = {"入选": "进"}
_CUE = re.compile(
    "|".join(
        (f"(?<!{_NOT_AFTER[w]})" if w in _NOT_AFTER else "") + re.escape(w) for w in _CUE_WORDS
    )
)
_NEGATION = re.compile(language.NEGATION_PATTERN)
_YEAR = re.compile(r"(20\d\d)年")
# A year written right before a stage word is that stage's own year: 预计2026年竣工、2027年投入使用.
_CUE_YEAR = re.compile(
    r"(?:(20\d\d)年|(今年|明年|次年|去年|上一年|前年))(?:年?[底初末中])?(?:[上下]半年)?(?:\d{1,2}月)?"
    r"(?:\d{1,2}日)?[^，。、；\d年]{0,5}$"
)
# A year said from the time of writing: a January report is written in the year it plans.
RELATIVE_YEARS = {"今年": 0, "明年": 1, "次年": 1, "去年": -1, "上一年": -1, "前年": -2}
CUE_YEAR_REACH = 16
AFTER_REACH = 20  # characters after a stage word that may tell what it finishes
_QUOTED = re.compile(r"“[^“”]*”")
# 开馆196天接待读者…, 通车三周年: how long since the stage, not the stage.
_SINCE = re.compile(r"^(?:\d+|[一二两三四五六七八九十]+)(?:天|个月|周年|年来|年以来)")
_HELD_BEFORE = re.compile(r"比?原(?:计划|定)")
_WHEN_OF = re.compile(r"^[\u4e00-\u9fff]{0,2}(?:时间|节点|日期|时限)")
# 完成 with these after it finishes no project: 完成投资, 完成年度任务; or only a share of it:
# 完成全部土方量的85%, 完成总工程量约八成.
_DONE_NOTHING = re.compile(r"^[^，。]{0,4}?(?:投资|任务|目标|计划|指标)")
_DONE_A_SHARE = re.compile(
    r"工程量|土方|\d+(?:\.\d+)?%|约?[一二三四五六七八九]成|^[^，。]{0,3}?(?:主体|结构|土建|桩基|基础|首段|首批|部分|大部分)"
    r"|^[^，。]{0,14}?(?:主体结构|主体工程|钢结构|启动区|起步区|首开区|启动段|片区|标段)"
)
# 年内通车的目标没有实现, 开工没有实现: the stage was a goal, and the goal was missed.
_GOAL_MISSED = re.compile(
    r"^(?:[^，。；]{0,8}?(?:目标|计划|预期|任务))?[^，。；]{0,4}?(?:没有|没能|未能|尚未|未)"
    r"(?:如期|按期|按时)?(?:实现|完成|达到|兑现)"
)
# 规划床位800张, 设计全长: a planned figure, not planning work.
_PLANNED_FIGURE = re.compile(
    r"^(?:床位|病床|面积|建筑|建设面积|建设规模|用地|总|人口|范围|全长|长度|规模|容量|座位|学位)"
    r"|^[^，。]{0,3}\d"
)

CONFIDENCE = {
    "status": 0.9,
    "partial": 0.85,
    "generic": 0.8,
    "preparatory": 0.75,
    "designation": 0.75,
}
AGENT_REACH = 12  # 分别由…: characters before a name where 由 makes it the agent
_NOT_BUILT = re.compile(r"由|串起|串联|连接|衔接|途经|联通")
# A clause with no name of its own speaks of the names the sentence began with.
CARRIED_PENALTY = 0.1
CONTAINER_CONFIDENCE = 0.6
FAR_PENALTY, FAR_GAP = 0.15, 12
FUTURE_PENALTY = 0.1
VIA_PROGRAMME_PENALTY = 0.1
# A name followed by this many characters of other nouns before its verb only qualifies them
# (运河商务区…屋顶分布式光伏开发): the clause tells the stage of something else.
MODIFIER_TAIL = 8
_TAIL_FILLER = re.compile(
    r"^[一二两三四五六七八九十\d]+[座条个所处项家][\u4e00-\u9fff]{0,4}?(?:建筑|项目|工程|道路|干路|场馆)"
    # a date, a length and a light verb say when and how much, not what else is built
    r"|于?\d{1,2}月(?:\d{1,2}日)?|[\d.]+(?:公里|千米|米)|实现|完成"
    r"|[\d.%万亿等的了个所家座条处项及和、与“”‘’\"']|一批"
)
_PARTS = ("片区", "区段", *language.PART_WORDS, *language.PHASE_WORDS)
MILESTONE_MAX = 24
_BRACKET = re.compile(r"[（(][^（）()]*[）)]")
_BUILDINGS = re.compile(r"楼|馆|中心|站房|车站|隧道|桥|结构|小学部|中学部|高中部|初中部")


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    word: str
    role: Role
    year: int | None = None  # a year written right before it
    from_now: int | None = None  # …or a year said from the time of writing (明年: 1)


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
    """Stage words of a blotted clause, and those among them that are negated (尚未通车) or only
    meant (原定年内投入使用)."""
    cues: list[Cue] = []
    negated: list[Cue] = []
    last_end = 0
    quoted = [q.span() for q in _QUOTED.finditer(blotted)]
    for match in _CUE.finditer(blotted):
        if any(start < match.start() < end for start, end in quoted):
            continue  # “设计之都”: a name or a slogan, no verb
        word, role = match.group(), language.ROLES[match.group()]
        after = blotted[match.end() : match.end() + AFTER_REACH]
        if word in language.NOUN_USE_WORDS and after[:2] in language.NOUN_USE_AFTER:
            continue
        if after.startswith(language.MEASURE_NOUNS) or after.startswith(language.AFTER_WORDS):
            continue
        if after.startswith(language.STATE_AFTER) or _SINCE.match(after):
            continue
        if word == "建成" and "把" in blotted[last_end : match.start()]:
            continue  # 把小镇建成…平台: made into something, not finished
        if _WHEN_OF.match(after):  # 竣工交付时间原本定在6月: when it was to happen, not that it did
            continue
        if after[:1] in ("区", "段") and word not in language.PARTIAL_WORDS:
            continue  # 启动区, 施工段: a part's name, not a stage
        if role == "preparatory" and (
            _PLANNED_FIGURE.match(after) or after[:1] in language.INSTITUTION_ENDINGS
        ):
            continue
        if word == "完成":
            if _DONE_NOTHING.match(after):
                continue
            if _DONE_A_SHARE.search(after):
                role = "partial"
        before = blotted[max(last_end, match.start() - language.NEGATION_REACH) : match.start()]
        last_end = match.end()
        year = _CUE_YEAR.search(blotted[max(0, match.start() - CUE_YEAR_REACH) : match.start()])
        cue = Cue(
            offset + match.start(),
            offset + match.end(),
            word,
            role,
            int(year.group(1)) if year and year.group(1) else None,
            RELATIVE_YEARS[year.group(2)] if year and year.group(2) else None,
        )
        meant = any(
            w in blotted[: match.start()] and f"比{w}" not in blotted[: match.start()]
            for w in language.PAST_INTENT_WORDS
        )  # 比原计划提前开工 happened
        if (
            meant
            or _NEGATION.search(before)
            or _GOAL_MISSED.match(after + blotted[match.end() + 12 :])
        ):
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
        # A rating belongs to what earns it, named before it (…景区正式晋升为国家5A级旅游景区);
        # moving in, to the place named after it.
        before = [g for g in groups if g.start < cue.start] if cue.role == "designation" else []
        if cue.word in language.BEFORE_NAME_WORDS:
            before = [g for g in groups if g.start >= cue.end]
            if not before:
                continue
        nearest = min(before or groups, key=lambda g: (_gap(cue, g), g.start > cue.start))
        if cue.word in language.AFTER_NAME_WORDS and cue.start < nearest.end:
            continue
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
    if any(word in tail for word in _PARTS) or _owns_buildings(tail):
        return False
    return len(_TAIL_FILLER.sub("", tail)) >= MODIFIER_TAIL


def _owns_buildings(tail: str) -> bool:
    """北京安贞医院通州院区的科研楼、会议中心和教学宿舍楼…封顶: the project's own buildings."""
    return tail.startswith("的") and bool(_BUILDINGS.search(tail))


def _stage(cues: list[Cue]) -> tuple[str, list[Cue], Role] | None:
    """The stage the cues of one group state, the cues that state it, and their role."""
    if any(c.role == "halt" for c in cues):
        return None  # 暂缓实施: a delay to read about, no stage to record
    steps = [c for c in cues if c.role in ("preparatory", "clearance")]
    if steps:
        # 完成…腾退, 规划编制完成: finishing a step before construction is not completion.
        cues = [replace(c, role="generic") if c.word == "完成" else c for c in cues]
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
    designations = [c for c in cues if c.role == "designation"]
    if designations:
        return "completed", designations, "designation"
    return None


def _designates(text: str, cues: list[Cue], clause: Span, entity: Entity) -> bool:
    """Whether the rating the clause names is the project's own goal: 晋升为国家5A级旅游景区 and
    大运河5A级旅游景区 share 5A级旅游景区."""
    rating = fold(text[cues[0].end : clause.end])
    forms = [fold(form) for form in entity.forms]
    pieces = {rating[i : i + 3] for i in range(len(rating) - 2)}
    return any(piece in form for piece in pieces for form in forms)


def _milestone(text: str, name: Mention, chosen: list[Cue], role: Role, clause: Span) -> str:
    """The words that tell the stage; for partial progress with what follows them in the clause
    (西线隧道首段贯通, 累计完工建筑面积440万平方米)."""
    first, last = min(c.start for c in chosen), max(c.end for c in chosen)
    if role == "partial" and first >= name.end:
        first = max(name.end, clause.start)
        if clause.end - first <= MILESTONE_MAX:
            last = clause.end
    phrase = text[first:last].strip("，,、")
    return phrase if len(phrase) <= MILESTONE_MAX else chosen[0].word


def _names_a_part(
    text: str, name: Mention, chosen: list[Cue], clause: Span, group: list[Mention]
) -> bool:
    """三座车站完成主体施工: the words between the name (or the clause's start) and its verb, or the
    next name listed with it, name a part of it; 全线通车 is the whole."""
    after = [c.start for c in chosen if c.start >= name.end]
    after += [n.start for n in group if n.start >= name.end and after and n.start < min(after)]
    between = text[max(name.end, clause.start) : min(after)] if after else ""
    # 城市大道及技术服务楼等17个单体建筑: after 等 comes the kind of the things listed, and a
    # bracket (北运河（通州段）) qualifies the name: neither names a part.
    between = _BRACKET.sub("", between.split("等")[0])
    if any(word in between for word in language.WHOLE_WORDS):
        return False
    return any(word in between for word in language.PART_WORDS) or _owns_buildings(between)


def _phase(text: str, name: Mention) -> str | None:
    """一期 right after a name without a phase of its own: the clause is about that phase."""
    following = text[name.end : name.end + 3]
    if "期" in name.form:
        return None
    return next((p for p in language.PHASE_WORDS if following.startswith(p)), None)


def _frame_of(
    text: str, clause: Span, frame: Frame, years: ReportYears, cues: list[Cue]
) -> tuple[Frame, bool]:
    """The clause's own frame: intent in a review announces next year's plan; a stated year
    in a plan is the year promised, unless it is written before a stage word of its own
    (平谷线开工建设并力争2022年基本完工: the start is this year's)."""
    words = text[clause.start : clause.end]
    intent = _HELD_BEFORE.sub("", words)  # 比原计划提前开工 happened
    if frame.kind == "event" and any(w in intent for w in language.FUTURE_WORDS):
        return Frame("target", years.plan), True
    own = {_own_year(c, years, frame) for c in cues}
    stated = [int(y) for y in _YEAR.findall(words) if int(y) not in own]
    later = [y for y in stated if y >= years.plan]
    if frame.kind == "target" and later:
        return Frame("target", max(later)), False
    return frame, False


def read_clause(
    text: str,
    clause: Span,
    names: list[Mention],
    frame: Frame,
    years: ReportYears,
    carried_from: Span | None = None,
) -> list[Finding]:
    """What the clause says about each of its names (known projects, programmes' members and
    unknown names); names it says nothing about are left out. With `carried_from`, the names are
    the subject of an earlier clause of the sentence (22号线全长81.2公里，北京段…全部开工)."""
    if not names:
        return []
    blotted = masked(text, clause, names)
    if carried_from is None:
        names = [n for n in names if not is_place(text, n)]
    cues, _negated = find_cues(blotted, clause.start)
    if not cues or not names:
        return []
    containers = _containers(names)
    inner_of = {id(outer): names[i] for i, outer in containers.items()}
    skip = {names.index(outer) for outer in containers.values()}
    part = frame  # the report's part: a review or a plan
    frame, switched = _frame_of(text, clause, frame, years, cues)
    stops = [c.start for c in cues] + [n.start for n in names]
    evidence = Span(carried_from.start, clause.end, "") if carried_from else clause
    findings: list[Finding] = []
    for group in _groups(names, cues, skip):
        if not group.cues or _is_agent(text, group, clause):
            continue
        if carried_from is None and _is_modifier(text, group, stops, clause):
            continue
        for year, cues_of_year in _by_year(group.cues, years, part):
            stage = _stage(cues_of_year)
            if stage is None:
                continue
            own_frame = _year_frame(year, frame, years)
            confidence = CONFIDENCE[stage[2]]
            if carried_from is not None:
                confidence -= CARRIED_PENALTY
            elif min(_gap(c, group) for c in stage[1]) > FAR_GAP:
                confidence -= FAR_PENALTY
            if switched and year is None:
                confidence -= FUTURE_PENALTY
            reading = _Read(stage, own_frame, round(confidence, 2), clause, evidence)
            findings += _group_findings(text, names, group, reading)
    return findings + _container_findings(names, inner_of, findings, evidence)


@dataclass(frozen=True)
class _Read:
    """What one group's cues of one year say, before it is told of each name."""

    stage: tuple[str, list[Cue], Role]
    frame: Frame
    confidence: float
    clause: Span
    evidence: Span


def _by_year(
    cues: list[Cue], years: ReportYears, frame: Frame
) -> list[tuple[int | None, list[Cue]]]:
    """The cues of a group by the year written before them (None: the clause's year)."""
    own = [(c, _own_year(c, years, frame)) for c in _chained(cues)]
    found = dict.fromkeys(year for _, year in own)
    return [(year, [c for c, y in own if y == year]) for year in found]


def _chained(cues: list[Cue]) -> list[Cue]:
    """对外开放试运营: a stage word right after another shares the year written before the first."""
    chained: list[Cue] = []
    for cue in sorted(cues, key=lambda c: c.start):
        last = chained[-1] if chained else None
        if last and cue.year is None and cue.from_now is None and cue.start - last.end <= 1:
            cue = replace(cue, year=last.year, from_now=last.from_now)
        chained.append(cue)
    return chained


def _own_year(cue: Cue, years: ReportYears, frame: Frame) -> int | None:
    """明年 is the year after the one the text speaks from; in a report whose parts speak from
    their own years, in a review the year after the one reviewed, in a plan the year after the
    one planned."""
    if cue.from_now is not None and years.written is not None:
        return years.written + cue.from_now
    if cue.from_now is not None:
        return (years.report if frame.kind == "event" else years.plan) + cue.from_now
    return cue.year


def _year_frame(year: int | None, frame: Frame, years: ReportYears) -> Frame:
    """A stage with its own year: what happened (in the years a review covers) or is promised."""
    if year is None:
        return frame
    if frame.kind == "event" and year <= years.report:
        return Frame("event", year)
    return Frame("target", year)


def is_place(text: str, name: Mention) -> bool:
    """新址在文化旅游区西北部, 同在文化旅游区的…, 行政办公区东侧、…西侧的北投大厦: where
    something stands, not what is built; nor is 除石小路外均已竣工 said of the name it excepts."""
    before = text[: name.start]
    if before.endswith(language.PLACE_BEFORE) or _BESIDE.match(text, name.end):
        return True
    return before.endswith("除") and text.startswith(("外", "以外", "之外"), name.end)


# 行政办公区东侧的…, 人大校区西侧、…: a side of a name, then what stands there.
_BESIDE = re.compile(r"(?:[东西南北]侧|以[东西南北]|[东西南北]边|周边|附近|旁边?)[、的]")


def _is_agent(text: str, group: _Group, clause: Span) -> bool:
    """分别由国家大剧院、首都图书馆…负责运营, 由奥莱、汀云小镇…组成: the names do the work or
    make up the whole; M101线串起运河商务区、副中心站枢纽…: what a line links. Neither is what is
    built."""
    before = text[max(clause.start, group.start - AGENT_REACH) : group.start]
    found = _NOT_BUILT.search(before)
    return found is not None and not _CUE.search(before[found.start() :])


def _group_findings(text: str, names: list[Mention], group: _Group, read: _Read) -> list[Finding]:
    status, chosen, role = read.stage
    clause, frame = read.clause, read.frame
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
        elif finished and _names_a_part(text, name, chosen, clause, group.names):
            own_status = UNDER_CONSTRUCTION
            milestone = _milestone(text, name, chosen, "partial", clause)
        reading = Reading(frame.kind, frame.year, own_status, milestone, read.confidence, basis)
        if not name.entities and role != "designation":
            findings.append(Finding(name, None, reading, read.evidence))
        for entity in name.of_kind("project"):
            if role != "designation" or _designates(text, chosen, clause, entity):
                findings.append(Finding(name, entity, reading, read.evidence))
        if role == "designation":
            continue
        for programme in name.of_kind("programme"):
            findings += _members(name, programme, named, reading, read.evidence)
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
