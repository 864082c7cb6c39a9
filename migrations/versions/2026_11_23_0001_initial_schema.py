"""Initial schema: the whole data model of DESIGN.md.

Revision ID: 67a13b7db4e3
Revises:
Create Date: 2026-11-23 16:09:39.791958
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "67a13b7db4e3"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # PostGIS may already be there (a shared server); dropping it is never ours to do.
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_geospatial_table(
        "district",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("boundary_quality", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint(
            "boundary_quality IN ('approximate', 'official')", name=op.f("ck_district_quality")
        ),
        sa.CheckConstraint("code ~ '^\\d{12}$'", name=op.f("ck_district_code_12_digits")),
        sa.CheckConstraint(
            "ST_IsValid(geom) AND NOT ST_IsEmpty(geom)", name=op.f("ck_district_geom_valid")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_district")),
        sa.UniqueConstraint("name", name=op.f("uq_district_name")),
    )
    op.create_geospatial_index(
        "idx_district_geom",
        "district",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_table(
        "document",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "date ~ '^\\d{4}(-\\d{2}(-\\d{2})?)?$'", name=op.f("ck_document_date_iso")
        ),
        sa.CheckConstraint(
            "id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 64", name=op.f("ck_document_id_slug")
        ),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name=op.f("ck_document_sha256_hex")),
        sa.CheckConstraint(
            "(text IS NULL) = (registered_at IS NULL)",
            name=op.f("ck_document_text_registered_together"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("sha256", name=op.f("uq_document_sha256")),
    )
    op.create_table(
        "indicator",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 64",
            name=op.f("ck_indicator_id_slug"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
        sa.UniqueConstraint("name", name=op.f("uq_indicator_name")),
    )
    op.create_geospatial_table(
        "project",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "geom",
            Geometry(
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=True,
            ),
            nullable=True,
        ),
        sa.Column("geometry_quality", sa.String(length=16), nullable=False),
        sa.Column("placement", sa.Text(), nullable=True),
        sa.Column("cross_border", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "GeometryType(geom) IN ('POINT', 'MULTIPOINT', 'LINESTRING', 'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON')",
            name=op.f("ck_project_geom_kind"),
        ),
        sa.CheckConstraint(
            "category IN ('rail', 'road', 'hub', 'administration', 'business', 'culture', 'heritage', 'tourism', 'town', 'education', 'health', 'elderly_care', 'sport', 'public_service', 'ecology', 'water', 'utility', 'housing', 'industry', 'renewal')",
            name=op.f("ck_project_category"),
        ),
        sa.CheckConstraint(
            "geometry_quality IN ('surveyed', 'approximate', 'schematic', 'unplaced')",
            name=op.f("ck_project_geometry_quality"),
        ),
        sa.CheckConstraint(
            "id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 64", name=op.f("ck_project_id_slug")
        ),
        sa.CheckConstraint(
            "ST_IsValid(geom) AND NOT ST_IsEmpty(geom)", name=op.f("ck_project_geom_valid")
        ),
        sa.CheckConstraint(
            "(geom IS NULL) = (geometry_quality = 'unplaced')",
            name=op.f("ck_project_unplaced_has_no_geom"),
        ),
        sa.CheckConstraint("length(btrim(name)) > 0", name=op.f("ck_project_name_not_blank")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("name", name=op.f("uq_project_name")),
    )
    op.create_geospatial_index(
        "idx_project_geom",
        "project",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_project_category"), "project", ["category"], unique=False)
    op.create_geospatial_table(
        "township",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("boundary_quality", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "seat",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.CheckConstraint(
            "boundary_quality IN ('approximate', 'official')", name=op.f("ck_township_quality")
        ),
        sa.CheckConstraint("code ~ '^\\d{12}$'", name=op.f("ck_township_code_12_digits")),
        sa.CheckConstraint("kind IN ('街道', '镇', '乡')", name=op.f("ck_township_kind")),
        sa.CheckConstraint(
            "ST_IsValid(geom) AND NOT ST_IsEmpty(geom)", name=op.f("ck_township_geom_valid")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_township")),
        sa.UniqueConstraint("name", name=op.f("uq_township_name")),
    )
    op.create_geospatial_index(
        "idx_township_geom",
        "township",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.Text(), server_default="", nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("role IN ('admin', 'editor', 'viewer')", name=op.f("ck_app_user_role")),
        sa.CheckConstraint(
            "username ~ '^[a-z0-9_.-]{2,64}$'", name=op.f("ck_app_user_username_form")
        ),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["township.code"],
            name=op.f("fk_app_user_township_code_township"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("char_start", sa.Integer(), nullable=False),
        sa.Column("char_end", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "char_start >= 0 AND char_end > char_start", name=op.f("ck_evidence_range_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_evidence_document_id_document"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint(
            "document_id",
            "char_start",
            "char_end",
            name=op.f("uq_evidence_document_id_char_start_char_end"),
        ),
    )
    op.create_table(
        "project_alias",
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "length(btrim(alias)) > 0", name=op.f("ck_project_alias_alias_not_blank")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_alias_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alias", name=op.f("pk_project_alias")),
    )
    op.create_index(
        op.f("ix_project_alias_project_id"), "project_alias", ["project_id"], unique=False
    )
    op.create_table(
        "project_township",
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("length_km", sa.Double(), nullable=True),
        sa.Column("area_ha", sa.Double(), nullable=True),
        sa.CheckConstraint(
            "area_ha IS NULL OR area_ha >= 0", name=op.f("ck_project_township_area_not_negative")
        ),
        sa.CheckConstraint(
            "length_km IS NULL OR length_km >= 0",
            name=op.f("ck_project_township_length_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_township_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["township.code"],
            name=op.f("fk_project_township_township_code_township"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "township_code", name=op.f("pk_project_township")),
    )
    op.create_index(
        op.f("ix_project_township_township_code"),
        "project_township",
        ["township_code"],
        unique=False,
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.CheckConstraint(
            "action IN ('create', 'update', 'delete', 'load', 'import')",
            name=op.f("ck_audit_log_action"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_audit_log_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index(
        op.f("ix_audit_log_entity_entity_id"), "audit_log", ["entity", "entity_id"], unique=False
    )
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("indicator_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("qualifier", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_id", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=16), server_default="catalogue", nullable=False),
        sa.CheckConstraint(
            "origin IN ('catalogue', 'report', 'edit')", name=op.f("ck_indicator_value_origin")
        ),
        sa.CheckConstraint(
            "kind IN ('baseline', 'actual', 'estimate', 'target')",
            name=op.f("ck_indicator_value_kind"),
        ),
        sa.CheckConstraint(
            "qualifier IS NULL OR qualifier IN ('about', 'at_least', 'at_most')",
            name=op.f("ck_indicator_value_qualifier"),
        ),
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2050", name=op.f("ck_indicator_value_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_indicator_value_evidence_id_evidence"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_value_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
    )
    op.create_index(
        op.f("ix_indicator_value_indicator_id"), "indicator_value", ["indicator_id"], unique=False
    )
    op.create_table(
        "programme",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("target_count", sa.Double(), nullable=True),
        sa.Column("target_year", sa.SmallInteger(), nullable=True),
        sa.Column("target_evidence_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "category IN ('rail', 'road', 'hub', 'administration', 'business', 'culture', 'heritage', 'tourism', 'town', 'education', 'health', 'elderly_care', 'sport', 'public_service', 'ecology', 'water', 'utility', 'housing', 'industry', 'renewal')",
            name=op.f("ck_programme_category"),
        ),
        sa.CheckConstraint(
            "id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 64",
            name=op.f("ck_programme_id_slug"),
        ),
        sa.CheckConstraint(
            "(target_count IS NULL) = (target_year IS NULL) AND (target_count IS NULL) = (target_evidence_id IS NULL)",
            name=op.f("ck_programme_target_complete"),
        ),
        sa.CheckConstraint(
            "target_count IS NULL OR target_count > 0", name=op.f("ck_programme_target_count")
        ),
        sa.CheckConstraint(
            "target_year IS NULL OR target_year BETWEEN 2000 AND 2050",
            name=op.f("ck_programme_target_year"),
        ),
        sa.ForeignKeyConstraint(
            ["target_evidence_id"],
            ["evidence.id"],
            name=op.f("fk_programme_target_evidence_id_evidence"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
        sa.UniqueConstraint("name", name=op.f("uq_programme_name")),
    )
    op.create_table(
        "status_event",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("milestone", sa.Text(), nullable=True),
        sa.Column("evidence_id", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=16), server_default="catalogue", nullable=False),
        sa.CheckConstraint(
            "origin IN ('catalogue', 'report', 'edit')", name=op.f("ck_status_event_origin")
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'under_construction', 'completed', 'in_service')",
            name=op.f("ck_status_event_status"),
        ),
        sa.CheckConstraint("year BETWEEN 2000 AND 2050", name=op.f("ck_status_event_year_range")),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_status_event_evidence_id_evidence"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_status_event_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_event")),
        sa.UniqueConstraint(
            "project_id", "year", "status", name=op.f("uq_status_event_project_id_year_status")
        ),
    )
    op.create_index(
        op.f("ix_status_event_year_status"), "status_event", ["year", "status"], unique=False
    )
    op.create_table(
        "target",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("evidence_id", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=16), server_default="catalogue", nullable=False),
        sa.CheckConstraint(
            "origin IN ('catalogue', 'report', 'edit')", name=op.f("ck_target_origin")
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'under_construction', 'completed', 'in_service')",
            name=op.f("ck_target_status"),
        ),
        sa.CheckConstraint("year BETWEEN 2000 AND 2050", name=op.f("ck_target_year_range")),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_target_evidence_id_evidence"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_target_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
        sa.UniqueConstraint(
            "project_id", "year", "status", name=op.f("uq_target_project_id_year_status")
        ),
    )
    op.create_index(op.f("ix_target_year"), "target", ["year"], unique=False)
    op.create_table(
        "programme_member",
        sa.Column("programme_id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_programme_member_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_programme_member_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", "project_id", name=op.f("pk_programme_member")),
    )
    op.create_index(
        op.f("ix_programme_member_project_id"), "programme_member", ["project_id"], unique=False
    )
    op.create_table(
        "programme_progress",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("programme_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("count", sa.Double(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_id", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=16), server_default="catalogue", nullable=False),
        sa.CheckConstraint(
            "origin IN ('catalogue', 'report', 'edit')", name=op.f("ck_programme_progress_origin")
        ),
        sa.CheckConstraint("kind IN ('actual', 'target')", name=op.f("ck_programme_progress_kind")),
        sa.CheckConstraint("count >= 0", name=op.f("ck_programme_progress_count_not_negative")),
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2050", name=op.f("ck_programme_progress_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_programme_progress_evidence_id_evidence"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_programme_progress_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_progress")),
    )
    op.create_index(
        op.f("ix_programme_progress_programme_id"),
        "programme_progress",
        ["programme_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_programme_progress_programme_id"), table_name="programme_progress")
    op.drop_table("programme_progress")
    op.drop_index(op.f("ix_programme_member_project_id"), table_name="programme_member")
    op.drop_table("programme_member")
    op.drop_index(op.f("ix_target_year"), table_name="target")
    op.drop_table("target")
    op.drop_index(op.f("ix_status_event_year_status"), table_name="status_event")
    op.drop_table("status_event")
    op.drop_table("programme")
    op.drop_index(op.f("ix_indicator_value_indicator_id"), table_name="indicator_value")
    op.drop_table("indicator_value")
    op.drop_index(op.f("ix_audit_log_entity_entity_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_project_township_township_code"), table_name="project_township")
    op.drop_table("project_township")
    op.drop_index(op.f("ix_project_alias_project_id"), table_name="project_alias")
    op.drop_table("project_alias")
    op.drop_table("evidence")
    op.drop_table("app_user")
    op.drop_geospatial_index(
        "idx_township_geom", table_name="township", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("township")
    op.drop_index(op.f("ix_project_category"), table_name="project")
    op.drop_geospatial_index(
        "idx_project_geom", table_name="project", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("project")
    op.drop_table("indicator")
    op.drop_table("document")
    op.drop_geospatial_index(
        "idx_district_geom", table_name="district", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("district")
