"""The charts of progress and what changed between two years (static/charts.js) in Debian's
Chromium against the real server: the numbers behind each chart (read from its accessible table)
are the API's, they follow the township filter, the comparison lists exactly the projects whose
status moved, a row opens its project, the captions follow the language, and both panes work in
the standalone export, offline."""

import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from app.vocab import PLAN_YEARS, STATUS_LABELS
from tests.web.conftest import PageLog, get_json, js, open_map, project_features, township_features
from tests.web.test_map import opened_offline

YEARS = [2021, 2022, 2023, 2024, 2025, 2026]
RANKS = ["not_reported", "planned", "under_construction", "completed", "in_service"]
STARTED = RANKS.index("under_construction")
DONE = RANKS.index("completed")
CHART_JS = "/static/vendor/chartjs/chart.umd.min.js"

# --- reading the page ----------------------------------------------------------------------

# The accessible table of a chart: {row key: {column key: text}}, rows keyed by data-year, or
# data-category / data-item when the chart has no years.
READ_TABLE = """([name, rowKey]) => {
    const table = document.querySelector(`table.tz-sr[data-chart="${name}"]`);
    if (!table) { return null; }
    const rows = {};
    table.querySelectorAll(`tr[data-${rowKey}]`).forEach(tr => {
        const cells = {};
        tr.querySelectorAll('td[data-key]').forEach(td => {
            cells[td.getAttribute('data-key')] = td.textContent;
        });
        cells._row = Object.fromEntries(Array.from(tr.attributes).map(a => [a.name, a.value]));
        rows[tr.getAttribute(`data-${rowKey}`)] = cells;
    });
    return rows;
}"""

CAPTIONS = """pane => Array.from(document.querySelectorAll(
    `#${pane} figcaption, #${pane} th[scope=col], #${pane} .tz-changes-caption`
)).map(n => n.textContent)"""


def pane_ready(page: Page, pane: str, **attrs: Any) -> None:
    """Wait until the pane has drawn what the map's state asks for now."""
    wanted = "".join(f"[data-{k}='{v}']" for k, v in attrs.items())
    page.wait_for_selector(f"#tz-{pane}-pane[data-ready=true]{wanted}", state="attached")


def read_table(page: Page, name: str, row_key: str = "year") -> dict[str, dict[str, Any]]:
    table = js(page, READ_TABLE, [name, row_key])
    assert table is not None, f"no accessible table for the chart {name}"
    return dict(table)


def status_counts(table: dict[str, dict[str, Any]]) -> dict[int, dict[str, int]]:
    keys = [*RANKS, "total", "actual_done", "plan_started", "plan_done"]
    return {int(year): {k: int(row[k]) for k in keys} for year, row in table.items()}


def listed_changes(page: Page) -> dict[str, str]:
    """Project id -> the kind of move, as the comparison lists them."""
    return dict(
        js(
            page,
            """() => Array.from(document.querySelectorAll('#tz-changes-pane tr[data-id]'))
                .map(tr => [tr.getAttribute('data-id'), tr.getAttribute('data-move')])""",
        )
    )


def assert_no_errors(log: PageLog) -> None:
    assert log.page_errors == [], f"uncaught errors in the page: {log.page_errors}"
    assert log.console_errors == [], f"console errors: {log.console_errors}"


# --- the API, as the reference --------------------------------------------------------------


def rank(status: str | None) -> int:
    return RANKS.index(status or "not_reported")


def api_years(base: str, **params: Any) -> dict[int, list[dict[str, Any]]]:
    return {year: project_features(base, year=year, **params) for year in YEARS}


def expected_counts(by_year: dict[int, list[dict[str, Any]]]) -> dict[int, dict[str, int]]:
    """What the status-by-year chart should count: the reported status of every project in each
    year, and how many the plan wants started and completed by then."""
    result = {}
    for year, features in by_year.items():
        props = [f["properties"] for f in features]
        counts = Counter(p["status"] or "not_reported" for p in props)
        row = {s: counts.get(s, 0) for s in RANKS}
        row["total"] = len(props)
        row["actual_done"] = sum(rank(p["status"]) >= DONE for p in props)
        planned = [p["planned_status"] for p in props if p["planned_status"]]
        row["plan_started"] = sum(rank(s) >= STARTED for s in planned)
        row["plan_done"] = sum(rank(s) >= DONE for s in planned)
        result[year] = row
    return result


