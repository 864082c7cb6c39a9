"""CQL2 filters read into one small tree: cql2-text by a tokenizer and a recursive-descent
parser following the CQL2 BNF, cql2-json by its JSON form. Both refuse, with a message a person
understands, what is malformed, too deep or not supported; app.queries.cql2 compiles the tree.

The maintained cql2 package (cql2-rs) was tried in its place and declined: version 0.6.0 crashes
the process on a few thousand chained operators or unary minus signs and takes time exponential in
the nesting of parentheses, which a public endpoint cannot risk.
"""

import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeAlias, TypeVar

from app.errors import InvalidParameter

MAX_DEPTH = 50
T = TypeVar("T")


def fail(reason: str) -> NoReturn:
    raise InvalidParameter(f"filter: {reason}")


def clipped(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


# The tree both encodings are read into. Operator names are those of cql2-json, in lower case.


@dataclass(frozen=True)
class Prop:
    name: str


@dataclass(frozen=True)
class Geom:
    wkt: str


@dataclass(frozen=True)
class Call:
    op: str
    args: tuple["Node", ...]


Scalar: TypeAlias = str | int | float | bool
Node: TypeAlias = Prop | Geom | Call | Scalar | tuple["Node", ...]

LOGICAL = {"and", "or", "not"}
COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
MIRRORED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
SPATIAL = {
    "s_intersects": "ST_Intersects",
    "s_disjoint": "ST_Disjoint",
    "s_equals": "ST_Equals",
    "s_touches": "ST_Touches",
    "s_crosses": "ST_Crosses",
    "s_within": "ST_Within",
    "s_contains": "ST_Contains",
    "s_overlaps": "ST_Overlaps",
}
PREDICATES = {*COMPARISONS, "like", "between", "in", "isnull", *SPATIAL}

TEMPORAL = {
    "t_after", "t_before", "t_contains", "t_disjoint", "t_during", "t_equals", "t_finishedby",
    "t_finishes", "t_intersects", "t_meets", "t_metby", "t_overlappedby", "t_overlaps",
    "t_startedby", "t_starts",
}  # fmt: skip
ARRAY_FUNCTIONS = {"a_equals", "a_contains", "a_containedby", "a_overlaps"}
ARITHMETIC = {"+", "-", "*", "/", "%", "^", "div"}


def unsupported(op: str) -> NoReturn:
    name = op.upper()
    if op in TEMPORAL:
        fail(f"the temporal operator {name} is not supported: no queryable is a date or time")
    if op in ARRAY_FUNCTIONS:
        fail(f"the array function {name} is not supported; use =, IN or LIKE on the array")
    if op in ARITHMETIC:
        fail(f"arithmetic ({op}) is not supported; compare a property with a literal value")
    if op in {"date", "timestamp", "interval"}:
        fail(f"temporal literals ({name}) are not supported: no queryable is a date or time")
    if op in {"casei", "accenti"}:
        fail(f"{name} is not supported; LIKE and = compare text exactly")
    fail(f"the function or operator '{clipped(op)}' is not supported")


# Geometry literals: coordinates as GeoJSON nests them, written out as WKT for ST_GeomFromText.

Position: TypeAlias = tuple[float, float]


def _position(values: list[Any]) -> Position:
    if len(values) not in (2, 3) or not all(_is_number(v) for v in values):
        fail(f"a position needs 2 numbers (longitude latitude), not {values!r}")
    lon, lat = float(values[0]), float(values[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        fail(
            f"the position ({values[0]} {values[1]}) is not a longitude/latitude in CRS84;"
            " geometry literals must be in CRS84 (longitude first)"
        )
    return lon, lat  # a Z value does not change a 2D spatial predicate: it is dropped


def _points_wkt(points: list[Position]) -> str:
    return "(" + ", ".join(f"{lon!r} {lat!r}" for lon, lat in points) + ")"


def _line(points: list[Position]) -> str:
    if len(points) < 2:
        fail("a line needs at least 2 positions")
    return _points_wkt(points)


def _ring(points: list[Position]) -> str:
    if len(points) < 4 or points[0] != points[-1]:
        fail("a polygon ring needs at least 4 positions and must end where it starts")
    return _points_wkt(points)


def _polygon(rings: list[list[Position]]) -> str:
    if not rings:
        fail("a polygon needs at least one ring")
    return "(" + ", ".join(_ring(r) for r in rings) + ")"


def _bbox_wkt(numbers: list[Any]) -> str:
    if len(numbers) not in (4, 6) or not all(_is_number(n) for n in numbers):
        fail(f"a bbox needs 4 numbers (minx, miny, maxx, maxy), not {numbers!r}")
    half = len(numbers) // 2  # the 6-number form carries min z and max z, which are dropped
    (minx, miny), (maxx, maxy) = _position(numbers[:2]), _position(numbers[half : half + 2])
    if minx > maxx or miny > maxy:
        fail("a bbox is minx, miny, maxx, maxy, with min ≤ max")
    corners = [(minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy), (minx, miny)]
    return f"POLYGON({_points_wkt(corners)})"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# cql2-text: a tokenizer and a recursive-descent parser following the CQL2 BNF. AND binds more
# tightly than OR; NOT applies to the condition that follows it.

TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<string>'(?:[^'\\]|''|\\'|\\(?!'))*')
    |(?P<quoted>"(?:[^"]|"")*")
    |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<name>[^\W\d][\w.:]*)
    |(?P<op><>|<=|>=|!=|[=<>(),+\-*/%^])""",
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "like", "between", "in", "is", "null", "true", "false"}
GEOMETRY_WORDS = {
    "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
    "geometrycollection", "bbox",
}  # fmt: skip
GEOMETRY_TAGS = ("z", "m", "zm", "empty")


@dataclass(frozen=True)
class Token:
    kind: str  # string, quoted, number, name, keyword, op, end
    text: str
    pos: int  # 1-based character position, for messages

    def is_(self, kind: str, *texts: str) -> bool:
        return self.kind == kind and (not texts or self.text.lower() in texts)

    def shown(self) -> str:
        if self.kind == "end":
            return "the end of the filter"
        return f"'{self.text}'" if len(self.text) <= 40 else f"'{self.text[:37]}...'"


def _tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if match is None:
            _syntax_error(pos + 1, _unexpected_character(text, pos))
        kind = match.lastgroup or ""
        if kind == "name" and match.group().lower() in KEYWORDS:
            kind = "keyword"
        if kind != "space":
            tokens.append(Token(kind, match.group(), pos + 1))
        pos = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _unexpected_character(text: str, pos: int) -> str:
    if text[pos] == "'":
        return "this string is never closed (write a quote inside a string as '')"
    if text[pos] == '"':
        return "this quoted property name is never closed"
    return f"unexpected character '{text[pos]}'"


def _syntax_error(position: int, reason: str) -> NoReturn:
    raise InvalidParameter(
        f"filter: syntax error at character {position}: {reason}", position=position
    )


class TextParser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    def parse(self) -> Node:
        tree = self.disjunction()
        if self.peek().kind != "end":
            self.error(f"expected AND, OR or the end of the filter, found {self.peek().shown()}")
        return tree

    # tokens

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return token

    def accept(self, kind: str, *texts: str) -> bool:
        if self.peek().is_(kind, *texts):
            self.take()
            return True
        return False

    def expect(self, kind: str, text: str, what: str) -> None:
        if not self.accept(kind, text):
            self.error(f"expected {what}, found {self.peek().shown()}")

    def error(self, reason: str, token: Token | None = None) -> NoReturn:
        _syntax_error((token or self.peek()).pos, reason)

    def nest(self) -> None:
        # Bounded so that a deep filter is a 400 here, not a RecursionError in the compiler.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.error(f"it is nested more than {MAX_DEPTH} levels deep")

    # conditions

    def disjunction(self) -> Node:
        items = [self.conjunction()]
        while self.accept("keyword", "or"):
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Call("or", tuple(items))

    def conjunction(self) -> Node:
        items = [self.negation()]
        while self.accept("keyword", "and"):
            items.append(self.negation())
        return items[0] if len(items) == 1 else Call("and", tuple(items))

    def negation(self) -> Node:
        if self.accept("keyword", "not"):
            self.nest()
            node = Call("not", (self.negation(),))
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        if self.accept("op", "("):
            self.nest()
            node = self.disjunction()
            self.expect("op", ")", "')' to close the '('")
            self.depth -= 1
            return node
        start = self.peek()
        left = self.operand()
        if isinstance(left, Call | bool) and not self.at_predicate_operator():
            return left  # a spatial function or TRUE/FALSE is a condition on its own
        return self.predicate(left, start)

    def at_predicate_operator(self) -> bool:
        token = self.peek()
        return (token.kind == "op" and token.text in COMPARISONS) or token.is_(
            "keyword", "not", "like", "between", "in", "is"
        )

    def predicate(self, left: Node, start: Token) -> Node:
        token = self.take()
        if token.kind == "op" and token.text in COMPARISONS:
            return Call(token.text, (left, self.operand()))
        if token.is_("op", "!="):
            self.error("'!=' is not CQL2; write <>", token)
        if token.is_("keyword", "is"):
            negated = self.accept("keyword", "not")
            self.expect("keyword", "null", "NULL after IS")
            return _negated(Call("isnull", (left,)), negated)
        negated = token.is_("keyword", "not")
        if negated:
            token = self.take()
        if token.is_("keyword", "like"):
            return _negated(Call("like", (left, self.operand())), negated)
        if token.is_("keyword", "between"):
            low = self.operand()
            self.expect("keyword", "and", "AND between the two bounds of BETWEEN")
            return _negated(Call("between", (left, low, self.operand())), negated)
        if token.is_("keyword", "in"):
            return _negated(Call("in", (left, self.in_list())), negated)
        self.error(
            f"expected a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN, IS NULL) after"
            f" {start.shown()}, found {token.shown()}",
            token,
        )

    def in_list(self) -> tuple[Node, ...]:
        if not self.peek().is_("op", "("):
            self.error(f"expected '(' to open the IN list, found {self.peek().shown()}")
        return tuple(self.enclosed(lambda: self.separated(self.operand)))

    # operands

    def operand(self) -> Node:
        node = self.atom()
        following = self.peek()
        if following.kind == "op" and following.text in ARITHMETIC:
            unsupported(following.text)
        return node

    def atom(self) -> Node:
        token = self.peek()
        if token.kind == "name" and self.peek(1).is_("op", "("):
            return self.function(token)
        if token.text.lower() in GEOMETRY_WORDS and self.peek(1).is_("name", *GEOMETRY_TAGS):
            return self.geometry()
        self.take()
        if token.kind == "name":
            return Prop(token.text)
        if token.kind == "quoted":
            return Prop(token.text[1:-1].replace('""', '"'))
        if token.kind == "string":
            return re.sub(r"''|\\'", "'", token.text[1:-1])
        if token.kind == "number" or (token.is_("op", "-") and self.peek().kind == "number"):
            return self.number(token)
        if token.is_("keyword", "true", "false"):
            return token.text.lower() == "true"
        self.error(
            f"expected a property, a value or a condition, found {token.shown()}"
            + (" (NULL is tested with IS NULL)" if token.is_("keyword", "null") else ""),
            token,
        )

    def number(self, token: Token) -> int | float:
        sign = -1 if token.text == "-" else 1
        if sign == -1:
            token = self.take()
        try:
            value = float(token.text) if re.search(r"[.eE]", token.text) else int(token.text)
        except ValueError:  # Python refuses integers of more than 4,300 digits
            fail(f"the number {token.text[:20]}… has too many digits")
        return sign * value

    def function(self, name: Token) -> Node:
        op = name.text.lower()
        if op in GEOMETRY_WORDS:
            return self.geometry()
        if op not in SPATIAL:
            unsupported(op)
        self.take()
        self.take()
        first = self.operand()
        self.expect("op", ",", f"',' between the two arguments of {name.text}")
        second = self.operand()
        self.expect("op", ")", f"')' to close {name.text}(")
        return Call(op, (first, second))

    # geometry literals (WKT and BBOX)

    def geometry(self) -> Geom:
        kind = self.take().text.upper()
        if kind == "BBOX":
            return Geom(_bbox_wkt(self.enclosed(lambda: self.separated(self.coordinate))))
        if self.peek().is_("name", "z"):
            self.take()
        elif self.peek().is_("name", *GEOMETRY_TAGS):
            self.error(f"{kind} {self.peek().text.upper()} is not supported")
        return Geom(kind + self.geometry_body(kind))

    def geometry_body(self, kind: str) -> str:
        if kind == "POINT":
            return self.enclosed(lambda: _points_wkt([self.position()]))
        if kind == "LINESTRING":
            return _line(self.positions())
        if kind == "POLYGON":
            return self.polygon()
        if kind == "MULTIPOINT":
            return self.listed(self.multipoint_member)
        if kind == "MULTILINESTRING":
            return self.listed(lambda: _line(self.positions()))
        if kind == "MULTIPOLYGON":
            return self.listed(self.polygon)
        return self.listed(self.collection_member)  # GEOMETRYCOLLECTION

    def polygon(self) -> str:
        return self.listed(lambda: _ring(self.positions()))

    def multipoint_member(self) -> str:
        if self.peek().is_("op", "("):  # MULTIPOINT((1 2), (3 4)) and MULTIPOINT(1 2, 3 4)
            return self.enclosed(lambda: _points_wkt([self.position()]))
        return _points_wkt([self.position()])

    def collection_member(self) -> str:
        token = self.peek()
        if token.kind != "name" or token.text.lower() not in GEOMETRY_WORDS - {"bbox"}:
            self.error(f"expected a geometry in the collection, found {token.shown()}")
        return self.geometry().wkt

    def positions(self) -> list[Position]:
        return self.enclosed(lambda: self.separated(self.position))

    def position(self) -> Position:
        numbers = [self.coordinate(), self.coordinate()]
        if self.peek().kind == "number" or self.peek().is_("op", "-"):
            numbers.append(self.coordinate())
        return _position(numbers)

    def coordinate(self) -> int | float:
        token = self.take()
        if token.kind == "number" or (token.is_("op", "-") and self.peek().kind == "number"):
            return self.number(token)
        self.error(f"expected a coordinate, found {token.shown()}", token)

    def enclosed(self, inner: Callable[[], T]) -> T:
        self.expect("op", "(", "'('")
        self.nest()
        value = inner()
        self.expect("op", ")", "',' or ')'")
        self.depth -= 1
        return value

    def separated(self, item: Callable[[], T]) -> list[T]:
        items = [item()]
        while self.accept("op", ","):
            items.append(item())
        return items

    def listed(self, item: Callable[[], str]) -> str:
        """(item, item, …) as WKT."""
        return "(" + ", ".join(self.enclosed(lambda: self.separated(item))) + ")"


def _negated(node: Node, negated: bool) -> Node:
    return Call("not", (node,)) if negated else node


# cql2-json


def parse_json(text: str) -> Node:
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise InvalidParameter(
            f"filter: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
            position=error.pos + 1,
        ) from None
    except RecursionError:
        fail(f"it is nested more than {MAX_DEPTH} levels deep")
    except ValueError:  # Python refuses integers of more than 4,300 digits
        fail("a number has too many digits")
    return _json_node(document, 0)


def _reject_constant(name: str) -> NoReturn:
    fail(f"{name} is not a number CQL2 accepts")


def _json_node(value: Any, depth: int) -> Node:
    if depth > MAX_DEPTH:
        fail(f"it is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list):
        return tuple(_json_node(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return _json_object(value, depth)
    fail("null is not a value; test for a missing value with the isNull operator")


def _json_object(value: dict[str, Any], depth: int) -> Node:
    if "op" in value:
        op, args = value["op"], value.get("args")
        if not isinstance(op, str) or not isinstance(args, list):
            fail('an operation is {"op": "<name>", "args": [...]}, not ' + _json_text(value))
        return Call(op.lower(), tuple(_json_node(a, depth + 1) for a in args))
    if "property" in value:
        if not isinstance(value["property"], str):
            fail('a property is {"property": "<name>"}, not ' + _json_text(value))
        return Prop(value["property"])
    if "bbox" in value:
        if not isinstance(value["bbox"], list):
            fail(f"a bbox is a list of 4 numbers, not {_json_text(value['bbox'])}")
        return Geom(_bbox_wkt(value["bbox"]))
    if "type" in value:
        return Geom(_geojson_wkt(value, depth))
    if "function" in value:  # the form of functions in earlier cql2-json drafts
        function = value["function"]
        unsupported(str(function.get("name") if isinstance(function, dict) else function))
    for temporal in ("date", "timestamp", "interval"):
        if temporal in value:
            unsupported(temporal)
    fail(
        f"cannot read {_json_text(value)}: expected an op, a property, a bbox or a GeoJSON geometry"
    )


def _json_text(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _geojson_wkt(geometry: dict[str, Any], depth: int) -> str:
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if depth > MAX_DEPTH:
            fail(f"it is nested more than {MAX_DEPTH} levels deep")
        if not isinstance(members, list) or not members:
            fail("a GeometryCollection needs a non-empty list of geometries")
        inner = ", ".join(_geojson_member(m, depth + 1) for m in members)
        return f"GEOMETRYCOLLECTION({inner})"
    coordinates = geometry.get("coordinates")
    if not isinstance(kind, str) or kind not in GEOJSON_BODIES:
        fail(f"'{kind}' is not a GeoJSON geometry type")
    try:
        return kind.upper() + GEOJSON_BODIES[kind](coordinates)
    except (TypeError, AttributeError):
        fail(f"the coordinates of a {kind} are not nested as GeoJSON says")


def _geojson_member(member: Any, depth: int) -> str:
    if not isinstance(member, dict):
        fail(f"{_json_text(member)} is not a GeoJSON geometry")
    return _geojson_wkt(member, depth)


def _positions(values: list[Any]) -> list[Position]:
    if not isinstance(values, list):
        raise TypeError
    return [_position(p) for p in values]


def _members(members: list[str]) -> str:
    """A multi-geometry's members as WKT; none would be invalid WKT (a 500 from PostGIS)."""
    if not members:
        fail("a multi-geometry needs at least one member (EMPTY geometries are not supported)")
    return "(" + ", ".join(members) + ")"


GEOJSON_BODIES: dict[str, Callable[[Any], str]] = {
    "Point": lambda c: _points_wkt(_positions([c])),
    "MultiPoint": lambda c: _members([_points_wkt([p]) for p in _positions(c)]),
    "LineString": lambda c: _line(_positions(c)),
    "MultiLineString": lambda c: _members([_line(_positions(line)) for line in c]),
    "Polygon": lambda c: _polygon([_positions(ring) for ring in c]),
    "MultiPolygon": lambda c: _members([_polygon([_positions(r) for r in poly]) for poly in c]),
}
