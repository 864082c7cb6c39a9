"""The web map at / in Debian's Chromium: offline loading, status by year, plan/actual, behind
plan, townships and the choropleth, search and the project panel, URL state, English, escaping of
data, the standalone export, a phone screen and the keyboard."""

import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from app.vocab import PROGRAMME_STAGE_LABELS
from tests.web.conftest import (
    EVIL_DESCRIPTION,
    EVIL_NAME,
    EVIL_TOWNSHIP,
    READY,
    PageLog,
    TamperedServer,
    colours,
    get_json,
    js,
    open_map,
    placed_ids,
    project_features,
    set_year,
    township_features,
    visible_ids,
    wait_view_settled,
    wait_year,
)

DEFAULT_YEAR = 2022
NOT_REPORTED = "not_reported"
STATUS_ROWS = ["not_reported", "planned", "under_construction", "completed", "in_service"]
EN_STATUS_LABELS = ["Not reported yet", "Planned", "Under construction", "Completed", "In service"]
ZH_TITLE = "通州副中心重点项目地图"
EN_TITLE = "Tongzhou sub-centre project map"
LOCAL_HOSTS = {"127.0.0.1"}


# --- small helpers -------------------------------------------------------------------------


def assert_no_errors(log: PageLog) -> None:
    assert log.page_errors == [], f"uncaught errors in the page: {log.page_errors}"
    assert log.console_errors == [], f"console errors: {log.console_errors}"


def foreign_requests(urls: list[str], allowed_schemes: set[str]) -> list[str]:
    """Requests that left the machine: anything but the allowed schemes and 127.0.0.1."""
    foreign = []
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme in allowed_schemes:
            continue
        if parts.scheme in ("http", "https") and parts.hostname in LOCAL_HOSTS:
            continue
        foreign.append(url)
    return foreign


def statuses(features: list[dict[str, Any]], key: str = "status") -> dict[str, str]:
    return {f["id"]: f["properties"][key] or NOT_REPORTED for f in features}


def palette(page: Page, by_status: dict[str, str]) -> dict[str, str]:
    """The colour the page gives each status, read from what it shows now: one colour a status,
    a different colour for each status."""
    shown = colours(page, sorted(by_status))
    found: dict[str, set[str]] = {}
    for project_id, status in by_status.items():
        found.setdefault(status, set()).add(shown[project_id])
    assert all(len(c) == 1 for c in found.values()), f"one status, several colours: {found}"
    result = {status: next(iter(c)) for status, c in found.items()}
    assert len(set(result.values())) == len(result), f"two statuses share a colour: {result}"
    return result


def drawn_style(page: Page, project_id: str) -> dict[str, Any] | None:
    """The Leaflet style of the layer drawn for a project (None when it is not drawn)."""
    return js(
        page,
        """id => {
            let found = null;
            window[TZMAP_CONFIG.map].eachLayer(layer => {
                if (layer.feature && layer.feature.id === id) {
                    found = { color: layer.options.color, fillColor: layer.options.fillColor };
                }
            });
            return found;
        }""",
        project_id,
    )


def township_fills_drawn(page: Page) -> dict[str, str]:
    """Township code -> the fill colour of its polygon on the map."""
    return dict(
        js(
            page,
            """() => {
                const fills = {};
                window[TZMAP_CONFIG.map].eachLayer(layer => {
                    const props = layer.feature && layer.feature.properties;
                    if (props && props.count_total !== undefined) {
                        fills[props.code] = layer.options.fillColor;
                    }
                });
                return fills;
            }""",
        )
    )


def busiest_township(base: str) -> dict[str, Any]:
    """The township with the most projects (so a filter to it has something to show)."""
    towns = township_features(base, DEFAULT_YEAR)
    return max(towns, key=lambda f: f["properties"]["count_total"])["properties"]


def shown_count(page: Page) -> int:
    return int(page.get_attribute("#tz-count", "data-shown") or -1)


def search(page: Page, text: str) -> None:
    wait_view_settled(page)
    page.fill("#tz-search", text)
    page.press("#tz-search", "Enter")
    page.wait_for_selector("#tz-project:not([hidden])")


