"""Catalogue corrections (issue 14): a Chinese description beside the English one (project and
its read model), the stage a programme counts (programme.stage), and mentions: where a
document names a project without giving it a stage (project_mention).

The read model is derived data: its rows are dropped here and `tzmap migrate` builds them again
with the new property.

Revision ID: ff0015514b56
Revises: 2a63757cd0f0
Create Date: 2026-12-08 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ff0015514b56"
down_revision: str | None = "2a63757cd0f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "tzmap_app"  # see the living-map revision: it reads everything


def _app_role_exists() -> bool:
    query = f"SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}'"
    return op.get_bind().exec_driver_sql(query).first() is not None


def upgrade() -> None:
    op.add_column(
        "project", sa.Column("description_zh", sa.Text(), server_default="", nullable=False)
    )
    op.add_column(
        "programme",
        sa.Column("stage", sa.String(length=16), server_default="completed", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_programme_stage"), "programme", "stage IN ('started', 'completed', 'in_service')"
    )
    op.create_table(
        "project_mention",
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("evidence_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_project_mention_evidence_id_evidence"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_mention_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "evidence_id", name=op.f("pk_project_mention")),
    )
    op.create_index(
        op.f("ix_project_mention_evidence_id"), "project_mention", ["evidence_id"], unique=False
    )
    # Rebuilt by `tzmap migrate` (app.migrate) with the new property.
    op.execute("DELETE FROM project_feature")
    op.add_column("project_feature", sa.Column("description_zh", sa.Text(), nullable=False))
    if _app_role_exists():
        op.execute(f"GRANT SELECT ON project_mention TO {APP_ROLE}")


def downgrade() -> None:
    # The stored features keep a property the older code does not list; harmless.
    op.drop_column("project_feature", "description_zh")
    op.drop_index(op.f("ix_project_mention_evidence_id"), table_name="project_mention")
    op.drop_table("project_mention")
    op.drop_constraint(op.f("ck_programme_stage"), "programme", type_="check")
    op.drop_column("programme", "stage")
    op.drop_column("project", "description_zh")
