"""Project rows as of a year, read from the read model (see app/readmodel.py for what a project
shows as of a year and how it is kept current)."""

import functools
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.sql.selectable import Subquery

from app.models import Project, ProjectFeature
from app.readmodel import PROPERTIES

Year = ColumnElement[int] | int


def published() -> ColumnElement[bool]:
    """Retired projects keep their history but leave the map, the feeds and the prints."""
    return Project.retired_at.is_(None)


@functools.lru_cache(maxsize=64)
def project_rows(year: Year) -> Subquery:
    """Every published project with its properties as of `year`, and its stored feature text
    (in CRS84 with every property), as a subquery to filter and page. Kept per year: building
    it and its column collections is most of what a request spends on SQL construction."""
    f: Any = ProjectFeature.__table__.c
    return (
        select(
            f.id,
            f.geom,
            f.tile_geom,
            f.tile_geom_generalised,
            *(f[name] for name in PROPERTIES),
            f.feature,
        )
        .where(f.years.contains(year))
        .subquery("projects")
    )