def shoot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"))


# --- loading -------------------------------------------------------------------------------


def test_page_loads_offline_without_errors(
    page: Page, page_log: PageLog, live_server: str, artifacts: Path
) -> None:
    open_map(page, live_server + "/")
    expected = placed_ids(project_features(live_server, year=DEFAULT_YEAR))

    assert visible_ids(page) == expected
    assert shown_count(page) == len(expected)
    assert js(page, "tzmap.state.year") == DEFAULT_YEAR
    assert page.inner_text("#tz-title") == ZH_TITLE
    assert any("/collections/projects/items" in url for url in page_log.requests)
    assert foreign_requests(page_log.requests, {"data"}) == []
    assert_no_errors(page_log)
    shoot(page, artifacts, "overview")


# --- status by year, plan and behind plan --------------------------------------------------


def test_year_change_recolours_the_projects_whose_status_changed(
    page: Page, page_log: PageLog, live_server: str
) -> None:
    before = statuses(project_features(live_server, year=2022))
    after = statuses(project_features(live_server, year=2021))
    changed = sorted(i for i in before if before[i] != after[i])
    unchanged = sorted(i for i in before if before[i] == after[i])
    assert changed, "the catalogue should have projects whose status changed 2021 -> 2022"

    open_map(page, live_server + "/")
    colours_2022 = colours(page, sorted(before))
    page.focus("#tz-year")
    page.keyboard.press("ArrowLeft")
    wait_year(page, 2021)
    colours_2021 = colours(page, sorted(before))

    recoloured = [i for i in changed if colours_2021[i] != colours_2022[i]]
    kept = [i for i in unchanged if colours_2021[i] == colours_2022[i]]
    assert recoloured == changed, "a project whose status changed kept its colour"
    assert kept == unchanged, "a project whose status did not change was recoloured"
    assert js(page, "tzmap.state.year") == 2021
    assert page.input_value("#tz-year") == "2021"

    page.keyboard.press("ArrowRight")
    wait_year(page, 2022)
    assert colours(page, sorted(before)) == colours_2022

    # Set by value (as a script would): every project has the colour of its status that year.
    colour_of = palette(page, before)
    set_year(page, 2024)
    in_2024 = statuses(project_features(live_server, year=2024))
    assert colours(page, sorted(in_2024)) == {i: colour_of[s] for i, s in in_2024.items()}
    assert_no_errors(page_log)


def test_plan_mode_colours_projects_by_their_planned_status(
    page: Page, page_log: PageLog, live_server: str
) -> None:
    year = 2023
    features = project_features(live_server, year=year)
    actual = statuses(features)
    planned = statuses(features, "planned_status")
    differing = [i for i in actual if actual[i] != planned[i]]
    assert differing, f"the catalogue should have projects off plan in {year}"

    open_map(page, live_server + "/")
    set_year(page, year)
    colour_of = palette(page, actual)
    assert set(planned.values()) <= set(colour_of), "a planned status the actual view lacks"

    page.check("input[name=tz-mode][value=plan]")
    assert js(page, "tzmap.state.mode") == "plan"
    assert colours(page, sorted(planned)) == {i: colour_of[s] for i, s in planned.items()}

    page.check("input[name=tz-mode][value=actual]")
    assert colours(page, sorted(actual)) == {i: colour_of[s] for i, s in actual.items()}
    assert_no_errors(page_log)


def test_behind_plan_filter_shows_what_the_api_says_is_behind(
    page: Page, page_log: PageLog, live_server: str
) -> None:
    """The catalogue may have no project behind plan: the filter must then show none."""
    everything = placed_ids(project_features(live_server, year=DEFAULT_YEAR))
    behind = placed_ids(project_features(live_server, year=DEFAULT_YEAR, behind_plan="true"))

    open_map(page, live_server + "/")
    assert visible_ids(page) == everything
    page.check("#tz-behind")
    assert visible_ids(page) == behind
    assert shown_count(page) == len(behind)
    assert js(page, "tzmap.state.behind") is True
    page.uncheck("#tz-behind")
    assert visible_ids(page) == everything
    assert_no_errors(page_log)