def expected_moves(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, str]:
    """Every project whose status differs between the two answers, with the kind of move."""
    old = {f["id"]: f["properties"]["status"] for f in before}
    new = {f["id"]: f["properties"]["status"] for f in after}
    moves = {}
    for project_id in old.keys() | new.keys():
        a, b = rank(old.get(project_id)), rank(new.get(project_id))
        if a == b:
            continue
        if a == 0:
            moves[project_id] = "new"
        elif b == 0:
            moves[project_id] = "dropped"
        else:
            moves[project_id] = "advanced" if b > a else "back"
    return moves


def reported_year(base: str) -> int:
    return int(get_json(base, "/collections/projects/items", {"limit": 1})["reported_year"])


def busiest_township(base: str) -> dict[str, Any]:
    towns = township_features(base, 2022)
    return max(towns, key=lambda f: f["properties"]["count_total"])["properties"]


@pytest.fixture(scope="module")
def town(live_server: str) -> dict[str, Any]:
    return busiest_township(live_server)


# --- the charts ----------------------------------------------------------------------------


def test_status_by_year_chart_counts_what_the_api_says_and_follows_the_township(
    page: Page, page_log: PageLog, live_server: str, town: dict[str, Any], artifacts: Path
) -> None:
    open_map(page, live_server + "/")
    assert not [u for u in page_log.requests if CHART_JS in u], "Chart.js loaded before asked for"
    assert js(page, "() => typeof window.Chart") == "undefined"

    page.click("#tz-tab-charts")
    pane_ready(page, "charts", township="", lang="zh")
    assert [u for u in page_log.requests if CHART_JS in u] == [live_server + CHART_JS]
    assert "tab=charts" in page.url

    shown = status_counts(read_table(page, "status-by-year"))
    assert shown == expected_counts(api_years(live_server))
    # The years no report covers yet are marked as such, and the caption says so.
    reported = reported_year(live_server)
    table = read_table(page, "status-by-year")
    marked = sorted(int(y) for y, row in table.items() if row["_row"]["data-no-report"] == "true")
    assert marked == [y for y in YEARS if y > reported]
    caption = page.locator("figure[data-chart=status-by-year] figcaption").inner_text()
    if marked:
        assert f"{marked[0]}–{marked[-1]}" in caption and str(reported) in caption
    label = page.get_attribute("figure[data-chart=status-by-year] canvas", "aria-label") or ""
    assert (
        str(shown[reported]["total"]) in label
        and page.get_attribute("figure[data-chart=status-by-year] canvas", "role") == "img"
    )

    page.select_option("#tz-township", town["code"])
    pane_ready(page, "charts", township=town["code"])
    in_town = status_counts(read_table(page, "status-by-year"))
    assert in_town == expected_counts(api_years(live_server, township=town["code"]))
    assert in_town[reported]["total"] < shown[reported]["total"]
    assert town["name"] in page.locator("figure[data-chart=status-by-year] figcaption").inner_text()
    page.screenshot(path=str(artifacts / "charts.png"))
    # Loaded once, however often the charts are drawn again.
    assert len([u for u in page_log.requests if CHART_JS in u]) == 1
    assert_no_errors(page_log)


