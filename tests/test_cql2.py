"""CQL2 filters select exactly the expected rows in both encodings; bad filters are clear 400s."""

import json
from collections.abc import Iterator
from typing import Any, Literal

import pytest
from sqlalchemy import Engine, Text, cast, func, literal, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by

from app import migrate
from app.db import make_engine
from app.errors import InvalidParameter
from app.models import Project, ProjectTownship, StatusEvent, Township
from app.queries.cql2 import MAX_FILTER_LENGTH, Queryable, filter_clause
from app.queries.cql2_parse import MAX_DEPTH
from app.scratch import scratch_database
from tests.conftest import fingerprint

SQUARE = "ST_Multi(ST_MakeEnvelope({}, 4326))"

SETUP = f"""
INSERT INTO document (id, title, date, sha256)
    VALUES ('doc', 'A document', '2023', repeat('a', 64));
INSERT INTO evidence (document_id, char_start, char_end) VALUES ('doc', 0, 10);
INSERT INTO township (code, name, kind, boundary_quality, geom) VALUES
    ('110112104000', '宋庄镇', '镇', 'approximate', {SQUARE.format("116.7, 39.9, 116.8, 40")}),
    ('110112106000', '潞城镇', '镇', 'approximate', {SQUARE.format("116.6, 39.9, 116.7, 40")}),
    ('110112107000', '张家湾镇', '镇', 'approximate', {SQUARE.format("116.6, 39.7, 116.8, 39.9")});
INSERT INTO project (id, name, category, geom, geometry_quality, placement, cross_border) VALUES
    ('m101', 'M101线', 'rail',
     ST_GeomFromText('LINESTRING(116.70 39.90, 116.72 39.91)', 4326), 'schematic',
     '沿运河东大街', true),
    ('school', '宋庄学校', 'education',
     ST_GeomFromText('POINT(116.73 39.95)', 4326), 'approximate', NULL, false),
    ('theatre', '城市绿心剧院', 'culture',
     ST_GeomFromText('POLYGON((116.66 39.87, 116.68 39.87, 116.68 39.89, 116.66 39.89,
                               116.66 39.87))', 4326), 'surveyed', NULL, false),
    ('ring6', '东六环入地改造', 'road',
     ST_GeomFromText('LINESTRING(116.75 39.80, 116.76 39.85)', 4326), 'approximate', NULL, true),
    ('park', '运河_公园', 'ecology',
     ST_GeomFromText('POINT(116.69 39.92)', 4326), 'approximate', NULL, false);
INSERT INTO project_township (project_id, township_code) VALUES
    ('m101', '110112104000'), ('m101', '110112106000'), ('school', '110112104000'),
    ('ring6', '110112107000');
INSERT INTO status_event (project_id, year, status, evidence_id)
    SELECT p, y, 'under_construction', (SELECT min(id) FROM evidence)
    FROM (VALUES ('m101', 2023), ('school', 2021), ('theatre', 2024), ('park', 2022)) AS e(p, y);
"""
ALL = {"m101", "school", "theatre", "ring6", "park"}

# The rows a layer serves, built as the items route builds them: the townships a project touches
# are an array aggregated in the select, the status year a correlated subquery.
_townships = (
    select(func.array_agg(aggregate_order_by(Township.name, Township.name)))
    .join_from(ProjectTownship, Township)
    .where(ProjectTownship.project_id == Project.id)
    .scalar_subquery()
)
ROWS = select(
    Project.id,
    Project.name,
    Project.category,
    Project.placement,
    Project.cross_border,
    Project.geom,
    func.coalesce(_townships, cast(literal([], ARRAY(Text)), ARRAY(Text))).label("townships"),
    select(func.max(StatusEvent.year))
    .where(StatusEvent.project_id == Project.id)
    .scalar_subquery()
    .label("status_year"),
).subquery("rows")
QUERYABLES = {
    q.name: q
    for q in (
        Queryable("id", ROWS.c.id, "string"),
        Queryable("name", ROWS.c.name, "string"),
        Queryable("category", ROWS.c.category, "string", ("rail", "road")),
        Queryable("placement", ROWS.c.placement, "string"),
        Queryable("cross_border", ROWS.c.cross_border, "boolean"),
        Queryable("townships", ROWS.c.townships, "string_array"),
        Queryable("status_year", ROWS.c.status_year, "integer"),
        Queryable("geometry", ROWS.c.geom, "geometry"),
    )
}


