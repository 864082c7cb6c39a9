"""`tzmap import-boundaries`: an official file in another CRS replaces the township polygons and
reassigns projects; a bad file changes nothing."""

import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from app.cli import main
from app.geodata.boundaries import BoundaryError, import_boundaries
from app.geodata.load import load_catalogue
from app.settings import REPO_ROOT, get_settings
from tests.conftest import SEEDS_DIR, fingerprint, query
from tests.test_loader import M101, write_projects

GEODATA = REPO_ROOT / "geodata"


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    root = tmp_path / "geodata"
    shutil.copytree(GEODATA, root)
    write_projects(root, [M101])
    load_catalogue(engine, root, SEEDS_DIR)
    return engine


def touched(engine: Engine) -> set[str]:
    rows = query(
        engine,
        "SELECT t.name FROM project_township pt JOIN township t ON t.code = pt.township_code"
        " WHERE pt.project_id = 'm101-line'",
    )
    return {name for (name,) in rows}


def official_file(tmp_path: Path, swap: tuple[str, str], driver: str = "GPKG") -> Path:
    """The shipped polygons in EPSG:4548 with two townships' names (and codes) swapped."""
    frame = gpd.read_file(GEODATA / "townships.geojson")
    a, b = (frame.index[frame["name"] == name][0] for name in swap)
    for column in ("name", "code"):
        frame.loc[[a, b], column] = frame.loc[[b, a], column].to_numpy()
    frame = frame[["name", "code", "geometry"]].rename(columns={"name": "XZQMC", "code": "XZQDM"})
    frame["XZQDM"] = frame["XZQDM"].str[:9]  # the 9-digit form official files often use
    path = tmp_path / ("official.gpkg" if driver == "GPKG" else "official.shp")
    frame.to_crs(4548).to_file(path, driver=driver, engine="pyogrio")
    return path


@pytest.mark.parametrize("driver", ["GPKG", "ESRI Shapefile"])
def test_import_reassigns_projects(loaded: Engine, tmp_path: Path, driver: str) -> None:
    before = touched(loaded)
    inside = sorted(before)[0]
    outside = next(
        name
        for (name,) in query(loaded, "SELECT name FROM township ORDER BY code")
        if name not in before
    )
    report = import_boundaries(loaded, official_file(tmp_path, (inside, outside), driver))
    assert len(report.replaced) == 22 and report.not_in_file == []
    assert touched(loaded) == (before - {inside}) | {outside}
    qualities = query(loaded, "SELECT DISTINCT boundary_quality FROM township")
    assert qualities == [("official",)]
    # the reprojection round trip (4326 -> 4548 -> 4326) keeps the areas
    area = query(
        loaded,
        f"SELECT ST_Area(geom::geography) FROM township WHERE name = '{outside}'",
    )[0][0]
    shipped = gpd.read_file(GEODATA / "townships.geojson").to_crs(4548)
    original = shipped.loc[shipped["name"] == inside].geometry.area.iloc[0]
    assert area == pytest.approx(original, rel=2e-3)


def test_reload_keeps_official_boundaries(loaded: Engine, tmp_path: Path) -> None:
    import_boundaries(loaded, official_file(tmp_path, ("中仓街道", "宋庄镇")))
    after_import = fingerprint(loaded)
    report = load_catalogue(loaded, tmp_path / "geodata", SEEDS_DIR)
    assert ("township", "update") not in report.changes
    assert query(loaded, "SELECT DISTINCT boundary_quality FROM township") == [("official",)]
    assert fingerprint(loaded)["township"] == after_import["township"]


def test_unknown_township_changes_nothing(loaded: Engine, tmp_path: Path) -> None:
    frame = gpd.read_file(GEODATA / "townships.geojson")[["name", "geometry"]]
    frame.loc[0, "name"] = "火星镇"
    path = tmp_path / "bad.geojson"
    frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    before = fingerprint(loaded)
    with pytest.raises(BoundaryError, match=r"火星镇.*matches no township"):
        import_boundaries(loaded, path)
    assert fingerprint(loaded) == before


def test_file_without_crs_is_refused(loaded: Engine, tmp_path: Path) -> None:
    path = official_file(tmp_path, ("中仓街道", "宋庄镇"), driver="ESRI Shapefile")
    path.with_suffix(".prj").unlink()
    with pytest.raises(BoundaryError, match="no coordinate reference system"):
        import_boundaries(loaded, path)


def test_cli(loaded: Engine, tmp_path: Path) -> None:
    url = loaded.url.set(drivername="postgresql").render_as_string(hide_password=False)
    path = official_file(tmp_path, ("中仓街道", "宋庄镇"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            main,
            ["import-boundaries", str(path), "--name-field", "XZQMC"],
            env={"DATABASE_URL": url},
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Replaced 22 township boundaries" in result.output
