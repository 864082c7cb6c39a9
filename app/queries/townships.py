"""Townships with the number of projects in each status as of a year, and the loaded townships
that filters and accounts name."""

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, case, func, literal, select
from sqlalchemy.sql.selectable import Subquery

from app import vocab
from app.errors import InvalidParameter
from app.models import Township
from app.queries.projects import Year, project_rows

STATUS_COUNT_NAMES = tuple(f"count_{s}" for s in vocab.STATUSES)

PROPERTIES = (
    "name",
    "code",
    "kind",
    "boundary_quality",
    "membership",
    "source",
    "year",
    "count_total",
    "count_not_reported",
    *STATUS_COUNT_NAMES,
    "count_behind_plan",
)


def township_rows(year: Year) -> Subquery:
    projects = project_rows(year)
    linked = select(
        func.unnest(projects.c.township_codes).label("township_code"),
        projects.c.status,
        projects.c.behind_plan,
    ).subquery("linked")
    counts = [
        func.count().filter(linked.c.status == s).label(name)
        for s, name in zip(vocab.STATUSES, STATUS_COUNT_NAMES, strict=True)
    ]
    per_township = (
        select(
            linked.c.township_code,
            func.count().label("count_total"),
            func.count().filter(linked.c.status.is_(None)).label("count_not_reported"),
            *counts,
            func.count().filter(linked.c.behind_plan).label("count_behind_plan"),
        )
        .group_by(linked.c.township_code)
        .subquery("per_township")
    )
    count_columns = [
        func.coalesce(per_township.c[name], 0).label(name)
        for name in ("count_total", "count_not_reported", *STATUS_COUNT_NAMES, "count_behind_plan")
    ]
    return (
        select(
            Township.code.label("id"),
            Township.geom,
            Township.name,
            Township.code,
            Township.kind,
            Township.boundary_quality,
            # Which projects lie in a township is estimated unless its boundary is official.
            case((Township.boundary_quality == "official", "official"), else_="estimated").label(
                "membership"
            ),
            Township.source,
            literal(year).label("year") if isinstance(year, int) else year.label("year"),
            *count_columns,
        )
        .join(per_township, per_township.c.township_code == Township.code, isouter=True)
        .subquery("townships")
    )


@dataclass(frozen=True)
class LoadedTownships:
    names: dict[str, str]  # code → name, in code order
    # The least exact quality of their boundaries (None while none is loaded): whether
    # membership is estimated (vocab.membership_estimated) follows from it, never from an
    # assumption.
    boundary_quality: str | None

    def codes(self, values: Iterable[str]) -> list[str]:
        """Names, 12-digit codes or their 9-digit prefixes as codes, in the order given; an
        unknown one is an error naming the known ones."""
        by_key = {name: code for code, name in self.names.items()} | {c: c for c in self.names}
        by_key |= {code[:9]: code for code in self.names}
        codes = []
        for value in values:
            if value not in by_key:
                known = ", ".join(f"{name} ({code})" for code, name in self.names.items())
                raise InvalidParameter(f"unknown township '{value}'; valid townships: {known}")
            codes.append(by_key[value])
        return codes


class _PerVersion:
    """The loaded townships of the current data version (every load or import that changes a
    township bumps it), so that a request naming a township costs no query for it."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int], LoadedTownships] = {}
        self._lock = threading.Lock()

    def get(self, conn: Connection, version: int | None) -> LoadedTownships:
        key = (str(conn.engine.url), version or 0)  # one process may serve several databases
        with self._lock:
            if version is not None and key in self._known:
                return self._known[key]
        rows = conn.execute(
            select(Township.code, Township.name, Township.boundary_quality).order_by(Township.code)
        ).all()
        loaded = LoadedTownships(
            {code: name for code, name, _ in rows},
            vocab.least_exact_boundary([quality for _, _, quality in rows]),
        )
        if version is not None:
            with self._lock:
                self._known[key] = loaded
                for old in [k for k in self._known if k[0] == key[0] and k[1] < key[1]]:
                    del self._known[old]  # only the current version is asked again
        return loaded


_LOADED = _PerVersion()


def loaded_townships(conn: Connection, version: int | None = None) -> LoadedTownships:
    """The loaded townships; with the read model's `version`, remembered for that version."""
    return _LOADED.get(conn, version)
