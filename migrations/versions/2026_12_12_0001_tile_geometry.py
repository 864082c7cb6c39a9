"""The read model keeps each geometry in Web Mercator too (project_feature.tile_geom, with a
spatial index by year), so that a vector tile is cut without transforming every feature again.

The read model is derived data: its rows are dropped here and `tzmap migrate` builds them again
with the new column (app.migrate, readmodel.emptied).

Revision ID: 6d2e9a4c1b07
Revises: 3f7a2c9e5b14
Create Date: 2026-12-12 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "6d2e9a4c1b07"
down_revision: str | None = "3f7a2c9e5b14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM project_feature")
    op.add_column(
        "project_feature",
        sa.Column("tile_geom", Geometry("GEOMETRY", srid=3857, spatial_index=False), nullable=True),
    )
    op.create_index(
        op.f("ix_project_feature_tile_geom_years"),
        "project_feature",
        ["tile_geom", "years"],
        postgresql_using="gist",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_project_feature_tile_geom_years"), table_name="project_feature")
    op.drop_column("project_feature", "tile_geom")