def test_category_programme_and_project_charts_count_what_the_api_says(
    page: Page, page_log: PageLog, live_server: str, artifacts: Path
) -> None:
    programmes = get_json(live_server, "/collections/programmes/items", {"limit": 1000})["features"]
    with_target = [p for p in programmes if p["properties"]["target_count"]]
    programme = max(with_target, key=lambda p: len(p["properties"]["members"]))
    members = sorted(programme["properties"]["members"])
    assert members, "a programme with a target and projects"
    year = 2022
    features = [
        f
        for f in project_features(live_server, year=year)
        if programme["id"] in f["properties"]["programmes"]
    ]
    project_id = members[0]
    open_map(page, f"{live_server}/?tab=charts&programme={programme['id']}&project={project_id}")
    pane_ready(page, "charts", programme=programme["id"], project=project_id)

    # By category: this year's selection (the programme's projects), by status.
    by_category = read_table(page, "by-category", "category")
    expected: dict[str, Counter[str]] = {}
    for f in features:
        expected.setdefault(f["properties"]["category"], Counter())[
            f["properties"]["status"] or "not_reported"
        ] += 1
    assert {c: {s: int(row[s]) for s in RANKS} for c, row in by_category.items()} == {
        c: {s: counts.get(s, 0) for s in RANKS} for c, counts in expected.items()
    }

    # The programme against its target.
    progress = {k: int(row["count"]) for k, row in read_table(page, "programme", "item").items()}
    assert progress["target"] == programme["properties"]["target_count"]
    assert progress["located"] == sum(f["geometry"] is not None for f in features)
    assert progress["done"] == sum(rank(f["properties"]["status"]) >= DONE for f in features)

    # The open project's own timeline: its status in every year, and its targets.
    timeline = read_table(page, "timeline")
    statuses = {
        y: next(f for f in fs if f["id"] == project_id)["properties"]["status"] or "not_reported"
        for y, fs in api_years(live_server).items()
    }
    assert {int(y): row["_row"]["data-actual"] for y, row in timeline.items()} == statuses
    rows = get_json(live_server, f"/api/projects/{project_id}/timeline")
    target_years = {r["year"] for r in rows if r["kind"] == "target"}
    assert {int(y) for y, row in timeline.items() if row["target"] != "—"} == target_years
    page.screenshot(path=str(artifacts / "charts-programme.png"))

    # Closing the project takes its chart away.
    page.click("#tz-project button[aria-label='关闭']")
    pane_ready(page, "charts", project="")
    assert page.locator("figure[data-chart=timeline]").count() == 0
    assert_no_errors(page_log)


# --- what changed --------------------------------------------------------------------------


def test_comparison_lists_exactly_the_projects_whose_status_moved(
    page: Page, page_log: PageLog, live_server: str, town: dict[str, Any], artifacts: Path
) -> None:
    reported = reported_year(live_server)
    code = town["code"]
    open_map(page, f"{live_server}/?tab=changes&township={code}")
    pane_ready(page, "changes", township=code, **{"from": reported - 1, "to": reported})

    def api(year: int) -> list[dict[str, Any]]:
        return project_features(live_server, year=year, township=code)

    expected = expected_moves(api(reported - 1), api(reported))
    assert expected, f"{town['name']} should have projects whose status moved"
    assert listed_changes(page) == expected
    counts = dict(
        js(
            page,
            """() => Array.from(
                document.querySelectorAll('#tz-changes-pane [data-move][data-count]')
            ).map(n => [n.getAttribute('data-move'), Number(n.getAttribute('data-count'))])""",
        )
    )
    assert {k: v for k, v in counts.items() if v} == dict(Counter(expected.values()))
    page.screenshot(path=str(artifacts / "changes.png"))

    # Two other years, the other way round: the same projects, moving back.
    page.select_option("#tz-changes-from", str(reported))
    pane_ready(page, "changes", **{"from": reported, "to": reported})
    assert listed_changes(page) == {}
    page.select_option("#tz-changes-to", str(reported - 1))
    pane_ready(page, "changes", **{"from": reported, "to": reported - 1})
    assert listed_changes(page) == expected_moves(api(reported), api(reported - 1))

    # A row opens its project on the map, and the URL keeps it.
    first = page.locator("#tz-changes-pane tr[data-id]").first
    project_id = first.get_attribute("data-id")
    first.locator("td").first.click()
    page.wait_for_selector("#tz-project:not([hidden])")
    assert js(page, "() => tzmap.state.project") == project_id
    assert f"project={project_id}" in page.url
    page.wait_for_selector(f"#tz-changes-pane tr[data-id='{project_id}'][aria-current=true]")
    assert_no_errors(page_log)


