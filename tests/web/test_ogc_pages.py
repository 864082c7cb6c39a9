"""The API's pages for people, in Chromium under the app's Content-Security-Policy: the
interactive API documentation (Swagger UI from this server) and the HTML of the features."""

from pathlib import Path

from playwright.sync_api import Page

from tests.web.conftest import READY, PageLog


def assert_clean(page_log: PageLog, base: str) -> None:
    """No script errors, no CSP violations (Chromium logs them as console errors), and nothing
    fetched from anywhere but this server."""
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert all(url.startswith((base, "data:")) for url in page_log.requests), page_log.requests


def test_api_documentation_lists_the_operations(
    live_server: str, page: Page, page_log: PageLog, artifacts: Path
) -> None:
    page.goto(f"{live_server}/docs")
    page.wait_for_selector(READY, state="attached")
    page.wait_for_selector(".opblock")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/collections/{collectionId}/items" in [p.replace("\u200b", "") for p in paths]
    assert len(paths) > 20
    # An operation opens, with its parameters.
    page.locator(".opblock-summary-path", has_text="/conformance").first.click()
    page.wait_for_selector(".opblock.is-open")
    assert any(url.endswith("/openapi.json") for url in page_log.requests)
    assert_clean(page_log, live_server)
    page.screenshot(path=str(artifacts / "api-docs.png"))


def test_projects_as_html_with_a_map_and_item_pages(
    live_server: str, page: Page, page_log: PageLog, artifacts: Path
) -> None:
    page.goto(f"{live_server}/collections/projects/items?f=html&limit=20")
    page.wait_for_selector(READY, state="attached")
    assert page.locator("table tbody tr").count() == 20
    assert page.locator("#tz-ogc-map .leaflet-interactive").count() > 0
    page.screenshot(path=str(artifacts / "ogc-items.png"))
    page.locator('a[rel="next"]').click()
    page.wait_for_selector(READY, state="attached")
    assert "offset=20" in page.url
    first = page.locator("table tbody tr td a").first
    name = first.inner_text()
    first.click()
    page.wait_for_selector("dl.tz-properties")
    assert name in page.url and "f=html" in page.url
    assert page.locator("dl.tz-properties dt", has_text="status").count() >= 1
    assert_clean(page_log, live_server)
