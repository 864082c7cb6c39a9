"""The OGC API – Features contract: landing, conformance, collections, items, item, queryables."""

from typing import Any, Literal

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict

from app import readmodel, vocab

GEOJSON = "application/geo+json"


class Link(BaseModel):
    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class ProjectProperties(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    aliases: list[str]
    category: str
    status: Literal["planned", "under_construction", "completed", "in_service"] | None
    status_year: int | None
    milestone: str | None
    planned_status: str | None
    planned_year: int | None
    target_status: str | None
    target_year: int | None
    behind_plan: bool
    townships: list[str]
    township_codes: list[str]
    geometry_quality: Literal["surveyed", "approximate", "schematic", "unplaced"]
    placement: str | None
    placement_zh: str | None
    cross_border: bool
    length_km: float | None
    area_ha: float | None
    programmes: list[str]
    description: str
    description_zh: str
    evidence: list[dict[str, Any]]


class Feature(BaseModel):
    type: Literal["Feature"]
    id: str
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"]
    numberMatched: int
    numberReturned: int
    links: list[Link]
    features: list[Feature]


def rels(links: list[dict[str, Any]]) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in links}


def items(client: TestClient, collection: str = "projects", **params: Any) -> dict[str, Any]:
    response = client.get(f"/collections/{collection}/items", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == GEOJSON
    body = response.json()
    FeatureCollection.model_validate(body)
    return body


def test_landing_page(client: TestClient) -> None:
    body = client.get("/").json()
    assert {"self", "service-desc", "conformance", "data"} <= set(rels(body["links"]))


def test_conformance(client: TestClient) -> None:
    classes = client.get("/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in classes


def test_collections(client: TestClient) -> None:
    body = client.get("/collections").json()
    ids = [c["id"] for c in body["collections"]]
    assert ids == ["projects", "townships", "programmes", "indicators", "changes"]
    projects = body["collections"][0]
    minx, miny, maxx, maxy = projects["extent"]["spatial"]["bbox"][0]
    assert 116.3 < minx < maxx < 117.0 and 39.5 < miny < maxy < 40.1
    assert "http://www.opengis.net/def/crs/EPSG/0/4548" in projects["crs"]
    assert rels(projects["links"])["items"].endswith("/collections/projects/items")


def test_unknown_collection_is_404_problem(client: TestClient) -> None:
    response = client.get("/collections/nope/items")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "projects" in response.json()["detail"]


def test_project_items_have_every_property(client: TestClient, catalogue_size: int) -> None:
    body = items(client, limit=1000)
    assert body["numberMatched"] == catalogue_size == body["numberReturned"]
    for feature in body["features"]:
        ProjectProperties.model_validate(feature["properties"])
    ids = [f["id"] for f in body["features"]]
    assert ids == sorted(ids), "stable ordering by id"


def test_paging_walks_every_feature_once(client: TestClient, catalogue_size: int) -> None:
    seen: list[str] = []
    url: str | None = "/collections/projects/items?limit=17"
    while url:
        body = client.get(url).json()
        seen += [f["id"] for f in body["features"]]
        url = rels(body["links"]).get("next")
    assert len(seen) == catalogue_size == len(set(seen))


def test_year_changes_status(client: TestClient) -> None:
    def statuses(year: int) -> dict[str, str | None]:
        features = items(client, year=year, limit=1000)["features"]
        return {f["id"]: f["properties"]["status"] for f in features}

    before, after = statuses(2021), statuses(2022)
    assert all(status is None for status in before.values())
    assert any(status is not None for status in after.values())


def test_township_filter_by_name_and_code(client: TestClient) -> None:
    by_name = items(client, township="宋庄镇", limit=1000)
    by_code = items(client, township="110112104000", limit=1000)
    assert by_name["numberMatched"] == by_code["numberMatched"] > 0
    for feature in by_name["features"]:
        assert "宋庄镇" in feature["properties"]["townships"]


def test_unknown_township_names_the_valid_ones(client: TestClient) -> None:
    response = client.get("/collections/projects/items", params={"township": "火星镇"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "宋庄镇" in response.json()["detail"]


def test_status_category_and_search(client: TestClient) -> None:
    rail = items(client, category="rail", limit=1000)
    assert rail["numberMatched"] > 0
    assert {f["properties"]["category"] for f in rail["features"]} == {"rail"}
    done = items(client, status="completed,in_service", limit=1000)
    assert {f["properties"]["status"] for f in done["features"]} <= {"completed", "in_service"}
    found = items(client, q="东六环")
    assert any("东六环" in f["properties"]["name"] for f in found["features"])


@pytest.mark.parametrize("mode", ["actual", "plan"])
def test_status_filters_the_status_of_the_mode(client: TestClient, mode: str) -> None:
    """In plan mode `status` selects by the status the plans promise by the year."""
    field = "planned_status" if mode == "plan" else "status"
    everything = items(client, year=2026, limit=1000)["features"]
    expected = sorted(f["id"] for f in everything if f["properties"][field] == "completed")
    none = sorted(f["id"] for f in everything if f["properties"][field] is None)
    chosen = items(client, year=2026, mode=mode, status="completed", limit=1000)
    assert sorted(f["id"] for f in chosen["features"]) == expected != []
    unset = items(client, year=2026, mode=mode, status="not_reported", limit=1000)
    assert sorted(f["id"] for f in unset["features"]) == none
    bad = client.get("/collections/projects/items", params={"mode": "wished"})
    assert bad.status_code == 400 and "actual or plan" in bad.json()["detail"]


def test_bbox(client: TestClient) -> None:
    box = "116.70,39.88,116.74,39.92"
    inside = items(client, bbox=box, limit=1000)
    assert 0 < inside["numberMatched"] < items(client, limit=1)["numberMatched"]
    lat_lon = {"bbox": "39.88,116.70,39.92,116.74", "bbox-crs": "EPSG:4326", "limit": 1000}
    flipped = items(client, **lat_lon)
    assert flipped["numberMatched"] == inside["numberMatched"]


@pytest.mark.parametrize(
    ("crs", "first_coordinate_range"),
    [
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", (116, 117)),
        ("http://www.opengis.net/def/crs/EPSG/0/4326", (39, 41)),
        ("http://www.opengis.net/def/crs/EPSG/0/3857", (1.29e7, 1.31e7)),
        ("http://www.opengis.net/def/crs/EPSG/0/4548", (4.5e5, 5.5e5)),
    ],
)
def test_output_crs(
    client: TestClient, crs: str, first_coordinate_range: tuple[float, float]
) -> None:
    response = client.get("/collections/projects/items/m101-line", params={"crs": crs})
    assert response.status_code == 200, response.text
    assert response.headers["content-crs"] == f"<{crs}>"
    x = response.json()["geometry"]["coordinates"][0][0]
    low, high = first_coordinate_range
    assert low < x < high


def test_single_feature_and_404(client: TestClient) -> None:
    response = client.get("/collections/projects/items/m101-line")
    assert response.status_code == 200
    feature = response.json()
    assert feature["properties"]["name"] == "M101线"
    assert rels(feature["links"])["collection"].endswith("/collections/projects")
    missing = client.get("/collections/projects/items/no-such-project")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_township_counts_match_the_projects(client: TestClient) -> None:
    towns = items(client, "townships", year=2022)
    assert towns["numberMatched"] == 22
    for town in towns["features"][:5]:
        code = town["properties"]["code"]
        projects = items(client, township=code, year=2022, limit=1000)["features"]
        assert town["properties"]["count_total"] == len(projects)
        for status in vocab.STATUSES:
            expected = sum(1 for f in projects if f["properties"]["status"] == status)
            assert town["properties"][f"count_{status}"] == expected


def test_programmes_and_indicators(client: TestClient) -> None:
    programmes = items(client, "programmes", limit=1000)
    dead_ends = next(f for f in programmes["features"] if f["id"] == "dead-end-roads")
    assert dead_ends["properties"]["target_count"] == 17
    indicators = items(client, "indicators", limit=1000)
    assert all(f["geometry"] is None for f in indicators["features"])


def test_queryables(client: TestClient) -> None:
    response = client.get("/collections/projects/queryables")
    assert response.headers["content-type"] == "application/schema+json"
    properties = response.json()["properties"]
    assert properties["status"]["enum"] == list(vocab.STATUSES)
    assert properties["geometry"]["format"] == "geometry-any"


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "100001"},
        {"offset": "-1"},
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"year": "1999"},
        {"datetime": "yesterday"},
        {"datetime": "2023-02-30"},
        {"status": "finished"},
        {"category": "spaceport"},
        {"crs": "EPSG:9999"},
        {"sortby": "geometry"},
        {"properties": "colour"},
        {"f": "docx"},
        {"colour": "red"},
        {"year": "2022", "datetime": "2022"},
    ],
)
def test_bad_parameters_are_400_problems(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/collections/projects/items", params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"]


