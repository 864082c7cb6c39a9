"""Load test: many clients at once on a mix of feeds, tiles, the map page and prints, for several
consecutive runs against one server, as the service would see a busy morning.

    .venv/bin/python bench/load.py [--clients 64] [--duration 60] [--runs 3] [--workers 2]

A scratch database gets the real catalogue (plus --synthetic projects, built as in feeds.py); the
app is served the way `tzmap serve --workers N` serves it, in a subprocess. Each run prints the
requests per second, p50/p99 per request kind and the errors by status, then the memory of the
server's processes; at the end, whether that memory stayed flat from run to run. Figures go to
bench/results-load-<date>.json. The exit status is 1 when any request failed or memory grew
past --memory-tolerance, so that the script can stand in a release check. See bench/README.md.
"""

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import platform
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # the benchmarks' scratch database with the real catalogue, percentiles
import feeds  # the feed benchmark's requests (items, tiles) and its server helpers

from app import scratch
from app.cluster import free_port
from app.settings import REPO_ROOT

BROWSER_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"
# How often each kind of request comes up (relative weights): mostly data, some pages, a few
# prints, which cost a hundred times a feed.
DEFAULT_MIX = "feed=45,tile=40,map=12,print=3"


# --- what the clients ask for ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    kind: str  # feed, tile, map, print
    name: str
    url: Callable[[int], str]  # the path of the i-th request of this case
    headers: dict[str, str] = field(default_factory=dict)


