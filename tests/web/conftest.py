"""The web map in a real browser: Debian's Chromium driven by Playwright against the real server
and a real PostGIS. One browser per session; every page records what it logged and requested."""

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Playwright, sync_playwright

from app import readmodel
from tests.conftest import catalogue_database, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
READY = "body[data-ready=true]"
TIMEOUT_MS = 30_000

# What the scratch database of the escaping tests puts in the data.
EVIL_NAME = "<img src=x onerror=alert(1)>"
EVIL_DESCRIPTION = "<script>window.pwned=1</script>"
EVIL_TOWNSHIP = '<b id="tz-evil-township">镇</b>'


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium) "
            "to run the web map tests",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class PageLog:
    """What a page said and asked for while a test drove it."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def watch(self, page: Page) -> Page:
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("dialog", self.on_dialog)
        page.set_default_timeout(TIMEOUT_MS)
        return page


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    """A fresh desktop-sized page in a context of its own (no shared storage or history)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    yield page_log.watch(context.new_page())
    context.close()


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    """A fresh page on a phone-sized touch screen (PHONE), in a context of its own."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield page_log.watch(context.new_page())
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- page helpers --------------------------------------------------------------------------


def open_map(page: Page, url: str) -> None:
    """Navigate and wait until the script has drawn the first year."""
    page.goto(url)
    page.wait_for_selector(READY, state="attached")


VIEW = """() => {
    const map = window[TZMAP_CONFIG.map];
    const moving = document.querySelector('.leaflet-zoom-anim') !== null;
    return moving ? null : map.getZoom() + ' ' + map.getCenter().toString();
}"""


def wait_view_settled(page: Page, samples: int = 3, interval_ms: int = 100) -> None:
    """Wait until the map has stopped moving, as a person would before acting on it: Leaflet
    ignores a zoom asked for while a zoom animation (such as the first fit) is running."""
    views: list[str | None] = []
    for _ in range(50):
        views.append(js(page, VIEW))
        if len(views) >= samples and views[-1] is not None and len(set(views[-samples:])) == 1:
            return
        page.wait_for_timeout(interval_ms)
    raise AssertionError(f"the map kept moving: {views[-samples:]}")


def js(page: Page, expression: str, arg: Any = None) -> Any:
    return page.evaluate(expression, arg)


def visible_ids(page: Page) -> list[str]:
    return list(js(page, "tzmap.visibleProjectIds()"))


def colours(page: Page, ids: list[str]) -> dict[str, str]:
    return dict(
        js(page, "ids => Object.fromEntries(ids.map(id => [id, tzmap.projectColour(id)]))", ids)
    )


def set_year(page: Page, year: int) -> None:
    """Move the year slider the way a script or assistive tool does: set its value, fire input."""
    js(
        page,
        """year => {
            const input = document.getElementById('tz-year');
            input.value = String(year);
            input.dispatchEvent(new Event('input', { bubbles: true }));
        }""",
        year,
    )
    wait_year(page, year)


def wait_year(page: Page, year: int) -> None:
    page.wait_for_selector(f"body[data-year-drawn='{year}']", state="attached")


# --- the API, as the page's reference ------------------------------------------------------


def get_json(base: str, path: str, params: dict[str, Any] | None = None) -> Any:
    query = f"?{urllib.parse.urlencode(params, doseq=True)}" if params else ""
    request = urllib.request.Request(base + path + query, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def project_features(base: str, **params: Any) -> list[dict[str, Any]]:
    return list(
        get_json(base, "/collections/projects/items", {"limit": 10000, **params})["features"]
    )


def placed_ids(features: list[dict[str, Any]]) -> list[str]:
    """The ids the map can draw: features with a geometry."""
    return sorted(f["id"] for f in features if f["geometry"] is not None)


def township_features(base: str, year: int) -> list[dict[str, Any]]:
    return list(
        get_json(base, "/collections/townships/items", {"limit": 100, "year": year})["features"]
    )


# --- servers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TamperedServer:
    url: str
    evil_id: str  # the project whose name and description are markup
    late_id: str  # a project given a 2022 target it has not met: behind plan in 2022
    evil_township: str  # the code of the township whose name is markup


# A point whose site no other project shares, so hovering it shows its own tooltip.
LONE_POINT = """
SELECT p.id FROM project p
WHERE GeometryType(p.geom) = 'POINT'
  AND NOT EXISTS (SELECT 1 FROM project o
                  WHERE o.id <> p.id AND ST_DWithin(o.geom, p.geom, 0.005))
ORDER BY p.id LIMIT 1
"""
# Under construction in 2022 with no event saying more: a 2022 in_service target makes it late.
UNDER_CONSTRUCTION_2022 = """
SELECT e.project_id, e.evidence_id FROM status_event e JOIN project p ON p.id = e.project_id
WHERE e.year = 2022 AND e.status = 'under_construction' AND p.geom IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM status_event o WHERE o.project_id = e.project_id
                  AND o.year <= 2022 AND o.status IN ('completed', 'in_service'))
  AND NOT EXISTS (SELECT 1 FROM target t WHERE t.project_id = e.project_id AND t.year <= 2022)
ORDER BY e.project_id LIMIT 1
"""


@pytest.fixture(scope="session")
def tampered_server(server_url: str) -> Iterator[TamperedServer]:
    """A database of its own with the catalogue, one project and one township renamed to markup
    and one project made behind plan, served by its own uvicorn."""
    with catalogue_database(server_url) as (url, engine):
        with engine.begin() as conn:
            evil_id = conn.exec_driver_sql(LONE_POINT).scalar_one()
            conn.exec_driver_sql(
                "UPDATE project SET name = %(name)s, description = %(description)s,"
                " description_zh = %(description)s"
                " WHERE id = %(id)s",
                {"name": EVIL_NAME, "description": EVIL_DESCRIPTION, "id": evil_id},
            )
            evil_township = conn.exec_driver_sql(
                "UPDATE township SET name = %(name)s"
                " WHERE code = (SELECT min(code) FROM township) RETURNING code",
                {"name": EVIL_TOWNSHIP},
            ).scalar_one()
            late_id, evidence_id = conn.exec_driver_sql(UNDER_CONSTRUCTION_2022).one()
            conn.exec_driver_sql(
                "INSERT INTO target (project_id, year, status, evidence_id)"
                " VALUES (%(id)s, 2022, 'in_service', %(evidence)s)",
                {"id": late_id, "evidence": evidence_id},
            )
            readmodel.rebuild(conn)  # written in SQL: the read model is rebuilt by hand
        with serve(url) as base:
            yield TamperedServer(base, evil_id, late_id, evil_township)
