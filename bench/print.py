"""Print benchmark: time and peak memory of the printed sheets and the township atlas.

A scratch database gets the real catalogue; each case then runs in a fresh process (so its peak
RSS is its own): one cold print (imports, font lookup, first queries), --repeat warm prints
(fetch and render timed apart), and one more under tracemalloc for the Python heap's peak.
Prints a table and writes bench/results-print-<date>.json. It measures; it never asserts a time.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import resource
import signal
import statistics
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app import migrate, scratch
from app.db import make_engine
from app.geodata.load import load_catalogue
from app.printing.context import Marking
from app.printing.data import fetch
from app.printing.render import render
from app.printing.request import print_request
from app.settings import REPO_ROOT

BENCH_DIR = Path(__file__).resolve().parent
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
# key → (what it prints, the parameters of GET /print); 张家湾镇 has the most projects.
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "district-a4": ("A4 district sheet, PDF", {}),
    "township-a3": ("A3 township sheet, PDF", {"township": ["张家湾镇"], "size": "A3"}),
    "township-png": (
        "A4 township sheet, PNG 150 dpi",
        {"township": ["张家湾镇"], "format": "png"},
    ),
    "atlas": ("atlas: cover + 22 townships, PDF", {"atlas": "township"}),
}


@contextmanager
def catalogue_database(server: str) -> Iterator[str]:
    """A scratch database with the catalogue loaded, dropped afterwards."""
    with scratch.scratch_database(server, prefix="tzmap_bench") as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            load_catalogue(engine, REPO_ROOT / "geodata", SEEDS_DIR)
        finally:
            engine.dispose()
        yield url


def measure(url: str, case: str, repeat: int) -> dict[str, Any]:
    """Runs in a fresh process: cold print, warm prints, then one under tracemalloc."""
    title, params = CASES[case]
    request = print_request(**params)
    engine = make_engine(url)

    def once() -> tuple[float, float, Any]:
        start = time.perf_counter()
        with engine.connect() as conn:
            data = fetch(conn, request)
        fetched = time.perf_counter()
        rendered = render(request, data, Marking())
        return fetched - start, time.perf_counter() - fetched, rendered

    start = time.perf_counter()
    _, _, rendered = once()
    cold = time.perf_counter() - start
    runs = [once()[:2] for _ in range(repeat)]
    tracemalloc.start()
    once()
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    engine.dispose()
    return {
        "case": title,
        "pages": rendered.pages,
        "bytes": len(rendered.content),
        "cold_s": cold,
        "fetch_s": statistics.median(f for f, _ in runs),
        "render_s": statistics.median(r for _, r in runs),
        "total_s": statistics.median(f + r for f, r in runs),
        "python_peak_bytes": python_peak,
        # Linux reports ru_maxrss in KiB: the whole process, C++ buffers (Agg, FreeType) included.
        "rss_peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def run_case(url: str, case: str, repeat: int) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(measure, (url, case, repeat))


def print_table(results: list[dict[str, Any]]) -> None:
    header = (
        f"{'case':<36}{'pages':>6}{'size':>9}{'cold s':>8}{'fetch s':>9}{'render s':>10}"
        f"{'total s':>9}{'py peak':>9}{'RSS peak':>10}"
    )
    print(header)
    print("-" * len(header))
    mib = 1024 * 1024
    for r in results:
        print(
            f"{r['case']:<36}{r['pages']:>6}{r['bytes'] / 1024:>7.0f}Ki{r['cold_s']:>8.1f}"
            f"{r['fetch_s']:>9.2f}{r['render_s']:>10.2f}{r['total_s']:>9.2f}"
            f"{r['python_peak_bytes'] / mib:>7.0f}Mi{r['rss_peak_bytes'] / mib:>8.0f}Mi"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm prints per case (median)")
    parser.add_argument(
        "--cases", default=",".join(CASES), help=f"comma-separated, from: {', '.join(CASES)}"
    )
    return parser.parse_args()


def main() -> None:
    # SIGTERM unwinds like Ctrl-C, so the scratch database is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        sys.exit(f"unknown case(s): {', '.join(unknown)}; cases: {', '.join(CASES)}")
    started = dt.datetime.now().astimezone()
    with catalogue_database(scratch.server_url()) as url:
        results = []
        for case in cases:
            print(f"… {CASES[case][0]}", file=sys.stderr)
            results.append(run_case(url, case, args.repeat))
    print_table(results)
    report = {
        "started": started.isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "repeat": args.repeat,
        "results": results,
    }
    out = BENCH_DIR / f"results-print-{started:%Y-%m-%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nfigures written to {out.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