@pytest.fixture(scope="module")
def db(server_url: str) -> Iterator[Engine]:
    with scratch_database(server_url) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(SETUP)
        yield engine
        engine.dispose()


Lang = Literal["cql2-text", "cql2-json"]


def selected(db: Engine, filter_text: str, lang: Lang = "cql2-text") -> set[str]:
    where = filter_clause(filter_text, lang, QUERYABLES)
    with db.connect() as conn:
        return set(conn.scalars(select(ROWS.c.id).where(where)))


def p(name: str) -> dict[str, str]:
    return {"property": name}


def op(name: str, *args: Any) -> dict[str, Any]:
    return {"op": name, "args": list(args)}


WEST_BOX = "POLYGON((116.65 39.86, 116.695 39.86, 116.695 39.93, 116.65 39.93, 116.65 39.86))"
WEST_BOX_JSON = {
    "type": "Polygon",
    "coordinates": [
        [[116.65, 39.86], [116.695, 39.86], [116.695, 39.93], [116.65, 39.93], [116.65, 39.86]]
    ],
}
EAST_BBOX = [116.71, 39.89, 116.80, 39.96]

# (cql2-text, the same filter in cql2-json, the ids it selects)
CASES: list[tuple[str, Any, set[str]]] = [
    ("category = 'rail'", op("=", p("category"), "rail"), {"m101"}),
    ("category <> 'rail'", op("<>", p("category"), "rail"), ALL - {"m101"}),
    ("name = '宋庄学校'", op("=", p("name"), "宋庄学校"), {"school"}),
    ("\"category\" = 'road'", op("=", p("category"), "road"), {"ring6"}),
    ("status_year < 2022", op("<", p("status_year"), 2022), {"school"}),
    ("status_year <= 2022", op("<=", p("status_year"), 2022), {"school", "park"}),
    ("status_year > 2023", op(">", p("status_year"), 2023), {"theatre"}),
    ("status_year >= 2023", op(">=", p("status_year"), 2023), {"m101", "theatre"}),
    ("2023 <= status_year", op("<=", 2023, p("status_year")), {"m101", "theatre"}),
    ("status_year < 2021.5", op("<", p("status_year"), 2021.5), {"school"}),
    ("cross_border = TRUE", op("=", p("cross_border"), True), {"m101", "ring6"}),
    ("cross_border <> true", op("<>", p("cross_border"), True), {"school", "theatre", "park"}),
    ("name LIKE '宋庄%'", op("like", p("name"), "宋庄%"), {"school"}),
    ("name LIKE '%绿心%'", op("like", p("name"), "%绿心%"), {"theatre"}),
    ("name LIKE '东_环%'", op("like", p("name"), "东_环%"), {"ring6"}),
    ("name LIKE '%\\_%'", op("like", p("name"), "%\\_%"), {"park"}),
    ("name NOT LIKE '%线'", op("not", op("like", p("name"), "%线")), ALL - {"m101"}),
    ("category IN ('rail', 'road')", op("in", p("category"), ["rail", "road"]), {"m101", "ring6"}),
    (
        "category NOT IN ('rail', 'road')",
        op("not", op("in", p("category"), ["rail", "road"])),
        {"school", "theatre", "park"},
    ),
    (
        "status_year IN (2021, 2024)",
        op("in", p("status_year"), [2021, 2024]),
        {"school", "theatre"},
    ),
    (
        "status_year BETWEEN 2022 AND 2023",
        op("between", p("status_year"), 2022, 2023),
        {"m101", "park"},
    ),
    (
        "status_year NOT BETWEEN 2022 AND 2023",
        op("not", op("between", p("status_year"), 2022, 2023)),
        {"school", "theatre"},
    ),
    ("status_year IS NULL", op("isNull", p("status_year")), {"ring6"}),
    ("placement IS NOT NULL", op("not", op("isNull", p("placement"))), {"m101"}),
    ("townships = '宋庄镇'", op("=", p("townships"), "宋庄镇"), {"m101", "school"}),
    ("townships <> '宋庄镇'", op("<>", p("townships"), "宋庄镇"), {"theatre", "ring6", "park"}),
    (
        "townships IN ('张家湾镇', '潞城镇')",
        op("in", p("townships"), ["张家湾镇", "潞城镇"]),
        {"m101", "ring6"},
    ),
    ("townships LIKE '%家湾%'", op("like", p("townships"), "%家湾%"), {"ring6"}),
    ("townships LIKE '宋_镇'", op("like", p("townships"), "宋_镇"), {"m101", "school"}),
    (
        f"S_INTERSECTS(geometry, {WEST_BOX})",
        op("s_intersects", p("geometry"), WEST_BOX_JSON),
        {"theatre", "park"},
    ),
    (
        "S_INTERSECTS(geometry, BBOX({}, {}, {}, {}))".format(*EAST_BBOX),
        op("s_intersects", p("geometry"), {"bbox": EAST_BBOX}),
        {"m101", "school"},
    ),
    (
        "s_intersects(geometry, POINT(116.67 39.88))",
        op("s_intersects", p("geometry"), {"type": "Point", "coordinates": [116.67, 39.88]}),
        {"theatre"},
    ),
    (
        "S_INTERSECTS(geometry, LINESTRING(116.74 39.82, 116.78 39.82))",
        op(
            "s_intersects",
            p("geometry"),
            {"type": "LineString", "coordinates": [[116.74, 39.82], [116.78, 39.82]]},
        ),
        {"ring6"},
    ),
    (
        "S_INTERSECTS(geometry, MULTIPOINT((116.73 39.95), (116.69 39.92)))",
        op(
            "s_intersects",
            p("geometry"),
            {"type": "MultiPoint", "coordinates": [[116.73, 39.95], [116.69, 39.92]]},
        ),
        {"school", "park"},
    ),
    (
        f"S_DISJOINT(geometry, {WEST_BOX})",
        op("s_disjoint", p("geometry"), WEST_BOX_JSON),
        {"m101", "school", "ring6"},
    ),
    (
        "S_CONTAINS(geometry, POINT(116.67 39.88))",
        op("s_contains", p("geometry"), {"type": "Point", "coordinates": [116.67, 39.88]}),
        {"theatre"},
    ),
    # AND binds more tightly than OR: rail OR (road AND not cross-border)
    (
        "category = 'rail' OR category = 'road' AND cross_border = FALSE",
        op(
            "or",
            op("=", p("category"), "rail"),
            op("and", op("=", p("category"), "road"), op("=", p("cross_border"), False)),
        ),
        {"m101"},
    ),
    (
        "(category = 'rail' OR category = 'road') AND cross_border = TRUE",
        op(
            "and",
            op("or", op("=", p("category"), "rail"), op("=", p("category"), "road")),
            op("=", p("cross_border"), True),
        ),
        {"m101", "ring6"},
    ),
    # NOT binds more tightly than AND
    (
        "NOT category = 'rail' AND NOT category = 'road'",
        op(
            "and",
            op("not", op("=", p("category"), "rail")),
            op("not", op("=", p("category"), "road")),
        ),
        {"school", "theatre", "park"},
    ),
    (
        "NOT (category = 'rail' OR category = 'road')",
        op("not", op("or", op("=", p("category"), "rail"), op("=", p("category"), "road"))),
        {"school", "theatre", "park"},
    ),
    (
        "townships = '宋庄镇' AND S_INTERSECTS(geometry, BBOX(116.725, 39.9, 116.8, 40))",
        op(
            "and",
            op("=", p("townships"), "宋庄镇"),
            op("s_intersects", p("geometry"), {"bbox": [116.725, 39.9, 116.8, 40]}),
        ),
        {"school"},
    ),
    ("TRUE", True, ALL),
    ("false", False, set()),
]


