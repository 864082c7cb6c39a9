"""The data model as SQLAlchemy tables.

Alembic migrations own the schema; a test checks that these models and the migrations agree.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import INT4RANGE, JSONB, Range
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app import vocab

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _slug(column: str) -> str:
    return f"{column} ~ '{vocab.SLUG_PATTERN}' AND length({column}) <= {vocab.SLUG_MAX_LENGTH}"


def _year(column: str) -> str:
    return f"{column} BETWEEN {vocab.YEAR_MIN} AND {vocab.YEAR_MAX}"


def _valid_geometry(column: str) -> str:
    return f"ST_IsValid({column}) AND NOT ST_IsEmpty({column})"


class Document(Base):
    """A source document, known by its sha256; its text is stored only when registered."""

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(_slug("id"), name="id_slug"),
        CheckConstraint(r"date ~ '^\d{4}(-\d{2}(-\d{2})?)?$'", name="date_iso"),
        CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_hex"),
        CheckConstraint(
            "(text IS NULL) = (registered_at IS NULL)", name="text_registered_together"
        ),
        CheckConstraint("(stored_name IS NULL) = (media_type IS NULL)", name="file_complete"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[str] = mapped_column(String(10))
    publisher: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str | None] = mapped_column(Text)
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An uploaded file (a photo, a PDF) kept outside the web root under a generated name.
    media_type: Mapped[str | None] = mapped_column(String(64))
    stored_name: Mapped[str | None] = mapped_column(Text, unique=True)


class Evidence(Base):
    """A character range [char_start, char_end) of a document that supports a fact, or a whole
    uploaded file (no range)."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(
            "(char_start IS NULL AND char_end IS NULL)"
            " OR (char_start >= 0 AND char_end > char_start)",
            name="range_ordered",
        ),
        UniqueConstraint("document_id", "char_start", "char_end"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"))
    char_start: Mapped[int | None] = mapped_column(Integer)
    char_end: Mapped[int | None] = mapped_column(Integer)


class District(Base):
    __tablename__ = "district"
    __table_args__ = (
        CheckConstraint(r"code ~ '^\d{12}$'", name="code_12_digits"),
        CheckConstraint(_one_of("boundary_quality", vocab.BOUNDARY_QUALITIES), name="quality"),
        CheckConstraint(_valid_geometry("geom"), name="geom_valid"),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    boundary_quality: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(Text)
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=4326))


class Township(Base):
    """One of the 22 街道/乡/镇, with its 12-digit statistical code."""

    __tablename__ = "township"
    __table_args__ = (
        CheckConstraint(r"code ~ '^\d{12}$'", name="code_12_digits"),
        CheckConstraint(_one_of("kind", vocab.TOWNSHIP_KINDS), name="kind"),
        CheckConstraint(_one_of("boundary_quality", vocab.BOUNDARY_QUALITIES), name="quality"),
        CheckConstraint(_valid_geometry("geom"), name="geom_valid"),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(String(4))
    boundary_quality: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(Text)
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=4326))
    seat: Mapped[WKBElement | None] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=False)
    )


class Project(Base):
    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint(_slug("id"), name="id_slug"),
        CheckConstraint("length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint(_one_of("category", vocab.CATEGORIES), name="category"),
        CheckConstraint(
            _one_of("geometry_quality", vocab.GEOMETRY_QUALITIES), name="geometry_quality"
        ),
        CheckConstraint(_valid_geometry("geom"), name="geom_valid"),
        CheckConstraint(_one_of("GeometryType(geom)", vocab.GEOMETRY_TYPES), name="geom_kind"),
        CheckConstraint(
            "(geom IS NULL) = (geometry_quality = 'unplaced')", name="unplaced_has_no_geom"
        ),
        CheckConstraint(_one_of("origin", vocab.ORIGINS), name="origin"),
        CheckConstraint(_one_of("geometry_origin", vocab.ORIGINS), name="geometry_origin"),
        CheckConstraint("revision > 0", name="revision_positive"),
        Index(None, "category"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, server_default="")  # English
    description_zh: Mapped[str] = mapped_column(Text, server_default="")  # Chinese
    geom: Mapped[WKBElement | None] = mapped_column(Geometry("GEOMETRY", srid=4326))
    geometry_quality: Mapped[str] = mapped_column(String(16))
    placement: Mapped[str | None] = mapped_column(Text)  # English
    placement_zh: Mapped[str | None] = mapped_column(Text)  # Chinese
    cross_border: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Who owns the row and its geometry: `tzmap load` leaves what was made or placed in the app.
    origin: Mapped[str] = mapped_column(String(16), server_default="catalogue")
    geometry_origin: Mapped[str] = mapped_column(String(16), server_default="catalogue")
    # A retired project is kept with its history but no longer published.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped by every write that touches the project; the version `If-Match` checks.
    revision: Mapped[int] = mapped_column(Integer, server_default=text("1"))


class ProjectAlias(Base):
    """Another name of a project. The primary key makes an alias belong to one project only."""

    __tablename__ = "project_alias"
    __table_args__ = (
        CheckConstraint("length(btrim(alias)) > 0", name="alias_not_blank"),
        Index(None, "project_id"),
    )

    alias: Mapped[str] = mapped_column(Text, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))


