"""Printed sheets: what poppler reads back from the PDFs (text, fonts, pages, pixels), the atlas,
the table against the items API, and the parameter errors."""

import io
import itertools
import math
import re
import subprocess
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from PIL import Image
from pyproj import Geod, Transformer

from app import vocab
from app.db import make_engine
from app.printing.atlas import cover_boxes, summary_table
from app.printing.context import Context, Marking
from app.printing.data import PrintData, fetch
from app.printing.fonts import CjkFontMissing, cjk_font, find_cjk_font
from app.printing.furniture import true_north_angle
from app.printing.labels import status_label
from app.printing.layout import page_for, sheet_layout
from app.printing.legend import SAMPLE_W, Sample, category_rows, legend_rows, status_rows
from app.printing.mapview import draw_projects, fit_frame, kind_of
from app.printing.marginalia import summary
from app.printing.render import render
from app.printing.request import PrintRequest, print_request
from app.printing.sheet import make_sheet
from app.printing.style import (
    AREA_FILL_ALPHA,
    BEHIND_PLAN,
    CATEGORY_GROUPS,
    LINE_KINDS,
    STATUS_ORDER,
    STATUS_STYLES,
    TOWNSHIP_FILL,
    marker_halo_style,
)
from app.printing.table import Table, project_table
from app.printing.text import wrap
from app.settings import Settings

