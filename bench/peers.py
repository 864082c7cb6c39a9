"""Peer benchmark: this app, tipg and pygeoapi serving the same projects from the same PostGIS.

For each size a scratch database gets the real catalogue plus N synthetic projects (common.py);
the app serves them, and its answer for the default year is copied into a plain table
`peers.projects` that tipg and pygeoapi serve. Each server runs with 2 worker processes on a free
loopback port and is loaded in turn by wrk; the items page is also timed as raw SQL (the floor).
Prints one table per size and writes the figures to bench/results-peers-<date>.json. It measures;
it never asserts a time. See bench/README.md.
"""

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import psycopg
from common import (
    BENCH_DIR,
    SEED,
    Plan,
    Prepared,
    around,
    build_database,
    drive_sql,
    scratch_database,
    server_versions,
)
from sqlalchemy.engine import make_url

from app import scratch
from app.cluster import free_port
from app.settings import REPO_ROOT

WORK_DIR = REPO_ROOT / ".bench"  # the peers' virtualenvs, configs and logs (ignored by git)
TIPG = "tipg==1.6.*"
PYGEOAPI = "pygeoapi==0.24.*"
WORKERS = 2
TOWNSHIP = "宋庄镇"
ROTATION = 64  # distinct offsets, ids and boxes a scenario cycles through
BOX_SHARE = 0.05  # of the district's area
PAGE = 5000  # features per request when copying the app's answer
WARM_UP = 4  # requests, one after the other, before each measured run
PROPERTIES = (
    "name",
    "category",
    "status",
    "status_year",
    "target_status",
    "target_year",
    "behind_plan",
    "townships",
    "township_codes",
)
SCENARIOS = (
    "items limit=100",
    "items limit=1000",
    "bbox 5% limit=1000",
    "township limit=100",
    "item by id",
    "tile z12",
    "tile z14",
)
SERVERS = ("tzmap", "tipg", "pygeoapi")
FLOOR = "SQL floor"  # the items pages built by PostgreSQL alone, timed with psycopg

# --- the peers' table -------------------------------------------------------------------------

PEERS_TABLE_SQL = """
CREATE SCHEMA peers;
CREATE TABLE peers.projects (
    id text PRIMARY KEY,
    name text NOT NULL,
    category text NOT NULL,
    status text,
    status_year integer,
    target_status text,
    target_year integer,
    behind_plan boolean NOT NULL,
    townships text NOT NULL,  -- the names, joined with ';'
    township_codes text[] NOT NULL,
    geom geometry(Geometry, 4326)
)
"""

INSERT_SQL = """
INSERT INTO peers.projects VALUES
    (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326))
"""


def copy_app_answer(url: str, base: str) -> int:
    """Copy the app's projects (default year) into peers.projects; how many there are."""
    fields = ",".join(PROPERTIES)
    with psycopg.connect(url) as conn, httpx.Client(base_url=base, timeout=600) as client:
        conn.execute(PEERS_TABLE_SQL)
        offset = 0
        while True:
            params: dict[str, str | int] = {"limit": PAGE, "offset": offset, "properties": fields}
            response = client.get("/collections/projects/items", params=params)
            response.raise_for_status()
            features = response.json()["features"]
            rows = []
            for f in features:
                p = f["properties"]
                geometry = json.dumps(f["geometry"]) if f["geometry"] else None
                townships = ";".join(p["townships"])
                scalars = [p[k] for k in PROPERTIES[:7]]
                rows.append((f["id"], *scalars, townships, p["township_codes"], geometry))
            conn.cursor().executemany(INSERT_SQL, rows)
            offset += len(features)
            if len(features) < PAGE:
                break
        conn.execute("CREATE INDEX ON peers.projects USING gist (geom)")
        try:  # LIKE '%…%' can use a trigram index; else a plain one
            with conn.transaction():
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                conn.execute("CREATE INDEX ON peers.projects USING gin (townships gin_trgm_ops)")
        except psycopg.Error:
            conn.execute("CREATE INDEX ON peers.projects (townships)")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE peers.projects")
    return offset