@pytest.mark.parametrize(("cql2_text", "cql2_json", "expected"), CASES, ids=[c[0] for c in CASES])
def test_filter_selects_expected_rows(
    db: Engine, cql2_text: str, cql2_json: Any, expected: set[str]
) -> None:
    assert selected(db, cql2_text) == expected
    assert selected(db, json.dumps(cql2_json, ensure_ascii=False), "cql2-json") == expected


def test_earlier_cql2_json_between_form_is_read(db: Engine) -> None:
    between = op("between", p("status_year"), [2022, 2023])
    assert selected(db, json.dumps(between), "cql2-json") == {"m101", "park"}


def test_values_are_bound_parameters_not_sql_text() -> None:
    clause = filter_clause(
        "name = 'x'' OR 1=1 --' AND S_INTERSECTS(geometry, POINT(116.7 39.9))",
        "cql2-text",
        QUERYABLES,
    )
    compiled = clause.compile(dialect=postgresql.dialect())
    assert "OR 1=1" not in str(compiled)
    assert "116.7" not in str(compiled)
    assert "x' OR 1=1 --" in compiled.params.values()
    assert "POINT(116.7 39.9)" in compiled.params.values()


INJECTIONS_SELECTING_NOTHING: list[tuple[str, Lang]] = [
    ("name = 'x'' OR 1=1 --'", "cql2-text"),
    ("name = '''; DROP TABLE project; --'", "cql2-text"),
    ("name LIKE '%'' OR ''1''=''1'", "cql2-text"),
    ("townships = 'x''] OR true --'", "cql2-text"),
    ("name = 'x\\' OR 1=1 --'", "cql2-text"),
    (json.dumps(op("=", p("name"), "x' OR 1=1 --")), "cql2-json"),
    (json.dumps(op("=", p("name"), "'); DROP TABLE project; --")), "cql2-json"),
]
INJECTIONS_REJECTED: list[tuple[str, Lang]] = [
    ("name = 'x'; DROP TABLE project; --", "cql2-text"),
    ("name = 'x' OR 1=1 --", "cql2-text"),
    ("name = 'x' OR '1'='1'", "cql2-text"),
    ("\"name\" = 'x' UNION SELECT id FROM project", "cql2-text"),
    ("\"name'; DROP TABLE project; --\" = 'x'", "cql2-text"),
    ('"name"" = 1; DROP TABLE project; --" = \'x\'', "cql2-text"),
    ("pg_sleep(5) IS NULL", "cql2-text"),
    ("S_INTERSECTS(geometry, POINT(116.7 39.9); DROP TABLE project)", "cql2-text"),
    (json.dumps(op("=", p("name) OR 1=1 --"), "x")), "cql2-json"),
    (json.dumps(op("= 1 OR 1=1 --", p("name"), "x")), "cql2-json"),
    (
        json.dumps(op("s_intersects", p("geometry"), {"type": "Point'); DROP TABLE project; --"})),
        "cql2-json",
    ),
]


