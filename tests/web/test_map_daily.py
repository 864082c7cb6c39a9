"""The web map's defects a planner, a township official and a meeting secretary met (issue 13),
each tried in a real browser against the real API."""

import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page

from app.vocab import PLAN_NONE_LABELS, STATUS_LABELS
from tests.web.conftest import (
    PHONE,
    PageLog,
    get_json,
    js,
    open_map,
    placed_ids,
    project_features,
    township_features,
    visible_ids,
    wait_view_settled,
)
from tests.web.test_map import (
    DEFAULT_YEAR,
    assert_no_errors,
    busiest_township,
    download,
    opened_offline,
    shown_count,
)

# A point inside a township, at least 20 px from any project drawn, in the map's container pixels.
TOWNSHIP_SPOT = """() => {
    const map = tzmap.map;
    const towns = [], projects = [];
    map.eachLayer((l) => {
        const props = l.feature && l.feature.properties;
        if (!props || !l._containsPoint) { return; }
        if (props.count_total !== undefined) { towns.push(l); }
        else if (props.category !== undefined) { projects.push(l); }
    });
    const size = map.getSize();
    const rect = map.getContainer().getBoundingClientRect();
    const open = (x, y) =>
        document.elementFromPoint(rect.left + x, rect.top + y).tagName === 'CANVAS';
    for (const town of towns) {
        for (let x = 30; x < size.x - 30; x += 15) {
            for (let y = 30; y < size.y - 30; y += 15) {
                const point = L.point(x, y);
                const layerPoint = map.containerPointToLayerPoint(point);
                if (!open(x, y) || !town._containsPoint(layerPoint)) { continue; }
                const near = projects.some((p) => {
                    for (let dx = -20; dx <= 20; dx += 10) {
                        for (let dy = -20; dy <= 20; dy += 10) {
                            if (p._containsPoint(layerPoint.add([dx, dy]))) { return true; }
                        }
                    }
                    return false;
                });
                if (!near) { return { x: x, y: y, code: town.feature.properties.code }; }
            }
        }
    }
    return null;
}"""


