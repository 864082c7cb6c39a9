"""Find the known names in a text: leftmost, longest match first.

Longest first means a name wins over a shorter alias inside it: 东六环入地改造 is one mention, not
a mention of 东六环 as well; 台湖演艺小镇图书城 names the book city, not the town.

A name is read as reports write it: with the city before it (北京友谊医院通州院区二期 for
友谊医院通州院区二期), and with another name of the same thing in brackets after it
(22号线（平谷线）, 紫运中路（芙蓉东路）).
"""

from dataclasses import dataclass

from app.extract.lexicon import Entity, Lexicon, fold

# The city an institution's full name starts with; a mention takes it in.
CITY_PREFIXES = ("北京城市", "北京市", "北京", "中国")
BRACKET_MAX = 12  # characters of a bracketed other name, brackets included


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    form: str
    entities: tuple[Entity, ...]

    def of_kind(self, kind: str) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if e.kind == kind)

    @property
    def project(self) -> Entity | None:
        projects = self.of_kind("project")
        return projects[0] if projects else None


def find_mentions(
    text: str, lexicon: Lexicon, start: int = 0, end: int | None = None
) -> list[Mention]:
    end = len(text) if end is None else end
    span = fold(text[start:end])  # offsets below count from `start`
    found: list[Mention] = []
    i = 0
    while i < len(span):
        i, form = _longest_after_city(span, i, len(span), lexicon)
        if form is None:
            i += 1
            continue
        entities = lexicon.by_form[form]
        first = _with_city(span, i, found[-1].end - start if found else 0)
        last = _with_bracket(span, i + len(form), len(span), lexicon, entities)
        found.append(
            Mention(start + first, start + last, text[start + first : start + last], entities)
        )
        i = last
    return _merge_repeats(found)


def _longest_at(text: str, i: int, end: int, lexicon: Lexicon) -> str | None:
    for form in lexicon.by_first.get(text[i], ()):
        if i + len(form) <= end and text.startswith(form, i):
            return form
    return None


def _longest_after_city(text: str, i: int, end: int, lexicon: Lexicon) -> tuple[int, str | None]:
    """The match at i, or the one right after the city's name when that reaches further:
    中国人民大学通州新校区一期 is the first phase, not the campus followed by 一期."""
    form = _longest_at(text, i, end, lexicon)
    for prefix in CITY_PREFIXES:
        if text.startswith(prefix, i):
            after = _longest_at(text, i + len(prefix), end, lexicon)
            if after and (form is None or len(prefix) + len(after) > len(form)):
                return i + len(prefix), after
            break
    return i, form


def _with_city(text: str, i: int, floor: int) -> int:
    """Where the name starts when the city's name comes right before it."""
    for prefix in CITY_PREFIXES:
        if i - len(prefix) >= floor and text.startswith(prefix, i - len(prefix)):
            return i - len(prefix)
    return i


def _with_bracket(
    text: str, i: int, end: int, lexicon: Lexicon, entities: tuple[Entity, ...]
) -> int:
    """Where the name ends when a bracket after it gives another name of the same thing (or a
    name the catalogue does not know); a bracket that lists several things is not a name."""
    if not text.startswith("(", i):
        return i
    close = text.find(")", i, min(end, i + BRACKET_MAX))
    inside = text[i + 1 : close]
    if close < 0 or not inside or any(sep in inside for sep in "、,，"):
        return i
    known = [
        form
        for k, char in enumerate(inside)
        for form in lexicon.by_first.get(char, ())
        if inside.startswith(form, k)
    ]
    if known and not any(lexicon.by_form[form] == entities for form in known):
        return i
    return close + 1


def _merge_repeats(mentions: list[Mention]) -> list[Mention]:
    """Two names of one project side by side (南大街片区十八个半截胡同) are one mention."""
    merged: list[Mention] = []
    for mention in mentions:
        last = merged[-1] if merged else None
        if last and last.end == mention.start and last.entities == mention.entities:
            merged[-1] = Mention(last.start, mention.end, last.form, last.entities)
        else:
            merged.append(mention)
    return merged
