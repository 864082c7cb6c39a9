"""Figures for programmes and indicators: 完成5个老旧小区综合整治, 森林覆盖率达34%左右.

The number nearest to the name in its clause, with no other name between them, is the figure;
its unit must agree with the programme's or indicator's unit for a confident proposal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.extract.frames import Frame
from app.extract.lexicon import Entity
from app.extract.mentions import Mention
from app.extract.sentences import Span

_NUMBER = re.compile(
    r"(?P<before>超过|超|突破|不少于|不低于|近|约|达到|达|下降|减少|降低)?"
    r"(?P<value>\d+(?:\.\d+)?)(?P<scale>万|亿)?(?P<more>余|多)?"
    r"(?P<unit>平方米|吨/日|公里/平方公里|公里|千米|km|公顷|亩|元|%|微克/立方米|个|所|家|座|条|"
    r"处|套|张|辆|人|户|项|村|吨)?"
    r"(?P<after>左右|以上|以内|以下)?"
)
_UNIT_ALIASES = {
    "公里": "km",
    "千米": "km",
    "公里/平方公里": "km/km²",
    "微克/立方米": "μg/m³",
}
_FALLING = ("下降", "减少", "降低")
_AT_LEAST = ("超过", "超", "突破", "不少于", "不低于")
_NOT_A_FIGURE = set("年月日号Gg-—")
SCALE = {"万": 10_000, "亿": 100_000_000}

CONFIDENT, UNSURE = 0.8, 0.5


@dataclass(frozen=True)
class Figure:
    mention: Mention
    entity: Entity
    kind: str  # event (an actual, or an estimate) or target
    value_kind: str  # actual, estimate, target
    year: int
    value: float
    unit: str | None
    qualifier: str | None
    confidence: float
    evidence: Span


def _unit(raw: str | None) -> str | None:
    return _UNIT_ALIASES.get(raw, raw) if raw else None


def _measure(match: re.Match[str], entity_unit: str | None) -> tuple[float, str | None]:
    """The value and unit, in the entity's unit when the text writes it (万平方米, 亿元)."""
    value = float(match.group("value"))
    scale = match.group("scale") or ""
    unit = _unit(match.group("unit"))
    if scale and _unit(scale + (match.group("unit") or "")) == entity_unit:
        unit = entity_unit
    elif scale:
        value *= SCALE[scale]
    if match.group("before") in _FALLING:
        value = -value
    return (int(value) if value.is_integer() else value), unit


def _qualifier(match: re.Match[str]) -> str | None:
    if match.group("after") == "左右" or match.group("before") in ("近", "约"):
        return "about"
    if match.group("before") in _AT_LEAST or match.group("after") == "以上" or match.group("more"):
        return "at_least"
    if match.group("after") in ("以内", "以下"):
        return "at_most"
    return None


def _nearest(
    text: str, clause: Span, mention: Mention, names: list[Mention]
) -> re.Match[str] | None:
    """The number closest to the mention with no other name and no list break in between."""
    best, best_gap = None, None
    for match in _NUMBER.finditer(text, clause.start, clause.end):
        start, end = match.start("value"), match.end()
        if text[match.end("value") : match.end("value") + 1] in _NOT_A_FIGURE:
            continue  # 2022年, 1-11月, 5G
        if any(n.start <= start < n.end for n in names):
            continue  # a digit inside a name (5G基站, 6号线南延)
        lo, hi = (end, mention.start) if end <= mention.start else (mention.end, start)
        if lo > hi or any(lo <= n.start < hi for n in names if n is not mention):
            continue
        between = text[lo:hi]
        if "、" in between and "各" not in between:
            continue  # 总部机构40家以上、财富管理机构突破200家: each item has its own number
        if best_gap is None or hi - lo < best_gap:
            best, best_gap = match, hi - lo
    return best


def _agrees(match: re.Match[str], entity: Entity) -> bool:
    unit = _measure(match, _unit(entity.unit))[1]
    return unit is not None and unit == _unit(entity.unit)


def _entities(mention: Mention, match: re.Match[str]) -> tuple[Entity, ...]:
    """The programmes and indicators the name may mean; where it is ambiguous, those whose unit
    agrees with the figure's (地区生产总值 892.3亿元 is the amount, not its growth)."""
    entities = mention.of_kind("programme") + mention.of_kind("indicator")
    agreeing = tuple(e for e in entities if _agrees(match, e))
    return agreeing or entities


def read_figures(
    text: str, clause: Span, names: list[Mention], frame: Frame, estimate: bool
) -> list[Figure]:
    words = text[clause.start : clause.end]
    figures = []
    for mention in names:
        if not (mention.of_kind("programme") or mention.of_kind("indicator")):
            continue
        match = _nearest(text, clause, mention, names)
        if match is None:
            continue
        candidates = _entities(mention, match)
        for entity in candidates:
            value, unit = _measure(match, _unit(entity.unit))
            sure = _agrees(match, entity) and len(candidates) == 1
            # 分别为 99.64%、93.46%: figures given in order, which the nearest number misreads.
            sure = sure and "分别" not in words
            # 1-2家: a range, whose bound the reader should choose.
            sure = sure and not re.search(r"\d[-—~至到]$", text[: match.start("value")])
            value_kind = "target" if frame.kind == "target" else "actual"
            if estimate and frame.kind == "event" and entity.kind == "indicator":
                value_kind = "estimate"
            figures.append(
                Figure(
                    mention,
                    entity,
                    frame.kind,
                    value_kind,
                    frame.year,
                    value,
                    unit,
                    _qualifier(match),
                    CONFIDENT if sure else UNSURE,
                    clause,
                )
            )
    return figures
