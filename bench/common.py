"""What the benchmarks share: a scratch database with the real catalogue plus N synthetic projects
generated in SQL, and the timing of raw SQL statements. Used by feeds.py, map.py and peers.py.

Only the parts of the app that build the database are imported here (migrations, the loader),
not the read path, so the benchmarks of other servers run whatever state the feeds are in.
"""

import itertools
import math
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Connection, text

from app import migrate, readmodel, scratch, vocab
from app.db import make_engine
from app.geodata.load import assign_townships, load_catalogue
from app.settings import REPO_ROOT

BENCH_DIR = Path(__file__).resolve().parent
DOCUMENT = "tongzhou-2022-plan"
SEED = 2022
CENTRE = (116.70, 39.90)  # lon, lat: the middle of the sub-centre

# --- the database -----------------------------------------------------------------------------


def scratch_database(server: str) -> Any:
    return scratch.scratch_database(server, prefix="tzmap_bench")


EVIDENCE_SQL = text(
    """
    INSERT INTO evidence (document_id, char_start, char_end)
    SELECT :document, 1000 * k + 7, 1000 * k + 67 FROM generate_series(1, 20) AS k
    ON CONFLICT DO NOTHING
    """
)

# Out of every 20 projects 12 are points, 5 lines and 3 polygons. A line is a walk of 5–39 steps
# (6–40 vertices), 0.5–4 km long, whose heading sways around a random direction; a polygon is a
# ring of 16–60 vertices, 200–900 m across, its radius waving but never so much that it crosses
# itself. (0.766 = cos 40°: a degree of longitude is that much shorter than one of latitude.)
PROJECTS_SQL = text(
    """
    INSERT INTO project (id, name, category, geom, geometry_quality, description)
    SELECT format('bench-%s', lpad(n::text, 6, '0')),
           format('基准项目 %s', lpad(n::text, 6, '0')),
           (CAST(:categories AS text[]))[1 + floor(pick * :n_categories)::int],
           CASE
               WHEN n % 20 < 12 THEN geom
               WHEN n % 20 < 17 THEN (
                   SELECT ST_MakeLine(ST_Translate(geom, x, y) ORDER BY k)
                   FROM (
                       SELECT k,
                              sum(CASE WHEN k > 0 THEN step * cos(heading) ELSE 0 END)
                                  OVER (ORDER BY k) / 0.766 AS x,
                              sum(CASE WHEN k > 0 THEN step * sin(heading) ELSE 0 END)
                                  OVER (ORDER BY k) AS y
                       FROM (
                           SELECT k, len / steps AS step,
                                  a + 0.6 * sin(0.5 * k + phase) AS heading
                           FROM generate_series(0, steps) AS k
                       ) AS walk_steps
                   ) AS walk
               )
               ELSE (
                   SELECT ST_MakePolygon(ST_AddPoint(ring, ST_StartPoint(ring)))
                   FROM (
                       SELECT ST_MakeLine(ST_Translate(
                                  geom,
                                  radius * cos(t) * (0.8 + 0.2 * sin(3 * t + phase)) / 0.766,
                                  radius * sin(t) * (0.8 + 0.2 * sin(3 * t + phase))
                              ) ORDER BY k) AS ring
                       FROM generate_series(0, corners - 1) AS k,
                            LATERAL (SELECT 2 * pi() * k / corners AS t) AS angle
                   ) AS outline
               )
           END,
           'schematic',
           'Synthetic project of the benchmarks.'
    FROM (
        SELECT row_number() OVER () AS n, geom, random() AS pick,
               2 * pi() * random() AS a, 2 * pi() * random() AS phase,
               5 + floor(35 * random())::int AS steps, 16 + floor(45 * random())::int AS corners,
               0.0045 + 0.0315 * random() AS len, 0.0009 + 0.0032 * random() AS radius
        FROM ST_Dump(ST_GeneratePoints((SELECT ST_Union(geom) FROM district), :size, :seed))
    ) AS points
    """
)

