"""The living map in Debian's Chromium: signing in and out, the edit section each role sees, a
township editor's report that reaches the public map, the feed and the print only once a planner
has approved it from the review queue, a stale version (412), the geometry drawn with
Leaflet-Geoman, a map closed to anonymous readers with its token refreshed, the banner for years
no report covers, and user text shown as text."""

import json
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from app.accounts import create_user
from app.settings import Settings
from app.vocab import STATUS_LABELS
from tests.conftest import catalogue_database, serve
from tests.web.conftest import EVIL_NAME, PageLog, get_json, js, open_map, set_year
from tests.web.test_map import download, foreign_requests, opened_offline

PASSWORDS = {
    "planner": "planner-password-1",
    "song": "songzhuang-pass-1",
    "viewer": "viewer-password-1",
}
SONGZHUANG = "宋庄镇"
YEAR = 2024
EVIL_COMMENT = '<b id="tz-evil-comment">退回</b>'


def png_bytes() -> bytes:
    """A small, valid PNG: a photo of the opened site, as far as the test is concerned."""
    import struct
    import zlib

    width, height = 40, 30
    raw = b"".join(b"\x00" + b"\xc8\x3c\x3c" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# --- the site: one database, an open server and a closed one on it -------------------------------


@dataclass(frozen=True)
class Site:
    url: str  # anonymous reading allowed
    closed: str  # anonymous reading off, access tokens of one minute
    own: str  # a placed 宋庄镇-only project under construction in 2024
    other: str  # a placed project outside 宋庄镇
    unplaced: str  # a project with no geometry
    retired: str  # a placed project the tests may retire

    def token(self, username: str, base: str | None = None) -> str:
        form = {"username": username, "password": PASSWORDS[username]}
        return str(post(base or self.url, "/auth/token", form=form)["access_token"])


def request(
    base: str,
    path: str,
    *,
    method: str = "GET",
    token: str | None = None,
    body: Any = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    data = None
    sent = {"Accept": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, headers=sent, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post(base: str, path: str, **kwargs: Any) -> Any:
    status, _, data = request(base, path, method="POST", **kwargs)
    assert status < 300, f"{path}: {status} {data!r}"
    return json.loads(data)


def etag(base: str, project_id: str) -> str:
    status, headers, _ = request(base, f"/collections/projects/items/{project_id}")
    assert status == 200
    return {k.lower(): v for k, v in headers.items()}["etag"]


def status_in(base: str, project_id: str, year: int) -> str | None:
    feature = get_json(base, f"/collections/projects/items/{project_id}", {"year": year})
    return feature["properties"]["status"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def site(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    uploads = tmp_path_factory.mktemp("uploads")
    with catalogue_database(server_url) as (url, engine):
        with engine.begin() as conn:
            create_user(conn, "planner", "planner", PASSWORDS["planner"])
            create_user(conn, "song", "township_editor", PASSWORDS["song"], [SONGZHUANG])
            create_user(conn, "viewer", "viewer", PASSWORDS["viewer"])
        open_settings = Settings(uploads_dir=uploads)
        closed_settings = Settings(
            uploads_dir=uploads, anonymous_read=False, access_token_minutes=1
        )
        with serve(url, open_settings) as base, serve(url, closed_settings) as closed:
            features = get_json(base, "/collections/projects/items", {"limit": 10000, "year": YEAR})
            features = features["features"]
            own = sorted(
                f["id"]
                for f in features
                if f["properties"]["townships"] == [SONGZHUANG]
                and f["geometry"] is not None
                and f["geometry"]["type"] == "Point"
                and f["properties"]["status"] == "under_construction"
            )
            other = sorted(
                f["id"]
                for f in features
                if SONGZHUANG not in f["properties"]["townships"] and f["geometry"] is not None
            )
            unplaced = sorted(f["id"] for f in features if f["geometry"] is None)
            assert own and other and unplaced, "the catalogue has the projects the tests need"
            yield Site(base, closed, own[0], other[0], unplaced[0], other[-1])


# --- page helpers --------------------------------------------------------------------------------


def new_page(browser: Browser) -> tuple[Page, PageLog]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log = PageLog()
    return log.watch(context.new_page()), log


def sign_in(page: Page, username: str, password: str | None = None) -> None:
    if page.locator("#tz-account .tz-sign-in-form").count() == 0:
        page.click("#tz-account .tz-sign-in")
    page.fill("#tz-account input[name=username]", username)
    page.fill("#tz-account input[name=password]", password or PASSWORDS[username])
    page.click("#tz-account button[type=submit]")
    if password is None:
        # Signed in, and the map and the panel read again with the new session.
        page.wait_for_selector(f"body[data-user='{username}']", state="attached")


def colour(page: Page, project_id: str) -> str:
    return str(js(page, "id => tzmap.projectColour(id)", project_id))


def colour_of(page: Page, status: str) -> str:
    return str(js(page, "s => tzmap.colours[s]", status))


def assert_clean(log: PageLog, expected_statuses: tuple[int, ...] = ()) -> None:
    """No uncaught error, no console error but the failed requests the test provoked."""
    expected = [f"status of {s} " for s in expected_statuses]
    unexpected = [e for e in log.console_errors if not any(x in e for x in expected)]
    assert log.page_errors == [], f"uncaught errors: {log.page_errors}"
    assert unexpected == [], f"console errors: {unexpected}"
    assert log.dialogs == [], f"dialogs opened: {log.dialogs}"
    assert foreign_requests(log.requests, {"data", "blob"}) == []


def assert_no_markup(page: Page) -> None:
    """What users typed stayed text: no element was made of it."""
    assert js(page, "document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert js(page, "document.getElementById('tz-evil-comment')") is None


def print_row(base: str, project_name: str, tmp_path: Path) -> str:
    """The project's row in the printed table of 宋庄镇 in YEAR, whitespace removed."""
    query = urllib.parse.urlencode({"township": SONGZHUANG, "year": YEAR, "format": "pdf"})
    status, _, data = request(base, f"/print?{query}", headers={"Accept": "application/pdf"})
    assert status == 200, data[:300]
    path = tmp_path / "print.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    rows = [
        line for line in text.splitlines() if re.match(rf"\d+\s+{re.escape(project_name)}\s", line)
    ]
    assert rows, f"{project_name} is not in the printed table"
    return re.sub(r"\s+", "", rows[0])


# --- the flow of issue 11 ------------------------------------------------------------------------


def test_editor_report_reaches_the_public_map_once_a_planner_approves(
    browser: Browser, site: Site, tmp_path: Path, artifacts: Path
) -> None:
    project = get_json(site.url, f"/collections/projects/items/{site.own}")["properties"]
    name = project["name"]
    assert status_in(site.url, site.own, YEAR) == "under_construction"
    building = STATUS_LABELS["zh"]["under_construction"]
    in_service = STATUS_LABELS["zh"]["in_service"]
    assert f"{SONGZHUANG}{building}" in print_row(site.url, name, tmp_path)

    # The public map in YEAR, before.
    public, public_log = new_page(browser)
    open_map(public, f"{site.url}/?year={YEAR}")
    assert colour(public, site.own) == colour_of(public, "under_construction")

    # A 宋庄镇 editor reports the opening, with a photo as evidence.
    editor, editor_log = new_page(browser)
    open_map(editor, f"{site.url}/?year={YEAR}&project={site.own}")
    sign_in(editor, "song")
    section = editor.locator("#tz-project .tz-edit")
    section.locator(".tz-edit-event summary").click()
    form = section.locator(".tz-edit-event form")
    assert form.locator("input[name=year]").input_value() == str(YEAR)
    form.locator("select[name=status]").select_option("in_service")
    form.locator("input[name=milestone]").fill(EVIL_NAME)
    form.locator("textarea[name=note]").fill("开院接诊")
    form.locator("input[name=file]").set_input_files(
        files=[{"name": "opened.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    form.locator("input[name=file_title]").fill("开院照片")
    form.locator("button[type=submit]").click()
    editor.wait_for_selector("#tz-project .tz-edit .tz-message.tz-ok")
    assert "审核" in editor.inner_text("#tz-project .tz-edit .tz-message")
    history = editor.locator("#tz-project .tz-history li.tz-state-submitted")
    history.first.wait_for()
    assert EVIL_NAME in history.first.inner_text()
    editor.click("#tz-queue-button")
    mine = editor.locator("#tz-queue li.tz-change")
    mine.first.wait_for()
    assert mine.first.get_attribute("data-state") == "submitted"
    editor.screenshot(path=str(artifacts / "editing-submitted.png"))

    # Nothing public changed: the feed, a fresh public map, the print.
    assert status_in(site.url, site.own, YEAR) == "under_construction"
    public.reload()
    public.wait_for_selector("body[data-ready=true]", state="attached")
    assert colour(public, site.own) == colour_of(public, "under_construction")
    assert f"{SONGZHUANG}{building}" in print_row(site.url, name, tmp_path)

    # A planner sees it in the queue with its evidence, and approves it.
    token = site.token("planner")
    status, _, body = request(site.url, "/changes?state=submitted", token=token)
    assert status == 200
    queue = json.loads(body)
    change = next(c for c in queue["changes"] if c["project"]["id"] == site.own)
    planner, planner_log = new_page(browser)
    open_map(planner, f"{site.url}/?year={YEAR}")
    sign_in(planner, "planner")
    button = planner.locator("#tz-queue-button")
    planner.wait_for_selector(f"#tz-queue-button[data-count='{queue['numberMatched']}']")
    assert str(queue["numberMatched"]) in button.inner_text()
    button.click()
    item = planner.locator(f"#tz-queue li.tz-change[data-change-id='{change['id']}']")
    item.wait_for()
    assert name in item.inner_text() and EVIL_NAME in item.inner_text()
    assert "开院接诊" in item.inner_text()
    evidence = item.locator(".tz-evidence a")
    assert evidence.inner_text() == "开院照片"
    assert evidence.get_attribute("href") == f"/documents/{change['evidence']['document']}/file"
    planner.wait_for_function(
        "el => el.src.startsWith('blob:') && el.naturalWidth > 0",
        arg=item.locator("img.tz-thumb").element_handle(),
    )
    planner.screenshot(path=str(artifacts / "editing-queue.png"))
    item.locator("textarea[name=comment]").fill("已核实")
    item.locator(".tz-approve").click()
    planner.wait_for_selector("#tz-queue .tz-queue-note")
    planner.wait_for_function(
        "id => tzmap.projectColour(id) === tzmap.colours.in_service", arg=site.own
    )
    planner.wait_for_selector(f"#tz-queue-button[data-count='{queue['numberMatched'] - 1}']")

    # Now it is public: the feed, a fresh public map, the print.
    assert status_in(site.url, site.own, YEAR) == "in_service"
    public.reload()
    public.wait_for_selector("body[data-ready=true]", state="attached")
    assert colour(public, site.own) == colour_of(public, "in_service")
    assert f"{SONGZHUANG}{in_service}" in print_row(site.url, name, tmp_path)

    # The public panel's timeline shows the new event with its file; the history its review.
    js(public, "id => tzmap.openProject(id, false)", site.own)
    public.locator("#tz-project ol.tz-timeline li a").first.wait_for()
    assert "开院照片" in public.inner_text("#tz-project ol.tz-timeline")
    reviewed = public.locator("#tz-project .tz-history li.tz-state-approved")
    reviewed.first.wait_for()
    assert "planner" in reviewed.first.inner_text() and "已核实" in reviewed.first.inner_text()

    # The editor sees the state of their submission.
    editor.click("#tz-queue-button")  # close
    editor.click("#tz-queue-button")  # and open again: read afresh
    editor.wait_for_selector(
        f"#tz-queue li.tz-change[data-change-id='{change['id']}'][data-state=approved]"
    )

    for page, log in ((public, public_log), (editor, editor_log), (planner, planner_log)):
        assert_no_markup(page)
        assert_clean(log)


# --- who sees what -------------------------------------------------------------------------------


def edit_section_on(page: Page, project_id: str) -> bool:
    js(page, "id => tzmap.openProject(id, false)", project_id)
    page.locator("#tz-project .tz-history-section").wait_for(state="attached")
    return bool(page.locator("#tz-project .tz-edit").count())


@pytest.mark.parametrize(
    ("username", "own", "other", "queue", "planner_tools"),
    [
        (None, False, False, False, False),
        ("viewer", False, False, False, False),
        ("song", True, False, True, False),
        ("planner", True, True, True, True),
    ],
)
def test_each_role_sees_the_buttons_it_may_use(
    browser: Browser,
    site: Site,
    username: str | None,
    own: bool,
    other: bool,
    queue: bool,
    planner_tools: bool,
) -> None:
    page, log = new_page(browser)
    open_map(page, f"{site.url}/?project={site.own}")
    if username:
        sign_in(page, username)
        assert username in page.inner_text("#tz-account .tz-user")
    else:
        assert page.locator("#tz-account .tz-sign-in").is_visible()
    assert edit_section_on(page, site.own) is own
    tools = page.locator("#tz-project .tz-edit details")
    kinds = [d.get_attribute("class") for d in tools.all()]
    if own:
        expected = ["tz-edit-event"]
        if planner_tools:
            expected += ["tz-edit-target", "tz-edit-geometry", "tz-edit-retire"]
        assert kinds == expected
    assert edit_section_on(page, site.other) is other
    assert page.locator("#tz-queue-button").count() == (1 if queue else 0)
    if username == "song":
        assert SONGZHUANG in page.inner_text("#tz-account")
    if username:
        page.click("#tz-lang")  # the account block and the edit section follow the language
        assert page.inner_text("#tz-account .tz-sign-out") == "Sign out"
        if own:
            edit_section_on(page, site.own)
            assert page.inner_text("#tz-project .tz-edit h3") == "Edit this project"
        page.click("#tz-lang")
        page.click("#tz-account .tz-sign-out")
        page.wait_for_selector("body[data-user='']", state="attached")
        assert edit_section_on(page, site.own) is False
        assert page.locator("#tz-queue-button").count() == 0
    assert_clean(log)


# --- a version changed meanwhile; evidence from a document; rejection ----------------------------


def test_a_change_made_meanwhile_is_reported_and_the_form_kept(
    browser: Browser, site: Site
) -> None:
    project = get_json(site.url, f"/collections/projects/items/{site.other}")
    cited = project["properties"]["evidence"][0]
    page, log = new_page(browser)
    open_map(page, f"{site.url}/?year=2025&project={site.other}")
    sign_in(page, "planner")
    section = page.locator("#tz-project .tz-edit")
    section.locator(".tz-edit-target summary").click()
    form = section.locator(".tz-edit-target form")
    form.locator("input[name=year]").fill("2029")
    form.locator("select[name=status]").select_option("completed")
    # Evidence from a document: find the sentence the catalogue cites, by a few of its words.
    form.locator("input.tz-evidence-document").check()
    form.locator("select[name=document]").select_option(cited["document"])
    text = request(site.url, f"/documents/{cited['document']}/text")[2].decode()
    words = text[cited["start"] : cited["end"]].strip()[:6]
    form.locator("input[name=phrase]").fill(words)
    form.locator(".tz-find").click()
    form.locator(".tz-sentence").first.click()
    start = int(form.locator("input[name=start]").input_value())
    end = int(form.locator("input[name=end]").input_value())
    assert form.locator(".tz-preview").inner_text() == text[start:end]
    assert words in text[start:end]

    # Someone else changes the project meanwhile (a queued planner change bumps its revision).
    token = site.token("planner")
    queued = post(
        site.url,
        f"/collections/projects/items/{site.other}/retire?approve=false",
        token=token,
        body={"reason": "duplicate entry?"},
        headers={"If-Match": etag(site.url, site.other)},
    )
    assert queued["state"] == "submitted"

    form.locator("button[type=submit]").click()
    message = section.locator(".tz-message.tz-error")
    message.wait_for()
    assert "已被他人修改" in message.inner_text()
    # The form kept what was typed; the second try goes through with the version now read.
    form = page.locator("#tz-project .tz-edit .tz-edit-target form")
    assert form.locator("input[name=year]").input_value() == "2029"
    assert int(form.locator("input[name=start]").input_value()) == start
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#tz-project .tz-edit .tz-message.tz-ok")
    targets = get_json(site.url, f"/api/projects/{site.other}/timeline")
    assert any(r["kind"] == "target" and r["year"] == 2029 for r in targets)

    # The queued retirement is rejected: a comment is required, and shown as text.
    page.click("#tz-queue-button")
    item = page.locator(f"#tz-queue li.tz-change[data-change-id='{queued['id']}']")
    item.locator(".tz-reject").click()
    assert "原因" in item.locator(".tz-message").inner_text()
    item.locator("textarea[name=comment]").fill(EVIL_COMMENT)
    item.locator(".tz-reject").click()
    page.wait_for_selector("#tz-queue .tz-queue-note")
    assert item.count() == 0
    assert get_json(site.url, f"/collections/projects/items/{site.other}")["id"] == site.other
    js(page, "id => tzmap.openProject(id, false)", site.other)
    rejected = page.locator("#tz-project .tz-history li.tz-state-rejected")
    rejected.first.wait_for()
    assert EVIL_COMMENT in rejected.first.inner_text()
    assert_no_markup(page)
    assert_clean(log, expected_statuses=(412,))


# --- the geometry, drawn with Leaflet-Geoman -----------------------------------------------------


def test_planner_places_an_unplaced_project_on_the_map(
    browser: Browser, site: Site, artifacts: Path
) -> None:
    page, log = new_page(browser)
    open_map(page, f"{site.url}/?project={site.unplaced}")
    sign_in(page, "planner")
    assert site.unplaced not in js(page, "tzmap.visibleProjectIds()")
    section = page.locator("#tz-project .tz-edit")
    section.locator(".tz-edit-geometry summary").click()
    section.locator(".tz-draw-marker").click()
    page.wait_for_function("() => tzmap.map.pm && tzmap.map.pm.globalDrawModeEnabled()")
    target = {"lat": 39.9, "lng": 116.70}
    js(page, "p => { tzmap.map.setView([p.lat, p.lng], 13, { animate: false }); }", target)
    point = js(
        page,
        """p => {
            const map = tzmap.map;
            const xy = map.latLngToContainerPoint([p.lat, p.lng]);
            const box = map.getContainer().getBoundingClientRect();
            return { x: box.left + xy.x, y: box.top + xy.y };
        }""",
        target,
    )
    page.mouse.move(point["x"] - 5, point["y"])
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_function("() => tzedit.drawnGeometry() !== null")
    assert js(page, "tzmap.state.project") == site.unplaced, "the click went to the editor only"
    form = section.locator(".tz-edit-geometry form")
    form.locator("select[name=geometry_quality]").select_option("approximate")
    form.locator("button[type=submit]").click()
    assert "如何确定" in section.locator(".tz-message.tz-error").inner_text()  # say how placed
    form.locator("input[name=placement]").fill("按现场照片估计的位置")
    page.screenshot(path=str(artifacts / "editing-geometry.png"))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#tz-project .tz-edit .tz-message.tz-ok")
    page.wait_for_function("id => tzmap.visibleProjectIds().includes(id)", arg=site.unplaced)
    assert js(page, "tzedit.editing()") is False

    feature = get_json(site.url, f"/collections/projects/items/{site.unplaced}")
    assert feature["geometry"]["type"] == "Point"
    lng, lat = feature["geometry"]["coordinates"]
    assert abs(lng - target["lng"]) < 1e-3 and abs(lat - target["lat"]) < 1e-3
    assert feature["properties"]["geometry_quality"] == "approximate"
    assert feature["properties"]["placement"] == "按现场照片估计的位置"
    assert any("/static/vendor/geoman/" in url for url in log.requests)
    assert_clean(log)


def test_planner_retires_a_project(browser: Browser, site: Site) -> None:
    page, log = new_page(browser)
    open_map(page, f"{site.url}/?project={site.retired}")
    sign_in(page, "planner")
    assert site.retired in js(page, "tzmap.visibleProjectIds()")
    section = page.locator("#tz-project .tz-edit")
    section.locator(".tz-edit-retire summary").click()
    form = section.locator(".tz-edit-retire form")
    submit = form.locator("button[type=submit]")
    assert submit.is_disabled(), "retiring asks for a confirmation first"
    form.locator("input[name=reason]").fill("与另一项目重复")
    form.locator("input[name=confirm]").check()
    submit.click()
    page.wait_for_selector("#tz-project", state="hidden")
    assert site.retired not in js(page, "tzmap.visibleProjectIds()")
    assert request(site.url, f"/collections/projects/items/{site.retired}")[0] == 404
    assert_clean(log)


# --- a map closed to anonymous readers -----------------------------------------------------------


def test_closed_map_asks_for_a_sign_in_and_keeps_the_session_fresh(
    browser: Browser, site: Site
) -> None:
    page, log = new_page(browser)
    sent: list[tuple[str, str | None]] = []
    page.on("request", lambda r: sent.append((r.url, r.headers.get("authorization"))))
    page.goto(site.closed + "/")
    page.wait_for_selector("#tz-account .tz-sign-in-form")
    assert "登录" in page.inner_text("#tz-account .tz-error")
    assert js(page, "tzmap.visibleProjectIds()") == []
    assert not any("/collections/" in url for url, _ in sent), "no data asked for unsigned"

    sign_in(page, "viewer", "not-the-password")
    page.wait_for_selector("#tz-account .tz-error:has-text('密码错误')")
    sign_in(page, "viewer")
    page.wait_for_selector("body[data-ready=true]", state="attached")
    assert js(page, "tzmap.visibleProjectIds()")
    data = [(url, auth) for url, auth in sent if "/collections/" in url]
    assert data and all(auth and auth.startswith("Bearer ") for _, auth in data)

    # Tokens live a minute here: the page refreshes them before they expire, and goes on working.
    first = js(page, "JSON.parse(sessionStorage.getItem('tzmap.session')).access_token")
    page.wait_for_function(
        "t => JSON.parse(sessionStorage.getItem('tzmap.session')).access_token !== t",
        arg=first,
        timeout=20_000,
    )
    set_year(page, 2023)
    assert js(page, "tzmap.visibleProjectIds()")

    # A reload keeps the session of this tab; signing out asks for a sign-in again.
    page.reload()
    page.wait_for_selector("body[data-ready=true]", state="attached")
    assert "viewer" in page.inner_text("#tz-account .tz-user")
    page.click("#tz-account .tz-sign-out")
    page.wait_for_selector("#tz-account .tz-sign-in-form")
    assert js(page, "tzmap.visibleProjectIds()") == []
    assert_clean(log, expected_statuses=(401,))


def test_failed_sign_ins_are_explained_and_throttled(browser: Browser, site: Site) -> None:
    page, log = new_page(browser)
    open_map(page, site.url + "/")
    for _ in range(5):  # the default allowance per user in the window
        sign_in(page, "nobody", "wrong-password-1")
        page.wait_for_selector("#tz-account .tz-error:has-text('密码错误')")
        page.fill("#tz-account input[name=username]", "")
    sign_in(page, "nobody", "wrong-password-1")
    error = page.locator("#tz-account .tz-error:has-text('次数过多')")
    error.wait_for()
    assert "15分钟" in error.inner_text()
    assert page.input_value("#tz-account input[name=password]") == ""
    assert_clean(log, expected_statuses=(401, 429))


# --- the banner for years no report covers -------------------------------------------------------


def test_banner_says_when_the_year_is_later_than_any_report(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    reported = get_json(site.url, "/collections/projects/items", {"limit": 1})["reported_year"]
    page, log = new_page(browser)
    open_map(page, f"{site.url}/?year={reported}")
    banner = page.locator("#tz-banner")
    assert banner.is_hidden()
    later = 2026
    assert later > reported
    set_year(page, later)
    assert banner.is_visible()
    text = banner.inner_text()
    assert f"{reported}年以后尚无年度进展报告" in text and str(later) in text
    page.click("#tz-lang")
    assert f"No annual report covers the years after {reported}" in banner.inner_text()
    page.check("input[name=tz-mode][value=plan]")  # the plan is not a report: no banner
    assert banner.is_hidden()
    assert_clean(log)

    # The standalone export knows it too, with no server behind it.
    query = urllib.parse.urlencode({"township": SONGZHUANG})
    path = download(f"{site.url}/export.html?{query}", tmp_path / "export.html")
    with opened_offline(browser, path) as offline:
        set_year(offline.page, later)
        assert f"{reported}年以后尚无年度进展报告" in offline.page.inner_text("#tz-banner")
        assert offline.page.locator("#tz-account").is_hidden()
        offline.assert_stayed_offline()
