"""An index of the read model's ids per plan year, for paging a year's features in id order.

The id index holds every range of years of a project, so a page deep in a year skipped about
3.6 index entries per project (270,000 for offset 90,000 in 100,000 projects). Each of these
holds only the rows of its year. The years are written out: a migration is a record, and the
plan period may change after it.

Revision ID: 3f7a2c9e5b14
Revises: 8e3b6c2d4f10
Create Date: 2026-12-11 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f7a2c9e5b14"
down_revision: str | None = "8e3b6c2d4f10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

YEARS = range(2021, 2027)
FILTERS = ["years", "township_codes", "status", "behind_plan", "category", "programmes"]


def upgrade() -> None:
    for year in YEARS:
        op.create_index(
            f"ix_project_feature_id_{year}",
            "project_feature",
            ["id"],
            postgresql_include=FILTERS,
            postgresql_where=sa.text(f"years @> {year}"),
        )


def downgrade() -> None:
    for year in YEARS:
        op.drop_index(f"ix_project_feature_id_{year}", table_name="project_feature")