class StatusEvent(Base):
    """What a document reports as having happened to a project in a year."""

    __tablename__ = "status_event"
    __table_args__ = (
        CheckConstraint(_one_of("origin", vocab.ORIGINS), name="origin"),
        CheckConstraint(_year("year"), name="year_range"),
        CheckConstraint(_one_of("status", vocab.STATUSES), name="status"),
        UniqueConstraint("project_id", "year", "status"),
        Index(None, "year", "status"),
        # The latest year an annual report covers, read by every page: max(year) of this index.
        Index("ix_status_event_reported_year", "year", postgresql_where=text("origin <> 'edit'")),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(24))
    milestone: Mapped[str | None] = mapped_column(Text)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="RESTRICT"))
    origin: Mapped[str] = mapped_column(String(16), server_default="catalogue")


class ProjectMention(Base):
    """Where a document names a project without giving it a stage: the evidence that it is one
    of the documents' projects, though no status follows from the sentence."""

    __tablename__ = "project_mention"
    __table_args__ = (Index(None, "evidence_id"),)

    project_id: Mapped[str] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("evidence.id", ondelete="RESTRICT"), primary_key=True
    )


class Target(Base):
    """What a plan promises for a project by a year."""

    __tablename__ = "target"
    __table_args__ = (
        CheckConstraint(_one_of("origin", vocab.ORIGINS), name="origin"),
        CheckConstraint(_year("year"), name="year_range"),
        CheckConstraint(_one_of("status", vocab.STATUSES), name="status"),
        UniqueConstraint("project_id", "year", "status"),
        Index(None, "year"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(24))
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="RESTRICT"))
    origin: Mapped[str] = mapped_column(String(16), server_default="catalogue")


class Programme(Base):
    """A counted commitment (17 断头路, 14 家园中心, …) with its located members."""

    __tablename__ = "programme"
    __table_args__ = (
        CheckConstraint(_slug("id"), name="id_slug"),
        CheckConstraint(_one_of("category", vocab.CATEGORIES), name="category"),
        CheckConstraint(_one_of("stage", vocab.PROGRAMME_STAGES), name="stage"),
        CheckConstraint(f"target_year IS NULL OR {_year('target_year')}", name="target_year"),
        CheckConstraint("target_count IS NULL OR target_count > 0", name="target_count"),
        CheckConstraint(
            "(target_count IS NULL) = (target_year IS NULL)"
            " AND (target_count IS NULL) = (target_evidence_id IS NULL)",
            name="target_complete",
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, server_default="")
    unit: Mapped[str | None] = mapped_column(Text)
    # The stage its target and every figure count (vocab.PROGRAMME_STAGES).
    stage: Mapped[str] = mapped_column(String(16), server_default="completed")
    target_count: Mapped[float | None] = mapped_column(Double)
    target_year: Mapped[int | None] = mapped_column(SmallInteger)
    target_evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence.id", ondelete="RESTRICT")
    )


class ProgrammeMember(Base):
    __tablename__ = "programme_member"
    __table_args__ = (Index(None, "project_id"),)

    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[str] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )


class ProgrammeProgress(Base):
    """A reported (actual) or planned (target) count of a programme in a year."""

    __tablename__ = "programme_progress"
    __table_args__ = (
        CheckConstraint(_one_of("origin", vocab.ORIGINS), name="origin"),
        CheckConstraint(_year("year"), name="year_range"),
        CheckConstraint(_one_of("kind", vocab.PROGRAMME_VALUE_KINDS), name="kind"),
        CheckConstraint("count >= 0", name="count_not_negative"),
        Index(None, "programme_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(8))
    count: Mapped[float] = mapped_column(Double)
    note: Mapped[str | None] = mapped_column(Text)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="RESTRICT"))
    origin: Mapped[str] = mapped_column(String(16), server_default="catalogue")


