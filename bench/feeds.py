"""Feed benchmark: the projects feeds over HTTP, and the raw SQL behind them, per catalogue size.

For each size a scratch database gets the real catalogue plus N synthetic projects generated in
SQL; the app is served by uvicorn in a subprocess and driven by an async client, then the SQL
statements the routes execute are timed directly. Prints one table per size, writes the figures
to bench/results-<date>.json. It measures; it never asserts a time. See bench/README.md.
"""

import argparse
import asyncio
import datetime as dt
import itertools
import json
import math
import os
import platform
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import psycopg
from common import (  # the database and the SQL timing, shared with map.py and peers.py
    BENCH_DIR,
    CENTRE,
    SEED,
    Measure,
    Plan,
    Prepared,
    around,
    build_database,
    drive_sql,
    scratch_database,
    server_versions,
)
from sqlalchemy import Connection, Engine, Select

from app import scratch
from app.cluster import free_port
from app.db import make_engine
from app.filters import ItemsParameters
from app.layers import LAYERS, select_features
from app.queries.features import Page, feature_page
from app.queries.filters import order_by
from app.queries.tiles import tile
from app.settings import REPO_ROOT

BOX_KM = 5.0
TOWNSHIP = "潞源街道"
ROTATION = 64  # distinct offsets, ids and boxes a case cycles through
WARMUP_S = 1.0
LAYER = LAYERS["projects"]
COMPARED = ("items limit=100", "items limit=1000", "tile z14")  # also timed as raw SQL

# The app in a subprocess; the database URL travels in the environment, not on the command line.
SERVER = """
import sys

import uvicorn

from app.main import create_app
from app.settings import Settings

app = create_app(Settings())
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), workers=1, log_level="warning")
"""


# --- what the cases ask for -------------------------------------------------------------------


def boxes(rng: random.Random) -> list[tuple[float, float, float, float]]:
    """~5 km boxes around the centre, jittered by up to ~800 m."""
    lon, lat = CENTRE
    half_lon = BOX_KM / 2 / (111.32 * math.cos(math.radians(lat)))
    half_lat = BOX_KM / 2 / 110.57
    result = []
    for _ in range(ROTATION):
        x, y = lon + rng.uniform(-0.01, 0.01), lat + rng.uniform(-0.007, 0.007)
        box = (
            round(x - half_lon, 6),
            round(y - half_lat, 6),
            round(x + half_lon, 6),
            round(y + half_lat, 6),
        )
        result.append(box)
    return result


def make_plan(url: str) -> Plan:
    rng = random.Random(SEED)
    with psycopg.connect(url) as conn:
        total = conn.execute("SELECT count(*) FROM project").fetchall()[0][0]
        ids = [
            r[0]
            for r in conn.execute("SELECT id FROM project ORDER BY md5(id) LIMIT %s", (ROTATION,))
        ]

    def offsets(limit: int) -> list[int]:
        return [rng.randrange(0, max(total - limit, 0) + 1) for _ in range(ROTATION)]

    return Plan(total, ids, offsets(100), offsets(1000), boxes(rng), around(12), around(14))


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable[[int], str]  # the path of the i-th request


ITEMS = "/collections/projects/items"
TILES = "/collections/projects/tiles/WebMercatorQuad"


def cases(plan: Plan) -> list[Case]:
    def pick(values: list[Any], i: int) -> Any:
        return values[i % len(values)]

    def bbox(i: int) -> str:
        box = ",".join(str(v) for v in pick(plan.boxes, i))
        return f"{ITEMS}?{urlencode({'bbox': box, 'township': TOWNSHIP})}"

    def tile_url(z: int, tiles: list[tuple[int, int]]) -> Callable[[int], str]:
        return lambda i: f"{TILES}/{z}/{pick(tiles, i)[0]}/{pick(tiles, i)[1]}"

    return [
        Case("items limit=100", lambda i: f"{ITEMS}?limit=100&offset={pick(plan.offsets_100, i)}"),
        Case(
            "items limit=1000", lambda i: f"{ITEMS}?limit=1000&offset={pick(plan.offsets_1000, i)}"
        ),
        Case("items bbox+township", bbox),
        Case("item by id", lambda i: f"{ITEMS}/{pick(plan.ids, i)}"),
        Case("tile z12", tile_url(12, plan.tiles_12)),
        Case("tile z14", tile_url(14, plan.tiles_14)),
    ]


# --- measuring --------------------------------------------------------------------------------


