"""The map's print and export dialog (issue 13) in a real browser against the real server: a
宋庄镇 official prints an A3 landscape sheet of exactly what is on screen, sees that it is being
made, is told why when it cannot be, and works it by keyboard, in Chinese or English; the
standalone export offers no print, and a map closed to anonymous readers prints for the
signed-in reader."""

import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from app import vocab
from app.printing.fonts import CjkFontMissing
from app.settings import Settings
from tests.conftest import serve
from tests.test_printing import _run, pdf_text, squeezed
from tests.web.conftest import (
    PageLog,
    js,
    open_map,
    project_features,
    township_features,
    visible_ids,
    wait_view_settled,
)
from tests.web.test_charts import listed_changes, pane_ready, reported_year
from tests.web.test_map import DEFAULT_YEAR, assert_no_errors, download, opened_offline

SONGZHUANG = "宋庄镇"
A3_LANDSCAPE_PT = (1191, 842)  # 420 × 297 mm in points, rounded
FILTERS = {"township", "status", "category", "programme", "behind_plan", "mode", "year", "bbox"}
SHEET_OPTIONS = {"size", "orientation", "format", "lang", "atlas", "title"}
PRINT_TIMEOUT_MS = 180_000  # a sheet takes seconds; the machine is shared
CJK = re.compile(r"[\u3400-\u9fff]+")


def songzhuang_code(base: str) -> str:
    towns = township_features(base, DEFAULT_YEAR)
    return str(
        next(f["properties"]["code"] for f in towns if f["properties"]["name"] == SONGZHUANG)
    )


def open_dialog(page: Page) -> None:
    page.click("#tz-print-open")
    page.wait_for_selector("#tz-print-dialog[open]")


def print_query(page: Page) -> dict[str, str]:
    href = page.get_attribute("#tz-print", "href") or ""
    assert href.startswith("/print?"), href
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(href).query))


def print_requests(log: PageLog) -> list[str]:
    return [url for url in log.requests if urllib.parse.urlsplit(url).path == "/print"]


def page_sizes(path: Path) -> set[tuple[int, int]]:
    """The size of every page of a PDF, in points (poppler's pdfinfo)."""
    info = _run("pdfinfo", "-f", "1", "-l", "999", str(path))
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.MULTILINE)
    assert sizes, info
    return {(round(float(w)), round(float(h))) for w, h in sizes}


