"""The project table under the map (static/table.js) in Debian's Chromium: it lists exactly the
API's projects for the filters (the unplaced ones marked), sorts by lifecycle, opens a project
from a row and marks the row of a project opened on the map, downloads as CSV and Excel with the
rows on screen, follows the language, works in the standalone file and on a phone."""

import csv
import io
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Browser, Download, Page

from app import readmodel
from tests.conftest import catalogue_database, serve
from tests.web.conftest import (
    PageLog,
    TamperedServer,
    js,
    open_map,
    project_features,
    set_year,
)
from tests.web.test_map import opened_offline

YEAR = 2022
TOWNSHIP = "宋庄镇"
LIFECYCLE = ["not_reported", "planned", "under_construction", "completed", "in_service"]
# Names a spreadsheet would misread: a formula, and a cell CSV must quote.
FORMULA_NAME = "=1+1"
QUOTED_NAME = 'Songzhuang "art", town'
ZH_HEADERS = ["名称", "乡镇街道", "类别", "状态（实际进展）", "年份 · 进展", "目标（年份 · 状态）",
              "滞后于计划", "位置"]  # fmt: skip
EN_HEADERS = ["Name", "Townships", "Category", "Status (actual)", "Year · milestone",
              "Target (year · status)", "Behind plan", "Location"]  # fmt: skip
# The downloads split the combined cells, so a spreadsheet sorts and filters years as numbers.
ZH_SHEET_HEADERS = ["id", "名称", "乡镇街道", "类别", "状态（实际进展）", "进展年份", "进展",
                    "目标年份", "目标状态", "滞后于计划", "位置"]  # fmt: skip
SHEET_YEAR, SHEET_MILESTONE, SHEET_TARGET_YEAR, SHEET_TARGET_STATUS = 5, 6, 7, 8
ROWS = "#tz-table tbody tr"


@dataclass(frozen=True)
class TableServer:
    url: str
    township: str  # the code of 宋庄镇
    formula_id: str  # the 宋庄镇 project named FORMULA_NAME
    quoted_id: str  # the 宋庄镇 project named QUOTED_NAME


@pytest.fixture(scope="module")
def server(server_url: str) -> Iterator[TableServer]:
    """The catalogue with two 宋庄镇 projects renamed to what a spreadsheet could misread."""
    with catalogue_database(server_url) as (url, engine):
        with engine.begin() as conn:
            code = conn.exec_driver_sql(
                "SELECT code FROM township WHERE name = %(name)s", {"name": TOWNSHIP}
            ).scalar_one()
            first, second = conn.exec_driver_sql(
                "SELECT p.id FROM project p JOIN project_township pt ON pt.project_id = p.id"
                " WHERE pt.township_code = %(code)s ORDER BY p.id LIMIT 2",
                {"code": code},
            ).scalars()
            for project_id, name in ((first, FORMULA_NAME), (second, QUOTED_NAME)):
                conn.exec_driver_sql(
                    "UPDATE project SET name = %(name)s WHERE id = %(id)s",
                    {"name": name, "id": project_id},
                )
            readmodel.rebuild(conn)  # written in SQL: the read model is rebuilt by hand
        with serve(url) as base:
            yield TableServer(base, code, first, second)


# --- helpers -------------------------------------------------------------------------------


def assert_no_errors(log: PageLog) -> None:
    assert log.page_errors == [], f"uncaught errors in the page: {log.page_errors}"
    assert log.console_errors == [], f"console errors: {log.console_errors}"


def api_features(base: str, **params: Any) -> list[dict[str, Any]]:
    return project_features(base, year=YEAR, **params)


def open_table(page: Page, url: str) -> None:
    open_map(page, url)
    page.wait_for_selector("#tz-table-pane:not([hidden])")
    page.wait_for_selector(f"#tz-table-pane[data-drawn='{js(page, 'tzmap.state.year')}']")


def row_ids(page: Page) -> list[str]:
    return list(js(page, "() => [...document.querySelectorAll('#tz-table tbody tr')]"
                         ".map(r => r.dataset.id)"))  # fmt: skip