def test_a_filter_declared_by_the_server_gets_a_control(
    page: Page, page_log: PageLog, live_server: str
) -> None:
    """geometry_quality has no code of its own in the page beyond its words: the page builds
    its control from the filter model, filters as the API does and keeps it in the URL."""
    everything = placed_ids(project_features(live_server, year=DEFAULT_YEAR))
    params = {"year": DEFAULT_YEAR, "geometry_quality": "schematic"}
    schematic = placed_ids(project_features(live_server, **params))
    assert 0 < len(schematic) < len(everything)

    open_map(page, live_server + "/")
    assert page.inner_text("label[for=tz-filter-geometry_quality]") == "位置精度"
    page.select_option("#tz-filter-geometry_quality", "schematic")
    assert visible_ids(page) == schematic
    assert "geometry_quality=schematic" in page.url
    open_map(page, page.url)
    assert visible_ids(page) == schematic
    assert page.input_value("#tz-filter-geometry_quality") == "schematic"
    assert_no_errors(page_log)


def test_behind_plan_filter_keeps_a_late_project_and_marks_it(
    page: Page, page_log: PageLog, tampered_server: TamperedServer
) -> None:
    base, late = tampered_server.url, tampered_server.late_id
    features = project_features(base, year=DEFAULT_YEAR)
    behind = placed_ids(project_features(base, year=DEFAULT_YEAR, behind_plan="true"))
    assert late in behind, (
        "the API does not report as behind plan a project under construction in 2022 whose"
        " 2022 target was in_service"
    )
    kind = next(f["geometry"]["type"] for f in features if f["id"] == late)
    same_status = [
        f["id"]
        for f in features
        if f["geometry"]
        and f["geometry"]["type"] == kind
        and f["properties"]["status"] == "under_construction"
        and not f["properties"]["behind_plan"]
    ]
    assert same_status, "another project under construction with the same kind of geometry"

    open_map(page, base + "/")
    late_style, on_time_style = drawn_style(page, late), drawn_style(page, same_status[0])
    assert late_style and on_time_style
    assert late_style["color"] != on_time_style["color"], "a late project is not marked"
    assert late_style["fillColor"] == on_time_style["fillColor"], "same status, same fill"

    page.check("#tz-behind")
    assert visible_ids(page) == behind
    assert shown_count(page) == len(behind)
    assert_no_errors(page_log)


# --- townships -----------------------------------------------------------------------------


def test_choosing_a_township_filters_and_summarises_it(
    page: Page, page_log: PageLog, live_server: str, artifacts: Path
) -> None:
    town = busiest_township(live_server)
    expected = placed_ids(project_features(live_server, year=DEFAULT_YEAR, township=town["code"]))
    assert expected, f"{town['name']} should have placed projects"

    open_map(page, live_server + "/")
    page.select_option("#tz-township", town["code"])
    assert js(page, "tzmap.state.township") == town["code"]
    assert visible_ids(page) == expected
    assert shown_count(page) == len(expected)

    summary = page.locator("#tz-township-summary")
    assert town["name"] in summary.inner_text()
    counts = {
        row.get_attribute("data-status"): row.locator("td").inner_text()
        for row in summary.locator("table.tz-counts tr").all()
    }
    assert counts == {s: str(town[f"count_{s}"]) for s in STATUS_ROWS}
    shoot(page, artifacts, "township")

    page.select_option("#tz-township", "")
    assert visible_ids(page) == placed_ids(project_features(live_server, year=DEFAULT_YEAR))
    assert summary.inner_text().strip() == ""
    assert_no_errors(page_log)