def township_names(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM township ORDER BY code")]


def load_cases(plan: feeds.Plan, townships: list[str]) -> list[Case]:
    """feeds.py's item and tile cases, the map page as a browser opens it, township prints."""
    cases = [
        Case("tile" if c.name.startswith("tile") else "feed", c.name, c.url)
        for c in feeds.cases(plan)
    ]
    years = (2021, 2022, 2023, 2024)

    def print_url(i: int) -> str:
        town = townships[i % len(townships)]
        return f"/print?{urlencode({'township': town, 'format': 'png', 'dpi': 100})}"

    cases += [
        Case(
            "map",
            "map page",
            lambda i: f"/?year={years[i % len(years)]}",
            {"Accept": BROWSER_ACCEPT},
        ),
        Case("map", "map basemap", lambda i: "/api/basemap"),
        Case(
            "map",
            "townships",
            lambda i: f"/collections/townships/items?year={years[i % len(years)]}&limit=100",
        ),
        Case("print", "print township png", print_url),
    ]
    return cases


def parse_mix(text: str) -> dict[str, float]:
    mix = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        mix[kind.strip()] = float(weight)
    unknown = set(mix) - {"feed", "tile", "map", "print"}
    if unknown or not any(w > 0 for w in mix.values()):
        raise SystemExit(f"--mix: kinds are feed, tile, map, print with weights; got {text!r}")
    return mix


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """One case over one run."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)  # status code or exception name
    first_error: str | None = None

    def fail(self, reason: str, detail: str) -> None:
        self.errors[reason] += 1
        self.first_error = self.first_error or detail


@dataclass
class Run:
    seconds: float
    tallies: dict[str, Tally]
    memory: dict[str, Any]

    def requests(self) -> int:
        return sum(len(t.latencies_ms) + sum(t.errors.values()) for t in self.tallies.values())

    def errors(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for tally in self.tallies.values():
            total.update(tally.errors)
        return total

    def summary(self, cases: list[Case]) -> dict[str, Any]:
        per_case = {}
        for case in cases:
            t = self.tallies[case.name]
            per_case[case.name] = {
                "kind": case.kind,
                "ok": len(t.latencies_ms),
                "p50_ms": common.percentile(t.latencies_ms, 50),
                "p99_ms": common.percentile(t.latencies_ms, 99),
                "errors": dict(t.errors),
                "first_error": t.first_error,
            }
        return {
            "seconds": round(self.seconds, 2),
            "requests": self.requests(),
            "per_second": round(self.requests() / self.seconds, 2) if self.seconds else 0.0,
            "errors": dict(self.errors()),
            "cases": per_case,
            "memory": self.memory,
        }


async def drive(
    client: httpx.AsyncClient,
    cases: list[Case],
    mix: dict[str, float],
    clients: int,
    duration: float,
    seed: int,
) -> Run:
    """`clients` clients in a closed loop for `duration` seconds, each drawing its next request
    from the mix; requests in flight at the deadline finish and count."""
    tallies = {case.name: Tally() for case in cases}
    by_kind: dict[str, list[Case]] = {}
    for case in cases:
        by_kind.setdefault(case.kind, []).append(case)
    kinds = [k for k in by_kind if mix.get(k, 0) > 0]
    weights = [mix[k] for k in kinds]
    counter = itertools.count()
    deadline = time.perf_counter() + duration

    async def one_client(rng: random.Random) -> None:
        while time.perf_counter() < deadline:
            case = rng.choice(by_kind[rng.choices(kinds, weights)[0]])
            url = case.url(next(counter))
            tally = tallies[case.name]
            start = time.perf_counter()
            try:
                response = await client.get(url, headers=case.headers)
                await response.aclose()
            except httpx.HTTPError as exc:
                tally.fail(type(exc).__name__, f"{url}: {exc!r}")
                continue
            if response.status_code != 200:
                tally.fail(str(response.status_code), f"{url}: {response.text[:200]}")
                continue
            tally.latencies_ms.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    await asyncio.gather(*(one_client(random.Random(seed + i)) for i in range(clients)))
    return Run(time.perf_counter() - start, tallies, {})


async def warm_up(client: httpx.AsyncClient, cases: list[Case], workers: int) -> None:
    """Each case a few times at once, so that every worker has likely imported and cached what
    it needs (the first print of a process imports matplotlib) before anything is timed."""
    requests = [client.get(c.url(i), headers=c.headers) for c in cases for i in range(2 * workers)]
    for response in await asyncio.gather(*requests, return_exceptions=True):
        if isinstance(response, BaseException):
            raise RuntimeError(f"warm-up failed: {response!r}")
        if response.status_code != 200:
            raise RuntimeError(
                f"warm-up: {response.url} answered {response.status_code}: {response.text[:300]}"
            )


# --- the server and its memory -----------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def memory_kb(pid: int) -> tuple[int, int | None]:
    """Resident set and, when the kernel tells it, proportional set size (shared pages split
    among the processes sharing them, so that a sum does not count them twice)."""
    rss = _field_kb(Path(f"/proc/{pid}/status").read_text(), "VmRSS:") or 0
    try:
        return rss, _field_kb(Path(f"/proc/{pid}/smaps_rollup").read_text(), "Pss:")
    except OSError:  # an older kernel, or not ours to read
        return rss, None


def _field_kb(text: str, name: str) -> int | None:
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith(name)),
                None)  # fmt: skip


def server_memory(pid: int) -> dict[str, Any]:
    rss_total, pss_total, counted = 0, 0, 0
    for each in descendants(pid):
        try:
            rss, pss = memory_kb(each)
        except OSError:
            continue
        rss_total += rss
        pss_total += pss or 0
        counted += 1
    return {
        "processes": counted,
        "rss_mb": round(rss_total / 1024, 1),
        "pss_mb": round(pss_total / 1024, 1) if pss_total else None,
    }


@contextmanager
def serving(database_url: str, workers: int) -> Iterator[tuple[str, int]]:
    """`tzmap serve --workers N` on a free loopback port: its address and process id."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "TZMAP_LOG_LEVEL": "warning"}
    env.pop("TZMAP_APP_DATABASE_URL", None)  # the scratch database's own user
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    # Its own session: Ctrl-C reaches only us, and we stop the server on the way out.
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}"
        feeds.wait_healthy(process, base, timeout=120)
        yield base, process.pid
    finally:
        process.terminate()  # uvicorn's supervisor stops its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this script started
            process.wait()


# --- reporting ---------------------------------------------------------------------------------


def errors_text(errors: dict[str, int]) -> str:
    return ", ".join(f"{n} × {reason}" for reason, n in sorted(errors.items())) or "none"