class Indicator(Base):
    """A district figure (forest cover, rail length, …); no geometry."""

    __tablename__ = "indicator"
    __table_args__ = (CheckConstraint(_slug("id"), name="id_slug"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    unit: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, server_default="")


class IndicatorValue(Base):
    __tablename__ = "indicator_value"
    __table_args__ = (
        CheckConstraint(_one_of("origin", vocab.ORIGINS), name="origin"),
        CheckConstraint(_year("year"), name="year_range"),
        CheckConstraint(_one_of("kind", vocab.INDICATOR_VALUE_KINDS), name="kind"),
        CheckConstraint(
            f"qualifier IS NULL OR {_one_of('qualifier', vocab.QUALIFIERS)}", name="qualifier"
        ),
        Index(None, "indicator_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Double)
    qualifier: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="RESTRICT"))
    origin: Mapped[str] = mapped_column(String(16), server_default="catalogue")


class ProjectTownship(Base):
    """Which townships a project touches, with the part of its length or area in each."""

    __tablename__ = "project_township"
    __table_args__ = (
        CheckConstraint("length_km IS NULL OR length_km >= 0", name="length_not_negative"),
        CheckConstraint("area_ha IS NULL OR area_ha >= 0", name="area_not_negative"),
        Index(None, "township_code"),
    )

    project_id: Mapped[str] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    township_code: Mapped[str] = mapped_column(
        ForeignKey("township.code", ondelete="CASCADE"), primary_key=True
    )
    length_km: Mapped[float | None] = mapped_column(Double)
    area_ha: Mapped[float | None] = mapped_column(Double)


# The read model's columns the common filters test, kept in its id index too.
FEATURE_FILTERS = ("years", "township_codes", "status", "behind_plan", "category", "programmes")


class ProjectFeature(Base):
    """The read model: a project as the feeds, tiles and prints show it, over a range of years.

    One row per project and range of years in which none of its properties change; the first
    range starts at minus infinity (nothing reported yet), the last runs to plus infinity. Derived
    from the tables above by `app.readmodel`, in the transaction of every write; never edited."""

    __tablename__ = "project_feature"
    __table_args__ = (
        # Paging in id order with the common filters reads this index alone, not the wide rows.
        Index(None, "id", postgresql_include=list(FEATURE_FILTERS)),
        # The year in the spatial index too: a bbox or a tile meets only the year's rows.
        Index(None, "geom", "years", postgresql_using="gist"),
        Index(None, "tile_geom", "years", postgresql_using="gist"),
        Index(None, "township_codes", postgresql_using="gin"),
        Index(None, "programmes", postgresql_using="gin"),
        Index(None, "status"),
        Index(None, "category"),
        # A page deep in a plan year skips only that year's ids, not every range of years.
        *(
            Index(
                f"ix_project_feature_id_{year}",
                "id",
                postgresql_include=list(FEATURE_FILTERS),
                postgresql_where=text(f"years @> {year}"),
            )
            for year in vocab.PLAN_YEARS
        ),
    )

    id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    years: Mapped[Range[int]] = mapped_column(INT4RANGE, primary_key=True)
    geom: Mapped[WKBElement | None] = mapped_column(
        Geometry("GEOMETRY", srid=4326, spatial_index=False)
    )
    # The geometry in Web Mercator, as vector tiles cut it: transformed once per write.
    tile_geom: Mapped[WKBElement | None] = mapped_column(
        Geometry("GEOMETRY", srid=vocab.WEB_MERCATOR_SRID, spatial_index=False)
    )
    # …and simplified for tiles up to GENERALISED_MAX_ZOOM (searched by tile_geom's index).
    tile_geom_generalised: Mapped[WKBElement | None] = mapped_column(
        Geometry("GEOMETRY", srid=vocab.WEB_MERCATOR_SRID, spatial_index=False)
    )
    name: Mapped[str] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text))
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    description_zh: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(24))
    status_year: Mapped[int | None] = mapped_column(SmallInteger)
    milestone: Mapped[str | None] = mapped_column(Text)
    planned_status: Mapped[str | None] = mapped_column(String(24))
    planned_year: Mapped[int | None] = mapped_column(SmallInteger)
    target_status: Mapped[str | None] = mapped_column(String(24))
    target_year: Mapped[int | None] = mapped_column(SmallInteger)
    behind_plan: Mapped[bool] = mapped_column(Boolean)
    townships: Mapped[list[str]] = mapped_column(ARRAY(Text))
    township_codes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    geometry_quality: Mapped[str] = mapped_column(String(16))
    placement: Mapped[str | None] = mapped_column(Text)
    placement_zh: Mapped[str | None] = mapped_column(Text)
    cross_border: Mapped[bool] = mapped_column(Boolean)
    length_km: Mapped[Decimal | None] = mapped_column(Numeric)
    area_ha: Mapped[Decimal | None] = mapped_column(Numeric)
    programmes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    # The whole GeoJSON Feature in CRS84 with every property, ready to send.
    feature: Mapped[str] = mapped_column(Text)


