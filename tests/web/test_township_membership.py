"""The web map says that township membership is estimated (issue 14): the township summary and the
choropleth's legend carry the note while the township boundaries are schematic, in the page's
language, and drop it once an official boundary file is imported."""

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from playwright.sync_api import Page

from app.geodata.boundaries import import_boundaries
from app.settings import REPO_ROOT
from app.vocab import TOWNSHIP_MEMBERSHIP_NOTES
from tests.conftest import catalogue_database, serve
from tests.web.conftest import PageLog, open_map

TOWNSHIP = "宋庄镇"
SUMMARY_NOTE = "#tz-township-summary .tz-membership"
LEGEND_NOTE = "#tz-legend .tz-membership"


def _assert_no_errors(log: PageLog) -> None:
    assert log.page_errors == [], f"uncaught errors in the page: {log.page_errors}"
    assert log.console_errors == [], f"console errors: {log.console_errors}"


@pytest.fixture(scope="module")
def official_server(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The catalogue with the shipped polygons imported as an official boundary file."""
    path = tmp_path_factory.mktemp("official") / "official.gpkg"
    frame = gpd.read_file(REPO_ROOT / "geodata" / "townships.geojson")
    frame[["name", "code", "geometry"]].to_file(path, driver="GPKG", engine="pyogrio")
    with catalogue_database(server_url) as (url, engine):
        import_boundaries(engine, path)
        with serve(url) as base:
            yield base


def test_township_summary_says_membership_is_estimated(
    page: Page, page_log: PageLog, live_server: str, artifacts: Path
) -> None:
    open_map(page, f"{live_server}/?township={TOWNSHIP}")
    summary = page.locator("#tz-township-summary")
    assert TOWNSHIP in summary.locator("h2").inner_text()
    assert page.locator(SUMMARY_NOTE).inner_text() == TOWNSHIP_MEMBERSHIP_NOTES["zh"]["schematic"]
    assert page.locator(LEGEND_NOTE).inner_text() == TOWNSHIP_MEMBERSHIP_NOTES["zh"]["schematic"]
    title = page.get_attribute("#tz-township", "title")
    assert title == TOWNSHIP_MEMBERSHIP_NOTES["zh"]["schematic"]
    page.screenshot(path=str(artifacts / "township-membership.png"))

    page.click("#tz-lang")
    assert page.locator(SUMMARY_NOTE).inner_text() == TOWNSHIP_MEMBERSHIP_NOTES["en"]["schematic"]

    page.select_option("#tz-township", "")  # the whole district: no summary, the legend says it
    assert page.locator(SUMMARY_NOTE).count() == 0
    assert page.locator(LEGEND_NOTE).inner_text() == TOWNSHIP_MEMBERSHIP_NOTES["en"]["schematic"]
    _assert_no_errors(page_log)


def test_no_note_once_official_boundaries_are_imported(
    page: Page, page_log: PageLog, official_server: str
) -> None:
    open_map(page, f"{official_server}/?township={TOWNSHIP}")
    assert TOWNSHIP in page.locator("#tz-township-summary h2").inner_text()
    assert page.locator(SUMMARY_NOTE).count() == 0
    assert page.locator(LEGEND_NOTE).count() == 0
    assert not page.get_attribute("#tz-township", "title")
    _assert_no_errors(page_log)