@pytest.mark.parametrize(("filter_text", "lang"), INJECTIONS_SELECTING_NOTHING)
def test_injection_is_a_harmless_literal(db: Engine, filter_text: str, lang: Lang) -> None:
    before = fingerprint(db)
    assert selected(db, filter_text, lang) == set()
    assert fingerprint(db) == before


@pytest.mark.parametrize(("filter_text", "lang"), INJECTIONS_REJECTED)
def test_injection_is_rejected(db: Engine, filter_text: str, lang: Lang) -> None:
    before = fingerprint(db)
    with pytest.raises(InvalidParameter):
        selected(db, filter_text, lang)
    assert fingerprint(db) == before
    with db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM project")).scalar_one() == len(ALL)


def nested_not(depth: int) -> Any:
    node: Any = op("=", p("name"), "x")
    for _ in range(depth):
        node = op("not", node)
    return node


# (filter, lang, words the message must contain)
MALFORMED: list[tuple[str, Lang, list[str]]] = [
    ("category = ", "cql2-text", ["syntax error at character 12", "end of the filter"]),
    ("category = 'rail", "cql2-text", ["character 12", "never closed"]),
    ("(category = 'rail'", "cql2-text", ["')'"]),
    ("category 'rail'", "cql2-text", ["character 10", "expected a comparison"]),
    ("category = 'rail' category", "cql2-text", ["character 19", "AND, OR"]),
    ("category == 'rail'", "cql2-text", ["character 11"]),
    ("category != 'rail'", "cql2-text", ["write <>"]),
    ("category = NULL", "cql2-text", ["IS NULL"]),
    ("status_year IN 2021", "cql2-text", ["'(' to open the IN list"]),
    ("colour = 'red'", "cql2-text", ["unknown property 'colour'", "category, cross_border"]),
    ("\"Category\" = 'rail'", "cql2-text", ["unknown property 'Category'", "geometry, id, name"]),
    ("status_year = 'abc'", "cql2-text", ["status_year is an integer", "'abc'", "a number"]),
    ("name = 5", "cql2-text", ["name is a text property", "5"]),
    ("cross_border = 'yes'", "cql2-text", ["TRUE or FALSE"]),
    ("status_year BETWEEN 'a' AND 'b'", "cql2-text", ["status_year is an integer"]),
    ("status_year LIKE '20%'", "cql2-text", ["LIKE cannot be used on status_year", "integer"]),
    ("name BETWEEN 1 AND 2", "cql2-text", ["BETWEEN cannot be used on name"]),
    ("townships < 'a'", "cql2-text", ["< cannot be used on townships"]),
    ("cross_border > FALSE", "cql2-text", ["> cannot be used on cross_border"]),
    ("geometry = 'x'", "cql2-text", ["= cannot be used on geometry"]),
    ("S_INTERSECTS(name, POINT(116.7 39.9))", "cql2-text", ["S_INTERSECTS cannot be used on name"]),
    ("S_INTERSECTS(geometry, 'POINT(116.7 39.9)')", "cql2-text", ["needs geometries"]),
    ("S_INTERSECTS(geometry, POINT(500000 4400000))", "cql2-text", ["CRS84", "longitude"]),
    ("S_INTERSECTS(geometry, POLYGON((1 1, 2 2, 3 1)))", "cql2-text", ["ring", "4 positions"]),
    ("S_INTERSECTS(geometry, LINESTRING(1 1))", "cql2-text", ["at least 2 positions"]),
    ("S_INTERSECTS(geometry, BBOX(117, 39, 116, 40))", "cql2-text", ["min ≤ max"]),
    ("S_INTERSECTS(geometry, POINT EMPTY)", "cql2-text", ["POINT EMPTY is not supported"]),
    ("T_AFTER(status_year, DATE('2020-01-01'))", "cql2-text", ["temporal", "T_AFTER"]),
    ("status_year = DATE('2020-01-01')", "cql2-text", ["temporal literals (DATE)"]),
    ("status_year + 1 = 2023", "cql2-text", ["arithmetic (+)"]),
    ("status_year = 2020 * 1", "cql2-text", ["arithmetic (*)"]),
    ("CASEI(name) = 'x'", "cql2-text", ["CASEI is not supported"]),
    ("A_CONTAINS(townships, ('宋庄镇'))", "cql2-text", ["array function A_CONTAINS"]),
    ("UPPER(name) = 'X'", "cql2-text", ["'upper' is not supported"]),
    ("'a' = 'a'", "cql2-text", ["needs a property"]),
    ("name IS NULL OR placement", "cql2-text", ["expected a comparison"]),
    ("NOT " * (MAX_DEPTH + 1) + "name = 'x'", "cql2-text", [f"nested more than {MAX_DEPTH}"]),
    ("(" * 5000, "cql2-text", [f"nested more than {MAX_DEPTH}"]),
    ("name = '" + "x" * MAX_FILTER_LENGTH + "'", "cql2-text", ["10,009 characters", "10,000"]),
    ("   ", "cql2-text", ["empty"]),
    ('{"op": "=", "args": [{"property": "name"}, "x"}', "cql2-json", ["not valid JSON", "column"]),
    ("category = 'rail'", "cql2-json", ["not valid JSON", "line 1 column 1"]),
    (json.dumps(op("=", p("name"), None)), "cql2-json", ["isNull"]),
    ('{"op": "=", "args": [{"property": "status_year"}, NaN]}', "cql2-json", ["NaN"]),
    (json.dumps(op("=", p("colour"), "red")), "cql2-json", ["unknown property 'colour'"]),
    (json.dumps(op("=", p("status_year"), "abc")), "cql2-json", ["status_year is an integer"]),
    (json.dumps(op("=", p("status_year"), True)), "cql2-json", ["status_year is an integer"]),
    (json.dumps(op("like", p("status_year"), "2%")), "cql2-json", ["LIKE cannot be used"]),
    (json.dumps(op("t_before", p("status_year"), 2020)), "cql2-json", ["T_BEFORE"]),
    (json.dumps(op("+", p("status_year"), 1)), "cql2-json", ["arithmetic (+)"]),
    (json.dumps(op("casei", p("name"))), "cql2-json", ["CASEI"]),
    (json.dumps(op("frobnicate", p("name"))), "cql2-json", ["'frobnicate' is not supported"]),
    (json.dumps(op("not", p("name"), p("id"))), "cql2-json", ["NOT takes 1 argument"]),
    (json.dumps(op("=", p("name"))), "cql2-json", ["= takes 2 arguments, not 1"]),
    (json.dumps({"op": "=", "args": "name"}), "cql2-json", ['{"op": "<name>"']),
    (json.dumps({"property": 5}), "cql2-json", ['{"property": "<name>"}']),
    (json.dumps("name"), "cql2-json", ["expected a condition"]),
    (json.dumps({"colour": "red"}), "cql2-json", ["cannot read"]),
    (json.dumps(op("=", p("name"), "a\x00b")), "cql2-json", ["NUL"]),
    ('{"op": "=", "args": [{"property": "name"}, "\\ud800"]}', "cql2-json", ["Unicode"]),
    (json.dumps(op("=", p("status_year"), 2**70)), "cql2-json", ["too large"]),
    (
        json.dumps(op("s_intersects", p("geometry"), {"type": "Polygon", "coordinates": 5})),
        "cql2-json",
        ["not nested as GeoJSON says"],
    ),
    (
        json.dumps(op("s_intersects", p("geometry"), {"type": "Circle", "coordinates": [1, 2]})),
        "cql2-json",
        ["'Circle' is not a GeoJSON geometry type"],
    ),
    (
        json.dumps(op("s_intersects", p("geometry"), {"bbox": [1, 2, 3]})),
        "cql2-json",
        ["4 numbers"],
    ),
    (
        json.dumps(op("t_after", p("status_year"), {"timestamp": "2020-01-01T00:00:00Z"})),
        "cql2-json",
        ["temporal"],
    ),
    ('{"op": "not", "args": [' * 400, "cql2-json", ["not valid JSON"]),
    ("[" * 5000 + "]" * 5000, "cql2-json", [f"nested more than {MAX_DEPTH}"]),
    ("status_year = " + "9" * 4301, "cql2-text", ["too many digits"]),
    (
        f'{{"op": "=", "args": [{{"property": "status_year"}}, {"9" * 4301}]}}',
        "cql2-json",
        ["too many digits"],
    ),
    ("status_year = 1e400", "cql2-text", ["too large a number"]),
    ("name = 'x')", "cql2-text", ["character 11", "found ')'"]),
    (
        "S_INTERSECTS(geometry, MULTIPOINT EMPTY)",
        "cql2-text",
        ["MULTIPOINT EMPTY is not supported"],
    ),
    (
        json.dumps(op("s_intersects", p("geometry"), {"type": "MultiPoint", "coordinates": []})),
        "cql2-json",
        ["at least one member"],
    ),
    (json.dumps(nested_not(MAX_DEPTH + 10)), "cql2-json", [f"nested more than {MAX_DEPTH}"]),
]