def test_choropleth_matches_the_api_counts(page: Page, page_log: PageLog, live_server: str) -> None:
    towns = {f["properties"]["code"]: f["properties"] for f in township_features(live_server, 2022)}
    assert len(towns) == 22

    open_map(page, live_server + "/")
    fills = {code: js(page, "code => tzmap.townshipFill(code)", code) for code in towns}
    assert {c: f and f["count"] for c, f in fills.items()} == {
        c: t["count_total"] for c, t in towns.items()
    }
    assert township_fills_drawn(page) == {c: f["fill"] for c, f in fills.items()}
    # More projects never means a lighter class: the fill is a function of the count.
    by_count: dict[int, set[str]] = {}
    for fill in fills.values():
        by_count.setdefault(fill["count"], set()).add(fill["fill"])
    assert all(len(f) == 1 for f in by_count.values())
    assert len({f["fill"] for f in fills.values()}) > 1, "the choropleth shows no difference"
    assert_no_errors(page_log)


def test_programme_filter_says_how_many_are_located(
    page: Page, page_log: PageLog, live_server: str
) -> None:
    programme = get_json(live_server, "/collections/programmes/items/dead-end-roads")
    props = programme["properties"]
    members = project_features(live_server, year=DEFAULT_YEAR, programme="dead-end-roads")
    located = placed_ids(members)
    assert props["located_count"] == len(located)

    open_map(page, live_server + "/")
    page.select_option("#tz-programme", "dead-end-roads")
    assert visible_ids(page) == located
    target = props["target_count"]
    stage = PROGRAMME_STAGE_LABELS["zh"][props["stage"]]
    assert props["stage"] == "completed", "the dead-end roads are counted once opened"
    assert (
        page.inner_text("#tz-programme-note")
        == f"已定位 {len(located)} / {target:g} 个（目标按“{stage}”计）"
    )
    assert_no_errors(page_log)


# --- search and the project panel ----------------------------------------------------------


ZOOMED_TO = """([id, zoom]) => {
    const map = window[TZMAP_CONFIG.map];
    let layer = null;
    map.eachLayer(l => { if (l.feature && l.feature.id === id) layer = l; });
    if (!layer) return false;
    const bounds = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
    return map.getZoom() > zoom && map.getBounds().pad(0.01).contains(bounds);
}"""


@pytest.mark.parametrize(
    ("text", "project_id"),
    [
        ("东六环", "east-6th-ring-road-undergrounding"),
        ("M101", "m101-line"),
        ("22号线", "pinggu-line"),  # an alias of 平谷线
    ],
)
def test_search_opens_the_project_with_its_timeline_and_evidence(
    page: Page,
    page_log: PageLog,
    live_server: str,
    artifacts: Path,
    text: str,
    project_id: str,
) -> None:
    feature = get_json(live_server, f"/collections/projects/items/{project_id}")
    names = [feature["properties"]["name"], *feature["properties"]["aliases"]]
    assert any(text.lower() in n.lower() for n in names), f"{text} names {project_id}"
    timeline = get_json(live_server, f"/api/projects/{project_id}/timeline")
    assert timeline, f"{project_id} should have events or targets"

    open_map(page, live_server + "/")
    zoom = js(page, "window[TZMAP_CONFIG.map].getZoom()")
    search(page, text)
    assert js(page, "tzmap.state.project") == project_id
    page.wait_for_function(ZOOMED_TO, arg=[project_id, zoom], timeout=5000)
    panel = page.locator("#tz-project")
    assert panel.locator("h2.tz-project-name").inner_text() == feature["properties"]["name"]

    items = panel.locator("ol.tz-timeline li")
    items.nth(len(timeline) - 1).wait_for()
    assert items.count() == len(timeline)
    for item, row in zip(items.all(), timeline, strict=True):
        assert row["title"] in item.locator(".tz-source").inner_text()
        quote = item.locator("blockquote.tz-quote")
        assert quote.get_attribute("class") == "tz-quote", "the document text is loaded"
        assert quote.inner_text() == row["quote"]
        assert any(n in row["quote"] for n in names), f"quote names the project: {row['quote']}"
    if project_id == "east-6th-ring-road-undergrounding":
        panel.locator("h2.tz-project-name").scroll_into_view_if_needed()
        shoot(page, artifacts, "project")
    assert_no_errors(page_log)


def test_search_says_when_nothing_is_found(page: Page, live_server: str) -> None:
    open_map(page, live_server + "/")
    page.fill("#tz-search", "没有这个项目zzz")
    page.press("#tz-search", "Enter")
    assert page.inner_text("#tz-search-result") == "未找到项目"
    assert page.locator("#tz-project").is_hidden()


