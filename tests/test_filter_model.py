"""A filter declared once (app.filters) works in the feeds, the tiles, the print, the standalone
export, the CLI and the OpenAPI document: geometry_quality, added in three files."""

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mapbox_vector_tile
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from app import vocab
from app.db import make_engine
from app.filters import Filters, ItemsParameters
from app.layers import LAYERS, select_features
from app.printing.data import fetch
from app.printing.request import print_request

QUALITY = "schematic"


def items(client: TestClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/collections/projects/items", params={"limit": "10000", **params})
    assert response.status_code == 200, response.text
    features: list[dict[str, Any]] = response.json()["features"]
    return features


@pytest.fixture(scope="module")
def conn(loaded_db: str) -> Iterator[Connection]:
    engine = make_engine(loaded_db)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def test_feeds_select_by_the_new_filter(client: TestClient) -> None:
    qualities = Counter(f["properties"]["geometry_quality"] for f in items(client))
    assert qualities[QUALITY] and len(qualities) > 1, qualities
    chosen = items(client, geometry_quality=QUALITY)
    assert len(chosen) == qualities[QUALITY]
    assert {f["properties"]["geometry_quality"] for f in chosen} == {QUALITY}


def test_tiles_select_by_the_new_filter(client: TestClient) -> None:
    path = "/collections/projects/tiles/WebMercatorQuad/9/421/193"  # the district, at z9
    every = mapbox_vector_tile.decode(client.get(path).content)["projects"]["features"]
    response = client.get(path, params={"geometry_quality": QUALITY})
    chosen = mapbox_vector_tile.decode(response.content)["projects"]["features"]
    assert 0 < len(chosen) < len(every)
    assert {f["properties"]["geometry_quality"] for f in chosen} == {QUALITY}


def test_print_selects_by_it_and_says_so(client: TestClient, conn: Connection) -> None:
    data = fetch(conn, print_request(geometry_quality=QUALITY))
    expected = {f["id"] for f in items(client, geometry_quality=QUALITY)}
    assert {p.id for p in data.projects} == expected
    response = client.get("/print", params={"geometry_quality": QUALITY, "format": "pdf"})
    assert response.status_code == 200, response.text
    refused = client.get("/print", params={"geometry_quality": "guessed"})
    assert refused.status_code == 400 and "geometry_quality" in refused.json()["detail"]


def test_export_embeds_only_what_it_selects(client: TestClient) -> None:
    response = client.get("/export.html", params={"geometry_quality": QUALITY})
    assert response.status_code == 200
    data = json.loads(re.search(r"window\.TZMAP_DATA = (\{.*?\});\n", response.text)[1])  # type: ignore[index]
    qualities = {f["properties"]["geometry_quality"] for f in data["projects:2022"]["features"]}
    assert qualities == {QUALITY}
    assert f"geometry_quality={QUALITY}" in data["view"]


def test_the_cli_offers_it(loaded_db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from app.cli import main
    from app.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", loaded_db)
    get_settings.cache_clear()

    def invoke(*args: Any) -> Any:
        return CliRunner().invoke(main, [str(a) for a in args])

    try:
        for command in ("print", "export-html"):
            assert "--geometry-quality" in invoke(command, "--help").output
        out = tmp_path / "schematic.html"
        result = invoke("export-html", "--geometry-quality", QUALITY, "-o", out)
        assert result.exit_code == 0, result.output
        bad = invoke("export-html", "--geometry-quality", "guessed", "-o", tmp_path / "x.html")
        assert bad.exit_code == 1 and "geometry_quality 'guessed' is unknown" in bad.output
    finally:
        get_settings.cache_clear()


def test_openapi_and_layers(client: TestClient, conn: Connection) -> None:
    parameters = client.get("/openapi.json").json()["paths"]["/collections/{collectionId}/items"]
    described = {p["name"]: p for p in parameters["get"]["parameters"]}
    assert described["geometry_quality"]["schema"]["enum"] == list(vocab.GEOMETRY_QUALITIES)
    refused = client.get("/collections/townships/items", params={"geometry_quality": QUALITY})
    assert refused.status_code == 400
    assert "does not apply to the townships collection" in refused.json()["detail"]
    selection = select_features(conn, LAYERS["projects"], ItemsParameters(geometry_quality=QUALITY))
    assert len(selection.where) == 1


def test_unknown_parameters_are_refused_by_name() -> None:
    with pytest.raises(Exception, match="unknown query parameter\\(s\\): colour"):
        Filters.model_validate({"colour": "red"})