def row_statuses(page: Page) -> list[str]:
    return list(js(page, "() => [...document.querySelectorAll('#tz-table tbody tr')]"
                         ".map(r => r.dataset.status)"))  # fmt: skip


def headers(page: Page) -> list[str]:
    """The header texts without the sort arrow."""
    return list(js(page, """() => [...document.querySelectorAll('#tz-table thead th button')]
        .map(b => b.firstChild.textContent)"""))  # fmt: skip


def cell_texts(page: Page) -> list[list[str]]:
    """Each row's id and the text of its cells, as a download should hold them (the name cell
    without its badge)."""
    return list(
        js(
            page,
            """() => [...document.querySelectorAll('#tz-table tbody tr')].map(r =>
                [r.dataset.id, ...[...r.cells].map(c => {
                    const name = c.querySelector('.tz-table-name');
                    return (name || c).textContent;
                })])""",
        )
    )


def sort_by(page: Page, key: str) -> None:
    page.click(f"#tz-table thead th[data-key='{key}'] button")


def download(page: Page, selector: str) -> Download:
    with page.expect_download() as info:
        page.click(selector)
    return info.value


def read_csv(path: Path) -> tuple[bytes, list[list[str]]]:
    raw = path.read_bytes()
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def as_sheet(page: Page, shown: list[list[str]], base: str) -> list[list[str]]:
    """The rows a download should hold for the rows on screen: the combined cells (year ·
    milestone, target year · status) split into their own columns, each value the API's."""
    features = {f["id"]: f["properties"] for f in api_features(base, township=TOWNSHIP)}
    names = js(page, "() => Object.fromEntries(tzmap.statuses.map(s => [s, tzmap.statusName(s)]))")
    rows = []
    for row in shown:
        p = features[row[0]]
        year = "" if p["status_year"] is None else str(p["status_year"])
        milestone = p["milestone"] or ""
        target_year = "" if p["target_year"] is None else str(p["target_year"])
        target_status = names[p["target_status"]] if p["target_status"] else ""
        # The screen shows the same values, combined.
        assert row[5] == (" · ".join(v for v in (year, milestone) if v) or "—"), row
        assert row[6] == (f"{target_year} · {target_status}" if target_status else "—"), row
        rows.append([*row[:5], year, milestone, target_year, target_status, *row[7:]])
    assert any(r[SHEET_MILESTONE] for r in rows) and any(r[SHEET_TARGET_STATUS] for r in rows)
    return rows


# --- what the table lists ------------------------------------------------------------------


def test_table_lists_exactly_the_township_projects_of_the_api(
    page: Page, page_log: PageLog, server: TableServer
) -> None:
    expected = api_features(server.url, township=server.township)
    assert len(expected) > 10, f"{TOWNSHIP} should have projects to list"
    # The URL names the township as a person writes it; the page takes its code.
    open_table(page, f"{server.url}/?township={TOWNSHIP}&tab=table")
    assert js(page, "tzmap.state.township") == server.township

    assert sorted(row_ids(page)) == sorted(f["id"] for f in expected)
    assert page.inner_text(".tz-table-count").startswith(f"{len(expected)} 个项目")
    assert page.get_attribute("#tz-tab-table", "aria-selected") == "true"
    assert "tab=table" in page.url
    statuses = {f["id"]: f["properties"]["status"] or "not_reported" for f in expected}
    assert dict(zip(row_ids(page), row_statuses(page), strict=True)) == statuses

    # Another year: the rows follow the map, with that year's statuses.
    set_year(page, 2021)
    page.wait_for_selector("#tz-table-pane[data-drawn='2021']")
    earlier = project_features(server.url, year=2021, township=server.township)
    assert sorted(row_ids(page)) == sorted(f["id"] for f in earlier)
    statuses = {f["id"]: f["properties"]["status"] or "not_reported" for f in earlier}
    assert dict(zip(row_ids(page), row_statuses(page), strict=True)) == statuses
    assert_no_errors(page_log)