@pytest.mark.parametrize(("filter_text", "lang", "words"), MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_filter_is_a_clear_error(filter_text: str, lang: Lang, words: list[str]) -> None:
    with pytest.raises(InvalidParameter) as raised:
        filter_clause(filter_text, lang, QUERYABLES)
    assert raised.value.detail.startswith("filter: ")
    for word in words:
        assert word in raised.value.detail


def test_deep_but_legal_nesting_is_read(db: Engine) -> None:
    short = "(" * 7 + "category = 'rail'" + ")" * 7
    long = "(" * 4 + "category = 'rail' AND " * 440 + "cross_border = TRUE" + ")" * 4
    assert len(long) > 9_000
    assert selected(db, short) == selected(db, long) == {"m101"}


def test_syntax_error_carries_its_position() -> None:
    with pytest.raises(InvalidParameter) as raised:
        filter_clause("category = 'rail' AND AND", "cql2-text", QUERYABLES)
    assert raised.value.extra == {"position": 23}
    assert "character 23" in raised.value.detail


def test_filter_at_the_length_limit_is_read(db: Engine) -> None:
    filter_text = "name = '" + "x" * (MAX_FILTER_LENGTH - 9) + "'"
    assert len(filter_text) == MAX_FILTER_LENGTH
    assert selected(db, filter_text) == set()
