"""The read model keeps a generalised copy of each tile geometry
(project_feature.tile_geom_generalised, simplified to a quarter pixel at zoom 12), from which
tiles up to zoom 12 are cut.

The read model is derived data: its rows are dropped here and `tzmap migrate` builds them again
with the new column (app.migrate, readmodel.emptied).

Revision ID: 8b5e1f0c7a23
Revises: 6d2e9a4c1b07
Create Date: 2026-12-13 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "8b5e1f0c7a23"
down_revision: str | None = "6d2e9a4c1b07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM project_feature")
    op.add_column(
        "project_feature",
        sa.Column(
            "tile_geom_generalised",
            Geometry("GEOMETRY", srid=3857, spatial_index=False),
            nullable=True,
        ),
    )


def downgrade() -> None:
    op.drop_column("project_feature", "tile_geom_generalised")
