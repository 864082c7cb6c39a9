"""The read model against its definition (app/readmodel.py), worked out again here in Python from
the base tables; and refreshing a few projects gives what a whole rebuild gives."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, event, select, text

from app import migrate, readmodel, vocab
from app.cli import main
from app.db import make_engine
from app.queries.projects import project_rows
from app.settings import get_settings
from tests.conftest import catalogue_database, query, scratch_database

RANK = {status: n for n, status in enumerate(vocab.STATUSES, start=1)}
SHOWN = ("status", "status_year", "milestone", "planned_status", "planned_year",
         "target_status", "target_year", "behind_plan")  # fmt: skip


def rank(status: str | None) -> int:
    return RANK.get(status, 0) if status else 0


def expected(events: list[Any], targets: list[Any], year: int, reported: int | None) -> dict:
    """What a project shows as of `year`, straight from the definition."""
    done = [e for e in events if e[0] <= year]
    status = max(done, key=lambda e: (e[0], rank(e[1])), default=(None, None, None))
    due = [t for t in targets if t[0] <= year]
    planned = max(due, key=lambda t: (rank(t[1]), t[0]), default=(None, None))
    target = min(
        targets, key=lambda t: (t[0] < year, abs(t[0] - year), -rank(t[1])), default=(None, None)
    )
    behind = any(
        t[0] <= year and reported is not None and t[0] <= reported and rank(t[1]) > rank(status[1])
        for t in targets
    )
    return dict(zip(SHOWN, (status[1], status[0], status[2], planned[1], planned[0],
                            target[1], target[0], behind), strict=True))  # fmt: skip


def shown(engine: Engine, year: int) -> dict[str, dict]:
    rows = project_rows(year)
    with engine.connect() as conn:
        result = conn.execute(select(rows.c.id, *(rows.c[name] for name in SHOWN)))
        return {row[0]: dict(zip(SHOWN, row[1:], strict=True)) for row in result}


def definition(engine: Engine, year: int) -> dict[str, dict]:
    events: dict[str, list[Any]] = {}
    targets: dict[str, list[Any]] = {}
    for pid, y, status, milestone in query(
        engine, "SELECT project_id, year, status, milestone FROM status_event"
    ):
        events.setdefault(pid, []).append((y, status, milestone))
    for pid, y, status in query(engine, "SELECT project_id, year, status FROM target"):
        targets.setdefault(pid, []).append((y, status))
    reported = query(engine, "SELECT max(year) FROM status_event WHERE origin <> 'edit'")[0][0]
    published = [r[0] for r in query(engine, "SELECT id FROM project WHERE retired_at IS NULL")]
    return {
        pid: expected(events.get(pid, []), targets.get(pid, []), year, reported)
        for pid in published
    }


def table(engine: Engine) -> list[tuple[Any, ...]]:
    return query(engine, "SELECT id, years::text, feature FROM project_feature ORDER BY 1, 2")


@pytest.fixture(scope="module")
def loaded_engine(loaded_db: str) -> Iterator[Engine]:
    engine = make_engine(loaded_db)
    yield engine
    engine.dispose()


@pytest.fixture
def own_catalogue(server_url: str) -> Iterator[Engine]:
    with catalogue_database(server_url) as (_, engine):
        yield engine


@pytest.mark.parametrize("year", [1990, 2016, 2020, 2021, 2022, 2023, 2024, 2026, 2027, 2099])
def test_every_year_shows_what_the_definition_says(loaded_engine: Engine, year: int) -> None:
    assert shown(loaded_engine, year) == definition(loaded_engine, year)


def test_a_project_changes_only_where_the_documents_say(loaded_engine: Engine) -> None:
    """The M101 line: one row per stretch of years with the same state, ends open."""
    rows = query(
        loaded_engine, "SELECT years::text FROM project_feature WHERE id = 'm101-line' ORDER BY 1"
    )
    years = [r[0] for r in rows]
    assert years[0].startswith("(,") and years[-1].endswith(",)")
    assert len(years) == len(set(years)) > 1


def test_refreshing_what_a_write_touched_equals_a_rebuild(own_catalogue: Engine) -> None:
    engine = own_catalogue
    with engine.begin() as conn:  # an approved update: the district's reported year stays
        conn.exec_driver_sql(
            "INSERT INTO status_event (project_id, year, status, evidence_id, origin)"
            " SELECT 'm101-line', 2024, 'completed', min(id), 'edit' FROM evidence"
        )
        readmodel.refresh(conn, ["m101-line"])
    refreshed = table(engine)
    with engine.begin() as conn:
        readmodel.rebuild(conn)
    assert table(engine) == refreshed
    assert shown(engine, 2024)["m101-line"]["status"] == "completed"

    before = readmodel_state(engine)
    with engine.begin() as conn:  # a 2023 report: every behind-plan judgement may move
        conn.exec_driver_sql(
            "INSERT INTO status_event (project_id, year, status, evidence_id, origin)"
            " SELECT 'jingtai-road', 2023, 'in_service', min(id), 'report' FROM evidence"
        )
        readmodel.refresh(conn, ["jingtai-road"])
    after = readmodel_state(engine)
    assert (after.reported_year, after.latest_year) == (2023, 2024)
    assert after.version > before.version
    refreshed = table(engine)
    with engine.begin() as conn:
        readmodel.rebuild(conn)
    assert table(engine) == refreshed
    assert shown(engine, 2023) == definition(engine, 2023)


def test_tzmap_rebuild_repairs_what_sql_wrote(own_catalogue: Engine) -> None:
    engine = own_catalogue
    built = table(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM project_feature WHERE left(id, 2) = 'm1'")
    assert table(engine) != built
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["rebuild"], env={"DATABASE_URL": url})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert f"{len(built)} rows" in result.output
    assert table(engine) == built


def readmodel_state(engine: Engine) -> readmodel.State:
    with engine.connect() as conn:
        return readmodel.state(conn)


def test_features_carry_both_descriptions_and_mentions(loaded_engine: Engine) -> None:
    rows = query(
        loaded_engine,
        "SELECT id, feature::json->'properties' FROM project_feature WHERE upper_inf(years)",
    )
    properties = dict(rows)
    assert all(p["description_zh"] and p["description"] for p in properties.values())
    archives = properties["sub-centre-archives"]  # named, with no stage: a mention only
    assert archives["status"] is None
    assert [e["kind"] for e in archives["evidence"]] == ["mention"]
    assert archives["evidence"][0]["year"] is None


def test_tiles_far_out_have_a_generalised_geometry_of_every_project(loaded_engine: Engine) -> None:
    """Simplified, never dropped: a small project stays a dot at zoom 12, not nothing."""
    rows = query(
        loaded_engine,
        "SELECT ST_NPoints(tile_geom), ST_NPoints(tile_geom_generalised),"
        " ST_IsEmpty(tile_geom_generalised) FROM project_feature WHERE tile_geom IS NOT NULL",
    )
    assert rows and all(not empty for _, _, empty in rows)
    assert all(generalised <= full for full, generalised, _ in rows)
    assert sum(g for _, g, _ in rows) < sum(f for f, _, _ in rows)  # some lines lost vertices


def test_features_carry_both_placement_notes(loaded_engine: Engine) -> None:
    rows = query(
        loaded_engine,
        "SELECT id, feature::json->'properties' FROM project_feature WHERE upper_inf(years)",
    )
    properties = dict(rows)
    placed = {pid: p for pid, p in properties.items() if p["placement"]}
    assert placed and all(p["placement_zh"] for p in placed.values())
    assert all(list(p).index("placement_zh") == list(p).index("placement") + 1
               for p in properties.values())  # fmt: skip
    park = properties["apailang-creativity-park"]  # the walk-through's English note in Chinese
    assert park["placement"].startswith("Reported inside the 城市绿心森林公园")
    assert "城市绿心森林公园" in park["placement_zh"] and "Reported" not in park["placement_zh"]


def test_a_migration_that_empties_the_read_model_gets_it_rebuilt(own_catalogue: Engine) -> None:
    engine = own_catalogue
    built = table(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM project_feature")  # as the issue-14 revision does
        assert readmodel.emptied(conn)
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    migrate.upgrade(url)
    assert table(engine) == built


def _waits_for(condition: Any, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_state_is_kept_between_refreshes_and_renewed_by_them(server_url: str) -> None:
    with scratch_database(server_url) as url:
        migrate.upgrade(url)
        server, other = make_engine(url), make_engine(url)  # a server's, another process's
        watch = readmodel.StateWatch(url, server)
        queries: list[str] = []
        event.listen(server, "before_cursor_execute", lambda *a: queries.append(a[2]))
        watch.start()
        try:
            assert _waits_for(lambda: watch._listening)
            first = watch.current()
            asked = len(queries)
            assert watch.current() == first and len(queries) == asked  # kept: no query
            with other.begin() as conn:
                readmodel.refresh(conn)
            # another process's refresh reaches the server by its notification
            assert _waits_for(lambda: watch.current().version == first.version + 1)
            with server.begin() as conn:
                readmodel.refresh(conn)
            assert watch.current().version == first.version + 2  # its own: at once
        finally:
            watch.stop()
            server.dispose()
            other.dispose()
        assert not watch._listening


def test_without_notifications_the_state_is_read_each_time(server_url: str) -> None:
    with scratch_database(server_url) as url:
        migrate.upgrade(url)
        server, other = make_engine(url), make_engine(url)
        watch = readmodel.StateWatch(url, server)  # not started: not listening
        try:
            with server.begin() as conn:
                readmodel.refresh(conn)
            before = watch.current()
            with other.begin() as conn:  # written in SQL elsewhere: no notification
                conn.execute(text("UPDATE read_model_state SET version = version + 5"))
            assert watch.current().version == before.version + 5
        finally:
            server.dispose()
            other.dispose()
