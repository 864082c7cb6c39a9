"""Small SQL building blocks shared by the query modules."""

from typing import Any

from sqlalchemy import ColumnElement, cast, func, literal
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by


def jsonb_list(item: Any, *order_by: Any) -> ColumnElement[Any]:
    """jsonb array of `item` over the rows, in order; an empty array (not NULL) when none."""
    return func.coalesce(
        func.jsonb_agg(aggregate_order_by(item, *order_by)), cast(literal("[]"), JSONB)
    )