def test_whole_district_lists_the_unplaced_projects_and_marks_them(
    page: Page, page_log: PageLog, server: TableServer
) -> None:
    features = api_features(server.url)
    unplaced = sorted(f["id"] for f in features if f["geometry"] is None)
    assert unplaced, "the catalogue has unplaced projects"
    open_table(page, f"{server.url}/?tab=table")

    assert sorted(row_ids(page)) == sorted(f["id"] for f in features)
    marked = js(
        page,
        """() => [...document.querySelectorAll('#tz-table tbody tr')]
        .filter(r => r.querySelector('.tz-col-name .tz-unplaced-badge')).map(r => r.dataset.id)""",
    )
    assert sorted(marked) == unplaced
    assert page.locator("#tz-table tr.tz-unplaced .tz-col-name .tz-badge").first.inner_text() == (
        "未定位"
    )
    assert f"其中 {len(unplaced)} 个未定位" in page.inner_text(".tz-table-count")
    assert_no_errors(page_log)


def test_sorting_by_status_follows_the_lifecycle_and_reverses(
    page: Page, page_log: PageLog, server: TableServer
) -> None:
    open_table(page, f"{server.url}/?township={server.township}&tab=table")
    sort_by(page, "status")
    ranks = [LIFECYCLE.index(s) for s in row_statuses(page)]
    assert len(set(ranks)) >= 3, "the township's projects are in several stages"
    assert ranks == sorted(ranks)
    assert page.get_attribute("#tz-table th[data-key='status']", "aria-sort") == "ascending"
    assert page.get_attribute("#tz-table th[data-key='name']", "aria-sort") == "none"

    sort_by(page, "status")
    ranks = [LIFECYCLE.index(s) for s in row_statuses(page)]
    assert ranks == sorted(ranks, reverse=True)
    assert page.get_attribute("#tz-table th[data-key='status']", "aria-sort") == "descending"

    # Names sort as Chinese does (zh-CN collation), not by code point.
    sort_by(page, "name")
    in_order = js(page, """() => {
        const names = [...document.querySelectorAll('#tz-table .tz-table-name')]
            .map(n => n.textContent);
        return names.every((n, i) => i === 0 || names[i - 1].localeCompare(n, 'zh-CN') <= 0);
    }""")  # fmt: skip
    assert in_order
    assert page.get_attribute("#tz-table th[data-key='name']", "aria-sort") == "ascending"
    assert_no_errors(page_log)


FOCUSED_SORT = """() => {
    const node = document.activeElement;
    const sort = node && node.matches('#tz-table thead th button.tz-sort');
    if (sort) { return node.closest('th').dataset.key; }
    return node ? node.tagName : null;
}"""


def test_enter_or_space_on_a_header_sorts_and_keeps_the_focus(
    page: Page, page_log: PageLog, server: TableServer
) -> None:
    """A keyboard user sorts column after column: the focus stays on the header they pressed,
    also when the map redraws the table (another year)."""
    open_table(page, f"{server.url}/?township={server.township}&tab=table")
    page.focus("#tz-table thead th[data-key='status'] button")

    page.keyboard.press("Enter")
    assert page.get_attribute("#tz-table th[data-key='status']", "aria-sort") == "ascending"
    assert js(page, FOCUSED_SORT) == "status"
    page.keyboard.press("Space")
    assert page.get_attribute("#tz-table th[data-key='status']", "aria-sort") == "descending"
    assert js(page, FOCUSED_SORT) == "status"

    # Tab goes on to the next header, which sorts in its turn and keeps the focus.
    page.keyboard.press("Tab")
    assert js(page, FOCUSED_SORT) == "year"
    page.keyboard.press("Enter")
    assert page.get_attribute("#tz-table th[data-key='year']", "aria-sort") == "ascending"
    assert js(page, FOCUSED_SORT) == "year"

    # Another year redraws the whole table: the focus is still on the same column's control.
    set_year(page, 2021)
    page.wait_for_selector("#tz-table-pane[data-drawn='2021']")
    assert js(page, FOCUSED_SORT) == "year"
    assert_no_errors(page_log)