EVENTS_SQL = text(
    """
    INSERT INTO status_event (project_id, year, status, milestone, evidence_id)
    SELECT p.id, 2021 + k,
           (CAST(:statuses AS text[]))[least(p.first + k, 3) + 1],
           CASE WHEN random() < 0.2 THEN '主体结构封顶' END,
           (CAST(:evidence AS bigint[]))[1 + floor(random() * :n_evidence)::int]
    FROM (
        SELECT id, floor(3 * random())::int AS extra, floor(2 * random())::int AS first
        FROM project WHERE id LIKE 'bench-%'
    ) AS p, generate_series(0, p.extra) AS k
    """
)

TARGETS_SQL = text(
    """
    INSERT INTO target (project_id, year, status, evidence_id)
    SELECT id, 2024 + floor(3 * random())::int,
           CASE WHEN random() < 0.5 THEN 'completed' ELSE 'in_service' END,
           (CAST(:evidence AS bigint[]))[1 + floor(random() * :n_evidence)::int]
    FROM project WHERE id LIKE 'bench-%'
    """
)

ALIASES_SQL = text(
    """
    INSERT INTO project_alias (alias, project_id)
    SELECT format('%s 别名%s', name, k), id
    FROM project, generate_series(1, 2) AS k
    WHERE id LIKE 'bench-%' AND random() < 0.25
    """
)

MEMBERS_SQL = text(
    """
    INSERT INTO programme_member (programme_id, project_id)
    SELECT (CAST(:programmes AS text[]))[1 + floor(random() * :n_programmes)::int], id
    FROM project, generate_series(1, 2) AS k
    WHERE id LIKE 'bench-%' AND random() < 0.08
    ON CONFLICT DO NOTHING
    """
)


def add_synthetic(conn: Connection, size: int) -> None:
    """`size` projects inside the district: 60 % points, 25 % lines of 6–40 vertices, 15 %
    polygons of 16–60 vertices; random categories, 1–3 status events (2021–2023), one target
    (2024–2026), some aliases and programme memberships."""
    conn.execute(text("SELECT setseed(:seed)"), {"seed": SEED / 10_000})  # setseed wants -1..1
    conn.execute(EVIDENCE_SQL, {"document": DOCUMENT})
    evidence = conn.execute(
        text("SELECT array_agg(id ORDER BY id) FROM evidence WHERE document_id = :document"),
        {"document": DOCUMENT},
    ).scalar_one()
    programmes = conn.execute(text("SELECT array_agg(id ORDER BY id) FROM programme")).scalar_one()
    per_evidence = {"evidence": evidence, "n_evidence": len(evidence)}
    categories = {"categories": list(vocab.CATEGORIES), "n_categories": len(vocab.CATEGORIES)}
    conn.execute(PROJECTS_SQL, {**categories, "size": size, "seed": SEED})
    conn.execute(EVENTS_SQL, {"statuses": list(vocab.STATUSES), **per_evidence})
    conn.execute(TARGETS_SQL, per_evidence)
    conn.execute(ALIASES_SQL)
    conn.execute(MEMBERS_SQL, {"programmes": programmes, "n_programmes": len(programmes)})