# --- what the scenarios ask for ---------------------------------------------------------------


def make_plan(url: str) -> Plan:
    """Random offsets and ids; boxes of 5 % of the district around its centroid, jittered."""
    rng = random.Random(SEED)
    with psycopg.connect(url) as conn:
        total = conn.execute("SELECT count(*) FROM peers.projects").fetchall()[0][0]
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM peers.projects ORDER BY md5(id) LIMIT %s", (ROTATION,)
            )
        ]
        area, lon, lat = conn.execute(
            "SELECT ST_Area(geom::geography), ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom))"
            " FROM (SELECT ST_Union(geom) AS geom FROM district) AS d"
        ).fetchall()[0]
    side = math.sqrt(BOX_SHARE * area)  # metres
    half_lon = side / 2 / (111_320 * math.cos(math.radians(lat)))
    half_lat = side / 2 / 110_570
    boxes = []
    for _ in range(ROTATION):
        x = lon + rng.uniform(-0.5, 0.5) * half_lon
        y = lat + rng.uniform(-0.5, 0.5) * half_lat
        boxes.append(
            (
                round(x - half_lon, 6),
                round(y - half_lat, 6),
                round(x + half_lon, 6),
                round(y + half_lat, 6),
            )
        )

    def offsets(limit: int) -> list[int]:
        return [rng.randrange(0, max(total - limit, 0) + 1) for _ in range(ROTATION)]

    return Plan(total, ids, offsets(100), offsets(1000), boxes, around(12), around(14))


COLLECTION = {"tzmap": "projects", "tipg": "peers.projects", "pygeoapi": "projects"}


def scenario_paths(server: str, plan: Plan) -> dict[str, list[str]]:
    """Each scenario's request paths on `server`; pygeoapi serves no vector tiles."""
    items = f"/collections/{COLLECTION[server]}/items"
    # pygeoapi answers HTML to a client that does not say what it wants.
    extra = {"f": "json"} if server == "pygeoapi" else {}

    def query(**params: Any) -> str:
        return "?" + urlencode({**params, **extra}, quote_via=quote)

    # The app's township=: projects that touch the township. The peers' own property filter
    # (?townships=) is an equality, which misses projects in several townships, so they get the
    # same question in CQL2.
    if server == "tzmap":
        township = {"township": TOWNSHIP}
    else:
        township = {"filter": f"townships LIKE '%{TOWNSHIP}%'", "filter-lang": "cql2-text"}
    paths = {
        "items limit=100": [items + query(limit=100, offset=o) for o in plan.offsets_100],
        "items limit=1000": [items + query(limit=1000, offset=o) for o in plan.offsets_1000],
        "bbox 5% limit=1000": [
            items + query(bbox=",".join(str(v) for v in box), limit=1000) for box in plan.boxes
        ],
        "township limit=100": [items + query(limit=100, **township)],
        "item by id": [f"{items}/{quote(i)}" + (query() if extra else "") for i in plan.ids],
    }
    if server != "pygeoapi":
        tiles = f"/collections/{COLLECTION[server]}/tiles/WebMercatorQuad"
        paths["tile z12"] = [f"{tiles}/12/{x}/{y}" for x, y in plan.tiles_12]
        paths["tile z14"] = [f"{tiles}/14/{x}/{y}" for x, y in plan.tiles_14]
    return paths


FLOOR_SQL = """
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'id', id,
        'geometry', ST_AsGeoJSON(geom)::json,
        'properties', json_build_object(
            'name', name, 'category', category, 'status', status, 'status_year', status_year,
            'target_status', target_status, 'target_year', target_year,
            'behind_plan', behind_plan, 'townships', string_to_array(townships, ';'),
            'township_codes', township_codes)
    ) ORDER BY id), '[]'::json)
)::text
FROM (SELECT * FROM peers.projects ORDER BY id LIMIT %(limit)s OFFSET %(offset)s) AS page
"""