# --- an empty selection --------------------------------------------------------------------

EMPTY = "#tz-table-pane .tz-table-empty"


def assert_downloads(page: Page, enabled: bool) -> None:
    for button in ("#tz-table-csv", "#tz-table-xlsx"):
        assert page.is_enabled(button) == enabled, button


def test_no_category_says_so_and_offers_no_download(
    page: Page, page_log: PageLog, server: TableServer
) -> None:
    open_table(page, f"{server.url}/?township={server.township}&tab=table")
    assert page.locator(EMPTY).is_hidden()
    assert_downloads(page, True)

    page.click("#tz-category-filter .tz-facet-all button:nth-child(2)")  # none
    page.wait_for_selector(f"{EMPTY}:not([hidden])")
    assert row_ids(page) == []
    text = page.inner_text(EMPTY)
    assert "当前筛选没有选中任何项目" in text and "类别" in text, text
    assert_downloads(page, False)

    page.click("#tz-lang")
    page.wait_for_function(f"() => document.querySelector('{EMPTY}').textContent"
                           ".includes('No project matches the current filters')")  # fmt: skip
    assert "categor" in page.inner_text(EMPTY)

    page.click("#tz-category-filter .tz-facet-all button:nth-child(1)")  # all
    page.wait_for_selector(f"{EMPTY}[hidden]", state="attached")
    assert row_ids(page)
    assert_downloads(page, True)
    assert_no_errors(page_log)


def test_behind_plan_with_nothing_to_judge_says_so(
    page: Page, page_log: PageLog, server: TableServer
) -> None:
    """Reports reach 2022 and the first target falls later: the table says nothing can be judged
    behind plan yet rather than a bare 0."""
    features = api_features(server.url)
    assert all(f["properties"]["planned_year"] is None for f in features), "no target by 2022"
    open_table(page, f"{server.url}/?year={YEAR}&behind=1&tab=table")
    assert js(page, "tzmap.reportedYear()") == YEAR
    page.wait_for_selector(f"{EMPTY}:not([hidden])")
    assert row_ids(page) == []
    text = page.inner_text(EMPTY)
    assert "尚无项目可判断是否滞后于计划" in text and str(YEAR) in text, text
    assert_downloads(page, False)

    page.click("#tz-lang")
    page.wait_for_function(f"() => document.querySelector('{EMPTY}').textContent"
                           ".includes('can be judged behind plan yet')")  # fmt: skip
    assert_no_errors(page_log)


def test_behind_plan_with_none_behind_in_the_filters_says_so(
    page: Page, page_log: PageLog, tampered_server: TamperedServer
) -> None:
    """With a project late in 2022, a category without a late project lists none, and the table
    says that none of the selection is behind plan (not that nothing can be judged)."""
    base = tampered_server.url
    late = next(f for f in project_features(base, year=YEAR) if f["id"] == tampered_server.late_id)
    open_table(page, f"{base}/?year={YEAR}&behind=1&tab=table")
    assert row_ids(page) == [tampered_server.late_id]
    assert page.locator(EMPTY).is_hidden()

    other = "rail" if late["properties"]["category"] != "rail" else "road"
    open_table(page, f"{base}/?year={YEAR}&behind=1&category={other}&tab=table")
    page.wait_for_selector(f"{EMPTY}:not([hidden])")
    text = page.inner_text(EMPTY)
    assert "没有滞后于计划的项目" in text and "尚无项目可判断" not in text, text
    assert_downloads(page, False)
    assert_no_errors(page_log)


# --- synced with the map -------------------------------------------------------------------