@contextmanager
def timed(into: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into[name] = round(time.perf_counter() - start, 2)


def build_database(url: str, size: int) -> dict[str, float]:
    """Migrate, load the real catalogue, add the synthetic one, rebuild the read model; the
    seconds each step took."""
    seconds: dict[str, float] = {}
    engine = make_engine(url)
    try:
        with timed(seconds, "migrate"):
            migrate.upgrade(url)
        with timed(seconds, "load_catalogue"):
            load_catalogue(engine, REPO_ROOT / "geodata", None)
        with timed(seconds, "synthetic"), engine.begin() as conn:
            add_synthetic(conn, size)
        with timed(seconds, "assign_townships"), engine.begin() as conn:
            assign_townships(conn)
        with timed(seconds, "read_model"), engine.begin() as conn:
            readmodel.rebuild(conn)  # written in SQL: what `tzmap rebuild` does
        with timed(seconds, "vacuum_analyze"):  # as after any bulk load
            readmodel.vacuum(engine)
    finally:
        engine.dispose()
    seconds["total"] = round(sum(seconds.values()), 2)
    return seconds


def server_versions(server: str) -> dict[str, str]:
    with psycopg.connect(scratch.with_database(server, "postgres")) as conn:
        rows = conn.execute(
            "SELECT current_setting('server_version'),"
            " (SELECT default_version FROM pg_available_extensions WHERE name = 'postgis')"
        ).fetchall()
    return {"postgres": rows[0][0], "postgis": rows[0][1]}


@dataclass(frozen=True)
class Plan:
    """The requests a benchmark cycles through: the same for every server, and for raw SQL."""

    total: int
    ids: list[str]
    offsets_100: list[int]
    offsets_1000: list[int]
    boxes: list[tuple[float, float, float, float]]
    tiles_12: list[tuple[int, int]]
    tiles_14: list[tuple[int, int]]


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def around(z: int) -> list[tuple[int, int]]:
    """The tile over the centre and its eight neighbours."""
    x, y = tile_xy(*CENTRE, z)
    return [(x + dx, y + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Measure:
    latencies_ms: list[float] = field(default_factory=list)
    wire_bytes: int = 0
    body_bytes: int = 0
    errors: int = 0
    first_error: str | None = None
    seconds: float = 0.0

    def fail(self, reason: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or reason

    def summary(self) -> dict[str, Any]:
        n = len(self.latencies_ms)
        return {
            "requests": n,
            "per_second": round(n / self.seconds, 2) if self.seconds else 0.0,
            "p50_ms": percentile(self.latencies_ms, 50),
            "p99_ms": percentile(self.latencies_ms, 99),
            "wire_bytes": round(self.wire_bytes / n) if n else 0,
            "body_bytes": round(self.body_bytes / n) if n else 0,
            "errors": self.errors,
            "first_error": self.first_error,
        }


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 2)


@dataclass(frozen=True)
class Prepared:
    """A statement compiled once, so the loop times PostgreSQL and the driver only."""

    sql: str
    params: dict[str, Any]


def result_bytes(row: tuple[Any, ...] | None) -> int:
    value = row[-1] if row else None
    if isinstance(value, str):
        return len(value.encode())
    return len(value) if value is not None else 0


def drive_sql(url: str, statements: list[Prepared], concurrency: int, duration: float) -> Measure:
    """Each thread on its own connection runs the statements in turn for `duration` seconds."""
    measure, counter, lock, stop = Measure(), itertools.count(), threading.Lock(), threading.Event()
    connections = [psycopg.connect(url, autocommit=True) for _ in range(concurrency)]

    def warm_up(conn: psycopg.Connection[Any]) -> None:
        conn.execute(statements[0].sql, statements[0].params).fetchone()

    def worker(conn: psycopg.Connection[Any], deadline: float) -> None:
        while not stop.is_set() and time.perf_counter() < deadline:
            statement = statements[next(counter) % len(statements)]
            start = time.perf_counter()
            row = conn.execute(statement.sql, statement.params).fetchone()
            elapsed = time.perf_counter() - start
            with lock:
                measure.latencies_ms.append(elapsed * 1000)
                measure.body_bytes += result_bytes(row)

    pool = ThreadPoolExecutor(concurrency)
    try:
        # A new backend pays one-off costs (PROJ set-up on its first ST_Transform): not timed.
        list(pool.map(warm_up, connections))
        start = time.perf_counter()
        futures = [pool.submit(worker, c, start + duration) for c in connections]
        for future in futures:
            future.result()
        measure.seconds = time.perf_counter() - start
    finally:
        stop.set()
        pool.shutdown(wait=True)
        for conn in connections:
            conn.close()
    return measure