def test_a3_landscape_sheet_of_exactly_what_is_on_screen(
    page: Page, page_log: PageLog, live_server: str, tmp_path: Path
) -> None:
    """With ?township=<宋庄镇's code>: A3, landscape and a title chosen in the dialog, "print"
    shows its progress, ignores a second click, and downloads a PDF whose every page is A3
    landscape, headed by the title, and whose table names exactly the projects the API returns
    for the filters and box on screen, which are the projects the map draws."""
    code = songzhuang_code(live_server)
    open_map(page, f"{live_server}/?township={code}")
    wait_view_settled(page)
    open_dialog(page)
    assert page.is_checked("input[name=tz-print-size][value=A4]")  # the defaults
    # The sheet takes the shape of the map on screen (wider than tall on this desk screen).
    assert page.is_checked("input[name=tz-print-orientation][value=landscape]")
    assert page.is_checked("input[name=tz-print-format][value=pdf]")
    assert page.is_checked("input[name=tz-print-lang][value=zh]")
    page.check("input[name=tz-print-size][value=A3]")
    page.check("input[name=tz-print-orientation][value=landscape]")
    title = "宋庄镇重点项目调度会"
    page.fill("#tz-print-title", f"  {title} ")

    query = print_query(page)
    assert query["township"] == code and query["year"] == str(DEFAULT_YEAR)
    assert query["size"] == "A3" and query["orientation"] == "landscape"
    assert query["title"] == title
    assert "bbox" in query and not {"format", "lang", "atlas"} & set(query)
    assert set(query) <= FILTERS | SHEET_OPTIONS

    # What the API returns for the filters and box of the print is what the map draws.
    feed = project_features(live_server, **{k: v for k, v in query.items() if k in FILTERS})
    assert sorted(f["id"] for f in feed) == visible_ids(page)
    names = {f["properties"]["name"] for f in feed}
    assert len(names) > 5

    with page.expect_download(timeout=PRINT_TIMEOUT_MS) as downloading:
        page.click("#tz-print")
        assert page.locator("#tz-print-progress").is_visible()
        assert "正在生成" in page.inner_text("#tz-print-progress")
        assert page.get_attribute("#tz-print", "aria-disabled") == "true"
        # While the sheet is made, a click does nothing more (forced: to Playwright, as to
        # assistive technology, the link says it is disabled meanwhile).
        page.click("#tz-print", force=True)
    download = downloading.value
    page.wait_for_selector("#tz-print-progress", state="hidden")
    assert len(print_requests(page_log)) == 1, "\n".join(print_requests(page_log))
    # Named after the township, as the server's UTF-8 file name gives it.
    assert download.suggested_filename == f"tongzhou-actual-{DEFAULT_YEAR}-{SONGZHUANG}.pdf"
    assert download.suggested_filename in page.inner_text("#tz-print-done")
    assert page.locator("#tz-print-error").is_hidden()

    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    assert page_sizes(path) == {A3_LANDSCAPE_PT}
    pages = pdf_text(path)
    assert squeezed(pages[0]).startswith(squeezed(f"{title} · {SONGZHUANG} · 截至2022年底"))
    assert f"共{len(feed)}项" in squeezed(pages[0])
    text = squeezed("".join(pages))
    for name in names:
        assert squeezed(name) in text, name
    others = {f["properties"]["name"] for f in project_features(live_server)} - names
    for name in others:
        if not any(name in shown for shown in names):  # 平谷线 is part of 平谷线通州段车站
            assert squeezed(name) not in text, name
    assert_no_errors(page_log)


def test_the_atlas_takes_the_filters_and_whole_townships(page: Page, live_server: str) -> None:
    """The atlas option asks /print for atlas=township with the screen's filters and without the
    map's box (each sheet is a whole township), and the dialog says so."""
    code = songzhuang_code(live_server)
    open_map(page, f"{live_server}/?township={code}&year=2024&mode=plan")
    open_dialog(page)
    assert "地图范围" in page.inner_text("#tz-print-scope")
    page.check("#tz-print-atlas")
    page.check("input[name=tz-print-format][value=png]")
    query = print_query(page)
    assert query == {
        "township": code,
        "mode": "plan",
        "year": "2024",
        "format": "png",
        "orientation": "landscape",  # the screen's shape, as for one sheet
        "atlas": "township",
    }
    assert page.inner_text("#tz-print") == "打印乡镇图集"
    scope = page.inner_text("#tz-print-scope")
    assert "每个乡镇一页" in scope and "PNG" in scope
    page.uncheck("#tz-print-atlas")
    assert "bbox" in print_query(page) and page.inner_text("#tz-print") == "打印此视图"


