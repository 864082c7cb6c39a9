"""Township membership is estimated while the township boundaries are not official (issue 14):
the shipped polygons are labelled `schematic`, the loader and the database accept that quality and
no unknown one, and the feeds and the printed sheets say that membership is estimated exactly as
long as no official boundary file has been imported."""

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import sqlalchemy.exc
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app import vocab
from app.geodata.boundaries import import_boundaries
from app.geodata.load import load_catalogue
from app.geodata.validate import CatalogueError
from app.main import create_app
from app.printing.labels import LANGS, TEXT
from app.settings import REPO_ROOT, Settings
from tests.conftest import SEEDS_DIR, catalogue_database, fingerprint, query

GEODATA = REPO_ROOT / "geodata"
TOWNSHIP = "宋庄镇"
SCHEMATIC_NOTE = {
    lang: notes["schematic"] for lang, notes in vocab.TOWNSHIP_MEMBERSHIP_NOTES.items()
}
LINES_NOTE = {lang: TEXT[lang]["note_boundaries_schematic"] for lang in LANGS}


def _townships(root: Path) -> dict[str, Any]:
    return json.loads((root / "townships.geojson").read_text("utf-8"))


# --- the vocabulary, the loader and the schema ---------------------------------------------------


def test_least_exact_boundary_decides_whether_membership_is_estimated() -> None:
    assert vocab.least_exact_boundary(["official", "schematic", "approximate"]) == "schematic"
    assert vocab.membership_estimated(["official", "approximate"])
    assert not vocab.membership_estimated(["official", "official"])
    assert not vocab.membership_estimated([])  # no townships loaded: nothing to estimate


def test_shipped_townships_are_schematic() -> None:
    qualities = {f["properties"]["boundary_quality"] for f in _townships(GEODATA)["features"]}
    assert qualities == {"schematic"}


def test_loader_accepts_schematic(engine: Engine) -> None:
    load_catalogue(engine, GEODATA, SEEDS_DIR)
    assert query(engine, "SELECT DISTINCT boundary_quality FROM township") == [("schematic",)]


@pytest.mark.parametrize("quality", ["surveyed", "guessed", ""])
def test_loader_refuses_an_unknown_boundary_quality(
    engine: Engine, tmp_path: Path, quality: str
) -> None:
    root = tmp_path / "geodata"
    shutil.copytree(GEODATA, root)
    load_catalogue(engine, root, SEEDS_DIR)
    before = fingerprint(engine)
    data = _townships(root)
    data["features"][0]["properties"]["boundary_quality"] = quality
    name = data["features"][0]["properties"]["name"]
    (root / "townships.geojson").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(engine, root, SEEDS_DIR)
    assert any(
        "townships.geojson" in str(p) and name in str(p) and "boundary_quality" in str(p)
        for p in raised.value.problems
    ), str(raised.value)
    assert fingerprint(engine) == before


def test_database_refuses_an_unknown_boundary_quality(engine: Engine) -> None:
    load_catalogue(engine, GEODATA, SEEDS_DIR)
    refused = pytest.raises(sqlalchemy.exc.IntegrityError, match="ck_township_quality")
    with refused, engine.begin() as conn:
        conn.exec_driver_sql("UPDATE township SET boundary_quality = 'guessed'")
    with engine.begin() as conn:  # and every quality of the vocabulary is allowed
        for quality in vocab.BOUNDARY_QUALITIES:
            conn.exec_driver_sql(
                "UPDATE township SET boundary_quality = %(q)s WHERE name = %(n)s",
                {"q": quality, "n": TOWNSHIP},
            )


# --- the feeds and the sheets, before and after an official import --------------------------------


def _official_file(directory: Path) -> Path:
    """The shipped polygons as an official boundary file would come (EPSG:4548, GPKG)."""
    frame = gpd.read_file(GEODATA / "townships.geojson")[["name", "code", "geometry"]]
    path = directory / "official.gpkg"
    frame.to_crs(4548).to_file(path, driver="GPKG", engine="pyogrio")
    return path


def _pdf_text(content: bytes, directory: Path) -> str:
    path = directory / "sheet.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", text)