def floor_statements(plan: Plan) -> dict[str, list[Prepared]]:
    return {
        f"items limit={limit}": [
            Prepared(FLOOR_SQL, {"limit": limit, "offset": o}) for o in offsets
        ]
        for limit, offsets in ((100, plan.offsets_100), (1000, plan.offsets_1000))
    }


# --- the servers ------------------------------------------------------------------------------


def ensure_venv(name: str, python: str, requirements: list[str]) -> Path:
    """A virtualenv under .bench/ with `requirements`, made once."""
    venv = WORK_DIR / name
    marker = venv / "bench-requirements.txt"
    wanted = "\n".join(requirements) + "\n"
    if marker.exists() and marker.read_text() == wanted:
        return venv
    print(f"Installing {' '.join(requirements)} into {venv.relative_to(REPO_ROOT)} …", flush=True)
    subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *requirements]
    subprocess.run(pip, check=True)
    marker.write_text(wanted)
    return venv


def package_version(venv: Path, package: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    out = subprocess.run([venv / "bin" / "python", "-c", code], capture_output=True, text=True)
    return out.stdout.strip()


def python_312() -> str | None:
    """A Python >= 3.12 for pygeoapi: python3.12 on PATH, else one of pyenv's."""
    candidates = [shutil.which("python3.12")]
    candidates += [
        str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.1[2-9]*/bin/python3"))
    ]
    for candidate in candidates:
        if not candidate:
            continue
        check = [candidate, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"]
        if subprocess.run(check, capture_output=True).returncode == 0:
            return candidate
    return None


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian package: wrk", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "wrk"]
        if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
            subprocess.run(install, env=env, stdout=subprocess.DEVNULL, check=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is not installed: sudo apt-get install wrk")
    return found


def plain_env(**extra: str) -> dict[str, str]:
    """A small environment for the peers: none of the app's settings."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    return {**{k: os.environ[k] for k in keep if k in os.environ}, **extra}


@dataclass(frozen=True)
class Server:
    name: str
    port: int
    command: list[str]
    env: dict[str, str]
    cwd: Path
    ready: str  # a path that answers 200 once the server serves the collection


def app_server(url: str) -> Server:
    """The app as `tzmap serve --workers 2` runs it: uvicorn with the app.asgi factory."""
    # The URL in the environment, never on a command line; TZMAP_APP_DATABASE_URL too, so
    # neither a .env file nor the caller's environment points the server elsewhere.
    env = {**os.environ, "DATABASE_URL": url, "TZMAP_APP_DATABASE_URL": url}
    env["TZMAP_LOG_LEVEL"] = "warning"
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)]
    command += ["--log-level", "warning", "--no-access-log"]
    return Server("tzmap", port, command, env, REPO_ROOT, "/healthz")


def tipg_server(venv: Path, url: str, cwd: Path) -> Server:
    env = plain_env(
        DATABASE_URL=url, TIPG_DB_SCHEMAS='["peers"]', TIPG_DB_TABLES='["peers.projects"]'
    )
    port = free_port()
    command = [str(venv / "bin" / "python"), "-m", "uvicorn", "tipg.main:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)]
    command += ["--log-level", "warning", "--no-access-log"]
    return Server("tipg", port, command, env, cwd, "/collections/peers.projects")


def pygeoapi_config(url: str, port: int) -> dict[str, Any]:
    """pygeoapi's configuration: one collection on peers.projects; the password stays in the
    environment (pygeoapi substitutes ${VAR})."""
    db = make_url(url)
    base = f"http://127.0.0.1:{port}"
    return {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": base,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "gzip": True,
            "languages": ["en-US"],
            "pretty_print": False,
            "limits": {"default_items": 10, "max_items": 10000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": ""},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "tzmap peers",
                "description": "The projects of bench/peers.py",
                "keywords": ["bench"],
                "keywords_type": "theme",
                "terms_of_service": "",
                "url": base,
            },
            "license": {"name": "internal", "url": base},
            "provider": {"name": "bench", "url": base},
            "contact": {"name": "bench"},
        },
        "resources": {
            "projects": {
                "type": "collection",
                "title": "projects",
                "description": "The projects of bench/peers.py",
                "keywords": ["projects"],
                "extents": {"spatial": {"bbox": [116.4, 39.6, 117.0, 40.1]}},
                "providers": [
                    {
                        "type": "feature",
                        "name": "PostgreSQL",
                        "data": {
                            "host": db.host,
                            "port": db.port or 5432,
                            "dbname": db.database,
                            "user": db.username,
                            "password": "${TZMAP_PEERS_DB_PASSWORD}",
                            "search_path": ["peers", "public"],
                        },
                        "id_field": "id",
                        "table": "projects",
                        "geom_field": "geom",
                    }
                ],
            }
        },
    }


def pygeoapi_server(venv: Path, url: str, cwd: Path) -> Server:
    """pygeoapi's Flask app under gunicorn (its documented WSGI deployment), 2 workers of 4
    threads each so that waiting on the database overlaps."""
    port = free_port()  # pygeoapi's configuration names it
    config, openapi = cwd / "pygeoapi-config.yml", cwd / "pygeoapi-openapi.yml"
    # As YAML (by pygeoapi's own PyYAML): it expands ${VAR} in plain scalars only, not in JSON.
    to_yaml = "import json, sys, yaml; yaml.safe_dump(json.load(sys.stdin), sys.stdout)"
    with config.open("w") as out:
        subprocess.run([venv / "bin" / "python", "-c", to_yaml], stdout=out, check=True,
                       input=json.dumps(pygeoapi_config(url, port)).encode())  # fmt: skip
    env = plain_env(
        TZMAP_PEERS_DB_PASSWORD=make_url(url).password or "",
        PYGEOAPI_CONFIG=str(config),
        PYGEOAPI_OPENAPI=str(openapi),
    )
    generate = [str(venv / "bin" / "pygeoapi"), "openapi", "generate", str(config)]
    done = subprocess.run([*generate, "--output-file", str(openapi)], env=env, cwd=cwd,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"pygeoapi openapi generate failed:\n{done.stderr[-3000:]}")
    command = [str(venv / "bin" / "gunicorn"), "pygeoapi.flask_app:APP"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    command += ["--worker-class", "gthread", "--threads", "4", "--log-level", "warning"]
    return Server("pygeoapi", port, command, env, cwd, "/collections/projects?f=json")


@contextmanager
def running(server: Server) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The server until the block ends; its output goes to .bench/NAME.log."""
    base = f"http://127.0.0.1:{server.port}"
    command = server.command
    log_path = WORK_DIR / f"{server.name}.log"
    with log_path.open("ab") as log:
        log.write(f"\n--- {dt.datetime.now():%Y-%m-%d %H:%M:%S} {' '.join(command)}\n".encode())
        log.flush()
        # Its own session: Ctrl-C reaches only us, and we stop the whole group on the way out.
        process = subprocess.Popen(
            command, cwd=server.cwd, env=server.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_ready(process, base + server.ready, log_path)
        yield process, base
    finally:
        stop(process)


def wait_ready(process: subprocess.Popen[bytes], url: str, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            raise RuntimeError(f"the server exited with {process.returncode}:\n{tail}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s (see {log})")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (the one it was started in), then SIGKILL."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
    time.sleep(0.5)  # let the workers go before the next server starts


def descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def workers_rss_mib(pid: int) -> tuple[int, float]:
    """How many worker processes the server's launcher started, and their resident memory
    summed (not the launcher's, nor multiprocessing's resource tracker beside uvicorn's)."""
    total_kib, count = 0, 0
    for child in descendants(pid):
        try:
            if b"resource_tracker" in Path(f"/proc/{child}/cmdline").read_bytes():
                continue
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kib += int(line.split()[1])
                count += 1
    return count, round(total_kib / 1024, 1)


# --- the load ---------------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.headers["Accept-Encoding"] = "gzip"
local paths = {%s}
local threads = 0
function setup(thread)
    thread:set("i", threads * 17)
    threads = threads + 1
end
function request()
    i = i + 1
    return wrk.format("GET", paths[i %% #paths + 1])
end
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("WRK %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
        summary.bytes, latency:percentile(50), latency:percentile(99),
        e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def run_wrk(
    wrk: str, base: str, paths: list[str], connections: int, duration: int
) -> dict[str, Any]:
    """wrk with 2 threads and `connections` connections for `duration` seconds, cycling through
    `paths` (a thread starts at its own place in the list)."""
    lua = ", ".join(f'"{p}"' for p in paths)  # paths are percent-encoded: no quote, no backslash
    with tempfile.NamedTemporaryFile("w", suffix=".lua", dir=WORK_DIR) as script:
        script.write(WRK_SCRIPT % lua)
        script.flush()
        command = [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "120s"]
        out = subprocess.run([*command, "-s", script.name, base], capture_output=True, text=True)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {out.stderr or out.stdout}")
    requests, micros, size, p50, p99, errors = (int(v) for v in line.split()[1:])
    return {
        "requests": requests,
        "per_second": round(requests / (micros / 1e6), 2) if micros else 0.0,
        "p50_ms": round(p50 / 1000, 2) if requests else None,
        "p99_ms": round(p99 / 1000, 2) if requests else None,
        "bytes_per_response": round(size / requests) if requests else None,
        "errors": errors,
    }


def check(base: str, paths: dict[str, list[str]]) -> dict[str, Any]:
    """One request per scenario: its status, and for feature collections how many features it
    returned and matched (the same question should match the same count on every server)."""
    found: dict[str, Any] = {}
    with httpx.Client(base_url=base, timeout=300) as client:
        for scenario, urls in paths.items():
            response = client.get(urls[0])
            entry: dict[str, Any] = {"status": response.status_code}
            if response.headers.get("content-type", "").split(";")[0].endswith("json"):
                body = response.json()
                if isinstance(body, dict) and "features" in body:
                    entry["returned"] = len(body["features"])
                    entry["matched"] = body.get("numberMatched")
            if response.status_code != 200:
                entry["error"] = response.text[:300]
            found[scenario] = entry
    return found


def warm_up(base: str, paths: list[str]) -> None:
    """A few requests one after the other: the server's first ones, or the backlog of the
    previous run's abandoned requests, are not timed."""
    with httpx.Client(base_url=base, timeout=300) as client:
        for path in paths[:WARM_UP]:
            client.get(path)


def describe(s: dict[str, Any]) -> str:
    p50, p99 = fmt(s["p50_ms"]), fmt(s["p99_ms"])
    errors = f" · {s['errors']} errors" if s.get("errors") else ""
    return f"{s['per_second']:8.1f}/s p50 {p50:>8} ms p99 {p99:>8} ms{errors}"


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Peers:
    wrk: str
    tipg: Path
    pygeoapi: Path | None
    versions: dict[str, str]


def prepare_peers() -> Peers:
    WORK_DIR.mkdir(exist_ok=True)
    wrk = ensure_wrk()
    tipg = ensure_venv("venv-tipg", sys.executable, [TIPG, "uvicorn"])
    versions = {"tipg": package_version(tipg, "tipg")}
    pygeoapi = None
    python = python_312()
    if python is None:
        print("pygeoapi skipped: needs Python ≥ 3.12 (python3.12 on PATH or under ~/.pyenv)")
    else:
        pygeoapi = ensure_venv(
            "venv-pygeoapi", python, [PYGEOAPI, "gunicorn", "psycopg2-binary", "GeoAlchemy2"]
        )
        versions["pygeoapi"] = package_version(pygeoapi, "pygeoapi")
    return Peers(wrk, tipg, pygeoapi, versions)


def bench_size(
    server_url: str, size: int, peers: Peers, args: argparse.Namespace
) -> dict[str, Any]:
    result: dict[str, Any] = {"synthetic": size}
    with scratch_database(server_url) as url, tempfile.TemporaryDirectory(dir=WORK_DIR) as tmp:
        print(f"\n{size:,} synthetic projects: setting up …", flush=True)
        result["setup_s"] = build_database(url, size)
        print(f"  setup {result['setup_s']}", flush=True)
        start = time.perf_counter()
        with running(app_server(url)) as (_, base):
            result["projects"] = copy_app_answer(url, base)
        result["setup_s"]["peers_table"] = round(time.perf_counter() - start, 2)
        print(f"  {result['projects']:,} projects copied to peers.projects in "
              f"{result['setup_s']['peers_table']} s", flush=True)  # fmt: skip
        plan = make_plan(url)
        cwd = Path(tmp)
        servers = [app_server(url), tipg_server(peers.tipg, url, cwd)]
        if peers.pygeoapi:
            servers.append(pygeoapi_server(peers.pygeoapi, url, cwd))
        result.update(load(servers, url, plan, peers.wrk, args))
    return result


Figures = dict[str, dict[str, list[dict[str, Any]]]]  # server → scenario → one per round


def load(
    servers: list[Server], url: str, plan: Plan, wrk: str, args: argparse.Namespace
) -> dict[str, Any]:
    """Every server in turn, then the floor, `args.rounds` times, every other round reversed."""
    figures: Figures = {}
    rss: dict[str, list[dict[str, Any]]] = {}
    checks: dict[str, Any] = {}
    turns: list[Server | None] = [*servers, None]  # None: the SQL floor
    for round_ in range(1, args.rounds + 1):
        for server in turns if round_ % 2 else turns[::-1]:
            if server is None:
                floor_turn(url, plan, args, round_, figures)
                continue
            paths = scenario_paths(server.name, plan)
            with running(server) as (process, base):
                if server.name not in checks:
                    checks[server.name] = check(base, paths)
                for scenario, urls in paths.items():
                    warm_up(base, urls)
                    s = run_wrk(wrk, base, urls, args.connections, args.duration)
                    record(figures, server.name, scenario, round_, s)
                processes, mib = workers_rss_mib(process.pid)
                rss.setdefault(server.name, []).append({"processes": processes, "rss_mib": mib})
    return {"check": checks, "rounds": figures, "rss": rss, "summary": summarise(figures, rss)}


def floor_turn(
    url: str, plan: Plan, args: argparse.Namespace, round_: int, figures: Figures
) -> None:
    for scenario, statements in floor_statements(plan).items():
        m = drive_sql(url, statements, args.connections, args.duration).summary()
        s = {k: m[k] for k in ("requests", "per_second", "p50_ms", "p99_ms")}
        s["bytes_per_response"] = m["body_bytes"]
        record(figures, FLOOR, scenario, round_, s)


def record(figures: Figures, server: str, scenario: str, round_: int, s: dict[str, Any]) -> None:
    figures.setdefault(server, {}).setdefault(scenario, []).append(s)
    print(f"  round {round_} {server:<9} {scenario:<19} {describe(s)}", flush=True)


def summarise(figures: Figures, rss: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The mean over the rounds of each figure, and our ratios to each peer and the floor."""

    def avg(runs: list[dict[str, Any]], key: str) -> float | None:
        values = [r[key] for r in runs if r.get(key) is not None]
        return round(mean(values), 2) if values else None

    table: dict[str, dict[str, Any]] = {}
    for scenario in SCENARIOS:
        row: dict[str, Any] = {}
        for server, by_scenario in figures.items():
            runs = by_scenario.get(scenario)
            if not runs:
                continue
            keys = ("per_second", "p50_ms", "p99_ms", "bytes_per_response")
            row[server] = {k: avg(runs, k) for k in keys}
            row[server]["errors"] = sum(r.get("errors", 0) for r in runs)
        ours = row.get("tzmap")
        for server, s in row.items():
            if server == "tzmap" or not ours:
                continue
            s["ours_p50_ratio"] = ratio(ours["p50_ms"], s["p50_ms"])
            s["ours_rps_ratio"] = ratio(ours["per_second"], s["per_second"])
        table[scenario] = row
    memory = {name: max(r["rss_mib"] for r in runs) for name, runs in rss.items()}
    return {"scenarios": table, "rss_mib": memory}


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def print_table(result: dict[str, Any], args: argparse.Namespace) -> None:
    print(
        f"\n== {result['projects']:,} projects ({result['synthetic']:,} synthetic) · "
        f"{args.connections} connections · {args.duration} s × {args.rounds} round(s), "
        "means over the rounds"
    )
    head = ("req/s", "p50 ms", "p99 ms", "KB/resp", "errors", "matched", "ours rps×", "ours p50×")
    print(f"{'scenario':<20}{'server':<11}" + "".join(f"{h:>10}" for h in head))
    for scenario_name, row in result["summary"]["scenarios"].items():
        scenario = scenario_name  # printed on the first line of the scenario only
        for server in (*SERVERS, FLOOR):
            s = row.get(server)
            if s is None:
                if server in result["rss"]:  # a server that does not offer it
                    print(f"{scenario:<20}{server:<11}" + f"{'–':>10}" * 6)
                    scenario = ""
                continue
            matched = result["check"].get(server, {}).get(scenario_name, {}).get("matched")
            size = s["bytes_per_response"] / 1024 if s["bytes_per_response"] else None
            cells = [fmt(s["per_second"]), fmt(s["p50_ms"]), fmt(s["p99_ms"]), fmt(size),
                     str(s["errors"]) if server != FLOOR else "",
                     "" if matched is None else str(matched),
                     fmt(s.get("ours_rps_ratio"), 2), fmt(s.get("ours_p50_ratio"), 2)]  # fmt: skip
            if server == "tzmap":
                cells[-2:] = ["", ""]
            print(f"{scenario:<20}{server:<11}" + "".join(f"{c:>10}" for c in cells))
            scenario = ""
    memory = " · ".join(f"{n} {mib:.0f} MiB" for n, mib in result["summary"]["rss_mib"].items())
    print(f"RSS of the {WORKERS} workers after the load (the highest of the rounds): {memory}")
    print("ours rps× = our requests/s ÷ theirs (> 1: we serve more); "
          "ours p50× = our p50 ÷ theirs (> 1: we are slower)")  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,100000",
        help="synthetic catalogue sizes, comma-separated (default 1000,100000)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of turns (default 2)")
    args = parser.parse_args()
    if args.connections < 2 or args.duration < 1 or args.rounds < 1:
        parser.error("--connections must be ≥ 2, --duration and --rounds ≥ 1")
    return args


def main() -> None:
    # SIGTERM unwinds like Ctrl-C, so the servers are stopped and the databases are dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    peers = prepare_peers()
    server = scratch.server_url()
    started = dt.datetime.now().astimezone()
    report: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            **server_versions(server),
            **peers.versions,
        },
        "workers": WORKERS,
        "duration_s": args.duration,
        "connections": args.connections,
        "rounds": args.rounds,
        "sizes": [],
    }
    print(f"tipg {peers.versions['tipg']}, pygeoapi {peers.versions.get('pygeoapi', '–')}")
    for size in sizes:
        report["sizes"].append(bench_size(server, size, peers, args))
    for size_result in report["sizes"]:
        print_table(size_result, args)
    out = BENCH_DIR / f"results-peers-{started:%Y-%m-%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nfigures written to {out.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