def test_plan_mode_still_names_reported_statuses_in_the_comparison(
    page: Page, live_server: str, town: dict[str, Any]
) -> None:
    reported = reported_year(live_server)
    code = town["code"]
    open_map(page, f"{live_server}/?tab=changes&mode=plan&township={code}")
    pane_ready(page, "changes", township=code, **{"from": reported - 1, "to": reported})
    cells = js(
        page,
        """() => Array.from(document.querySelectorAll(
            '#tz-changes-pane td.tz-status-cell[data-status=not_reported]'
        )).map(td => td.textContent)""",
    )
    assert cells, "a project newly reported should show 'not reported' the year before"
    assert set(cells) == {STATUS_LABELS["zh"][None]}


# --- languages -----------------------------------------------------------------------------


def has_cjk(texts: list[str]) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for text in texts for ch in text)


def test_language_toggle_switches_the_captions(
    page: Page, page_log: PageLog, live_server: str
) -> None:
    open_map(page, live_server + "/?tab=charts")
    pane_ready(page, "charts", lang="zh")
    zh = js(page, CAPTIONS, "tz-charts-pane")
    assert zh and all(has_cjk([text]) for text in zh), zh

    page.click("#tz-lang")
    pane_ready(page, "charts", lang="en")
    en = js(page, CAPTIONS, "tz-charts-pane")
    assert len(en) == len(zh) and not has_cjk(en), en
    assert any("projects by status at the end of each year" in text for text in en), en

    page.click("#tz-tab-changes")
    pane_ready(page, "changes", lang="en")
    headers = js(page, CAPTIONS, "tz-changes-pane")
    assert "Project" in headers, headers
    assert any("changed their reported status between" in h for h in headers), headers

    page.click("#tz-lang")
    pane_ready(page, "changes", lang="zh")
    assert "项目" in js(page, CAPTIONS, "tz-changes-pane")
    page.click("#tz-tab-charts")
    pane_ready(page, "charts", lang="zh")
    assert js(page, CAPTIONS, "tz-charts-pane") == zh
    assert_no_errors(page_log)


# --- the standalone export -----------------------------------------------------------------


def test_export_has_working_charts_and_comparison_offline(
    browser: Browser, live_server: str, town: dict[str, Any], tmp_path: Path
) -> None:
    code = town["code"]
    request = urllib.request.Request(
        f"{live_server}/export.html?township={code}", headers={"Accept": "text/html"}
    )
    path = tmp_path / "export.html"
    with urllib.request.urlopen(request, timeout=60) as response:
        path.write_bytes(response.read())
    reported = reported_year(live_server)

    with opened_offline(browser, path) as offline:
        page, log, blocked = offline.page, offline.log, offline.blocked
        page.click("#tz-tab-charts")
        pane_ready(page, "charts")
        shown = status_counts(read_table(page, "status-by-year"))
        assert shown == expected_counts(api_years(live_server, township=code))

        page.click("#tz-tab-changes")
        pane_ready(page, "changes", **{"from": reported - 1, "to": reported})
        before = project_features(live_server, year=reported - 1, township=code)
        after = project_features(live_server, year=reported, township=code)
        assert listed_changes(page) == expected_moves(before, after)
        assert blocked == [], f"the export tried the network: {blocked}"
        assert_no_errors(log)


def test_years_before_any_report_say_so(page: Page, live_server: str) -> None:
    reported = reported_year(live_server)
    first = min(PLAN_YEARS)
    statuses = [f["properties"]["status"] for f in project_features(live_server, year=first)]
    assert not any(statuses), f"no report states a status for {first}"
    open_map(page, f"{live_server}/?tab=charts")
    pane_ready(page, "charts")
    captions = " ".join(js(page, CAPTIONS, "tz-charts-pane"))
    assert f"没有报告说明{first}" in captions
    page.click("#tz-tab-changes")
    pane_ready(page, "changes")
    page.select_option("#tz-changes-from", str(first))
    page.select_option("#tz-changes-to", str(reported))
    pane_ready(page, "changes", **{"from": first, "to": reported})
    assert f"没有报告说明{first}年的进展" in page.inner_text("#tz-changes-pane")
