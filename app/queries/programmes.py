"""Programmes (counted commitments) and indicators (district figures)."""

from typing import Any

from sqlalchemy import ColumnElement, Text, cast, func, literal, select
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.sql.selectable import Subquery

from app.models import (
    Evidence,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammeMember,
    ProgrammeProgress,
    Project,
)
from app.queries.projects import published
from app.queries.sql import jsonb_list

PROGRAMME_PROPERTIES = (
    "name",
    "aliases",
    "category",
    "unit",
    "stage",
    "target_count",
    "target_year",
    "target_evidence",
    "members",
    "located_count",
    "progress",
    "description",
)

INDICATOR_PROPERTIES = ("name", "aliases", "unit", "description", "values")


def _evidence_object(evidence: Any) -> ColumnElement[Any]:
    return func.jsonb_build_object(
        "document", evidence.document_id, "start", evidence.char_start, "end", evidence.char_end
    )


def programme_rows() -> Subquery:
    """Programmes; the geometry is the collection of their located members."""
    members = (
        select(
            func.coalesce(
                func.jsonb_agg(
                    aggregate_order_by(ProgrammeMember.project_id, ProgrammeMember.project_id)
                ),
                cast(literal("[]"), JSONB),
            )
        )
        .join(Project, Project.id == ProgrammeMember.project_id)
        .where(ProgrammeMember.programme_id == Programme.id, published())
        .scalar_subquery()
    )
    collected = (
        select(func.ST_Collect(Project.geom))
        .join(ProgrammeMember, ProgrammeMember.project_id == Project.id)
        .where(ProgrammeMember.programme_id == Programme.id, published())
        .scalar_subquery()
    )
    located = (
        select(func.count())
        .select_from(ProgrammeMember)
        .join(Project, Project.id == ProgrammeMember.project_id)
        .where(ProgrammeMember.programme_id == Programme.id, published())
        .scalar_subquery()
    )
    ev = Evidence.__table__.alias("pe")
    progress_item = func.jsonb_build_object(
        "year", ProgrammeProgress.year,
        "kind", ProgrammeProgress.kind,
        "count", ProgrammeProgress.count,
        "note", ProgrammeProgress.note,
        "evidence", _evidence_object(ev.c),
    )  # fmt: skip
    progress = (
        select(
            func.coalesce(
                func.jsonb_agg(
                    aggregate_order_by(
                        progress_item, ProgrammeProgress.year, ProgrammeProgress.kind
                    )
                ),
                cast(literal("[]"), JSONB),
            )
        )
        .join(ev, ev.c.id == ProgrammeProgress.evidence_id)
        .where(ProgrammeProgress.programme_id == Programme.id)
        .scalar_subquery()
    )
    target_ev = Evidence.__table__.alias("te")
    target_evidence = (
        select(_evidence_object(target_ev.c))
        .where(target_ev.c.id == Programme.target_evidence_id)
        .scalar_subquery()
    )
    return select(
        Programme.id,
        collected.label("geom"),
        Programme.name,
        Programme.aliases,
        Programme.category,
        Programme.unit,
        Programme.stage,
        Programme.target_count,
        Programme.target_year,
        target_evidence.label("target_evidence"),
        members.label("members"),
        located.label("located_count"),
        progress.label("progress"),
        Programme.description,
    ).subquery("programmes")


def indicator_rows() -> Subquery:
    ev = Evidence.__table__.alias("ie")
    item = func.jsonb_build_object(
        "year", IndicatorValue.year,
        "kind", IndicatorValue.kind,
        "value", IndicatorValue.value,
        "qualifier", IndicatorValue.qualifier,
        "note", IndicatorValue.note,
        "evidence", _evidence_object(ev.c),
    )  # fmt: skip
    values = (
        select(jsonb_list(item, IndicatorValue.year, IndicatorValue.kind))
        .join(ev, ev.c.id == IndicatorValue.evidence_id)
        .where(IndicatorValue.indicator_id == Indicator.id)
        .scalar_subquery()
    )
    return select(
        Indicator.id,
        cast(literal(None), Text).label("geom"),
        Indicator.name,
        Indicator.aliases,
        Indicator.unit,
        Indicator.description,
        values.label("values"),
    ).subquery("indicators")
