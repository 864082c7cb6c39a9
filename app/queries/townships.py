"""Townships with the number of projects in each status as of a year."""

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.sql.selectable import Subquery

from app import vocab
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


def boundary_qualities() -> Select[tuple[str]]:
    """The boundary qualities of the loaded townships: whether membership is estimated
    (vocab.membership_estimated) follows from them, never from an assumption."""
    return select(Township.boundary_quality).distinct()
