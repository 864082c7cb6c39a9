"""CQL2 filters (OGC API – Features Part 3) turned into SQLAlchemy WHERE clauses.

Both encodings, cql2-text and cql2-json, are read into one small tree (queries/cql2_parse.py);
this module checks it against the layer's queryables and compiles it. Property names only ever
select a column from the queryables; every value a user writes becomes a bound parameter.

Supported: comparisons, AND/OR/NOT, LIKE, IN, BETWEEN, IS NULL, TRUE/FALSE and the spatial
functions S_INTERSECTS, S_DISJOINT, S_EQUALS, S_TOUCHES, S_CROSSES, S_WITHIN, S_CONTAINS and
S_OVERLAPS with WKT, BBOX or GeoJSON literals in CRS84 (longitude, latitude).

On a string_array queryable (a text[] column) =, IN and LIKE hold when any element matches, and
<> and NOT IN hold when no element does, so that `a <> 'x'` always means NOT `a = 'x'`.
"""

import math
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Double,
    Text,
    and_,
    any_,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement

from app.queries.cql2_parse import (
    COMPARISONS,
    LOGICAL,
    MIRRORED,
    PREDICATES,
    SPATIAL,
    Call,
    Geom,
    Node,
    Prop,
    TextParser,
    clipped,
    fail,
    parse_json,
    unsupported,
)

QueryableType = Literal["string", "integer", "number", "boolean", "geometry", "string_array"]


@dataclass(frozen=True)
class Queryable:
    name: str  # the property name users write in filters, e.g. "status"
    column: ColumnElement[Any]  # SQL expression it maps to
    type: QueryableType
    values: tuple[str, ...] | None = None  # the value domain when it is an enumeration


MAX_FILTER_LENGTH = 10_000
GEOMETRY_SRID = 4326  # CQL2 geometry literals are CRS84: longitude, latitude on WGS 84


def filter_clause(
    text: str, lang: Literal["cql2-text", "cql2-json"], queryables: dict[str, Queryable]
) -> ColumnElement[bool]:
    """Parse a CQL2 filter and return a WHERE clause; raise InvalidParameter with a message a
    person understands."""
    if len(text) > MAX_FILTER_LENGTH:
        fail(f"it is {len(text):,} characters long; the limit is {MAX_FILTER_LENGTH:,}")
    if not text.strip():
        fail("it is empty")
    if lang == "cql2-text":
        tree = TextParser(text).parse()
    elif lang == "cql2-json":
        tree = parse_json(text)
    else:
        fail(f"filter-lang '{lang}' is not supported; use cql2-text or cql2-json")
    return _Compiler(queryables).condition(tree)


# compiling the tree into SQL against the queryables

ALLOWED: dict[QueryableType, set[str]] = {
    "string": {*COMPARISONS, "like", "in", "isnull"},
    "integer": {*COMPARISONS, "between", "in", "isnull"},
    "number": {*COMPARISONS, "between", "in", "isnull"},
    "boolean": {"=", "<>", "in", "isnull"},
    "geometry": {"isnull", *SPATIAL},
    "string_array": {"=", "<>", "like", "in", "isnull"},
}
TYPE_WORDS: dict[QueryableType, str] = {
    "string": "a text property",
    "integer": "an integer property",
    "number": "a numeric property",
    "boolean": "a boolean property",
    "geometry": "a geometry property",
    "string_array": "a list of texts",
}
VALUE_WORDS: dict[QueryableType, str] = {
    "string": "a text value",
    "integer": "a number",
    "number": "a number",
    "boolean": "TRUE or FALSE",
    "geometry": "a geometry",
    "string_array": "a text value",
}
INT64 = 2**63