async def drive_http(
    client: httpx.AsyncClient, case: Case, concurrency: int, duration: float
) -> Measure:
    """`concurrency` clients in a closed loop for `duration` seconds; in-flight ones finish."""
    measure, counter = Measure(), itertools.count()
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        while time.perf_counter() < deadline:
            url = case.url(next(counter))
            start = time.perf_counter()
            try:
                response = await client.get(url)
            except httpx.HTTPError as exc:
                measure.fail(f"{url}: {exc!r}")
                continue
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                measure.fail(f"{url}: {response.status_code} {response.text[:200]}")
                continue
            measure.latencies_ms.append(elapsed * 1000)
            measure.wire_bytes += response.num_bytes_downloaded
            measure.body_bytes += len(response.content)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    measure.seconds = time.perf_counter() - start
    return measure


async def warm_up(client: httpx.AsyncClient, case: Case, concurrency: int) -> None:
    """One untimed request per client first."""
    # Failures are left to the measured run, which counts them.
    await asyncio.gather(
        *(client.get(case.url(i)) for i in range(concurrency)), return_exceptions=True
    )


def levels(concurrency: int) -> list[int]:
    return sorted({1, concurrency})


async def run_http(
    base: str, stats: psycopg.Connection[Any], plan: Plan, concurrency: int, duration: float
) -> dict[str, dict[str, Any]]:
    """Every case at `concurrency`; those compared with raw SQL also at 1."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    results: dict[str, dict[str, Any]] = {}
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:
        for case in cases(plan):
            results[case.name] = {}
            for level in levels(concurrency) if case.name in COMPARED else [concurrency]:
                await warm_up(client, case, level)
                before = sessions(stats)
                summary = (await drive_http(client, case, level, duration)).summary()
                await asyncio.sleep(0.5)  # backends report their stats when idle
                summary["db_sessions_opened"] = sessions(stats) - before
                results[case.name][f"c{level}"] = summary
                print(f"  http {case.name:<20} c={level:<3} {describe(summary)}", flush=True)
    return results


def sessions(stats: psycopg.Connection[Any]) -> int:
    """Connections ever opened to this database: the app's pool opening new ones shows here."""
    row = stats.execute(
        "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
    ).fetchone()
    return int(row[0]) if row else 0


def items_statement(conn: Connection, limit: int, offset: int) -> Select[Any]:
    """What the items route executes for ?limit=&offset= (app/routes/features.py `items`)."""
    query = ItemsParameters(limit=limit, offset=offset)
    selection = select_features(conn, LAYER, query)
    return feature_page(
        selection.rows,
        selection.where,
        order_by(selection.queryables, query.sort_keys),
        Page(query.limit, query.offset),
        LAYER.properties,
        query.output_crs,
        LAYER.has_geometry,
    )


def tile_statement(conn: Connection, z: int, x: int, y: int) -> Select[Any]:
    """What the tile route executes without filters (app/routes/tiles.py `vector_tile`)."""
    selection = select_features(conn, LAYER, ItemsParameters())
    return tile(
        selection.rows, selection.where, z, x, y, LAYER.id, LAYER.tile_properties, LAYER.tile_arrays
    )


def prepare(engine: Engine, statements: list[Select[Any]]) -> list[Prepared]:
    result = []
    for statement in statements:
        compiled = statement.compile(dialect=engine.dialect)
        result.append(Prepared(str(compiled), dict(compiled.params)))
    return result


def raw_statements(url: str, plan: Plan) -> dict[str, list[Prepared]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                "items limit=100": prepare(
                    engine, [items_statement(conn, 100, o) for o in plan.offsets_100]
                ),
                "items limit=1000": prepare(
                    engine, [items_statement(conn, 1000, o) for o in plan.offsets_1000]
                ),
                "tile z14": prepare(
                    engine, [tile_statement(conn, 14, x, y) for x, y in plan.tiles_14]
                ),
            }
    finally:
        engine.dispose()


def run_raw(url: str, plan: Plan, concurrency: int, duration: float) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for name, statements in raw_statements(url, plan).items():
        results[name] = {}
        for level in levels(concurrency):
            summary = drive_sql(url, statements, level, duration).summary()
            results[name][f"c{level}"] = summary
            print(f"  raw  {name:<20} c={level:<3} {describe(summary)}", flush=True)
    return results


def explain(url: str, plan: Plan) -> None:
    """EXPLAIN ANALYZE of the first statement of each raw case, for diagnosis."""
    with psycopg.connect(url, autocommit=True) as conn:
        for name, statements in raw_statements(url, plan).items():
            first = statements[0]
            rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + first.sql, first.params).fetchall()
            print(f"\n--- EXPLAIN ANALYZE {name} ---")
            print("\n".join(r[0] for r in rows))