def print_run(index: int, runs: int, summary: dict[str, Any]) -> None:
    memory = summary["memory"]
    print(
        f"\nrun {index}/{runs}: {summary['requests']} requests in {summary['seconds']:.1f} s, "
        f"{summary['per_second']:.1f} req/s, errors: {errors_text(summary['errors'])}"
    )
    print(f"  {'kind':<6}{'request':<22}{'ok':>8}{'p50 ms':>10}{'p99 ms':>10}  errors")
    for name, s in summary["cases"].items():
        print(
            f"  {s['kind']:<6}{name:<22}{s['ok']:>8}{feeds.fmt(s['p50_ms']):>10}"
            f"{feeds.fmt(s['p99_ms']):>10}  {errors_text(s['errors'])}"
        )
        if s["first_error"]:
            print(f"        first error: {s['first_error']}")
    pss = f", PSS {memory['pss_mb']:.1f} MB" if memory["pss_mb"] is not None else ""
    print(f"  server memory after the run: RSS {memory['rss_mb']:.1f} MB{pss} "
          f"over {memory['processes']} processes")  # fmt: skip


def memory_verdict(summaries: list[dict[str, Any]], tolerance: float) -> tuple[bool, str]:
    """Flat: no run after the first ends with more than `tolerance` percent over the first (the
    first run grows the caches and allocator pools a server keeps; later ones should not)."""
    values = [s["memory"]["rss_mb"] for s in summaries]
    first = values[0]
    growth = max(values[1:], default=first) - first
    flat = growth <= first * tolerance / 100
    trail = " → ".join(f"{v:.1f}" for v in values)
    word = "flat" if flat else "GROWING"
    return flat, (
        f"server memory (RSS summed over its processes, MB): {trail}: {word} "
        f"({growth:+.1f} MB after run 1; tolerance {tolerance:g}%)"
    )


# --- the run -----------------------------------------------------------------------------------


async def load_runs(
    base: str, pid: int, cases: list[Case], args: argparse.Namespace
) -> list[dict[str, Any]]:
    mix = parse_mix(args.mix)
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    summaries = []
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:
        await warm_up(client, cases, args.workers)
        print(f"server memory after warm-up: {server_memory(pid)}", flush=True)
        for index in range(1, args.runs + 1):
            run = await drive(client, cases, mix, args.clients, args.duration, seed=index * 1000)
            await asyncio.sleep(1.0)  # let the workers finish what the last requests left
            run.memory = server_memory(pid)
            summary = run.summary(cases)
            print_run(index, args.runs, summary)
            summaries.append(summary)
    return summaries


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64, help="clients at once (default 64)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run (60)")
    parser.add_argument("--runs", type=int, default=3, help="consecutive runs (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument("--mix", default=DEFAULT_MIX, help=f"weights (default {DEFAULT_MIX})")
    parser.add_argument(
        "--synthetic", type=int, default=0, help="synthetic projects added (default 0)"
    )
    parser.add_argument(
        "--memory-tolerance",
        type=float,
        default=10.0,
        help="percent over run 1 that later runs may end with and still count flat (10)",
    )
    return parser.parse_args()


def main() -> int:
    # SIGTERM unwinds like Ctrl-C, so the server is stopped and the database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    parse_mix(args.mix)
    server = scratch.server_url()
    started = dt.datetime.now().astimezone()
    with common.scratch_database(server) as url:
        print("setting up the scratch database …", flush=True)
        setup = common.build_database(url, args.synthetic)
        print(f"  setup {setup}", flush=True)
        cases = load_cases(feeds.make_plan(url), township_names(url))
        print(
            f"{args.clients} clients × {args.duration:g} s × {args.runs} runs, "
            f"{args.workers} server workers, mix {args.mix}",
            flush=True,
        )
        with serving(url, args.workers) as (base, pid):
            summaries = asyncio.run(load_runs(base, pid, cases, args))
    flat, verdict = memory_verdict(summaries, args.memory_tolerance)
    errors = sum(sum(s["errors"].values()) for s in summaries)
    print(f"\nerrors over all runs: {errors}")
    print(verdict)
    report = {
        "started": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            **common.server_versions(server),
        },
        "arguments": vars(args),
        "setup_s": setup,
        "runs": summaries,
        "errors": errors,
        "memory_flat": flat,
    }
    out = common.BENCH_DIR / f"results-load-{started:%Y-%m-%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"figures written to {out.relative_to(REPO_ROOT)}")
    return 0 if errors == 0 and flat else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