# --- URL state -----------------------------------------------------------------------------


def test_url_state_round_trips(
    browser: Browser, page: Page, page_log: PageLog, live_server: str
) -> None:
    town = busiest_township(live_server)
    open_map(page, live_server + "/")
    set_year(page, 2023)
    page.check("input[name=tz-mode][value=plan]")
    page.select_option("#tz-township", town["code"])
    # Leave out the category with the most projects in the township: the filter does something.
    in_town = project_features(live_server, year=2023, township=town["code"])
    categories = [f["properties"]["category"] for f in in_town if f["geometry"]]
    dropped = max(set(categories), key=categories.count)
    page.uncheck(f"#tz-category-filter input[value='{dropped}']")
    shown = visible_ids(page)
    assert shown, "something is still shown"
    assert len(shown) < len(placed_ids(in_town))
    name = next(f["properties"]["name"] for f in in_town if f["id"] == shown[0])
    search(page, name)
    page.click("#tz-lang")
    state = js(page, "JSON.parse(JSON.stringify(tzmap.state))")
    assert state["project"] == shown[0]
    assert state["year"] == 2023 and state["mode"] == "plan"
    assert state["township"] == town["code"] and dropped not in state["categories"]
    assert state["lang"] == "en"

    url = page.url
    other = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        log = PageLog()
        again = log.watch(other.new_page())
        open_map(again, url)
        assert js(again, "JSON.parse(JSON.stringify(tzmap.state))") == state
        assert visible_ids(again) == shown
        assert again.locator("#tz-project").is_visible()
        assert again.inner_text("#tz-project h2.tz-project-name") == name
        assert again.input_value("#tz-year") == "2023"
        assert again.is_checked("input[name=tz-mode][value=plan]")
        assert again.input_value("#tz-township") == town["code"]
        assert not again.is_checked(f"#tz-category-filter input[value='{dropped}']")
        assert again.inner_text("#tz-title") == EN_TITLE
        assert_no_errors(log)
    finally:
        other.close()
    assert_no_errors(page_log)


# --- language ------------------------------------------------------------------------------


def status_labels(page: Page) -> list[str]:
    return page.locator("#tz-status-filter label.tz-check span.tz-check-name").all_inner_texts()


def test_english_toggle_switches_the_labels_and_back(
    page: Page, page_log: PageLog, live_server: str, artifacts: Path
) -> None:
    open_map(page, live_server + "/")
    zh_labels = status_labels(page)
    assert page.inner_text("h1#tz-title") == ZH_TITLE
    assert zh_labels and zh_labels != EN_STATUS_LABELS

    page.click("#tz-lang")
    assert page.inner_text("h1#tz-title") == EN_TITLE
    assert status_labels(page) == EN_STATUS_LABELS
    assert js(page, "tzmap.state.lang") == "en"
    assert "lang=en" in page.url
    shoot(page, artifacts, "english")

    page.click("#tz-lang")
    assert page.inner_text("h1#tz-title") == ZH_TITLE
    assert status_labels(page) == zh_labels
    assert "lang=en" not in page.url
    assert_no_errors(page_log)


# --- what users put in the data is text ----------------------------------------------------


LAYER_POINT = """id => {
    const map = window[TZMAP_CONFIG.map];
    let latlng = null;
    map.eachLayer(l => {
        if (l.feature && l.feature.id === id && l.getLatLng) latlng = l.getLatLng();
    });
    return latlng && { lat: latlng.lat, lng: latlng.lng };
}"""
# Zoomed in on the point (placed clear of the legend, so not always at the centre), at rest.
SETTLED_ON = """([lat, lng]) => {
    const map = window[TZMAP_CONFIG.map];
    const moving = document.querySelector('.leaflet-zoom-anim') !== null;
    return !moving && map.getZoom() >= 14 && map.getBounds().pad(-0.05).contains([lat, lng]);
}"""
SCREEN_POINT = """([lat, lng]) => {
    const map = window[TZMAP_CONFIG.map];
    const p = map.latLngToContainerPoint([lat, lng]);
    const box = map.getContainer().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
}"""