def test_a_row_click_or_enter_opens_the_project(
    page: Page, page_log: PageLog, server: TableServer
) -> None:
    features = {f["id"]: f for f in api_features(server.url, township=server.township)}
    open_table(page, f"{server.url}/?township={server.township}&tab=table")
    ids = row_ids(page)

    page.click(f"{ROWS}[data-id='{ids[3]}'] td.tz-col-category")
    page.wait_for_selector("#tz-project:not([hidden])")
    assert (
        page.inner_text("#tz-project h2.tz-project-name") == features[ids[3]]["properties"]["name"]
    )
    assert f"project={ids[3]}" in page.url
    assert js(page, "tzmap.state.project") == ids[3]
    assert page.get_attribute(f"{ROWS}[data-id='{ids[3]}']", "aria-selected") == "true"

    # The keyboard reaches a row and Enter opens it; the previous row is no longer marked.
    page.focus(f"{ROWS}[data-id='{ids[5]}']")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "id => tzmap.state.project === id && location.search.includes('project=' + id)",
        arg=ids[5],
    )
    assert (
        page.inner_text("#tz-project h2.tz-project-name") == features[ids[5]]["properties"]["name"]
    )
    assert js(page, "[...document.querySelectorAll('#tz-table tr.tz-selected')].map(r => "
                    "r.dataset.id)") == [ids[5]]  # fmt: skip
    assert page.get_attribute(f"{ROWS}[data-id='{ids[3]}']", "aria-selected") == "false"
    assert_no_errors(page_log)


ROW_IN_VIEW = """id => {
    const row = [...document.querySelectorAll('#tz-table tbody tr')].find(r => r.dataset.id === id);
    const box = document.querySelector('.tz-table-wrap').getBoundingClientRect();
    const r = row.getBoundingClientRect();
    return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
}"""


def test_a_project_opened_on_the_map_marks_its_row_and_scrolls_to_it(
    page: Page, page_log: PageLog, server: TableServer
) -> None:
    open_table(page, f"{server.url}/?tab=table")
    last = row_ids(page)[-1]
    assert not js(page, ROW_IN_VIEW, last), "the last row starts out of sight"
    name = js(page, "id => tzmap.feature(id).properties.name", last)

    # The map's own search opens it, as a click on its shape does.
    page.fill("#tz-search", name)
    page.press("#tz-search", "Enter")
    page.wait_for_selector(f"{ROWS}.tz-selected[data-id='{last}'][aria-selected='true']")
    assert js(page, ROW_IN_VIEW, last)
    assert page.locator(f"{ROWS}.tz-selected").count() == 1

    # Closing the panel unmarks it.
    page.click("#tz-project button[aria-label]")
    page.wait_for_selector(f"{ROWS}.tz-selected", state="detached")
    assert_no_errors(page_log)


# --- downloads -----------------------------------------------------------------------------


def test_csv_download_holds_the_rows_in_their_order_and_escapes_formulas(
    page: Page, page_log: PageLog, server: TableServer, tmp_path: Path
) -> None:
    open_table(page, f"{server.url}/?township={server.township}&tab=table")
    sort_by(page, "status")
    sort_by(page, "status")  # descending: the file follows the order on screen
    shown = cell_texts(page)

    file = download(page, "#tz-table-csv")
    # Named after the view: the year and the township's name (the browser keeps it whole).
    assert file.suggested_filename == f"tongzhou-projects-{YEAR}-{TOWNSHIP}.csv"
    path = tmp_path / file.suggested_filename
    file.save_as(path)
    raw, rows = read_csv(path)
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte order mark, so Excel reads UTF-8"
    assert b"\r\n" in raw

    assert rows[0] == ZH_SHEET_HEADERS
    assert [r[0] for r in rows[1:]] == [r[0] for r in shown]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id[server.formula_id][1] == "'" + FORMULA_NAME
    assert by_id[server.quoted_id][1] == QUOTED_NAME
    assert b'"Songzhuang ""art"", town"' in raw
    # Everything else is the text of the cells, word for word, the year and the milestone, the
    # target year and status each in a column of its own.
    unescaped = [[c[1:] if c.startswith("'") else c for c in r] for r in rows[1:]]
    assert unescaped == as_sheet(page, shown, server.url)
    assert_no_errors(page_log)


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_xlsx_download_opens_with_the_same_rows(
    page: Page, page_log: PageLog, server: TableServer, tmp_path: Path
) -> None:
    open_table(page, f"{server.url}/?township={server.township}&tab=table")
    sort_by(page, "target")
    shown = cell_texts(page)
    library = "/static/vendor/write-excel-file/"
    assert not any(library in url for url in page_log.requests), "loaded only when asked for"

    file = download(page, "#tz-table-xlsx")
    assert file.suggested_filename == f"tongzhou-projects-{YEAR}-{TOWNSHIP}.xlsx"
    path = tmp_path / file.suggested_filename
    file.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    rows = [["" if v is None else str(v) for v in row] for row in values]
    assert rows[0] == ZH_SHEET_HEADERS
    assert rows[1:] == as_sheet(page, shown, server.url)
    # Years are numbers, so Excel sorts and filters them as years; the milestone is text.
    for row in values[1:]:
        for column in (SHEET_YEAR, SHEET_TARGET_YEAR):
            assert row[column] is None or isinstance(row[column], int), row
    assert any(isinstance(row[SHEET_TARGET_YEAR], int) for row in values[1:])
    assert next(r for r in rows if r[0] == server.formula_id)[1] == FORMULA_NAME  # text, not =2

    # A second download does not load the library again.
    download(page, "#tz-table-xlsx")
    assert sum(library in url for url in page_log.requests) == 1
    assert_no_errors(page_log)