PDF = "application/pdf"
PROBLEM = "application/problem+json"
TOWNSHIP = "宋庄镇"
MAP_DPI = 100


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf_text(path: Path, raw: bool = True) -> list[str]:
    """The text of each page; raw is content order, which keeps a wrapped cell's lines together
    (but runs words together: in raw mode pdftotext adds no spaces for the gaps between them)."""
    mode = ["-raw"] if raw else []
    return _run("pdftotext", *mode, str(path), "-").split("\f")[:-1]


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def items(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/collections/projects/items", params={"limit": 10000, **params})
    assert response.status_code == 200, response.text
    return [f["properties"] for f in response.json()["features"]]


def get_print(client: TestClient, **params: Any) -> bytes:
    response = client.get("/print", params=params)
    assert response.status_code == 200, response.text
    return response.content


@pytest.fixture(scope="module")
def township_pdf(client: TestClient, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("print") / "township.pdf"
    response = client.get("/print", params={"township": TOWNSHIP})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == PDF
    assert response.headers["content-disposition"].startswith("inline;")
    path.write_bytes(response.content)
    return path


@pytest.fixture(scope="module")
def atlas_pdf(client: TestClient, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("print") / "atlas.pdf"
    response = client.get("/print", params={"atlas": "township"})
    assert response.status_code == 200, response.text
    path.write_bytes(response.content)
    yield path


def test_township_sheet_names_its_projects_and_no_others(
    client: TestClient, township_pdf: Path
) -> None:
    text = squeezed("".join(pdf_text(township_pdf)))
    inside = {p["name"] for p in items(client, township=TOWNSHIP)}
    everything = {p["name"] for p in items(client)}
    assert inside and inside < everything
    assert squeezed(f"通州区重点项目进展图 · {TOWNSHIP} · 截至2022年底") in text
    for name in inside:
        assert squeezed(name) in text, name
    for name in everything - inside:
        if not any(name in other for other in inside):  # 平谷线 is part of 平谷线通州段车站
            assert squeezed(name) not in text, name


@pytest.mark.parametrize(
    "filters",
    [
        {"township": TOWNSHIP},
        {"township": "110112105000", "year": 2026},
        {"status": "under_construction,completed", "category": ["road", "rail", "water"]},
        {"status": "not_reported"},
        {"status": "completed,in_service", "mode": "plan", "year": 2026},
        {"behind_plan": "false", "programme": "dead-end-roads"},
        {"bbox": "116.60,39.85,116.75,39.95"},
        {"bbox": "470000,4410000,480000,4420000", "bbox-crs": "EPSG:4548"},
    ],
)
def test_table_matches_the_items_api(
    client: TestClient, loaded_db: str, filters: dict[str, Any]
) -> None:
    """The sheet's table holds exactly the features the feed returns for the same filters."""
    asked = print_request(
        year=filters.get("year"),
        mode=filters.get("mode", "actual"),
        township=[filters["township"]] if "township" in filters else [],
        status=[filters["status"]] if "status" in filters else [],
        category=filters.get("category", []),
        programme=[filters["programme"]] if "programme" in filters else [],
        behind_plan={"true": True, "false": False}.get(filters.get("behind_plan", "")),
        bbox=filters.get("bbox"),
        bbox_crs=filters.get("bbox-crs"),
    )
    engine = make_engine(loaded_db)
    try:
        with engine.connect() as conn:
            data = fetch(conn, asked)
    finally:
        engine.dispose()
    printed = {(p.name, p.status, p.target_year, p.behind_plan) for p in data.projects}
    feed = {
        (p["name"], p["status"], p["target_year"], p["behind_plan"])
        for p in items(client, **filters)
    }
    assert printed == feed
    assert data.year == (filters.get("year") or 2022)


def test_table_pages_hold_every_row_once(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "district.pdf"
    path.write_bytes(get_print(client))
    pages = pdf_text(path)
    table = squeezed("".join(pages[1:]))
    names = [p["name"] for p in items(client)]
    assert len(pages) > 2  # the district's table runs over several pages
    assert all(squeezed(n) in table for n in names)
    assert squeezed(f"共{len(names)}项") in squeezed(pages[0])
    assert "（续）" in pages[2]


def test_pdf_embeds_a_cjk_font(township_pdf: Path) -> None:
    fonts = _run("pdffonts", str(township_pdf)).splitlines()[2:]
    cjk = [line for line in fonts if "NotoSansCJK" in line]
    assert cjk, fonts
    for line in cjk:
        emb, sub, uni = line.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_every_atlas_page_renders(atlas_pdf: Path, tmp_path: Path) -> None:
    info = re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(atlas_pdf)))
    assert info
    pages = int(info.group(1))
    result = subprocess.run(
        ["pdftoppm", "-r", "12", "-png", str(atlas_pdf), str(tmp_path / "p")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "Error" not in result.stderr, result.stderr
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages
    for image in images:
        assert len(Image.open(image).convert("L").getcolors(4096) or []) > 2, image


def _map_pixels(pdf: Path, tmp_path: Path) -> Image.Image:
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(MAP_DPI),
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            str(pdf),
            str(tmp_path / "m"),
        ],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("m-*.png"))).convert("RGB")
    page = page_for((210, 297))
    box = sheet_layout(page, with_inset=True).map
    px = MAP_DPI / 25.4
    return image.crop(
        (
            round(box.x * px) + 2,
            round((page.h - box.top) * px) + 2,
            round(box.right * px) - 2,
            round((page.h - box.y) * px) - 2,
        )
    )


def _has_colour(image: Image.Image, rgb: tuple[float, ...], tolerance: float = 12) -> bool:
    colours = image.getcolors(image.width * image.height) or []
    return any(math.dist(found, rgb) <= tolerance for _, found in colours)


def _over_township(colour: str, alpha: float) -> tuple[float, ...]:
    """`colour` at `alpha` over the fill of the township a sheet is about, as 0–255 RGB."""
    pairs = zip(to_rgb(colour), to_rgb(TOWNSHIP_FILL), strict=True)
    return tuple(255 * (alpha * c + (1 - alpha) * g) for c, g in pairs)


def _drawn_colour(status: str, kinds: set[str]) -> tuple[float, ...]:
    """The colour a status shows in: pure on lines and points, over the township fill on areas."""
    alpha = AREA_FILL_ALPHA if kinds == {"area"} else 1.0
    return _over_township(STATUS_STYLES[status].colour, alpha)


def test_map_area_is_drawn_in_the_legend_colours(
    loaded_db: str, township_pdf: Path, tmp_path: Path
) -> None:
    image = _map_pixels(township_pdf, tmp_path)
    assert len(image.getcolors(image.width * image.height) or []) > 50  # not blank
    engine = make_engine(loaded_db)
    try:
        with engine.connect() as conn:
            projects = fetch(conn, print_request(township=[TOWNSHIP])).projects
    finally:
        engine.dispose()
    kinds: dict[str, set[str]] = {}
    for p in projects:
        if p.status is not None and p.geometry is not None:
            kinds.setdefault(p.status, set()).add(kind_of(p.geometry))
    assert len(kinds) >= 2
    legend = squeezed(pdf_text(township_pdf)[0])
    for status, drawn in kinds.items():
        assert _has_colour(image, _drawn_colour(status, drawn)), status
        assert squeezed(status_label("zh", status)) in legend, status


def test_late_projects_are_haloed_counted_and_flagged(loaded_db: str, tmp_path: Path) -> None:
    """The catalogue has no late project yet (reports reach 2022, targets 2023 on): mark some."""
    asked = print_request(township=["张家湾镇"])
    engine = make_engine(loaded_db)
    try:
        with engine.connect() as conn:
            data = fetch(conn, asked)
    finally:
        engine.dispose()
    late = [replace(p, behind_plan=i % 4 == 0) for i, p in enumerate(data.projects)]
    count = sum(p.behind_plan for p in late)
    path = tmp_path / "late.pdf"
    path.write_bytes(render(asked, replace(data, projects=late), Marking()).content)
    pages = [squeezed(p) for p in pdf_text(path)]
    assert f"滞后于计划（{count}）" in pages[0]
    assert f"滞后于计划{count}项" in pages[0]
    table = "".join(pages[1:])
    assert table.count("是") == count
    ring = _over_township(BEHIND_PLAN, marker_halo_style()["alpha"])
    assert _has_colour(_map_pixels(path, tmp_path), ring, tolerance=15)


def test_atlas_is_a_cover_then_one_sheet_per_township_in_code_order(
    client: TestClient, atlas_pdf: Path
) -> None:
    townships = client.get("/collections/townships/items", params={"limit": 100}).json()
    by_code = sorted(
        (f["properties"]["code"], f["properties"]["name"]) for f in townships["features"]
    )
    pages = [squeezed(p) for p in pdf_text(atlas_pdf)]
    assert pages[0].startswith("通州区重点项目进展图集·截至2022年底")
    sheets: list[tuple[int, str]] = []
    for number, page in enumerate(pages[1:], start=2):
        sheet = re.match(r"通州区重点项目进展图·(.+?)·截至", page)
        if sheet:
            sheets.append((number, sheet.group(1)))
            continue
        table = re.match(r"项目表·(.+?)·截至", page)
        if table:  # a table continues the sheet before it
            assert sheets and table.group(1) == sheets[-1][1], number
        else:  # before the first sheet: the projects no township holds
            assert not sheets and page.startswith("位置未公开的项目"), number
    assert [name for _, name in sheets] == [name for _, name in by_code]
    assert len(sheets) == 22
    cover = pdf_text(atlas_pdf)[0]
    for number, name in sheets:  # the cover's summary gives each sheet's page
        row = re.search(rf"^{name} (\d+ )+(\d+)$", cover, re.MULTILINE)
        assert row and int(row.group(2)) == number, name


def test_the_web_maps_print_link_prints_its_view(client: TestClient, tmp_path: Path) -> None:
    """static/map.js links to /print with the view's box, year, mode, filters and language."""
    params = {
        "township": "110112104000",
        "status": "under_construction,completed,in_service,not_reported",
        "year": 2024,
        "mode": "plan",
        "bbox": "116.66000,39.88000,116.80000,39.98000",
        "lang": "en",
    }
    path = tmp_path / "view.pdf"
    path.write_bytes(get_print(client, **params))
    first = pdf_text(path, raw=False)[0]
    assert "planned progress · 宋庄镇 · due by end 2024" in first
    assert "area: 116.66, 39.88, 116.8, 39.98 (CRS84)" in first


def test_every_name_is_set_in_the_font(loaded_db: str) -> None:
    """No glyph of any project, township or document name is missing (no tofu boxes)."""
    engine = make_engine(loaded_db)
    try:
        with engine.connect() as conn:
            data = fetch(conn, print_request())
    finally:
        engine.dispose()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        for lang in ("zh", "en"):
            render(print_request(lang=lang), data, Marking("京S(2024)001号", True))


def test_png_is_one_page_at_the_asked_resolution(client: TestClient) -> None:
    response = client.get(
        "/print", params={"township": TOWNSHIP, "format": "png", "dpi": 60, "page": 2}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-page-count"] == "2"
    image = Image.open(io.BytesIO(response.content))
    assert abs(image.width - 210 / 25.4 * 60) <= 2 and abs(image.height - 297 / 25.4 * 60) <= 2


def test_english_plan_a3_landscape(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(
        get_print(
            client,
            lang="en",
            mode="plan",
            year=2026,
            size="A3",
            orientation="landscape",
            township=TOWNSHIP,
        )
    )
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", _run("pdfinfo", str(path)))
    assert size and (round(float(size.group(1))), round(float(size.group(2)))) == (1191, 842)
    first = pdf_text(path, raw=False)[0]
    assert "Tongzhou key projects: planned progress" in first
    assert "Status due by plan (end 2026)" in first


def test_a_title_of_ones_own_heads_the_sheets(client: TestClient, tmp_path: Path) -> None:
    """The map's print dialog may name the sheet: the title stands in place of the subject (the
    place and the date stay), in the PDF's metadata too; a table page still says it is the table.
    A "$" is a dollar sign, not the start of mathtext."""
    own = "宋庄镇 $5亿 项目调度会"
    path = tmp_path / "titled.pdf"
    path.write_bytes(get_print(client, township=TOWNSHIP, title=f"  {own}  "))
    pages = pdf_text(path)
    assert squeezed(pages[0]).startswith(squeezed(f"{own} · {TOWNSHIP} · 截至2022年底"))
    assert "通州区重点项目进展图" not in squeezed(pages[0])
    assert squeezed(pages[1]).startswith(squeezed(f"项目表 · {TOWNSHIP} · 截至2022年底"))
    assert pdf_title(path) == f"{own} · {TOWNSHIP} · 截至2022年底"  # the heading, place and all

    longest = "长" * 80  # the longest title there is still fits the heading of an A4 sheet
    path.write_bytes(get_print(client, township=TOWNSHIP, title=longest))
    assert squeezed(f"{longest}·{TOWNSHIP}·截至2022年底") in squeezed(pdf_text(path)[0])

    blank = get_print(client, township=TOWNSHIP, title="   ", format="png", dpi=50)
    assert blank == get_print(client, township=TOWNSHIP, format="png", dpi=50)


def pdf_title(path: Path) -> str:
    """The PDF's /Title, as poppler reads it."""
    found = re.search(r"^Title:\s+(.*)$", _run("pdfinfo", str(path)), re.MULTILINE)
    assert found, path
    return found.group(1)


def test_pdf_metadata_title_is_the_sheets_heading(
    client: TestClient, township_pdf: Path, tmp_path: Path
) -> None:
    """A PDF's /Title (what a viewer's title bar, a search and a document list show) is the
    heading printed on its sheet, the place included: 宋庄镇's sheet, and an English comparison."""
    heading = f"通州区重点项目进展图 · {TOWNSHIP} · 截至2022年底"
    assert pdf_title(township_pdf) == heading
    assert squeezed(pdf_text(township_pdf)[0]).startswith(squeezed(heading))

    reported = _reported_year(client)
    path = tmp_path / "changes-en.pdf"
    path.write_bytes(
        get_print(client, township=TOWNSHIP, lang="en", year=reported, since=reported - 1)
    )
    heading = (
        f"Tongzhou key projects: progress · {TOWNSHIP} · "
        f"Status changes from end {reported - 1} to end {reported}"
    )
    assert pdf_title(path) == heading
    assert squeezed(pdf_text(path)[0]).startswith(squeezed(heading))


def test_print_filename_names_the_township_with_an_ascii_fallback(client: TestClient) -> None:
    """RFC 6266: filename*= (RFC 5987, UTF-8) names the township as people do; filename= keeps
    an ASCII name with its code for clients that read only that. No township, no filename*."""
    code = "110112104000"  # 宋庄镇
    response = client.get("/print", params={"township": TOWNSHIP, "format": "png", "dpi": 50})
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition == (
        f'inline; filename="tongzhou-actual-2022-{code}-p1.png"; '
        "filename*=UTF-8''tongzhou-actual-2022-%E5%AE%8B%E5%BA%84%E9%95%87-p1.png"
    )
    encoded = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
    assert encoded and unquote(encoded.group(1)) == f"tongzhou-actual-2022-{TOWNSHIP}-p1.png"
    assert disposition.isascii()

    response = client.get("/print", params={"format": "png", "dpi": 50})
    assert (
        response.headers["content-disposition"] == 'inline; filename="tongzhou-actual-2022-p1.png"'
    )


def test_settings_add_approval_number_and_internal_marking(loaded_db: str, tmp_path: Path) -> None:
    from app.main import create_app

    settings = Settings(print_approval_number="京S(2024)001号", print_internal_use=True)
    with TestClient(create_app(settings, loaded_db)) as marked:
        path = tmp_path / "marked.pdf"
        path.write_bytes(get_print(marked, township=TOWNSHIP))
    first = squeezed(pdf_text(path)[0])
    assert "审图号：京S(2024)001号" in first
    assert "内部资料注意保存" in first


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"township": "不存在镇"}, "宋庄镇 (110112104000)"),
        ({"year": 1999}, "out of range 2000–2050"),
        ({"format": "png", "dpi": 900}, "dpi 900 is out of range"),
        ({"dpi": 100}, "dpi applies to PNG only"),
        ({"size": "A5"}, "use A4 or A3"),
        ({"orientation": "sideways"}, "portrait or landscape"),
        ({"lang": "fr"}, "zh or en"),
        ({"mode": "forecast"}, "actual or plan"),
        ({"atlas": "county"}, "township"),
        ({"status": "finished"}, "not_reported"),
        ({"programme": "no-such-programme"}, "dead-end-roads"),
        ({"format": "png", "page": 99}, "this print has"),
        ({"colour": "red"}, "unknown query parameter"),
        ({"year": "soon"}, "year"),
        ({"title": "标" * 81}, "at most 80"),
        ({"title": "第一行\n第二行"}, "one line of plain text"),
        ({"title": "bidi\u202eevil"}, "one line of plain text"),
        ({"since": 2022, "year": 2022}, "since 2022 must be earlier than year 2022"),
        ({"since": 2024, "year": 2022}, "must be earlier than year 2022"),
        ({"since": 2040}, "must be earlier than year"),  # the default year, the last reported
        ({"since": 1999, "year": 2022}, "since 1999 is out of range 2000–2050"),
        ({"since": 2021, "mode": "plan"}, "does not apply with mode=plan"),
        ({"since": 2021, "atlas": "township"}, "does not apply to the township atlas"),
        ({"since": "last year"}, "since"),
    ],
)
def test_bad_parameters_are_problems_and_no_file(
    client: TestClient, params: dict[str, Any], detail: str
) -> None:
    response = client.get("/print", params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert "content-disposition" not in response.headers
    assert detail in response.json()["detail"]


def test_missing_cjk_font_is_a_503_problem(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise CjkFontMissing("no CJK font is installed; install fonts-noto-cjk")

    monkeypatch.setattr("app.printing.fonts.cjk_font", missing)
    response = client.get("/print", params={"township": TOWNSHIP})
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert "fonts-noto-cjk" in response.json()["detail"]


def test_font_lookup_refuses_rather_than_tofu() -> None:
    with pytest.raises(CjkFontMissing, match="fonts-noto-cjk"):
        find_cjk_font(("No Such Font Family",))


@pytest.fixture
def tzmap_cli(loaded_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """`tzmap ARGS…` run in process against the loaded database: its click result."""
    from app.cli import main
    from app.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", loaded_db)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, [str(a) for a in args])
    get_settings.cache_clear()


def test_cli_prints_offline(tzmap_cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "songzhuang.png"
    result = tzmap_cli("print", "--township", TOWNSHIP, "--dpi", "50", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
    bad = tzmap_cli("print", "--township", "不存在镇", "-o", tmp_path / "x.pdf")
    assert bad.exit_code == 1 and "unknown" in bad.output
    assert not (tmp_path / "x.pdf").exists()


def test_scale_bar_metres_are_ground_metres() -> None:
    """EPSG:4548 metres are ground metres in Tongzhou: 10 km on the ellipsoid measures 10 km on
    the grid to within a metre, so a bar drawn in grid metres is true."""
    to_grid = Transformer.from_crs(4326, 4548, always_xy=True)
    lon, lat = 116.66, 39.90
    end_lon, end_lat, _ = Geod(ellps="GRS80").fwd(lon, lat, 60, 10_000)
    (x0, x1), (y0, y1) = to_grid.transform([lon, end_lon], [lat, end_lat])
    assert math.hypot(x1 - x0, y1 - y0) == pytest.approx(10_000, abs=1)
    assert 0 < math.degrees(true_north_angle(x0, y0)) < 0.5  # west of the central meridian


def test_frame_uses_a_round_scale_that_fits() -> None:
    from app.printing.layout import Box

    frame = fit_frame((460_000, 4_384_000, 495_000, 4_433_000), Box(0, 0, 190, 180))
    assert frame.denominator == 300_000  # 1:288 600 would fit; the next round scale is taken
    minx, miny, maxx, maxy = frame.extent
    assert (maxx - minx) / 190 == pytest.approx((maxy - miny) / 180)  # no distortion
    assert maxy - miny >= 49_000


def test_wrapping_keeps_punctuation_off_the_line_start() -> None:
    from app.printing.fonts import cjk_font

    lines = wrap(
        cjk_font(), "项目位置依据公开文件示意标绘，非测绘成果，不作为权属和界线依据。", 30, 8
    )
    assert len(lines) > 1
    assert not any(line.startswith(("，", "。")) for line in lines)


def test_wrapping_keeps_an_opening_bracket_with_what_follows() -> None:
    """A milestone's year was printed as 「……加快实施（」 over 「2022）」."""
    from app.printing.fonts import cjk_font

    text = "图书城、京交团址加快实施（2022）"
    for width in range(20, 40):
        lines = wrap(cjk_font(), text, width, 7)
        assert "".join(lines) == text
        assert not any(line.endswith(("（", "(")) for line in lines), lines


# Issue 13: what a meeting secretary found on the sheets ----------------------------------------


def _fetched(loaded_db: str, request: PrintRequest) -> PrintData:
    engine = make_engine(loaded_db)
    try:
        with engine.connect() as conn:
            return fetch(conn, request)
    finally:
        engine.dispose()


def _context(request: PrintRequest, data: PrintData) -> Context:
    page = page_for(request.paper_mm)
    return Context(request, data, cjk_font(), page, Marking(), date(2024, 1, 1))


def _symbol(sample: Sample) -> np.ndarray:
    """One symbol of a legend alone, as the RGB pixels of a 300 dpi rendering."""
    w, h = max(SAMPLE_W.values()) + 2, 10.0  # mm
    fig = Figure(figsize=(w / 25.4, h / 25.4), dpi=300)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.set_axis_off()
    sample(ax, w / 2, h / 2, 1.0)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


def _inks(pixels: np.ndarray, share: float = 0.2) -> list[tuple[int, ...]]:
    """The colours of a symbol: each covering at least `share` of its ink (not the blends of
    antialiased edges)."""
    ink = pixels[(pixels < 245).any(axis=2)]
    colours, counts = np.unique(ink, axis=0, return_counts=True)
    return [tuple(c) for c, n in zip(colours, counts, strict=True) if n >= share * len(ink)]


def _unlike(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the ink of two symbols whose colour differs to the eye."""
    ink = (a < 245).any(axis=2) | (b < 245).any(axis=2)
    return float((np.abs(a - b).max(axis=2) > 40).sum() / ink.sum())


def _ink_height(pixels: np.ndarray) -> int:
    return int((pixels < 245).any(axis=2).any(axis=1).sum())


def test_legend_symbols_are_told_apart(loaded_db: str) -> None:
    """The category key drew 道路 and 水系、绿道、管线 (and rail) in the in-service purple, a
    road and a waterway differing by a quarter of a line's width, and a family's marker exactly
    like a project with no report. Each symbol of the legend looks unlike every other, and the
    category key uses no colour that means a status or behind plan."""
    request = print_request()
    data = _fetched(loaded_db, request)
    # Every status and category on points, lines and areas alike; some projects late.
    seen: Counter[str] = Counter()
    projects = []
    for p in data.projects:
        n = seen[kind_of(p.geometry) if p.geometry else ""]
        seen[kind_of(p.geometry) if p.geometry else ""] += 1
        status, category = STATUS_ORDER[n % 5], vocab.CATEGORIES[n % len(vocab.CATEGORIES)]
        projects.append(replace(p, status=status, category=category, behind_plan=n % 9 == 0))
    ctx = _context(request, replace(data, projects=projects))
    drawn = draw_projects(Figure().add_subplot(), projects, ctx)
    drawn.numbered = 1
    assert drawn.kinds == {"point", "line", "area"} and drawn.line_kinds == set(LINE_KINDS)
    assert drawn.groups == set(CATEGORY_GROUPS)
    rows = legend_rows(ctx, projects, drawn, focus=True)
    symbols = {f"{r.label} ({kind})": _symbol(s) for r in rows for kind, s in r.samples.items()}
    assert len(symbols) > 20
    for (a, pixels_a), (b, pixels_b) in itertools.combinations(symbols.items(), 2):
        assert _unlike(pixels_a, pixels_b) > 0.25, (a, b)  # a circle and a square: 0.33
    road, other = (symbols[f"{ctx.t(f'line_{kind}')} (line)"] for kind in ("road", "other"))
    assert _ink_height(road) >= 2 * _ink_height(other)  # a road is told by its width
    meanings = [to_rgb(c) for c in [*vocab.STATUS_COLOURS.values(), BEHIND_PLAN]]
    for row in category_rows(ctx, drawn):
        for kind, sample in row.samples.items():
            for colour in _inks(_symbol(sample)):
                nearest = min(math.dist(colour, [255 * c for c in m]) for m in meanings)
                assert nearest > 40, (row.label, kind, colour)


def _broken_words(table: Table) -> list[tuple[str, list[str]]]:
    """Cells whose lines break inside a Latin word or inside a word the cell keeps whole (a
    place name, 完工/建成 but after its slash)."""
    broken = []
    for row in [table.header, *table.rows]:
        for cell, lines in zip(row.cells, row.lines, strict=True):
            words = re.findall(r"[A-Za-z]+", cell.text)
            split = [w for line in lines for w in re.findall(r"[A-Za-z]+", line)] != words
            if split or not all(any(k in line for line in lines) for k in cell.keep):
                broken.append((cell.text, lines))
    return broken


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tables_break_lines_between_words(loaded_db: str, lang: str) -> None:
    """The English table broke "Under constructio/n" (and a place name as 永/顺镇): the project
    table, with the extra column of plan mode too, and the atlas cover's counts under the
    vocabulary's status names break lines between words only."""
    for mode, year in (("actual", None), ("plan", 2026)):
        request = print_request(lang=lang, mode=mode, year=year)
        data = _fetched(loaded_db, request)
        ctx = _context(request, data)
        sheet = make_sheet(ctx, data.projects, [], data.district.bounds, None, False)
        cover_width = cover_boxes(ctx.page)[1].w
        pages = {t.code: 2 for t in data.townships}
        for table, width in (
            (project_table(ctx, sheet.projects, sheet.numbers), ctx.page.body.w),
            (summary_table(ctx, pages, cover_width), cover_width),
        ):
            assert sum(table.widths) == pytest.approx(width)  # and no wider
            assert _broken_words(table) == [], (mode, _broken_words(table)[:3])


def test_english_table_pdf_keeps_construction_whole(client: TestClient, tmp_path: Path) -> None:
    """What the reader gets: the printed table's text has "construction" whole everywhere."""
    path = tmp_path / "plan-en.pdf"
    path.write_bytes(get_print(client, township=TOWNSHIP, lang="en", mode="plan", year=2026))
    table = "\n".join(pdf_text(path, raw=False)[1:])
    assert "construction" in table
    assert not re.search(r"constructio(?!n)", table), table


def _reported_year(client: TestClient) -> int:
    response = client.get("/collections/projects/items", params={"limit": 1})
    return int(response.json()["reported_year"])


@pytest.mark.parametrize(
    ("lang", "as_of", "counts", "legend", "column"),
    [
        (
            "zh",
            "截至{year}年底（据{reported}年报告）",
            "共{n}项（据{reported}年报告）：",
            "实际进展（截至{year}年底，据{reported}年报告）",
            "进展状态（据{reported}年报告）",
        ),
        (
            "en",
            "as of end {year} (as reported for {reported})",
            "{n} projects as reported for {reported}:",
            "Status (as of end {year}, as reported for {reported})",
            "Status (as reported for {reported})",
        ),
    ],
    ids=["zh", "en"],
)
def test_a_year_no_report_covers_says_so(
    client: TestClient, tmp_path: Path, lang: str, as_of: str, counts: str, legend: str, column: str
) -> None:
    """Reports reach 2022: a sheet of 2024 showed 「截至2024年底」 and 「共24项」 as if a report
    of 2024 said so. Its title, headline counts, legend and table say whose report it is; a year
    a report covers and a plan sheet (its colours are the plans') say nothing of the kind."""
    reported = _reported_year(client)
    year = reported + 2
    n = len(items(client, township=TOWNSHIP, year=year))
    words = {"year": year, "reported": reported, "n": n}
    path = tmp_path / "after.pdf"
    path.write_bytes(get_print(client, township=TOWNSHIP, year=year, lang=lang))
    sheet, table = (squeezed(p) for p in pdf_text(path)[:2])
    for wanted in (as_of, counts, legend):
        assert squeezed(wanted.format(**words)) in sheet, wanted
    for wanted in (as_of, counts, column):
        assert squeezed(wanted.format(**words)) in table, wanted

    claim = squeezed(column.format(**words))[-8:]  # 据2022年报告） / for2022)
    path.write_bytes(get_print(client, township=TOWNSHIP, year=reported, lang=lang))
    assert claim not in squeezed("".join(pdf_text(path)))
    path.write_bytes(get_print(client, township=TOWNSHIP, year=year, lang=lang, mode="plan"))
    sheet, table = (squeezed(p) for p in pdf_text(path)[:2])
    assert claim not in sheet
    assert squeezed(column.format(**words)) in table  # the actual status, beside the planned


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("mode", ["actual", "plan"])
def test_status_words_are_the_vocabularys(loaded_db: str, lang: str, mode: str) -> None:
    """Web and print disagreed (在建 vs 开工/在建, 未报告 vs 尚无报告): the headline, the legend,
    the project table and the atlas cover name statuses as app/vocab.py does; in plan mode a
    project with no target due is 「截至当年无到期目标」."""
    plan = mode == "plan"
    request = print_request(lang=lang, mode=mode, year=2026 if plan else None)
    data = _fetched(loaded_db, request)
    ctx = _context(request, data)
    names = dict(vocab.STATUS_LABELS[lang])
    if plan:
        names[None] = vocab.PLAN_NONE_LABELS[lang]
    counts = Counter(p.shown_status(plan) for p in data.projects)
    assert counts[None] > 0

    headline = summary(ctx, data.projects)
    assert all(ctx.t("summary_part", label=names[s], n=counts[s]) in headline for s in names)
    drawn = draw_projects(Figure().add_subplot(), data.projects, ctx)
    legend = [r.label for r in status_rows(ctx, data.projects, drawn)[1:]]
    shown = [ctx.t("count", label=names[s], n=counts[s]) for s in STATUS_ORDER if counts[s]]
    assert legend[: len(shown)] == shown  # then behind plan, if any
    table = project_table(ctx, data.projects, {})
    assert {r.cells[4].text for r in table.rows} <= set(vocab.STATUS_LABELS[lang].values())
    if plan:
        assert {r.cells[5].text for r in table.rows} <= set(names.values())
    cover = summary_table(ctx, {t.code: 2 for t in data.townships}, cover_boxes(ctx.page)[1].w)
    assert [c.header for c in cover.columns[2:7]] == [names[s] for s in STATUS_ORDER]


# Issue 13: what changed between two years, the same as a print ---------------------------------


def api_moves(
    client: TestClient, since: int, year: int, **filters: Any
) -> dict[str, tuple[str | None, str | None, str]]:
    """Every project the items API gives for the filters whose status differs between the two
    years: id → (status then, status now, move), moves as the web page's "what changed" names
    them (nothing reported ranks below planned)."""

    def statuses(y: int) -> dict[str, str | None]:
        response = client.get(
            "/collections/projects/items", params={"limit": 10000, "year": y, **filters}
        )
        assert response.status_code == 200, response.text
        return {f["id"]: f["properties"]["status"] for f in response.json()["features"]}

    before, after = statuses(since), statuses(year)
    assert before.keys() == after.keys()  # these filters do not depend on the year
    rank = {s: i for i, s in enumerate((None, *vocab.STATUSES))}
    moves = {}
    for pid, now in after.items():
        then = before[pid]
        if then == now:
            continue
        if then is None:
            move = "new"
        elif now is None:
            move = "dropped"
        else:
            move = "advanced" if rank[now] > rank[then] else "back"
        moves[pid] = (then, now, move)
    return moves


@pytest.mark.parametrize(
    "filters",
    [
        {"township": TOWNSHIP},
        {},
        {"category": "road,rail,hub"},
        {"programme": "dead-end-roads"},
    ],
)
def test_since_selects_exactly_the_projects_whose_status_moved(
    client: TestClient, loaded_db: str, filters: dict[str, Any]
) -> None:
    """The comparison holds exactly the projects of the filters whose status in the API differs
    between the two years, with both statuses and the move; the status filter does not apply
    (as in the page's pane), so asking for one changes nothing."""
    reported = _reported_year(client)
    since = reported - 1
    expected = api_moves(client, since, reported, **filters)
    assert expected or filters, "the district has projects whose status moved"
    for statuses in (None, ["in_service"]):
        asked = print_request(
            year=reported,
            since=since,
            township=[filters["township"]] if "township" in filters else [],
            category=[filters["category"]] if "category" in filters else [],
            programme=[filters["programme"]] if "programme" in filters else [],
            status=statuses or [],
        )
        data = _fetched(loaded_db, asked)
        printed = {p.id: (p.status_since, p.status, p.move) for p in data.projects}
        assert printed == expected


def test_since_sheet_shows_the_moves(client: TestClient, loaded_db: str, tmp_path: Path) -> None:
    """宋庄镇 from the year before the last report to the last: the title says 「…年至…年状态
    变化」, the headline and the legend count each move, the map draws each move in its colour,
    and the table (status then, status now, move) names exactly the projects that moved."""
    reported = _reported_year(client)
    since = reported - 1
    expected = api_moves(client, since, reported, township=TOWNSHIP)
    assert expected, f"{TOWNSHIP} should have projects whose status moved"
    feed = client.get("/collections/projects/items", params={"limit": 10000, "township": TOWNSHIP})
    everything = {f["id"]: f["properties"]["name"] for f in feed.json()["features"]}
    moved = {everything[pid] for pid in expected}
    counts = Counter(move for _, _, move in expected.values())

    response = client.get("/print", params={"township": TOWNSHIP, "year": reported, "since": since})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == PDF
    assert f"tongzhou-changes-{since}-{reported}-" in response.headers["content-disposition"]
    path = tmp_path / "changes.pdf"
    path.write_bytes(response.content)
    pages = [squeezed(p) for p in pdf_text(path)]
    sheet, table = pages[0], "".join(pages[1:])
    assert sheet.startswith(
        squeezed(f"通州区重点项目进展图 · {TOWNSHIP} · {since}年至{reported}年状态变化")
    )
    assert table.startswith(squeezed(f"项目表 · {TOWNSHIP} · {since}年至{reported}年状态变化"))
    labels = vocab.MOVE_LABELS["zh"]
    headline = "·".join(f"{labels[m]}{counts[m]}" for m in vocab.MOVES)
    assert f"共{len(expected)}项状态有变化：{headline}" in sheet
    for move in vocab.MOVES:
        legend = f"{labels[move]}（{counts[move]}）"
        assert (legend in sheet) == bool(counts[move]), move  # what is drawn, with counts
    for heading in (f"{since}年状态", f"{reported}年状态", "变化"):
        assert heading in table
    assert f"据{reported}年报告" not in sheet + table  # a report covers both years
    for name in moved:
        assert squeezed(name) in table, name
    for name in set(everything.values()) - moved:
        if not any(name in other for other in moved):
            assert squeezed(name) not in table, name

    image = _map_pixels(path, tmp_path)
    asked = print_request(township=[TOWNSHIP], year=reported, since=since)
    kinds: dict[str, set[str]] = {}
    for p in _fetched(loaded_db, asked).projects:
        if p.geometry is not None and p.move is not None:
            kinds.setdefault(p.move, set()).add(kind_of(p.geometry))
    assert kinds
    for move, drawn in kinds.items():  # pure on lines and points, over the township on areas
        alpha = AREA_FILL_ALPHA if drawn == {"area"} else 1.0
        assert _has_colour(image, _over_township(vocab.MOVE_COLOURS[move], alpha)), move


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_since_a_year_no_report_covers_says_whose_report(
    client: TestClient, tmp_path: Path, lang: str
) -> None:
    """Comparing with a year after the last report: the title, the headline and the table's
    column of that year say whose report its statuses are."""
    reported = _reported_year(client)
    year = reported + 2
    n = len(api_moves(client, reported - 1, year, township=TOWNSHIP))
    path = tmp_path / "later.pdf"
    path.write_bytes(get_print(client, township=TOWNSHIP, year=year, since=reported - 1, lang=lang))
    sheet, table = (squeezed(p) for p in pdf_text(path)[:2])
    words = {"since": reported - 1, "year": year, "reported": reported, "n": n}
    wanted = {
        "zh": (
            "{since}年至{year}年状态变化（据{reported}年报告）",
            "共{n}项状态有变化（据{reported}年报告）",
            "{year}年状态（据{reported}年报告）",
        ),
        "en": (
            "Status changes from end {since} to end {year} (as reported for {reported})",
            "{n} projects changed status as reported for {reported}",
            "Status {year} (as reported for {reported})",
        ),
    }[lang]
    title, headline, column = (squeezed(w.format(**words)) for w in wanted)
    assert title in sheet and headline in sheet
    assert title in table and column in table


def test_cli_prints_a_comparison_since(tzmap_cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "changes.pdf"
    args = ["print", "--township", TOWNSHIP, "--year", "2022", "--since", "2021"]
    result = tzmap_cli(*args, "-o", out)
    assert result.exit_code == 0, result.output
    assert squeezed("2021年至2022年状态变化") in squeezed(pdf_text(out)[0])
    bad = tzmap_cli(*args[:-1], "2022", "-o", tmp_path / "x.pdf")
    assert bad.exit_code == 1 and "must be earlier than year 2022" in bad.output
    assert not (tmp_path / "x.pdf").exists()