def test_clicking_a_township_away_from_projects_selects_it(
    page: Page, page_log: PageLog, live_server: str
) -> None:
    open_map(page, live_server + "/")
    wait_view_settled(page)
    spot = js(page, TOWNSHIP_SPOT)
    assert spot, "some township has room away from every project"
    box = page.locator(".folium-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    page.wait_for_function(f"() => tzmap.state.township === '{spot['code']}'")
    assert page.input_value("#tz-township") == spot["code"]
    assert_no_errors(page_log)


def test_a_point_is_drawn_over_the_lines_and_areas(page: Page, live_server: str) -> None:
    open_map(page, live_server + "/")
    order = js(
        page,
        """() => {
            const kinds = [];
            let layer = tzmap.layerOf('m101-line')._renderer._drawFirst;
            while (layer) {
                const f = layer.layer.feature;
                if (f && f.properties.category !== undefined) { kinds.push(f.geometry.type); }
                layer = layer.next;
            }
            return kinds;
        }""",
    )
    rank = {"Polygon": 0, "MultiPolygon": 0, "LineString": 1, "MultiLineString": 1}
    ranks = [rank.get(kind, 2) for kind in order]
    assert ranks == sorted(ranks) and 2 in ranks and 1 in ranks


def test_an_opened_project_is_marked_on_the_map_and_its_panel_in_view(
    browser: Browser, live_server: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        open_map(page, live_server + "/")
        wait_view_settled(page)
        page.fill("#tz-search", "M101")
        page.press("#tz-search", "Enter")
        page.wait_for_selector("#tz-project:not([hidden])")
        assert js(page, "tzmap.markedProject()") == "m101-line"
        panel = page.locator("#tz-project h2").bounding_box()
        assert panel is not None and panel["y"] >= 0 and panel["y"] + panel["height"] <= 900
        page.click("#tz-project button[aria-label]")
        assert js(page, "tzmap.markedProject()") == ""
    finally:
        context.close()


def test_behind_plan_says_why_nothing_can_be_judged_yet(page: Page, live_server: str) -> None:
    reported = get_json(live_server, "/collections/projects/items", {"limit": 1})["reported_year"]
    features = project_features(live_server, year=DEFAULT_YEAR)
    due = [f for f in features if (f["properties"]["planned_year"] or 9999) <= reported]
    assert reported == DEFAULT_YEAR and not due, "the catalogue has no target due by its reports"
    first = min(
        y
        for f in features
        for y in (f["properties"]["planned_year"], f["properties"]["target_year"])
        if y is not None
    )

    open_map(page, live_server + "/")
    note = page.inner_text("#tz-behind-note")
    assert str(reported) in note and str(first) in note and "尚无项目可判断" in note
    page.check("#tz-behind")
    assert shown_count(page) == 0
    assert "尚无项目可判断" in page.inner_text("#tz-behind-note")

    town = busiest_township(live_server)
    open_map(page, f"{live_server}/?year={reported + 2}&township={town['code']}")
    summary = page.inner_text("#tz-township-summary")
    assert f"据{reported}年报告" in summary
    assert "尚无项目可判断" in summary


def test_plan_mode_speaks_of_plans_everywhere(page: Page, live_server: str) -> None:
    town = busiest_township(live_server)
    year = 2026
    open_map(page, f"{live_server}/?year={year}&mode=plan&township={town['code']}")
    legend = page.locator("#tz-legend .tz-legend-row[data-status=not_reported]").inner_text()
    assert legend.strip() == "截至当年无到期目标"
    in_town = project_features(live_server, year=year, township=town["code"])
    planned = Counter(f["properties"]["planned_status"] or "not_reported" for f in in_town)
    rows = page.locator("#tz-township-summary table.tz-counts tr").all()
    counts = {row.get_attribute("data-status"): int(row.locator("td").inner_text()) for row in rows}
    assert counts == {status: planned.get(status, 0) for status in counts}
    assert "计划应达" in page.inner_text("#tz-township-summary h2")

    page.uncheck("#tz-status-filter input[value=completed]")
    shown = shown_count(page)
    query = dict(
        urllib.parse.parse_qsl(
            urllib.parse.urlsplit(page.get_attribute("#tz-print", "href") or "").query
        )
    )
    assert query["mode"] == "plan" and "completed" not in query["status"].split(",")
    feed = get_json(
        live_server,
        "/collections/projects/items",
        {k: v for k, v in query.items() if k != "lang"} | {"limit": 1},
    )
    assert feed["numberMatched"] == shown > 0


def test_no_category_shows_no_project_and_offers_nothing_to_print(
    page: Page, live_server: str
) -> None:
    open_map(page, live_server + "/")
    everything = shown_count(page)
    page.click("#tz-category-filter .tz-facet-all button:nth-child(2)")
    assert shown_count(page) == 0
    assert visible_ids(page) == []
    assert "未选择" in page.inner_text("#tz-count")
    # Print and export are in one dialog, opened by one button in the panel's footer.
    assert page.locator("#tz-print-open").is_hidden()
    assert "category=&" in page.url or page.url.endswith("category=")
    page.click("#tz-category-filter .tz-facet-all button:nth-child(1)")
    assert shown_count(page) == everything
    assert page.locator("#tz-print-open").is_visible()


def test_facets_count_what_each_choice_would_show(page: Page, live_server: str) -> None:
    features = project_features(live_server, year=DEFAULT_YEAR)
    by_category = Counter(f["properties"]["category"] for f in features)
    open_map(page, live_server + "/")
    shown = {
        node.get_attribute("data-value"): node.inner_text()
        for node in page.locator("#tz-category-filter .tz-facet-count").all()
    }
    assert shown == {c: f"({n})" for c, n in by_category.items()}


def test_choropleth_follows_the_filters_and_the_year(page: Page, live_server: str) -> None:
    def expected(year: int, **params: Any) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for f in project_features(live_server, year=year, **params):
            counts.update(f["properties"]["township_codes"])
        return {t["properties"]["code"]: counts[t["properties"]["code"]] for t in townships}

    def drawn() -> dict[str, int]:
        return {c: js(page, "code => tzmap.townshipFill(code).count", c) for c in expected_now}

    townships = township_features(live_server, DEFAULT_YEAR)
    open_map(page, f"{live_server}/?category=rail")
    expected_now = expected(DEFAULT_YEAR, category="rail")
    assert drawn() == expected_now and sum(expected_now.values()) > 0
    page.check("#tz-category-filter input[value=road]")
    expected_now = expected(DEFAULT_YEAR, category="rail,road")
    assert drawn() == expected_now


def test_a_township_may_be_named_in_the_url(page: Page, live_server: str) -> None:
    town = busiest_township(live_server)
    open_map(page, f"{live_server}/?township={urllib.parse.quote(town['name'])}")
    assert js(page, "tzmap.state.township") == town["code"]
    expected = placed_ids(project_features(live_server, year=DEFAULT_YEAR, township=town["code"]))
    assert visible_ids(page) == expected and expected

    open_map(page, f"{live_server}/?township={urllib.parse.quote('火星镇')}")
    assert js(page, "tzmap.state.township") == ""
    assert "火星镇" in page.inner_text("#tz-township-note")
    assert visible_ids(page) == placed_ids(project_features(live_server, year=DEFAULT_YEAR))


def test_search_lists_every_match_and_says_when_the_filters_hide_one(
    page: Page, live_server: str
) -> None:
    open_map(page, live_server + "/")
    wait_view_settled(page)
    page.fill("#tz-search", "绿心")
    page.press("#tz-search", "Enter")
    matches = page.locator("#tz-search-result ul.tz-matches button")
    matches.first.wait_for()
    assert matches.count() == 2
    assert page.locator("#tz-project").is_hidden()
    matches.nth(1).click()
    page.wait_for_selector("#tz-project:not([hidden])")

    m101 = get_json(live_server, "/collections/projects/items/m101-line")["properties"]
    page.uncheck(f"#tz-category-filter input[value={m101['category']}]")
    page.fill("#tz-search", m101["name"])
    page.press("#tz-search", "Enter")
    page.wait_for_function("() => tzmap.state.project === 'm101-line'")
    assert "当前筛选未显示" in page.inner_text("#tz-search-result")


def test_an_online_base_map_that_cannot_load_gives_way_to_the_offline_one(
    page: Page, live_server: str
) -> None:
    page.route("https://**/*", lambda route: route.abort())
    open_map(page, f"{live_server}/?base=osm")
    page.wait_for_selector("#tz-base-note:not([hidden])")
    assert "离线底图" in page.inner_text("#tz-base-note")
    assert js(page, "tzmap.state.base") == "offline"


def test_a_phone_gets_the_legend_folded_and_large_targets(phone: Page, live_server: str) -> None:
    page = phone
    open_map(page, live_server + "/")
    rows = page.locator("#tz-legend .tz-legend-row")
    assert rows.first.is_hidden()
    page.click("#tz-legend .tz-legend-head")
    assert rows.first.is_visible()
    box = page.locator("#tz-status-filter input").first.bounding_box()
    assert box is not None and box["width"] >= 20 and box["height"] >= 20


def test_english_leaves_no_chinese_control_label(page: Page, live_server: str) -> None:
    open_map(page, live_server + "/?lang=en")
    assert page.inner_text(".tz-fullscreen") == "Full screen"
    assert page.inner_text("#tz-tab-table") == "Table"


def test_the_exported_file_opens_in_the_view_it_was_made_from(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    town = busiest_township(live_server)
    url = f"{live_server}/export.html?township={town['code']}&year=2021&mode=plan"
    with opened_offline(browser, download(url, tmp_path / "view.html")) as offline:
        page = offline.page
        assert js(page, "tzmap.state.year") == 2021
        assert js(page, "tzmap.state.mode") == "plan"
        assert js(page, "tzmap.state.township") == town["code"]
        assert "OpenStreetMap" not in page.inner_text(".leaflet-control-layers-list")
        offline.assert_stayed_offline()


# --- what a user walk-through found (issue 13) ----------------------------------------------

SELECTION_CLEAR_OF_LEGEND = """() => {
    const map = tzmap.map;
    const layer = tzmap.layerOf(tzmap.state.project);
    const rect = map.getContainer().getBoundingClientRect();
    const legend = document.getElementById('tz-legend').getBoundingClientRect();
    const ll = layer.getLatLng ? layer.getLatLng() : null;
    const bounds = layer.getBounds ? layer.getBounds() : L.latLngBounds([ll, ll]);
    const nw = map.latLngToContainerPoint(bounds.getNorthWest());
    const se = map.latLngToContainerPoint(bounds.getSouthEast());
    const left = rect.left + nw.x, top = rect.top + nw.y;
    const right = rect.left + se.x, bottom = rect.top + se.y;
    return right <= legend.left || left >= legend.right
        || bottom <= legend.top || top >= legend.bottom;
}"""


def test_an_opened_project_is_not_hidden_under_the_legend(page: Page, live_server: str) -> None:
    features = project_features(live_server, year=DEFAULT_YEAR)
    points = [f["id"] for f in features if (f["geometry"] or {}).get("type") == "Point"]
    lines = [f["id"] for f in features if (f["geometry"] or {}).get("type") == "LineString"]
    # The drawer open and the legend open, at its widest (English): little map left beside it.
    open_map(page, f"{live_server}/?lang=en&tab=table")
    assert page.locator("#tz-legend .tz-legend-row").first.is_visible()
    for project_id in (points[0], lines[0]):
        wait_view_settled(page)
        page.evaluate("(id) => tzmap.openProject(id, true)", project_id)
        wait_view_settled(page)
        assert js(page, SELECTION_CLEAR_OF_LEGEND), project_id


def test_a_phone_shows_the_project_tapped_in_the_table(phone: Page, live_server: str) -> None:
    page = phone
    open_map(page, f"{live_server}/?tab=table")
    page.wait_for_selector("#tz-table tbody tr[data-id]")
    row = page.locator("#tz-table tbody tr[data-id]").first
    project_id = row.get_attribute("data-id")
    row.locator("td").first.tap()
    page.wait_for_function(
        "(id) => tzmap.state.project === id && !document.getElementById('tz-project').hidden",
        arg=project_id,
    )
    assert js(page, "tzmap.state.tab") == ""  # the drawer gave way to the panel
    heading = page.locator("#tz-project h2")
    box = heading.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    point = page.evaluate(
        """() => {
            const r = document.querySelector('#tz-project h2').getBoundingClientRect();
            const top = document.elementFromPoint(r.left + 5, r.top + r.height / 2);
            return top !== null && document.getElementById('tz-project').contains(top);
        }"""
    )
    assert point, "the project's heading is covered"
    # One tap on its tab brings the table back.
    page.locator("#tz-tab-table").tap()
    page.wait_for_selector("#tz-table-pane:not([hidden])")


def test_the_drawer_has_a_close_button(page: Page, live_server: str) -> None:
    open_map(page, f"{live_server}/?tab=charts")
    assert page.locator("#tz-drawer-close").is_visible()
    page.click("#tz-drawer-close")
    assert js(page, "tzmap.state.tab") == ""
    assert page.locator("#tz-charts-pane").is_hidden()
    assert page.locator("#tz-drawer-close").is_hidden()
    assert "tab=" not in page.url


def test_plan_mode_names_the_status_filter_as_the_legend_does(page: Page, live_server: str) -> None:
    open_map(page, live_server + "/")
    label = "#tz-status-filter input[value=not_reported] ~ .tz-check-name"
    assert page.inner_text(label) == STATUS_LABELS["zh"][None]
    page.check("input[name=tz-mode][value=plan]")
    assert page.inner_text(label) == PLAN_NONE_LABELS["zh"]
    page.check("input[name=tz-mode][value=actual]")
    assert page.inner_text(label) == STATUS_LABELS["zh"][None]


def test_phone_users_may_zoom_the_page_and_reach_the_year_and_links(
    phone: Page, live_server: str
) -> None:
    page = phone
    open_map(page, live_server + "/")
    viewports = page.eval_on_selector_all(
        "meta[name=viewport]", "nodes => nodes.map(n => n.content)"
    )
    assert viewports and not any("user-scalable=no" in v for v in viewports), viewports
    for selector in ("#tz-year", "#tz-share", "#tz-extract"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["height"] >= 24, (selector, box)


def test_the_panel_writes_sizes_and_punctuation_in_the_page_language(
    page: Page, live_server: str
) -> None:
    features = project_features(live_server, year=DEFAULT_YEAR)
    line = next(
        f
        for f in features
        if f["properties"]["length_km"] and len(f["properties"]["townships"]) > 1
    )
    km = f"{float(line['properties']['length_km']):.1f}".removesuffix(".0")  # no false precision
    towns = line["properties"]["townships"]
    open_map(page, f"{live_server}/?project={line['id']}")
    page.wait_for_selector("#tz-project ol.tz-timeline li .tz-source")
    fields = page.inner_text("#tz-project dl")
    assert f"长度 {km} 公里" in fields and "km" not in fields
    assert "、".join(towns) in fields
    page.click("#tz-lang")
    page.wait_for_function(
        "() => document.querySelector('#tz-project dl').innerText.includes('km')"
    )
    fields = page.inner_text("#tz-project dl")
    assert f"length {km} km" in fields and ", ".join(towns) in fields
    source = page.inner_text("#tz-project ol.tz-timeline li .tz-source >> nth=0")
    assert source.startswith("Source: ") and " (20" in source and ", characters " in source


def test_the_first_tab_stop_skips_to_the_table(page: Page, live_server: str) -> None:
    open_map(page, live_server + "/")
    page.keyboard.press("Tab")
    assert js(page, "() => document.activeElement.id") == "tz-skip"
    assert page.locator("#tz-skip").is_visible()
    page.keyboard.press("Enter")
    page.wait_for_selector("#tz-table tbody tr[data-id]")
    assert js(page, "() => document.activeElement.id") == "tz-table-pane"
    page.keyboard.press("Tab")
    inside = "() => document.getElementById('tz-table-pane').contains(document.activeElement)"
    assert js(page, inside)