def test_download_names_follow_the_view(page: Page, page_log: PageLog, server: TableServer) -> None:
    """The year, plan and the township's name; no township, no name."""
    open_table(page, f"{server.url}/?year=2024&mode=plan&tab=table")
    assert download(page, "#tz-table-csv").suggested_filename == "tongzhou-projects-2024-plan.csv"
    # A plan has a year and no milestone.
    assert js(page, "tztable.rows()[0]")[4:9] == ["状态（计划目标）", "计划年份", "目标年份",
                                                  "目标状态", "滞后于计划"]  # fmt: skip
    open_table(page, f"{server.url}/?year=2024&mode=plan&township={TOWNSHIP}&tab=table")
    assert download(page, "#tz-table-csv").suggested_filename == (
        f"tongzhou-projects-2024-plan-{TOWNSHIP}.csv"
    )
    assert_no_errors(page_log)


def test_a_township_name_of_markup_makes_a_safe_file_name(
    page: Page, page_log: PageLog, tampered_server: TamperedServer
) -> None:
    """Characters a file system or a browser refuses become one underscore each run."""
    base = tampered_server.url
    open_table(page, f"{base}/?year={YEAR}&township={tampered_server.evil_township}&tab=table")
    name = download(page, "#tz-table-csv").suggested_filename
    assert name == f"tongzhou-projects-{YEAR}-b id=_tz-evil-township_镇_b.csv"
    assert_no_errors(page_log)


MANY_PROJECTS = """n => {
    const projects = [];
    for (let i = 0; i < n; i++) {
        projects.push({ type: 'Feature', id: 'p-' + String(i).padStart(5, '0'), geometry: null,
            properties: { name: '项目' + i + '（较长的名称，使表格更大）', aliases: [],
                category: 'road', status: 'planned', status_year: 2022, milestone: '前期研究',
                planned_status: null, planned_year: null, target_status: 'in_service',
                target_year: 2026, behind_plan: false, townships: ['宋庄镇', '潞城镇'],
                township_codes: [], geometry_quality: 'unplaced', programmes: [] } });
    }
    document.dispatchEvent(new CustomEvent('tzmap:drawn', { detail: {
        projects, year: 2022, mode: 'actual', lang: 'zh', project: '' } }));
}"""


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_xlsx_of_a_large_table_downloads(page: Page, server: TableServer, tmp_path: Path) -> None:
    """The writer compresses a sheet over 160 kB in a web worker made from a blob: URL, which the
    page's security policy must allow, or the download never comes."""
    open_table(page, f"{server.url}/?tab=table")
    count = 1500
    js(page, MANY_PROJECTS, count)
    assert len(row_ids(page)) == count
    with page.expect_download() as download:
        page.click("#tz-table-xlsx")
    path = tmp_path / "large.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == count + 1


