"""The report upload page: a signed-in user of any role uploads next year's report and reads the
proposals (without a sign-in the page says so and offers no upload); a planner turns the selected
ones into changes, approved or submitted for review."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import Engine

from app.accounts import create_user
from tests.conftest import SEEDS_DIR, catalogue_database, query, serve
from tests.web.conftest import PageLog

REPORT = SEEDS_DIR / "001_84618987ce385c34.txt"
PASSWORD = "correct horse battery"
# Five confident proposals (M101线, 京台路, 12 communities, 石小路, 印象街), a candidate for a new
# road, and markup that must stay text.
NEW_REPORT = """通州区2023年国民经济和社会发展计划执行情况
一、2023年国民经济和社会发展计划执行情况
M101线加快建设，京台路实现开工，云杉西路实现开工。完成12个老旧小区综合整治。
<img src=x onerror="window.pwned=1">M101线加快建设。
二、2024年国民经济和社会发展主要目标
开工建设石小路。宋庄艺术创意小镇印象街提升改造项目启动。
"""


@dataclass(frozen=True)
class WritableServer:
    url: str
    engine: Engine


@pytest.fixture(scope="module")
def writable_server(server_url: str) -> Iterator[WritableServer]:
    """A database of its own (the changes written here must not reach other tests), served."""
    with catalogue_database(server_url) as (url, engine):
        with engine.begin() as conn:
            create_user(conn, "planner", "planner", PASSWORD, display_name="规划科")
            create_user(conn, "viewer", "viewer", PASSWORD)
        with serve(url) as base:
            yield WritableServer(base, engine)


def sign_in(page: Page, username: str, password: str) -> None:
    page.fill("#tz-username", username)
    page.fill("#tz-password", password)
    page.click("#tz-signin button[type=submit]")


def upload(page: Page, path: Path) -> None:
    page.set_input_files("#tz-report", str(path))
    page.click("#tz-extract-form button[type=submit]")
    page.wait_for_selector("#tz-proposals:not([hidden]) tbody tr")


def test_upload_lists_proposals_with_their_sentence(
    writable_server: WritableServer, page: Page, page_log: PageLog
) -> None:
    base = writable_server.url
    page.goto(f"{base}/extract")
    # Not signed in: no reading offered, and the page says why.
    button = page.locator("#tz-extract-form button[type=submit]")
    assert button.is_disabled()
    note = page.locator("#tz-note-signin")
    assert note.is_visible() and "请先登录再解读报告" in note.inner_text()
    assert "Sign in to read a report" in note.inner_text()
    assert page.locator("#tz-signin").is_visible()
    sign_in(page, "viewer", PASSWORD)
    page.wait_for_selector("#tz-whoami:not([hidden])")
    assert button.is_enabled() and note.is_hidden()
    page.set_input_files("#tz-report", str(REPORT))
    page.click("#tz-extract-form button[type=submit]")
    page.wait_for_selector("#tz-proposals:not([hidden]) tbody tr")
    rows = page.locator("#tz-proposals tbody tr")
    assert rows.count() > 100
    texts = rows.all_inner_texts()
    ring_road = [t for t in texts if t.startswith("东六环入地改造")]
    assert ring_road, "the ring-road undergrounding is proposed"
    assert "东六环入地改造" in ring_road[0].split("\t")[-1], "with the sentence that names it"
    assert "2022" in page.inner_text("#tz-extract-status")
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert all(url.startswith(base) or url.startswith("data:") for url in page_log.requests)
    # A viewer: nothing to choose, nothing to write.
    assert page.locator(".tz-pick-box").count() == 0
    assert page.locator("#tz-actions").is_hidden() and page.locator("#tz-note-reader").is_visible()


def wait_status(page: Page) -> str:
    # Predicates as functions: a bare expression is evaluated with eval, which the page's
    # Content-Security-Policy forbids.
    page.wait_for_function(
        "() => document.getElementById('tz-extract-status').textContent.length > 0"
        " && !document.getElementById('tz-extract-status').textContent.includes('…')"
    )
    return page.inner_text("#tz-extract-status")


def test_bad_upload_says_why(writable_server: WritableServer, page: Page, tmp_path: Path) -> None:
    from app.routes import extract

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    page.goto(f"{writable_server.url}/extract")
    sign_in(page, "viewer", PASSWORD)
    page.wait_for_selector("#tz-whoami:not([hidden])")
    page.set_input_files("#tz-report", str(empty))
    page.click("#tz-extract-form button[type=submit]")
    assert "empty" in wait_status(page)
    assert page.locator("#tz-proposals").is_hidden()
    # Another report being read meanwhile (the server runs in this process): the 503 says so.
    page.set_input_files("#tz-report", str(REPORT))
    assert extract.READERS.acquire(timeout=5)
    try:
        page.click("#tz-extract-form button[type=submit]")
        assert "another report is being read" in wait_status(page)
    finally:
        extract.READERS.release()
    assert page.locator("#tz-proposals").is_hidden()


def test_a_revoked_session_is_signed_out_when_it_reads(
    writable_server: WritableServer, page: Page, tmp_path: Path
) -> None:
    report = tmp_path / "2023.txt"
    report.write_text(NEW_REPORT, encoding="utf-8")
    page.goto(f"{writable_server.url}/extract")
    sign_in(page, "viewer", PASSWORD)
    page.wait_for_selector("#tz-whoami:not([hidden])")
    with writable_server.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE app_user SET is_active = false WHERE username = 'viewer'")
    try:
        page.set_input_files("#tz-report", str(report))
        page.click("#tz-extract-form button[type=submit]")
        assert "revoked" in wait_status(page)
        page.wait_for_selector("#tz-signin:not([hidden])")
        assert page.locator("#tz-extract-form button[type=submit]").is_disabled()
        assert page.locator("#tz-note-signin").is_visible()
        assert page.locator("#tz-proposals").is_hidden()
    finally:
        with writable_server.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE app_user SET is_active = true WHERE username = 'viewer'")


def test_planner_signs_in_and_approves_the_selected(
    writable_server: WritableServer, page: Page, page_log: PageLog, tmp_path: Path
) -> None:
    base, engine = writable_server.url, writable_server.engine
    report = tmp_path / "2023.txt"
    report.write_text(NEW_REPORT, encoding="utf-8")
    page.goto(f"{base}/extract")
    sign_in(page, "planner", "wrong password!")
    page.wait_for_function(
        "() => document.getElementById('tz-signin-status').textContent.includes('wrong')"
    )
    assert page.locator("#tz-whoami").is_hidden()
    page_log.console_errors.clear()  # the browser logs the refused sign-in's 401
    sign_in(page, "planner", PASSWORD)
    page.wait_for_selector("#tz-whoami:not([hidden])")
    assert "规划科" in page.inner_text("#tz-user")
    # The sign-in is the map page's session (static/auth.js), kept in this tab.
    assert page.evaluate("window.tzAuth.user().role") == "planner"
    assert json.dumps(page.evaluate("Object.assign({}, sessionStorage)")).count("access_token")

    upload(page, report)
    boxes = page.locator("#tz-proposals .tz-pick-box")
    rows = page.locator("#tz-proposals tbody tr")
    assert boxes.count() == rows.count() > 5
    checked = page.locator("#tz-proposals .tz-pick-box:checked")
    assert checked.count() == 5, "the confident, new proposals are chosen"
    assert page.locator("#tz-proposals img").count() == 0
    assert page.evaluate("window.pwned") is None
    assert "5" in page.inner_text("#tz-picked")

    page.click("#tz-approve")
    page.wait_for_selector("#tz-apply-result.tz-ok")
    summary = page.inner_text("#tz-apply-summary")
    approved = query(
        engine,
        "SELECT id FROM change_request WHERE origin = 'report' AND state = 'approved' ORDER BY id",
    )
    assert len(approved) == 5 and "5" in summary
    assert all(str(change_id) in summary for (change_id,) in approved)
    states = page.locator("#tz-proposals td.tz-state").all_inner_texts()
    assert states.count("applied") == 5
    assert page.locator("#tz-proposals .tz-pick-box:checked").count() == 0

    # The new road: named and given a category, then submitted for review.
    row = page.locator("#tz-proposals tbody tr", has=page.locator("input.tz-new-name"))
    row.locator(".tz-pick-box").check()
    row.locator("input.tz-new-name").fill("云杉西路（新建）")
    row.locator("select.tz-new-category").select_option("road")
    page.click("#tz-submit")
    page.wait_for_selector("#tz-apply-result.tz-ok")
    assert "submitted for review: 1 " in page.inner_text("#tz-apply-summary")
    queued = query(
        engine,
        "SELECT kind, state, payload->>'name', payload->'aliases' FROM change_request"
        " WHERE state = 'submitted'",
    )
    assert queued == [("project", "submitted", "云杉西路（新建）", ["云杉西路"])]
    assert "云杉西路" in page.inner_text("#tz-apply-errors")  # its status waits, and says so
    assert page_log.console_errors == [] and page_log.page_errors == []
    assert all(url.startswith(base) or url.startswith("data:") for url in page_log.requests)
    # Signed in here, signed in on the map too: one session.
    page.goto(f"{base}/")
    page.wait_for_function("() => window.tzAuth && window.tzAuth.signedIn()")
    assert page.evaluate("window.tzAuth.user().username") == "planner"


def test_a_viewer_sees_no_choices_and_a_refused_write_says_why(
    writable_server: WritableServer, page: Page, tmp_path: Path
) -> None:
    base = writable_server.url
    report = tmp_path / "2023.txt"
    report.write_text(NEW_REPORT, encoding="utf-8")
    page.goto(f"{base}/extract")
    sign_in(page, "viewer", PASSWORD)
    page.wait_for_selector("#tz-whoami:not([hidden])")
    upload(page, report)
    assert page.locator(".tz-pick-box").count() == 0 and page.locator("#tz-actions").is_hidden()
    assert "planner" in page.inner_text("#tz-user")
    # A planner whose account is disabled meanwhile: the page is told so, and writes nothing.
    page.click("#tz-signout")
    sign_in(page, "planner", PASSWORD)
    page.wait_for_selector("#tz-proposals .tz-pick-box")
    with writable_server.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE app_user SET is_active = false WHERE username = 'planner'")
    try:
        before = query(writable_server.engine, "SELECT count(*) FROM change_request")
        page.locator("#tz-proposals .tz-pick-box:not(:disabled)").first.check()
        page.click("#tz-approve")
        page.wait_for_selector("#tz-apply-result.tz-failed")
        assert page.inner_text("#tz-apply-summary")
        assert query(writable_server.engine, "SELECT count(*) FROM change_request") == before
        assert page.locator("#tz-signin").is_visible()  # signed out: the token was revoked
    finally:
        with writable_server.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE app_user SET is_active = true WHERE username = 'planner'")