PROJECT_TOOLTIP = ".leaflet-tooltip:not(.tz-label)"


def hover_project(page: Page, project_id: str) -> None:
    """Move the mouse onto a point project's marker, once the map has zoomed to it."""
    latlng = js(page, LAYER_POINT, project_id)
    assert latlng, f"{project_id} is not drawn as a point"
    where = [latlng["lat"], latlng["lng"]]
    page.wait_for_function(SETTLED_ON, arg=where)
    point = js(page, SCREEN_POINT, where)
    # Chromium coalesces mouse moves and may drop the last one: wiggle until the tooltip opens.
    for attempt in range(20):
        page.mouse.move(point["x"] + attempt % 2, point["y"])
        page.wait_for_timeout(50)
        if page.locator(PROJECT_TOOLTIP).count():
            return


def test_markup_in_names_and_descriptions_is_shown_as_text(
    page: Page, page_log: PageLog, tampered_server: TamperedServer
) -> None:
    base, evil = tampered_server.url, tampered_server.evil_id
    assert get_json(base, f"/collections/projects/items/{evil}")["properties"]["name"] == EVIL_NAME

    open_map(page, f"{base}/?project={evil}")
    panel = page.locator("#tz-project")
    panel_name = panel.locator("h2.tz-project-name").inner_text()
    description = panel.locator("p.tz-description").inner_text()
    hover_project(page, evil)
    tooltip = page.locator(PROJECT_TOOLTIP)
    tooltip.wait_for(state="attached")
    tooltip_text = tooltip.inner_text()
    injected_images = js(page, "document.querySelectorAll('img[src=\"x\"]').length")
    page.wait_for_timeout(500)  # an <img src=x> would have failed to load and fired onerror

    problems = []
    if panel_name != EVIL_NAME:
        problems.append(f"panel shows {panel_name!r}")
    if description != EVIL_DESCRIPTION:
        problems.append(f"description shows {description!r}")
    if tooltip_text != EVIL_NAME:
        problems.append(f"tooltip shows {tooltip_text!r}, not the name as text")
    if injected_images:
        problems.append(f"{injected_images} <img src=x> element(s) made from the name")
    if page_log.dialogs:
        problems.append(f"dialogs opened: {page_log.dialogs}")
    if js(page, "typeof window.pwned") != "undefined":
        problems.append("the description's script ran")
    assert problems == [], "data rendered as HTML: " + "; ".join(problems)


def test_markup_in_township_names_is_shown_as_text(
    page: Page, page_log: PageLog, tampered_server: TamperedServer
) -> None:
    base, code = tampered_server.url, tampered_server.evil_township
    open_map(page, f"{base}/?township={code}")
    labels = page.locator(".leaflet-tooltip.tz-label").all_inner_texts()
    option = page.locator(f"#tz-township option[value='{code}']").inner_text()
    summary = page.inner_text("#tz-township-summary h2")

    problems = []
    if EVIL_TOWNSHIP not in labels:
        problems.append("no township label shows the name as text")
    if js(page, "document.getElementById('tz-evil-township') !== null"):
        problems.append("an element was made from the township name")
    if option != EVIL_TOWNSHIP:
        problems.append(f"the selector shows {option!r}")
    if EVIL_TOWNSHIP not in summary:
        problems.append(f"the summary shows {summary!r}")
    assert problems == [], "data rendered as HTML: " + "; ".join(problems)
    assert_no_errors(page_log)


# --- the standalone export -----------------------------------------------------------------


def download(url: str, path: Path) -> Path:
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert "attachment" in response.headers.get("Content-Disposition", "")
        path.write_bytes(response.read())
    return path


@dataclass
class Offline:
    page: Page
    log: PageLog
    blocked: list[str]  # every request that was not for a file: aborted

    def assert_stayed_offline(self) -> None:
        assert self.blocked == [], f"the export tried the network: {self.blocked}"
        assert foreign_requests(self.log.requests, {"file", "data"}) == []
        assert_no_errors(self.log)


