"""Printed sheets: what poppler reads back from the PDFs (text, fonts, pages, pixels), the atlas,
the table against the items API, and the parameter errors."""

import io
import math
import re
import subprocess
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from matplotlib.colors import to_rgb
from PIL import Image
from pyproj import Geod, Transformer

from app.db import make_engine
from app.printing import CjkFontMissing, Marking, fetch, print_request, render
from app.printing.fonts import find_cjk_font
from app.printing.furniture import true_north_angle
from app.printing.labels import status_label
from app.printing.layout import page_for, sheet_layout
from app.printing.mapview import fit_frame, kind_of
from app.printing.style import (
    AREA_FILL_ALPHA,
    BEHIND_PLAN,
    STATUS_STYLES,
    TOWNSHIP_FILL,
    marker_halo_style,
)
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
        townships=[filters["township"]] if "township" in filters else None,
        statuses=[filters["status"]] if "status" in filters else None,
        categories=filters.get("category"),
        programmes=[filters["programme"]] if "programme" in filters else None,
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
            projects = fetch(conn, print_request(townships=[TOWNSHIP])).projects
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
    asked = print_request(townships=["张家湾镇"])
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

    monkeypatch.setattr("app.printing.cjk_font", missing)
    response = client.get("/print", params={"township": TOWNSHIP})
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert "fonts-noto-cjk" in response.json()["detail"]


def test_font_lookup_refuses_rather_than_tofu() -> None:
    with pytest.raises(CjkFontMissing, match="fonts-noto-cjk"):
        find_cjk_font(("No Such Font Family",))


def test_cli_prints_offline(
    loaded_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.cli import main
    from app.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", loaded_db)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        out = tmp_path / "songzhuang.png"
        result = runner.invoke(
            main, ["print", "--township", TOWNSHIP, "--dpi", "50", "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(b"\x89PNG")
        bad = runner.invoke(
            main, ["print", "--township", "不存在镇", "-o", str(tmp_path / "x.pdf")]
        )
        assert bad.exit_code == 1 and "unknown" in bad.output
        assert not (tmp_path / "x.pdf").exists()
    finally:
        get_settings.cache_clear()


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
    from app.printing import cjk_font

    lines = wrap(
        cjk_font(), "项目位置依据公开文件示意标绘，非测绘成果，不作为权属和界线依据。", 30, 8
    )
    assert len(lines) > 1
    assert not any(line.startswith(("，", "。")) for line in lines)
