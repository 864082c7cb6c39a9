"""Vector tiles decode with mapbox-vector-tile and hold the features the items hold."""

import math

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient

MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    rad = math.radians(lat)
    y = int((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n)
    return x, y


def decode(client: TestClient, path: str, **params: str) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MVT
    return mapbox_vector_tile.decode(response.content)


def project_tile(client: TestClient, z: int, **params: str) -> dict:
    x, y = tile_of(116.705, 39.90, z)  # the railway hub, next to the M101 line
    return decode(client, f"/collections/projects/tiles/WebMercatorQuad/{z}/{x}/{y}", **params)


@pytest.mark.parametrize("z", [10, 12, 14])
def test_project_tile_holds_the_features_there(client: TestClient, z: int) -> None:
    layer = project_tile(client, z)["projects"]
    assert layer["extent"] == 4096
    names = {f["properties"]["name"] for f in layer["features"]}
    assert "M101线" in names
    m101 = next(f for f in layer["features"] if f["properties"]["name"] == "M101线")
    assert m101["geometry"]["type"] in ("LineString", "MultiLineString")
    assert "townships" in m101["properties"]


@pytest.mark.parametrize("z", [11, 12, 13])
def test_a_tile_holds_every_project_that_meets_it(client: TestClient, z: int) -> None:
    """Up to zoom 12 from generalised geometry, found by bounding box: none is lost."""
    x, y = tile_of(116.705, 39.90, z)
    west, north = (
        x / 2**z * 360 - 180,
        math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2**z)))),
    )
    east = (x + 1) / 2**z * 360 - 180
    south = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 1) / 2**z))))
    bbox = f"{west},{south},{east},{north}"
    items = client.get("/collections/projects/items", params={"bbox": bbox, "limit": 1000}).json()
    met = {f["id"] for f in items["features"]}
    tiled = {f["properties"]["id"] for f in project_tile(client, z)["projects"]["features"]}
    assert met and met <= tiled


def test_tile_applies_the_item_filters(client: TestClient) -> None:
    everything = project_tile(client, 10)["projects"]["features"]
    rail = project_tile(client, 10, category="rail")["projects"]["features"]
    assert 0 < len(rail) < len(everything)
    assert {f["properties"]["category"] for f in rail} == {"rail"}
    none = project_tile(client, 10, q="不存在的项目")
    assert none == {} or none["projects"]["features"] == []


def test_township_tile(client: TestClient) -> None:
    x, y = tile_of(116.70, 39.85, 7)
    layer = decode(client, f"/collections/townships/tiles/WebMercatorQuad/7/{x}/{y}")["townships"]
    assert len(layer["features"]) == 22
    assert all("count_total" in f["properties"] for f in layer["features"])


def test_empty_tile_far_away(client: TestClient) -> None:
    response = client.get("/collections/projects/tiles/WebMercatorQuad/12/0/0")
    assert response.status_code == 200
    assert mapbox_vector_tile.decode(response.content) == {}


def test_tilejson(client: TestClient) -> None:
    body = client.get(
        "/collections/projects/tiles/WebMercatorQuad/tilejson.json", params={"township": "宋庄镇"}
    ).json()
    assert body["tilejson"] == "3.0.0"
    assert body["tiles"][0].endswith("/{z}/{x}/{y}?township=%E5%AE%8B%E5%BA%84%E9%95%87")
    assert body["vector_layers"][0]["id"] == "projects"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/collections/projects/tiles/WebMercatorQuad/3/8/0", 404),
        ("/collections/projects/tiles/WebMercatorQuad/23/0/0", 400),
        ("/collections/indicators/tiles/WebMercatorQuad/1/0/0", 404),
        ("/collections/projects/tiles/WebMercatorQuad/1/0/0?township=火星镇", 400),
    ],
)
def test_bad_tiles_are_problems(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