class _Compiler:
    def __init__(self, queryables: dict[str, Queryable]) -> None:
        self.queryables = queryables

    def condition(self, node: Node) -> ColumnElement[bool]:
        if isinstance(node, bool):
            return true() if node else false()
        if not isinstance(node, Call):
            fail(f"expected a condition, found {_shown(node)}")
        if node.op in LOGICAL:
            return self.logical(node)
        if node.op not in PREDICATES:
            unsupported(node.op)
        if node.op in SPATIAL:
            return self.spatial(node)
        if node.op in COMPARISONS:
            return self.comparison(node)
        handlers = {
            "like": self.like,
            "between": self.between,
            "in": self.in_list,
            "isnull": self.is_null,
        }
        return handlers[node.op](node)

    def logical(self, node: Call) -> ColumnElement[bool]:
        if node.op == "not":
            (inner,) = _arguments(node, 1)
            return not_(self.condition(inner))
        if len(node.args) < 2:
            fail(f"{node.op.upper()} needs at least 2 conditions")
        items = [self.condition(a) for a in node.args]
        return and_(*items) if node.op == "and" else or_(*items)

    def queryable(self, node: Node, op: str) -> Queryable:
        if not isinstance(node, Prop):
            fail(f"{_op_name(op)} needs a property on its left, found {_shown(node)}")
        found = self.queryables.get(node.name)
        if found is None:
            names = ", ".join(sorted(self.queryables)) or "none"
            fail(f"unknown property '{clipped(node.name)}'; the queryable properties are: {names}")
        if op not in ALLOWED[found.type]:
            fail(f"{_op_name(op)} cannot be used on {found.name}, {TYPE_WORDS[found.type]}")
        return found

    def comparison(self, node: Call) -> ColumnElement[bool]:
        left, right = _arguments(node, 2)
        op = node.op
        if not isinstance(left, Prop) and isinstance(right, Prop):
            left, right, op = right, left, MIRRORED[op]
        target = self.queryable(left, op)
        if isinstance(right, Prop):
            return self.property_comparison(op, target, self.queryable(right, op))
        value = _bound(target, right)
        if target.type == "string_array":
            element_matches = value == any_(target.column)
            return element_matches if op == "=" else not_(element_matches)
        return COMPARISONS[op](target.column, value)

    def property_comparison(
        self, op: str, left: Queryable, right: Queryable
    ) -> ColumnElement[bool]:
        kinds = {left.type, right.type}
        if "string_array" in kinds or not (len(kinds) == 1 or kinds == {"integer", "number"}):
            fail(f"{left.name} and {right.name} cannot be compared: their types differ")
        return COMPARISONS[op](left.column, right.column)

    def like(self, node: Call) -> ColumnElement[bool]:
        subject, pattern = _arguments(node, 2)
        target = self.queryable(subject, "like")
        if not isinstance(pattern, str):
            fail(f"LIKE needs a pattern in single quotes, found {_shown(pattern)}")
        bound = literal(_text(pattern), Text)
        if target.type == "string_array":
            element = func.unnest(target.column).column_valued()
            return select(element).where(element.like(bound)).exists()
        return target.column.like(bound)

    def between(self, node: Call) -> ColumnElement[bool]:
        args = node.args
        if len(args) == 2 and isinstance(args[1], tuple) and len(args[1]) == 2:
            args = (args[0], *args[1])  # the earlier cql2-json form: [property, [low, high]]
        subject, low, high = _arguments(Call(node.op, args), 3)
        target = self.queryable(subject, "between")
        return target.column.between(_bound(target, low), _bound(target, high))

    def in_list(self, node: Call) -> ColumnElement[bool]:
        subject, items = _arguments(node, 2)
        target = self.queryable(subject, "in")
        if not isinstance(items, tuple) or not items:
            fail(f"IN needs a list of values, found {_shown(items)}")
        values = [_bound(target, item) for item in items]
        if target.type == "string_array":
            return or_(*(value == any_(target.column) for value in values))
        return target.column.in_(values)

    def is_null(self, node: Call) -> ColumnElement[bool]:
        (subject,) = _arguments(node, 1)
        return self.queryable(subject, "isnull").column.is_(None)

    def spatial(self, node: Call) -> ColumnElement[bool]:
        first, second = _arguments(node, 2)
        geometries = [self.geometry(node.op, arg) for arg in (first, second)]
        result: ColumnElement[bool] = getattr(func, SPATIAL[node.op])(*geometries, type_=Boolean)
        return result

    def geometry(self, op: str, node: Node) -> ColumnElement[Any]:
        if isinstance(node, Geom):
            return func.ST_GeomFromText(literal(node.wkt, Text), GEOMETRY_SRID)
        if isinstance(node, Prop):
            return self.queryable(node, op).column
        fail(f"{_op_name(op)} needs geometries, found {_shown(node)}")


def _arguments(node: Call, count: int) -> tuple[Node, ...]:
    if len(node.args) != count:
        plural = "" if count == 1 else "s"
        fail(f"{_op_name(node.op)} takes {count} argument{plural}, not {len(node.args)}")
    return node.args


def _bound(target: Queryable, value: Node) -> ColumnElement[Any]:
    """value as a bound parameter, once it is checked to suit the queryable's type."""
    kind = target.type
    if kind in ("string", "string_array") and isinstance(value, str):
        return literal(_text(value), Text)
    if kind == "boolean" and isinstance(value, bool):
        return literal(value, Boolean)
    if kind in ("integer", "number") and not isinstance(value, bool):
        if isinstance(value, int) and abs(value) < INT64:
            return literal(value, BigInteger)
        if isinstance(value, float) and math.isfinite(value):
            return literal(value, Double)
        if isinstance(value, int | float):
            fail(f"{value} is too large a number")
    fail(
        f"{target.name} is {TYPE_WORDS[kind]}, so {_shown(value)} is not a valid value for it;"
        f" write {VALUE_WORDS[kind]}"
    )


def _text(value: str) -> str:
    # PostgreSQL text holds neither NUL nor lone surrogates; refuse them here rather than fail
    # in the driver with a 500.
    if "\x00" in value:
        fail("a text value contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        fail("a text value is not valid Unicode")
    return value


def _op_name(op: str) -> str:
    return {"isnull": "IS NULL"}.get(op, clipped(op.upper()))


def _shown(node: Node) -> str:
    if isinstance(node, bool):
        return "TRUE" if node else "FALSE"
    if isinstance(node, str):
        return "'" + clipped(node).replace("'", "''") + "'"
    if isinstance(node, int | float):
        return repr(node)
    if isinstance(node, Prop):
        return f"the property {clipped(node.name)}"
    if isinstance(node, Geom):
        return "a geometry"
    if isinstance(node, Call):
        return f"the condition {_op_name(node.op)}(…)"
    return "a list"
