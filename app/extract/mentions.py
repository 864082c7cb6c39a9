"""Find the known names in a text: leftmost, longest match first.

Longest first means a name wins over a shorter alias inside it: 东六环入地改造 is one mention, not
a mention of 东六环 as well; 台湖演艺小镇图书城 names the book city, not the town.
"""

from dataclasses import dataclass

from app.extract.lexicon import Entity, Lexicon


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
    found: list[Mention] = []
    i = start
    while i < end:
        form = _longest_at(text, i, end, lexicon)
        if form is None:
            i += 1
            continue
        mention = Mention(i, i + len(form), form, lexicon.by_form[form])
        found.append(mention)
        i = mention.end
    return _merge_repeats(found)


def _longest_at(text: str, i: int, end: int, lexicon: Lexicon) -> str | None:
    for form in lexicon.by_first.get(text[i], ()):
        if i + len(form) <= end and text.startswith(form, i):
            return form
    return None


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