@contextmanager
def opened_offline(browser: Browser, path: Path) -> Iterator[Offline]:
    """A saved file opened as file:// in a context with no network at all."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    blocked: list[str] = []

    def block(route: Route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    try:
        context.route("**/*", block)
        log = PageLog()
        page = log.watch(context.new_page())
        open_map(page, path.as_uri())
        yield Offline(page, log, blocked)
    finally:
        context.close()


def test_standalone_export_works_offline(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    town = busiest_township(live_server)
    path = download(f"{live_server}/export.html?township={town['code']}", tmp_path / "export.html")
    before = statuses(project_features(live_server, year=2022, township=town["code"]))
    after = statuses(project_features(live_server, year=2021, township=town["code"]))
    changed = sorted(i for i in before if before[i] != after[i])
    assert changed, f"{town['name']} should have projects whose status changed 2021 -> 2022"
    expected = placed_ids(project_features(live_server, year=2022, township=town["code"]))

    with opened_offline(browser, path) as offline:
        page = offline.page
        assert visible_ids(page) == expected
        colours_2022 = colours(page, changed)
        page.focus("#tz-year")
        page.keyboard.press("ArrowLeft")
        wait_year(page, 2021)
        colours_2021 = colours(page, changed)
        assert [i for i in changed if colours_2021[i] == colours_2022[i]] == []
        # The panel and its evidence come from the file too.
        search(page, project_names(live_server, changed[0])[0])
        page.locator("#tz-project ol.tz-timeline li blockquote.tz-quote").first.wait_for()
        offline.assert_stayed_offline()


def project_names(base: str, project_id: str) -> list[str]:
    props = get_json(base, f"/collections/projects/items/{project_id}")["properties"]
    return [props["name"], *props["aliases"]]


def test_export_link_exports_the_view_on_screen(
    browser: Browser, page: Page, live_server: str, tmp_path: Path
) -> None:
    town = busiest_township(live_server)
    open_map(page, live_server + "/")
    page.select_option("#tz-township", town["code"])
    in_town = project_features(live_server, year=DEFAULT_YEAR, township=town["code"])
    categories = sorted({f["properties"]["category"] for f in in_town if f["geometry"]})
    page.uncheck(f"#tz-category-filter input[value='{categories[0]}']")
    on_screen = visible_ids(page)
    assert on_screen, "the filtered view still shows projects"
    href = page.locator("#tz-export").evaluate("a => a.href")
    assert href.startswith(live_server + "/export.html?")

    with opened_offline(browser, download(href, tmp_path / "view.html")) as offline:
        assert visible_ids(offline.page) == on_screen
        offline.assert_stayed_offline()


# --- phone and keyboard --------------------------------------------------------------------


def box_in_view(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not displayed"
    return box


def test_phone_screen_shows_map_and_panel_with_reachable_controls(
    browser: Browser, live_server: str, artifacts: Path
) -> None:
    width, height = 390, 844
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
    )
    try:
        log = PageLog()
        page = log.watch(context.new_page())
        open_map(page, live_server + "/")
        shoot(page, artifacts, "phone")
        for selector in ("#tz-panel", ".folium-map"):
            box = box_in_view(page, selector)
            visible_height = min(box["y"] + box["height"], height) - max(box["y"], 0)
            assert visible_height > height * 0.25, f"{selector} has too little of the screen"
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"{selector} overflows"
        for selector in ("#tz-year", "#tz-township", "#tz-search", "#tz-lang", "#tz-behind"):
            control = page.locator(selector)
            control.scroll_into_view_if_needed()
            box = box_in_view(page, selector)
            assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"{selector} off screen"
            topmost = js(
                page,
                "([x, y]) => document.elementFromPoint(x, y).closest('[id]').id",
                [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
            )
            assert topmost == selector[1:], f"{selector} is covered by #{topmost}"
        town = busiest_township(live_server)
        page.locator("#tz-township").select_option(town["code"])
        assert js(page, "tzmap.state.township") == town["code"]
        assert_no_errors(log)
    finally:
        context.close()


def test_tab_reaches_the_main_controls(page: Page, live_server: str) -> None:
    open_map(page, live_server + "/")
    wanted = {"tz-year", "tz-township", "tz-search", "tz-lang"}
    reached: list[str] = []
    page.locator("body").focus()
    for _ in range(100):
        page.keyboard.press("Tab")
        reached.append(js(page, "document.activeElement.id"))
        if wanted <= set(reached):
            break
    assert wanted <= set(reached), f"not reached by Tab: {wanted - set(reached)}"
    page.keyboard.press("Shift+Tab")
    assert js(page, "document.activeElement.id") == reached[-2]


def test_ready_marker_is_set_once_drawn(page: Page, live_server: str) -> None:
    open_map(page, live_server + "/?year=2025&lang=en")
    assert page.locator(READY).count() == 1
    assert page.get_attribute("body", "data-year-drawn") == "2025"
    assert page.input_value("#tz-year") == "2025"
    assert page.inner_text("#tz-title") == EN_TITLE


def test_offline_base_draws_the_district_and_its_rivers_and_roads(
    live_server: str, page: Page
) -> None:
    basemap = get_json(live_server, "/api/basemap")
    kinds = {f["properties"]["kind"] for f in basemap["features"]}
    assert "district" in kinds
    open_map(page, f"{live_server}/")
    # One canvas draws townships, base and projects: take away all but the base, then some of
    # its pixels must still be painted.
    page.evaluate(
        """() => {
          const drawn = [];
          tzmap.map.eachLayer((l) => {
            if (l.feature && !('kind' in l.feature.properties)) { drawn.push(l); }
          });
          drawn.forEach((l) => tzmap.map.removeLayer(l));
        }"""
    )
    page.wait_for_timeout(300)  # the canvas redraws on the next animation frame
    painted = page.evaluate(
        """() => {
          const canvas = document.querySelector('.leaflet-tz-overlay-pane canvas');
          if (!canvas) { return 0; }
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { n += 1; } }
          return n;
        }"""
    )
    assert painted > 1000


def test_layer_control_follows_the_language(live_server: str, page: Page) -> None:
    open_map(page, f"{live_server}/")
    assert "离线底图" in page.inner_text(".leaflet-control-layers-list")
    page.click("#tz-lang")
    labels = page.inner_text(".leaflet-control-layers-list")
    assert "Offline base" in labels and "离线底图" not in labels


# Published WGS-84 -> GCJ-02 pairs (lon, lat): Beijing railway station, given to 5 decimals in
# the geoChina R package's documentation, and a Suzhou point from evil_transform's documentation.
GCJ_VECTORS = [
    ((116.42079, 39.90105), (116.42703, 39.90245), 1e-5),
    ((120.596931, 31.280844), (120.60109998322247, 31.278648624428175), 1e-6),
]
ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_a_chinese_base_map_shifts_overlays_to_gcj02_by_published_vectors(
    page: Page, live_server: str
) -> None:
    page.route(
        "https://**/*",
        lambda route: route.fulfill(status=200, content_type="image/png", body=ONE_PIXEL_PNG),
    )
    open_map(page, f"{live_server}/?base=amap")
    assert js(page, "tzmap.state.base") == "amap"
    for wgs, gcj, tolerance in GCJ_VECTORS:
        drawn = page.evaluate("(c) => { const p = tzmap.toLatLng(c); return [p.lng, p.lat]; }", wgs)
        assert abs(drawn[0] - gcj[0]) <= tolerance and abs(drawn[1] - gcj[1]) <= tolerance, drawn
        back = page.evaluate("(c) => tzmap.fromLatLng(L.latLng(c[1], c[0]))", drawn)
        assert back == pytest.approx(list(wgs), abs=2e-6)
    # Over the offline base (WGS-84) nothing is shifted.
    page.goto(f"{live_server}/?base=offline")
    page.wait_for_selector("body[data-ready=true]")
    drawn = page.evaluate(
        "(c) => { const p = tzmap.toLatLng(c); return [p.lng, p.lat]; }", [116.42079, 39.90105]
    )
    assert drawn == [116.42079, 39.90105]
