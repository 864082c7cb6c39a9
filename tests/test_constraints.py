"""Each constraint of the schema rejects what it exists to reject."""

from collections.abc import Iterator

import psycopg
import pytest

SQUARE = "POLYGON((116.6 39.8, 116.7 39.8, 116.7 39.9, 116.6 39.9, 116.6 39.8))"

SETUP = f"""
INSERT INTO document (id, title, date, sha256)
    VALUES ('doc', 'A document', '2023-01-04', repeat('a', 64));
INSERT INTO evidence (document_id, char_start, char_end) VALUES ('doc', 0, 10);
INSERT INTO township (code, name, kind, boundary_quality, geom)
    VALUES ('110112104000', '宋庄镇', '镇', 'approximate',
            ST_Multi(ST_GeomFromText('{SQUARE}', 4326)));
INSERT INTO project (id, name, category, geom, geometry_quality)
    VALUES ('m101-line', 'M101线', 'rail',
            ST_GeomFromText('LINESTRING(116.70 39.90, 116.72 39.91)', 4326), 'schematic');
INSERT INTO project_alias (alias, project_id) VALUES ('101线', 'm101-line');
INSERT INTO programme (id, name, category) VALUES ('dead-end-roads', '17条断头路', 'road');
INSERT INTO indicator (id, name) VALUES ('forest-cover', '森林覆盖率');
"""

EVIDENCE = "(SELECT min(id) FROM evidence)"


def project(geom_sql: str, pid: str = "p-new", **overrides: str) -> str:
    values = {"category": "'road'", "geometry_quality": "'approximate'", **overrides}
    return (
        "INSERT INTO project (id, name, category, geom, geometry_quality) "
        f"VALUES ('{pid}', 'name-{pid}', {values['category']}, {geom_sql}, "
        f"{values['geometry_quality']})"
    )


def event(year: str = "2022", status: str = "'completed'", project_id: str = "'m101-line'") -> str:
    return (
        "INSERT INTO status_event (project_id, year, status, evidence_id) "
        f"VALUES ({project_id}, {year}, {status}, {EVIDENCE})"
    )


REJECTED = {
    "self-intersecting polygon": project(
        "ST_GeomFromText('POLYGON((116.6 39.8, 116.7 39.9, 116.7 39.8, 116.6 39.9, 116.6 39.8))',"
        " 4326)"
    ),
    "empty geometry": project("ST_GeomFromText('POINT EMPTY', 4326)"),
    "wrong SRID": project("ST_GeomFromText('POINT(116.7 39.9)', 4490)"),
    "3D geometry": project("ST_GeomFromText('POINT Z (116.7 39.9 10)', 4326)"),
    "geometry collection": project(
        "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(116.7 39.9))', 4326)"
    ),
    "missing geometry of a placed project": project("NULL"),
    "geometry on an unplaced project": project(
        "ST_Point(116.7, 39.9, 4326)", geometry_quality="'unplaced'"
    ),
    "unknown category": project("ST_Point(116.7, 39.9, 4326)", category="'spaceport'"),
    "unknown geometry quality": project("ST_Point(116.7, 39.9, 4326)", geometry_quality="'exact'"),
    "id not a slug": project("ST_Point(116.7, 39.9, 4326)", pid="M101 Line"),
    "duplicate project id": project("ST_Point(116.7, 39.9, 4326)", pid="m101-line"),
    "duplicate project name": (
        "INSERT INTO project (id, name, category, geom, geometry_quality) VALUES "
        "('other', 'M101线', 'rail', ST_Point(116.7, 39.9, 4326), 'schematic')"
    ),
    "alias claimed by two projects": (
        project("ST_Point(116.7, 39.9, 4326)")
        + "; INSERT INTO project_alias (alias, project_id) VALUES ('101线', 'p-new')"
    ),
    "unknown status": event(status="'finished'"),
    "year before range": event(year="1999"),
    "year after range": event(year="2051"),
    "event of unknown project": event(project_id="'no-such-project'"),
    "two events of one status in one year": event() + "; " + event(),
    "event without evidence": (
        "INSERT INTO status_event (project_id, year, status) VALUES ('m101-line', 2022, 'planned')"
    ),
    "target with unknown status": (
        "INSERT INTO target (project_id, year, status, evidence_id) "
        f"VALUES ('m101-line', 2026, 'done', {EVIDENCE})"
    ),
    "evidence range reversed": (
        "INSERT INTO evidence (document_id, char_start, char_end) VALUES ('doc', 10, 5)"
    ),
    "evidence of unknown document": (
        "INSERT INTO evidence (document_id, char_start, char_end) VALUES ('nope', 0, 5)"
    ),
    "document hash not sha256": (
        "INSERT INTO document (id, title, date, sha256) VALUES ('d2', 't', '2023', 'abc')"
    ),
    "document date not ISO": (
        "INSERT INTO document (id, title, date, sha256) "
        "VALUES ('d2', 't', '2023年1月', repeat('b', 64))"
    ),
    "township code not 12 digits": (
        "INSERT INTO township (code, name, kind, boundary_quality, geom) VALUES "
        f"('110112', '某镇', '镇', 'approximate', ST_Multi(ST_GeomFromText('{SQUARE}', 4326)))"
    ),
    "township of unknown kind": (
        "INSERT INTO township (code, name, kind, boundary_quality, geom) VALUES "
        f"('110112999000', '某区', '区', 'approximate',"
        f" ST_Multi(ST_GeomFromText('{SQUARE}', 4326)))"
    ),
    "township polygon given as a point": (
        "INSERT INTO township (code, name, kind, boundary_quality, geom) VALUES "
        "('110112999000', '某镇', '镇', 'approximate', ST_Point(116.7, 39.9, 4326))"
    ),
    "project in unknown township": (
        "INSERT INTO project_township (project_id, township_code)"
        " VALUES ('m101-line', '110112999000')"
    ),
    "programme target without year": (
        "UPDATE programme SET target_count = 17 WHERE id = 'dead-end-roads'"
    ),
    "programme progress of unknown kind": (
        "INSERT INTO programme_progress (programme_id, year, kind, count, evidence_id) "
        f"VALUES ('dead-end-roads', 2022, 'guess', 1, {EVIDENCE})"
    ),
    "indicator value with unknown qualifier": (
        "INSERT INTO indicator_value (indicator_id, year, kind, value, qualifier, evidence_id) "
        f"VALUES ('forest-cover', 2022, 'actual', 34, 'roughly', {EVIDENCE})"
    ),
    "user with unknown role": (
        "INSERT INTO app_user (username, role) VALUES ('zhang', 'superuser')"
    ),
    "audit entry of unknown action": (
        "INSERT INTO audit_log (actor, action, entity, entity_id) VALUES ('x', 'rename', 'p', '1')"
    ),
}


@pytest.fixture
def conn(migrated_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(migrated_db) as connection:
        connection.execute(SETUP)
        yield connection
        connection.rollback()


def test_valid_rows_are_accepted(conn: psycopg.Connection) -> None:
    conn.execute(project("ST_Point(116.7, 39.9, 4326)"))
    conn.execute(event())
    count = conn.execute("SELECT count(*) FROM project").fetchone()
    assert count == (2,)


@pytest.mark.parametrize("statement", REJECTED.values(), ids=REJECTED.keys())
def test_constraint_rejects(conn: psycopg.Connection, statement: str) -> None:
    # Constraints raise IntegrityError; the typed geometry column raises DataError.
    with pytest.raises((psycopg.IntegrityError, psycopg.DataError)) as raised, conn.transaction():
        conn.execute(statement)
    assert raised.value.sqlstate is not None