class Site:
    def __init__(self, engine: Engine, client: TestClient, scratch: Path) -> None:
        self.engine, self.client, self.scratch = engine, client, scratch

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def township_sheet(self, lang: str) -> str:
        response = self.client.get("/print", params={"township": TOWNSHIP, "lang": lang})
        assert response.status_code == 200, response.text
        return _pdf_text(response.content, self.scratch)


@pytest.fixture(scope="module")
def site(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    scratch = tmp_path_factory.mktemp("membership")
    with (
        catalogue_database(server_url) as (url, engine),
        TestClient(create_app(Settings(), url)) as client,
    ):
        yield Site(engine, client, scratch)


def _feeds_say(site: Site, membership: str, quality: str) -> None:
    towns = site.get("/collections/townships/items", limit=100)
    assert towns["township_membership"] == membership
    assert towns["township_boundary_quality"] == quality
    assert {f["properties"]["membership"] for f in towns["features"]} == {membership}
    assert {f["properties"]["boundary_quality"] for f in towns["features"]} == {quality}
    chosen = site.get("/collections/projects/items", township=TOWNSHIP, limit=5)
    assert chosen["numberMatched"] > 0
    assert chosen["township_membership"] == membership
    for collection_id in ("projects", "townships"):
        collection = site.get(f"/collections/{collection_id}")
        assert collection["township_membership"] == membership
        said = SCHEMATIC_NOTE["en"] in collection["description"]
        assert said == (membership == "estimated"), collection["description"]
    # A collection whose answers do not depend on townships says nothing about them.
    assert "township_membership" not in site.get("/collections/indicators/items")
    page = site.client.get(
        "/collections/projects/items", params={"township": TOWNSHIP, "f": "html"}
    )
    assert (SCHEMATIC_NOTE["zh"] in page.text) == (membership == "estimated")


def test_feeds_and_sheets_say_membership_is_estimated_until_an_official_import(
    site: Site,
) -> None:
    _feeds_say(site, "estimated", "schematic")
    for lang in ("zh", "en"):
        text = site.township_sheet(lang)
        assert re.sub(r"\s+", "", SCHEMATIC_NOTE[lang]) in text
        assert re.sub(r"\s+", "", LINES_NOTE[lang]) in text

    report = import_boundaries(site.engine, _official_file(site.scratch))
    assert len(report.replaced) == 22

    _feeds_say(site, "official", "official")
    for lang in ("zh", "en"):
        text = site.township_sheet(lang)
        assert re.sub(r"\s+", "", SCHEMATIC_NOTE[lang]) not in text
        assert re.sub(r"\s+", "", LINES_NOTE[lang]) not in text


def test_one_township_left_schematic_keeps_membership_estimated(site: Site) -> None:
    """Official boundaries but for one township left schematic (as a partial official file
    leaves the rest): every answer is estimated again."""
    import_boundaries(site.engine, _official_file(site.scratch))
    with site.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE township SET boundary_quality = 'schematic' WHERE name = %(n)s",
            {"n": TOWNSHIP},
        )
        conn.exec_driver_sql("UPDATE read_model_state SET version = version + 1")
    towns = site.get("/collections/townships/items", limit=100)
    assert towns["township_membership"] == "estimated"
    memberships = {
        f["properties"]["name"]: f["properties"]["membership"] for f in towns["features"]
    }
    assert memberships[TOWNSHIP] == "estimated"
    assert set(memberships.values()) == {"estimated", "official"}


def _townships_of(engine: Engine, project_id: str) -> set[str]:
    rows = query(
        engine,
        "SELECT t.name FROM project_township pt JOIN township t ON t.code = pt.township_code"
        f" WHERE pt.project_id = '{project_id}'",
    )
    return {name for (name,) in rows}


def test_the_places_issue_14_named_are_assigned_where_public_sources_put_them(
    site: Site,
) -> None:
    """project_township as the loader computes it (the import above keeps the same polygons):
    the 城市绿心 buildings in 张家湾镇, the 潞苑 school in 潞邑街道, the channel along the
    northern edge in 宋庄镇 only."""
    for building in ("sub-centre-theatre", "sub-centre-library", "sub-centre-museum"):
        assert _townships_of(site.engine, building) == {"张家湾镇"}
    assert _townships_of(site.engine, "luyuan-middle-school") == {"潞邑街道"}
    assert _townships_of(site.engine, "wenchao-relief-channel") == {"宋庄镇"}