class ReadModelState(Base):
    """One row: what the read model was last built from, and a version that every refresh bumps
    (the feeds' ETags)."""

    __tablename__ = "read_model_state"
    __table_args__ = (CheckConstraint("singleton", name="one_row"),)

    singleton: Mapped[bool] = mapped_column(Boolean, primary_key=True, server_default=text("true"))
    # The latest year an annual report covers (nothing later is judged behind plan) …
    reported_year: Mapped[int | None] = mapped_column(SmallInteger)
    # … and the latest year anything is known to have happened (the feeds' default year).
    latest_year: Mapped[int | None] = mapped_column(SmallInteger)
    version: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class AppUser(Base):
    """A person who signs in; a township editor is bound to townships (`user_township`)."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(r"username ~ '^[a-z0-9_.-]{2,64}$'", name="username_form"),
        CheckConstraint(_one_of("role", vocab.USER_ROLES), name="role"),
        CheckConstraint("token_generation >= 0", name="token_generation"),
    )

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(Text, server_default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Tokens carry the generation they were issued in; disabling the user or resetting the
    # password bumps it, which revokes every token issued before.
    token_generation: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class UserTownship(Base):
    __tablename__ = "user_township"
    __table_args__ = (Index(None, "township_code"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    township_code: Mapped[str] = mapped_column(
        ForeignKey("township.code", ondelete="RESTRICT"), primary_key=True
    )


class SignInFailure(Base):
    """A failed sign-in, counted per user and per address to throttle guessing."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index(None, "username", "at"), Index(None, "address", "at"))

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    username: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)


class ChangeRequest(Base):
    """A change made in the app: submitted, then approved (written to the catalogue) or rejected.

    `payload` is the validated request; `project_id` names the project it is about (the new one's
    id for kind `project`; none for a programme's or an indicator's figure), without a foreign key
    so that the record outlives the project."""

    __tablename__ = "change_request"
    __table_args__ = (
        CheckConstraint(_one_of("kind", vocab.CHANGE_KINDS), name="kind"),
        CheckConstraint(_one_of("state", vocab.CHANGE_STATES), name="state"),
        CheckConstraint(_one_of("origin", vocab.ORIGINS), name="origin"),
        CheckConstraint(
            "(state = 'submitted') = (reviewed_at IS NULL)", name="reviewed_when_decided"
        ),
        Index(None, "state", "submitted_at"),
        Index(None, "project_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    project_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # `edit` when a person made it, `report` when it was read from a report and accepted.
    origin: Mapped[str] = mapped_column(String(16), server_default="edit")
    # The project's revision the change was made against.
    base_revision: Mapped[int | None] = mapped_column(Integer)
    # The townships the project touched when the change was made, for the queue's filter.
    township_codes: Mapped[list[str]] = mapped_column(ARRAY(String(12)), server_default="{}")
    state: Mapped[str] = mapped_column(String(16), server_default="submitted")
    submitted_by: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    submitted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str | None] = mapped_column(Text)
    client: Mapped[str | None] = mapped_column(Text)


class AuditLog(Base):
    """Who changed what, when, from which client, with the row before and after.

    Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, for every role."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_one_of("action", vocab.AUDIT_ACTIONS), name="action"),
        Index(None, "entity", "entity_id"),
        Index(None, "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    actor: Mapped[str] = mapped_column(Text)
    client: Mapped[str | None] = mapped_column(Text)
    change_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_request.id", ondelete="RESTRICT"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