# --- the server -------------------------------------------------------------------------------


def wait_healthy(process: subprocess.Popen[bytes], base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode} before answering")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the app did not answer 200 on {base}/healthz within {timeout:.0f} s")


@contextmanager
def serving(database_url: str) -> Iterator[str]:
    """The app under uvicorn (1 worker) on a free loopback port; stopped on the way out."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "TZMAP_LOG_LEVEL": "warning"}
    # Its own session: Ctrl-C reaches only us, and we stop the server once the case is unwound.
    command = [sys.executable, "-c", SERVER, str(port)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(process, base)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- reporting --------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def describe(s: dict[str, Any]) -> str:
    shown = f"{s['per_second']:.1f}/s p50 {fmt(s['p50_ms'])} ms p99 {fmt(s['p99_ms'])} ms"
    return shown + (f" · {s['errors']} errors, first: {s['first_error']}" if s["errors"] else "")


def ratios(http: dict[str, dict[str, Any]], raw: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """HTTP p50 over raw SQL p50 of the same statement, at the same concurrency."""
    result: dict[str, Any] = {}
    for name, by_level in raw.items():
        result[name] = {}
        for level, s in by_level.items():
            p50, base = http[name][level]["p50_ms"], s["p50_ms"]
            result[name][level] = round(p50 / base, 2) if p50 and base else None
    return result


def line(first: str, *cells: str) -> str:
    return f"{first:<22}" + "".join(f"{cell:>12}" for cell in cells)


def print_table(result: dict[str, Any], concurrency: int) -> None:
    n = f"c{concurrency}"
    print(
        f"\n== {result['projects']:,} projects ({result['synthetic']:,} synthetic) · "
        f"setup {result['setup_s']['total']:.1f} s · HTTP at concurrency {concurrency}"
    )
    print(line("HTTP", "req/s", "p50 ms", "p99 ms", "KB wire", "KB body", "new conns", "errors"))
    for name, by_level in result["http"].items():
        s = by_level[n]
        cells = (s["per_second"], s["p50_ms"], s["p99_ms"], s["wire_bytes"] / 1024,
                 s["body_bytes"] / 1024)  # fmt: skip
        print(line(name, *(fmt(v) for v in cells), str(s["db_sessions_opened"]), str(s["errors"])))
    for level in levels(concurrency):
        c = f"c{level}"
        print(line(f"raw SQL vs HTTP, c={level}", "raw req/s", "raw p50", "raw p99",
                   "http p50", "http p99", "http/raw"))  # fmt: skip
        for name, by_level in result["raw"].items():
            raw, http = by_level[c], result["http"][name][c]
            cells = (raw["per_second"], raw["p50_ms"], raw["p99_ms"], http["p50_ms"],
                     http["p99_ms"])  # fmt: skip
            print(line(name, *(fmt(v) for v in cells), fmt(result["ratios"][name][c], 2)))


# --- the run ----------------------------------------------------------------------------------


def bench_size(server: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    with scratch_database(server) as url:
        print(f"\n{size:,} synthetic projects: setting up …", flush=True)
        setup = build_database(url, size)
        print(f"  setup {setup}", flush=True)
        plan = make_plan(url)
        with serving(url) as base, psycopg.connect(url, autocommit=True) as stats:
            http = asyncio.run(run_http(base, stats, plan, args.concurrency, args.duration))
        raw = run_raw(url, plan, args.concurrency, args.duration)
        if args.explain:
            explain(url, plan)
    return {
        "synthetic": size,
        "projects": plan.total,
        "setup_s": setup,
        "http": http,
        "raw": raw,
        "ratios": ratios(http, raw),
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,100000",
        help="synthetic catalogue sizes, comma-separated (default 1000,100000)",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per case")
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN ANALYZE of the raw statements for each size",
    )
    return parser.parse_args()


def main() -> None:
    # SIGTERM unwinds like Ctrl-C, so the server is stopped and the databases are dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    server = scratch.server_url()
    started = dt.datetime.now().astimezone()
    report: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            **server_versions(server),
        },
        "duration_s": args.duration,
        "concurrency": args.concurrency,
        "sizes": [],
    }
    for size in sizes:
        report["sizes"].append(bench_size(server, size, args))
    for size_result in report["sizes"]:
        print_table(size_result, args.concurrency)
    out = BENCH_DIR / f"results-{started:%Y-%m-%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nfigures written to {out.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