# --- language ------------------------------------------------------------------------------


def test_language_toggle_switches_the_headers_and_the_cells(
    page: Page, page_log: PageLog, server: TableServer
) -> None:
    open_table(page, f"{server.url}/?township={server.township}&tab=table")
    assert headers(page) == ZH_HEADERS
    count = len(row_ids(page))

    page.click("#tz-lang")
    page.wait_for_function("() => document.querySelector('.tz-table-count').textContent"
                           ".includes('projects')")  # fmt: skip
    assert headers(page) == EN_HEADERS
    assert page.inner_text(".tz-table-count").startswith(f"{count} projects")
    behind = page.locator(f"{ROWS} td.tz-col-behind").all_inner_texts()
    assert set(behind) <= {"yes", "no"}
    assert page.inner_text("#tz-tab-table") == "Table"

    page.check("input[name=tz-mode][value=plan]")
    assert headers(page)[3] == "Status (plan)"
    page.click("#tz-lang")
    assert headers(page)[3] == "状态（计划目标）"
    assert headers(page)[0] == ZH_HEADERS[0]
    assert_no_errors(page_log)


# --- the standalone file and a phone -------------------------------------------------------


def test_standalone_export_has_the_table_and_its_csv(
    browser: Browser, server: TableServer, tmp_path: Path
) -> None:
    expected = api_features(server.url, township=server.township)
    request = urllib.request.Request(
        f"{server.url}/export.html?township={server.township}", headers={"Accept": "text/html"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        html = response.read()
    assert b"/static/table.js" not in html and b"/static/table.css" not in html
    path = tmp_path / "export.html"
    path.write_bytes(html)

    with opened_offline(browser, path) as offline:
        page, log, blocked = offline.page, offline.log, offline.blocked
        page.click("#tz-tab-table")
        page.wait_for_selector("#tz-table-pane:not([hidden])")
        assert sorted(row_ids(page)) == sorted(f["id"] for f in expected)
        assert page.locator("#tz-table-xlsx").is_hidden(), "no Excel writer in the file"
        file = download(page, "#tz-table-csv")
        saved = tmp_path / "offline.csv"
        file.save_as(saved)
        _, rows = read_csv(saved)
        assert [r[0] for r in rows[1:]] == row_ids(page)
        page.click(f"{ROWS}[data-id='{row_ids(page)[0]}']")
        page.wait_for_selector("#tz-project:not([hidden])")
        assert blocked == []
        assert_no_errors(log)


def test_phone_table_scrolls_sideways_inside_its_pane_with_big_enough_targets(
    browser: Browser, server: TableServer
) -> None:
    width, height = 390, 844
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
    )
    try:
        log = PageLog()
        page = log.watch(context.new_page())
        open_table(page, f"{server.url}/?township={server.township}&tab=table")
        sizes = js(page, """() => {
            const wrap = document.querySelector('.tz-table-wrap');
            const heights = sel => [...document.querySelectorAll(sel)]
                .filter(n => n.offsetParent !== null)
                .map(n => n.getBoundingClientRect().height);
            return {
                page: document.documentElement.scrollWidth,
                wrap: wrap.clientWidth, table: wrap.scrollWidth,
                pane: document.getElementById('tz-table-pane').getBoundingClientRect().right,
                rows: heights('#tz-table tbody tr'),
                buttons: heights('#tz-table thead button, .tz-table-download'),
            };
        }""")  # fmt: skip
        assert sizes["page"] <= width, "the page itself does not scroll sideways"
        assert sizes["pane"] <= width + 1
        assert sizes["table"] > sizes["wrap"], "the table scrolls inside its pane"
        assert sizes["rows"] and min(sizes["rows"]) >= 24
        assert sizes["buttons"] and min(sizes["buttons"]) >= 24
        # A tap on a row opens the project.
        first = row_ids(page)[0]
        page.tap(f"{ROWS}[data-id='{first}'] td.tz-col-name")
        page.wait_for_function("id => tzmap.state.project === id", arg=first)
        assert_no_errors(log)
    finally:
        context.close()
