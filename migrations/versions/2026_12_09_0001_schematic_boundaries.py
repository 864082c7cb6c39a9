"""Schematic boundaries (issue 14): a boundary quality `schematic` beside `official` and
`approximate`, for the shipped township polygons, which are cells built from the seats and named
places, not boundaries right to within a kilometre.

The shipped townships are relabelled by `tzmap load` from geodata/; an imported official boundary
keeps its quality. Downgrading turns `schematic` back into `approximate`, the only other label the
older schema knows for a boundary that is not official.

Revision ID: 5c1d0e7a9b21
Revises: ff0015514b56
Create Date: 2026-12-09 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5c1d0e7a9b21"
down_revision: str | None = "ff0015514b56"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("district", "township")
NEW = "boundary_quality IN ('official', 'approximate', 'schematic')"
OLD = "boundary_quality IN ('approximate', 'official')"


def _replace(table: str, condition: str) -> None:
    op.drop_constraint(op.f(f"ck_{table}_quality"), table, type_="check")
    op.create_check_constraint(op.f(f"ck_{table}_quality"), table, condition)


def upgrade() -> None:
    for table in TABLES:
        _replace(table, NEW)


def downgrade() -> None:
    for table in TABLES:
        op.execute(
            f"UPDATE {table} SET boundary_quality = 'approximate'"
            " WHERE boundary_quality = 'schematic'"
        )
        _replace(table, OLD)
