"""A Chinese placement note beside the English one (project.placement_zh and its read model),
so that the Chinese page says in Chinese how a project was placed.

The read model is derived data: its rows are dropped here and `tzmap migrate` builds them again
with the new property (app.migrate, readmodel.emptied). The notes themselves come from geodata/
with the next `tzmap load`; until then the page falls back to the English note.

Revision ID: 8e3b6c2d4f10
Revises: 5c1d0e7a9b21
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e3b6c2d4f10"
down_revision: str | None = "5c1d0e7a9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("project", sa.Column("placement_zh", sa.Text(), nullable=True))
    # Rebuilt by `tzmap migrate` (app.migrate) with the new property.
    op.execute("DELETE FROM project_feature")
    op.add_column("project_feature", sa.Column("placement_zh", sa.Text(), nullable=True))


def downgrade() -> None:
    # The stored features keep a property the older code does not list; harmless.
    op.drop_column("project_feature", "placement_zh")
    op.drop_column("project", "placement_zh")
