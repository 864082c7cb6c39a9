"""The names a report may use: projects, programmes and indicators with their aliases.

Read from the database (`read_lexicon`), so that projects users loaded or edited are known too, or
from the catalogue files (`lexicon_from_catalogue`) where there is no database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, select

from app.models import Indicator, Programme, ProgrammeMember, Project, ProjectAlias
from app.queries.projects import published

EntityKind = Literal["project", "programme", "indicator"]

# Shorter forms match inside too many unrelated words to be worth it.
MIN_FORM_LENGTH = 2

# Full-width brackets, digits and Latin letters read as their ASCII forms: 22号线（平谷线） is
# 22号线(平谷线). One code point for one, so offsets into the folded text are offsets into the text.
_FOLD = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})


QUOTED_KIND_MIN = 3  # 商业娱乐综合体 after “湾里”: the kind word after a quoted proper part


def fold(text: str) -> str:
    return text.translate(_FOLD)


def spellings(form: str) -> set[str]:
    """The ways reports write one name: 校区 and 新校区 for one campus, 北京(通州)… for 北京…,
    城市副中心… for 副中心…,
    its proper part in quotes (“湾里”商业娱乐综合体: the mention starts inside the quotes)."""
    found = {fold(form)}
    for name in list(found):
        if "校区" in name and "新校区" not in name:
            found.add(name.replace("校区", "新校区", 1))
            found.add(name.replace("校区", "分校", 1))
        if name.startswith("北京") and not name.startswith("北京("):
            found.add("北京(通州)" + name.removeprefix("北京"))
        if name.startswith("副中心"):
            found.add("城市" + name)
    for name in list(found):
        found |= {name[:k] + "”" + name[k:] for k in range(2, len(name) - QUOTED_KIND_MIN + 1)}
    return found


@dataclass(frozen=True)
class Entity:
    kind: EntityKind
    id: str
    name: str
    forms: tuple[str, ...]
    unit: str | None = None
    members: tuple[str, ...] = ()  # a programme's member projects


@dataclass
class Lexicon:
    entities: list[Entity]
    by_form: dict[str, tuple[Entity, ...]] = field(init=False)
    # Forms by their first character, longest first: what a scan tries at each position.
    by_first: dict[str, list[str]] = field(init=False)
    by_id: dict[tuple[EntityKind, str], Entity] = field(init=False)

    def __post_init__(self) -> None:
        # by_form: the folded spellings of every form; a text is folded before it is matched.
        by_form: dict[str, list[Entity]] = defaultdict(list)
        for entity in self.entities:
            for name in entity.forms:
                for form in spellings(name):
                    if len(form) >= MIN_FORM_LENGTH and entity not in by_form[form]:
                        by_form[form].append(entity)
        self.by_form = {form: tuple(found) for form, found in by_form.items()}
        by_first: dict[str, list[str]] = defaultdict(list)
        for form in sorted(self.by_form, key=len, reverse=True):
            by_first[form[0]].append(form)
        self.by_first = dict(by_first)
        self.by_id = {(e.kind, e.id): e for e in self.entities}

    def entity(self, kind: str, entity_id: str) -> Entity | None:
        return next((e for e in self.entities if e.kind == kind and e.id == entity_id), None)

    def project(self, project_id: str) -> Entity | None:
        return self.by_id.get(("project", project_id))

    def first_phase(self, project_id: str) -> Entity | None:
        """The project that is the first phase of this one (人民大学通州校区一期), if any."""
        project = self.project(project_id)
        if project is None:
            return None
        phases = {fold(form) + word for form in project.forms for word in ("一期", "一期工程")}
        return next(
            (e for e in self.entities if e.kind == "project" and phases & set(map(fold, e.forms))),
            None,
        )

    def evidence_names(self, project_id: str) -> list[str]:
        """Names whose presence lets a text range support a fact about the project."""
        project = self.project(project_id)
        if project is None:
            return []
        names = list(project.forms)
        for entity in self.entities:
            if entity.kind == "programme" and project_id in entity.members:
                names += entity.forms
        return names


def _forms(name: str, aliases: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([name, *aliases]))


def read_lexicon(conn: Connection) -> Lexicon:
    aliases: dict[str, list[str]] = defaultdict(list)
    for alias, project_id in conn.execute(select(ProjectAlias.alias, ProjectAlias.project_id)):
        aliases[project_id].append(alias)
    members: dict[str, list[str]] = defaultdict(list)
    for programme_id, project_id in conn.execute(
        select(ProgrammeMember.programme_id, ProgrammeMember.project_id)
    ):
        members[programme_id].append(project_id)
    entities = [
        Entity("project", pid, name, _forms(name, sorted(aliases[pid])))
        for pid, name in conn.execute(
            select(Project.id, Project.name).where(published()).order_by(Project.id)
        )
    ]
    rows = conn.execute(
        select(Programme.id, Programme.name, Programme.aliases, Programme.unit).order_by(
            Programme.id
        )
    )
    entities += [
        Entity("programme", pid, name, _forms(name, names), unit, tuple(sorted(members[pid])))
        for pid, name, names, unit in rows
    ]
    rows = conn.execute(
        select(Indicator.id, Indicator.name, Indicator.aliases, Indicator.unit).order_by(
            Indicator.id
        )
    )
    entities += [
        Entity("indicator", iid, name, _forms(name, names), unit) for iid, name, names, unit in rows
    ]
    return Lexicon(entities)


def lexicon_from_catalogue(root: Path) -> Lexicon:
    """The names in the catalogue files of `root` (validated as `tzmap load` would)."""
    from app.geodata.validate import read_catalogue

    catalogue = read_catalogue(root)
    members: dict[str, list[str]] = defaultdict(list)
    entities = []
    for project in catalogue.projects:
        p = project.properties
        entities.append(Entity("project", project.id, p.name, _forms(p.name, p.names)))
        for programme_id in p.programmes:
            members[programme_id].append(project.id)
    for g in catalogue.programmes:
        forms = _forms(g.name, g.aliases)
        entities.append(Entity("programme", g.id, g.name, forms, g.unit, tuple(members[g.id])))
    for i in catalogue.indicators:
        entities.append(Entity("indicator", i.id, i.name, _forms(i.name, i.aliases), i.unit))
    return Lexicon(entities)


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}
_COUNTED = re.compile(r"(\d+|[一二三四五六七八九十]+)(?:大|个|条|座|所|家|镇|处|项)")


def stated_count(form: str) -> int | None:
    """How many things a programme's name says it holds: 三大文化设施 3, 17条断头路 17,
    副中心大剧院、图书馆、博物馆 3; None when it does not say."""
    if "、" in form:
        return form.count("、") + 1
    match = _COUNTED.search(form)
    if match is None:
        return None
    number = match.group(1)
    if number.isdigit():
        return int(number)
    if len(number) == 1:
        return _DIGITS[number]
    return None  # 十一, 二十 …: no closed programme of the catalogue is that large
