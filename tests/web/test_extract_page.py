"""The report upload page: a planner uploads next year's report and reads the proposals."""

from pathlib import Path

from playwright.sync_api import Page

from tests.conftest import SEEDS_DIR
from tests.web.conftest import PageLog

REPORT = SEEDS_DIR / "001_84618987ce385c34.txt"


def test_upload_lists_proposals_with_their_sentence(
    live_server: str, page: Page, page_log: PageLog
) -> None:
    page.goto(f"{live_server}/extract")
    page.set_input_files("#tz-report", str(REPORT))
    page.click("button[type=submit]")
    page.wait_for_selector("#tz-proposals:not([hidden]) tbody tr")
    rows = page.locator("#tz-proposals tbody tr")
    assert rows.count() > 100
    texts = rows.all_inner_texts()
    ring_road = [t for t in texts if t.startswith("东六环入地改造")]
    assert ring_road, "the ring-road undergrounding is proposed"
    assert "东六环入地改造" in ring_road[0].split("\t")[-1], "with the sentence that names it"
    assert "2022" in page.inner_text("#tz-extract-status")
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert all(url.startswith(live_server) or url.startswith("data:") for url in page_log.requests)


def test_bad_upload_says_why(live_server: str, page: Page, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    page.goto(f"{live_server}/extract")
    page.set_input_files("#tz-report", str(empty))
    page.click("button[type=submit]")
    page.wait_for_function(
        "document.getElementById('tz-extract-status').textContent.length > 0"
        " && !document.getElementById('tz-extract-status').textContent.includes('…')"
    )
    assert page.locator("#tz-proposals").is_hidden()
    assert page.inner_text("#tz-extract-status")