@pytest.fixture
def font_missing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The live server (a thread of this process) answers prints 503: no CJK font."""

    def missing() -> None:
        raise CjkFontMissing("no CJK font is installed; install fonts-noto-cjk")

    monkeypatch.setattr("app.printing.fonts.cjk_font", missing)
    yield


def test_a_print_that_fails_shows_the_problems_detail(
    page: Page, page_log: PageLog, live_server: str, font_missing: None
) -> None:
    """The server's problem+json detail is shown in the dialog, and nothing is downloaded; the
    next try is possible."""
    downloads: list[Any] = []
    page.on("download", lambda d: downloads.append(d))
    open_map(page, f"{live_server}/?township={songzhuang_code(live_server)}")
    open_dialog(page)
    page.click("#tz-print")
    error = page.locator("#tz-print-error")
    error.wait_for(state="visible")
    assert "无法生成图纸" in error.inner_text() and "fonts-noto-cjk" in error.inner_text()
    page.wait_for_selector("#tz-print-progress", state="hidden")

    # A title longer than the field allows (set by script: the field stops typing at 80): the
    # server's own check answers 400, and the dialog says what it said.
    js(page, "() => { document.getElementById('tz-print-title').value = '长'.repeat(81); }")
    page.click("#tz-print")
    page.wait_for_function(
        "() => document.getElementById('tz-print-error').textContent.includes('at most 80')"
    )
    assert page.locator("#tz-print-progress").is_hidden()
    assert len(print_requests(page_log)) == 2 and downloads == []
    assert page.get_attribute("#tz-print", "aria-disabled") == "false"
    assert page_log.page_errors == []


def test_keyboard_opens_it_esc_closes_it_and_focus_returns(page: Page, live_server: str) -> None:
    open_map(page, live_server + "/")
    opener = page.locator("#tz-print-open")
    assert opener.inner_text() == "打印或导出"
    assert page.locator("#tz-print").is_hidden() and page.locator("#tz-export").is_hidden()
    opener.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#tz-print-dialog[open]")
    # The rest of the page is inert while the dialog is open: Tab goes round the dialog's
    # controls (and through the browser's own, where the page has no focus at all).
    focused = """() => {
        const a = document.activeElement;
        if (!a || a === document.body) { return ''; }
        return document.getElementById('tz-print-dialog').contains(a) ? a.id || a.name : 'OUTSIDE';
    }"""
    visited = set()
    for _ in range(30):
        page.keyboard.press("Tab")
        visited.add(js(page, focused))
    assert "OUTSIDE" not in visited
    assert {"tz-print-size", "tz-print-atlas", "tz-print-title", "tz-print", "tz-export"} <= visited
    # Print and export are in the same place.
    assert page.locator("#tz-print").is_visible() and page.locator("#tz-export").is_visible()
    assert page.inner_text("#tz-export") == "导出离线地图"
    assert (page.get_attribute("#tz-export", "href") or "").startswith("/export.html?")
    page.keyboard.press("Escape")
    page.wait_for_selector("#tz-print-dialog:not([open])", state="attached")
    assert js(page, "() => document.activeElement.id") == "tz-print-open"

    page.keyboard.press("Enter")  # the button again, and its close button this time
    page.wait_for_selector("#tz-print-dialog[open]")
    page.click("#tz-print-close")
    page.wait_for_selector("#tz-print-dialog:not([open])", state="attached")
    assert js(page, "() => document.activeElement.id") == "tz-print-open"


def test_in_english_the_dialog_is_in_english(page: Page, live_server: str) -> None:
    open_map(page, live_server + "/?lang=en")
    assert page.inner_text("#tz-print-open") == "Print or export"
    open_dialog(page)
    text = page.inner_text("#tz-print-dialog")
    for words in (
        "Print or export this view",
        "Paper",
        "Orientation",
        "Landscape",
        "Format",
        "Language of the sheet",
        "Township atlas (one page per township)",
        "Title (optional)",
        "Print this view",
        "Export offline map",
        "Close",
    ):
        assert words in text, words
    assert CJK.findall(text) == ["中文"]  # the name of the other language, in itself
    assert page.is_checked("input[name=tz-print-lang][value=en]")
    assert print_query(page)["lang"] == "en"
    page.check("input[name=tz-print-lang][value=zh]")  # a Chinese sheet from the English page
    assert "lang" not in print_query(page)
    page.keyboard.press("Escape")
    page.click("#tz-lang")  # the page in Chinese: the dialog and the sheet's language follow
    open_dialog(page)
    assert "打印或导出此视图" in page.inner_text("#tz-print-dialog")
    assert page.is_checked("input[name=tz-print-lang][value=zh]")


def test_no_print_in_the_standalone_file_nor_when_nothing_is_chosen(
    browser: Browser, page: Page, live_server: str, tmp_path: Path
) -> None:
    open_map(page, live_server + "/")
    assert page.locator("#tz-print-open").is_visible()
    page.click("#tz-status-filter .tz-facet-all button:nth-child(2)")  # no status
    assert page.locator("#tz-print-open").is_hidden()
    page.click("#tz-status-filter .tz-facet-all button:nth-child(1)")
    assert page.locator("#tz-print-open").is_visible()

    query = urllib.parse.urlencode({"township": SONGZHUANG})
    path = download(f"{live_server}/export.html?{query}", tmp_path / "file.html")
    with opened_offline(browser, path) as offline:
        assert offline.page.locator("#tz-print-open").is_hidden()
        assert offline.page.locator("#tz-print-dialog").is_hidden()
        offline.assert_stayed_offline()


@pytest.fixture(scope="module")
def closed_server(loaded_db: str) -> Iterator[str]:
    """The catalogue served to signed-in readers only."""
    with serve(loaded_db, Settings(anonymous_read=False)) as base:
        yield base


def test_a_closed_map_prints_for_the_signed_in_reader(
    page: Page, closed_server: str, reader_account: tuple[str, str]
) -> None:
    """Unsigned, the server's 401 is explained; signed in, the sheet comes through the session
    (its token on the request), here as a PNG."""
    sent: list[tuple[str, str | None]] = []
    page.on("request", lambda r: sent.append((r.url, r.headers.get("authorization"))))
    page.goto(closed_server + "/?year=2022")
    page.wait_for_selector("body[data-sign-in=needed]", state="attached")
    open_dialog(page)
    page.check("input[name=tz-print-format][value=png]")
    page.click("#tz-print")
    page.locator("#tz-print-error").wait_for(state="visible")
    page.keyboard.press("Escape")

    js(page, "account => tzAuth.signIn(account[0], account[1])", list(reader_account))
    page.wait_for_selector("body[data-ready=true]", state="attached")
    open_dialog(page)
    assert page.locator("#tz-print-error").is_hidden()  # the last try's answer went with it
    with page.expect_download(timeout=PRINT_TIMEOUT_MS) as downloading:
        page.click("#tz-print")
    download = downloading.value
    assert download.suggested_filename.endswith(".png")
    with open(download.path(), "rb") as sheet:
        assert sheet.read(8) == b"\x89PNG\r\n\x1a\n"
    assert page.locator("#tz-print-error").is_hidden()
    prints = [auth for url, auth in sent if urllib.parse.urlsplit(url).path == "/print"]
    assert len(prints) == 2 and prints[0] is None
    assert prints[1] and prints[1].startswith("Bearer ")


def test_the_what_changed_pane_prints_its_comparison(
    page: Page, page_log: PageLog, live_server: str, tmp_path: Path, artifacts: Path
) -> None:
    """The "what changed" pane of 宋庄镇 with a category filter, a status filter and plan mode
    on: its print button opens the dialog for the comparison, whose request carries the pane's
    two years and the filters the pane applies (not the status filter nor plan mode, which the
    pane ignores, nor the map's box: the pane lists the whole selection); A3 chosen, the PDF
    downloaded names exactly the projects the pane lists."""
    code = songzhuang_code(live_server)
    reported = reported_year(live_server)
    since = reported - 1

    def moved(**filters: Any) -> dict[str, str]:
        """Project id → name of those whose status differs between the years, in the API."""
        before, after = (
            project_features(live_server, year=y, **filters) for y in (since, reported)
        )
        then = {f["id"]: f["properties"]["status"] for f in before}
        return {
            f["id"]: f["properties"]["name"]
            for f in after
            if f["properties"]["status"] != then[f["id"]]
        }

    # Leave out the category of one project that moved: the filter must reach the sheet.
    everywhere = moved(township=code)
    assert len(everywhere) > 1, f"{SONGZHUANG} should have projects whose status moved"
    features = {f["id"]: f for f in project_features(live_server, township=code)}
    left_out = features[min(everywhere)]["properties"]["category"]
    categories = ",".join(c for c in vocab.CATEGORIES if c != left_out)
    expected = moved(township=code, category=categories)
    assert expected and len(expected) < len(everywhere)

    query = urllib.parse.urlencode(
        {
            "tab": "changes",
            "township": code,
            "category": categories,
            "status": "in_service",
            "mode": "plan",
        }
    )
    open_map(page, f"{live_server}/?{query}")
    pane_ready(page, "changes", township=code, **{"from": since, "to": reported})
    assert set(listed_changes(page)) == set(expected)
    page.screenshot(path=str(artifacts / "changes-print.png"))

    page.click("#tz-changes-print")
    page.wait_for_selector("#tz-print-dialog[open]")
    assert page.inner_text("#tz-print") == "打印状态变化图"
    assert f"{since}年至{reported}年" in page.inner_text("#tz-print-scope")
    assert page.is_disabled("#tz-print-atlas")
    page.check("input[name=tz-print-size][value=A3]")
    page.screenshot(path=str(artifacts / "changes-print-dialog.png"))
    assert print_query(page) == {
        "township": code,
        "category": categories,
        "year": str(reported),
        "since": str(since),
        "size": "A3",
    }

    with page.expect_download(timeout=PRINT_TIMEOUT_MS) as downloading:
        page.click("#tz-print")
    download = downloading.value
    assert download.suggested_filename == f"tongzhou-changes-{since}-{reported}-{SONGZHUANG}.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert page_sizes(path) == {(842, 1191)}  # A3 portrait
    pages = [squeezed(p) for p in pdf_text(path)]
    assert pages[0].startswith(
        squeezed(f"通州区重点项目进展图 · {SONGZHUANG} · {since}年至{reported}年状态变化")
    )
    assert f"共{len(expected)}项状态有变化" in pages[0]
    table = "".join(pages[1:])
    for name in expected.values():
        assert squeezed(name) in table, name
    for pid, feature in features.items():
        name = feature["properties"]["name"]
        if pid not in expected and not any(name in other for other in expected.values()):
            assert squeezed(name) not in table, name

    # Closed, the focus is back on the pane's button, and the dialog prints the view again.
    page.keyboard.press("Escape")
    page.wait_for_selector("#tz-print-dialog:not([open])", state="attached")
    assert js(page, "() => document.activeElement.id") == "tz-changes-print"
    open_dialog(page)
    view = print_query(page)
    assert "since" not in view and "bbox" in view and view["status"] == "in_service"
    assert not page.is_disabled("#tz-print-atlas")
    page.keyboard.press("Escape")

    # A print looks back: with "from" after "to" the button is off, and the pane says why.
    page.select_option("#tz-changes-from", str(reported))
    page.select_option("#tz-changes-to", str(since))
    pane_ready(page, "changes", **{"from": reported, "to": since})
    assert page.is_disabled("#tz-changes-print")
    assert "须早于" in page.inner_text("#tz-changes-pane")
    assert_no_errors(page_log)


def test_the_sheet_takes_the_shape_of_the_map_until_one_is_chosen(
    browser: Browser, live_server: str
) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 1100}, locale="zh-CN")
    try:
        page = context.new_page()
        open_map(page, live_server + "/")
        open_dialog(page)
        assert page.is_checked("input[name=tz-print-orientation][value=portrait]")
        page.check("input[name=tz-print-orientation][value=landscape]")
        page.click("#tz-print-close")
        page.set_viewport_size({"width": 800, "height": 1000})
        open_dialog(page)  # the user's choice stays
        assert page.is_checked("input[name=tz-print-orientation][value=landscape]")
    finally:
        context.close()
