"""Web map in Chromium: time to the first drawn projects and to a year change, and how many DOM
elements the page holds, for the real catalogue and a synthetic one of --size projects.

    .venv/bin/python bench/map.py [--size 100000] [--repeat 3]

It prints figures (and the ratio large/real); it asserts nothing.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

import feeds  # the benchmark next door: scratch database, synthetic catalogue, server

from app import scratch

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def first_draw(page: Page, base: str) -> float:
    start = time.perf_counter()
    page.goto(f"{base}/?year=2022")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    return time.perf_counter() - start


def year_change(page: Page, year: int) -> float:
    start = time.perf_counter()
    page.eval_on_selector(
        "#tz-year",
        "(el, y) => { el.value = y; el.dispatchEvent(new Event('input')); }",
        year,
    )
    page.wait_for_selector(f"body[data-year-drawn='{year}']", state="attached", timeout=120_000)
    return time.perf_counter() - start


def measure(base: str, repeat: int) -> dict[str, float]:
    draws, changes, elements, drawn = [], [], 0, 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            draws.append(first_draw(page, base))
            changes.append(year_change(page, 2021))
            elements = page.evaluate("document.getElementsByTagName('*').length")
            drawn = page.evaluate("window.tzmap.visibleProjectIds().length")
            page.close()
        browser.close()
    return {
        "first_draw_s": statistics.median(draws),
        "year_change_s": statistics.median(changes),
        "dom_elements": elements,
        "projects_drawn": drawn,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    server = scratch.server_url()
    results = {}
    for label, size in (("real catalogue", 0), (f"+{args.size} synthetic", args.size)):
        with scratch.scratch_database(server, prefix="tzmap_bench") as url:
            feeds.build_database(url, size)
            with feeds.serving(url) as base:
                results[label] = measure(base, args.repeat)
    print(f"{'catalogue':<22}{'first draw s':>14}{'year change s':>15}{'DOM elements':>14}"
          f"{'drawn':>8}")  # fmt: skip
    for label, r in results.items():
        print(f"{label:<22}{r['first_draw_s']:>14.2f}{r['year_change_s']:>15.2f}"
              f"{r['dom_elements']:>14}{r['projects_drawn']:>8}")  # fmt: skip
    real, big = results.values()
    print(f"ratio large/real: first draw {big['first_draw_s'] / real['first_draw_s']:.1f}, "
          f"year change {big['year_change_s'] / real['year_change_s']:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