def test_etag_and_304(client: TestClient) -> None:
    first = client.get("/collections/projects/items", params={"limit": 5})
    etag = first.headers["etag"]
    again = client.get(
        "/collections/projects/items", params={"limit": 5}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    assert again.headers["etag"] == etag


def test_gzip(client: TestClient) -> None:
    response = client.get(
        "/collections/projects/items", params={"limit": 1000}, headers={"Accept-Encoding": "gzip"}
    )
    assert response.headers.get("content-encoding") == "gzip"


def test_cql2_filters_over_http(client: TestClient) -> None:
    text = items(client, filter="category = 'rail' AND status_year >= 2022", limit=1000)
    as_json = items(
        client,
        filter='{"op": "and", "args": [{"op": "=", "args": [{"property": "category"}, "rail"]},'
        ' {"op": ">=", "args": [{"property": "status_year"}, 2022]}]}',
        **{"filter-lang": "cql2-json", "limit": 1000},
    )
    assert text["numberMatched"] == as_json["numberMatched"] > 0
    for feature in text["features"]:
        assert feature["properties"]["category"] == "rail"
    in_songzhuang = items(client, filter="townships = '宋庄镇'", limit=1000)
    assert in_songzhuang["numberMatched"] == items(client, township="宋庄镇")["numberMatched"]
    near_hub = items(
        client, filter="S_INTERSECTS(geometry, BBOX(116.70, 39.89, 116.72, 39.91))", limit=1000
    )
    assert (
        near_hub["numberMatched"]
        == items(client, bbox="116.70,39.89,116.72,39.91")["numberMatched"]
    )


@pytest.mark.parametrize(
    "bad_filter",
    [
        "category = ",
        "colour = 'red'",
        "status_year LIKE '20%'",
        "name = 'x'; DROP TABLE project; --",
        "T_AFTER(updated, TIMESTAMP('2020-01-01T00:00:00Z'))",
    ],
)
def test_bad_filters_are_400(client: TestClient, bad_filter: str, catalogue_size: int) -> None:
    response = client.get("/collections/projects/items", params={"filter": bad_filter})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert items(client, limit=1)["numberMatched"] == catalogue_size


def test_an_edit_changes_the_etag_at_once(engine: Any, tmp_path: Any) -> None:
    from app.geodata.load import load_catalogue
    from app.main import create_app
    from app.settings import REPO_ROOT, Settings
    from tests.conftest import SEEDS_DIR

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    load_catalogue(engine, REPO_ROOT / "geodata", SEEDS_DIR)
    with TestClient(create_app(Settings(), url)) as own:
        etag = own.get("/collections/projects/items/m101-line").headers["etag"]
        # A write through this server's engine, as its edits are: the fact, then the refresh.
        # (Another process's write arrives by notification: tests/test_readmodel.py.)
        with own.app.state.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO target (project_id, year, status, evidence_id, origin)"
                " SELECT 'm101-line', 2030, 'in_service', min(id), 'edit' FROM evidence"
            )
            readmodel.refresh(conn, ["m101-line"])
        response = own.get("/collections/projects/items/m101-line", headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert response.headers["etag"] != etag


def test_behind_plan_when_a_due_target_was_missed(engine: Any) -> None:
    """A target due by the latest reported year that the status has not reached."""
    from app.geodata.load import load_catalogue
    from app.main import create_app
    from app.settings import REPO_ROOT, Settings
    from tests.conftest import SEEDS_DIR

    load_catalogue(engine, REPO_ROOT / "geodata", SEEDS_DIR)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO target (project_id, year, status, evidence_id, origin)"
            " SELECT 'east-6th-ring-road-undergrounding', 2022, 'in_service', min(id), 'edit'"
            " FROM evidence"
        )
        readmodel.refresh(conn, ["east-6th-ring-road-undergrounding"])
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with TestClient(create_app(Settings(), url)) as own:
        late = own.get("/collections/projects/items", params={"behind_plan": "true"}).json()
        assert [f["id"] for f in late["features"]] == ["east-6th-ring-road-undergrounding"]
        on_time = own.get("/collections/projects/items", params={"year": 2021}).json()
        assert not any(f["properties"]["behind_plan"] for f in on_time["features"])
        towns = own.get("/collections/townships/items", params={"year": 2022}).json()
        assert sum(t["properties"]["count_behind_plan"] for t in towns["features"]) == len(
            late["features"][0]["properties"]["townships"]
        )


def test_timeline_quotes_the_sentence_and_names_its_section(client: TestClient) -> None:
    rows = client.get("/api/projects/east-6th-ring-road-undergrounding/timeline").json()
    event = next(r for r in rows if r["kind"] == "event" and r["year"] == 2022)
    assert "东六环入地改造" in event["quote"]
    assert event["section"] == "（一）全力拓展功能框架，建设进度进一步加快"
    assert event["title"].startswith("关于北京市通州区2022年")
    missing = client.get("/api/projects/no-such-project/timeline")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
