"""Schemathesis against the app's own /openapi.json, in process, on the loaded catalogue: every
GET operation (but /print, whose drawing takes seconds a case), the writes without a token and
POST /extract (reading a report) with a viewer's token, every check (`--checks all`), positive
and negative data. Zero 5xx; every 4xx is problem+json.

What the document cannot say is supplied here, for valid (positive) cases only: a report that
reads, real feature, project and document ids, townships and programmes, and the values whose
validity depends on the collection asked for (properties, sortby, CQL2 filters, which filters
apply) or on each other (bbox corners, datetime intervals, year or datetime, crs with downloads)."""

import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis import Case, GenerationMode

from app.layers import LAYERS
from app.main import create_app
from app.queries.filters import FILTER_CLAUSES
from app.routes.openapi import Problem
from app.routes.problems import PROBLEM_JSON
from app.settings import Settings
from tests.conftest import bearer

MAX_EXAMPLES = 40  # per operation and generation mode; the coverage phase adds its own
MIN_CASES = 2000
STATUSES: Counter[int] = Counter()
OPERATIONS: Counter[str] = Counter()
READ_REPORT = "POST /extract"  # the one operation fuzzed signed in (as the viewer)
READ_REPORT_STATUSES: Counter[int] = Counter()
COLLECTION_PATHS = (
    "/collections/{collectionId}/items",
    "/collections/{collectionId}/tiles/WebMercatorQuad/tilejson.json",
    "/collections/{collectionId}/tiles/WebMercatorQuad/{z}/{x}/{y}",
)
# A valid report for POST /extract: the document cannot say which bytes are one.
REPORT = "通州区2023年国民经济和社会发展计划执行情况\nM101线加快建设，京台路实现开工。\n"


def _catalogue(client: TestClient) -> dict[str, Any]:
    """Ids, townships, programmes, and per collection its properties, sort keys and filters."""
    ids = {}
    sortable: dict[str, list[str]] = {}
    filters: dict[str, list[tuple[str, str]]] = {}
    for layer in LAYERS:
        body = client.get(f"/collections/{layer}/items", params={"limit": 10000}).json()
        ids[layer] = [str(f["id"]) for f in body["features"]]
        queryables = client.get(f"/collections/{layer}/queryables").json()["properties"]
        sortable[layer] = [n for n, q in queryables.items() if q.get("type") not in (None, "array")]
        filters[layer] = []
        for name, q in queryables.items():
            if "enum" in q:
                value = q["enum"][0]
                text, args = f"{name} = '{value}'", [{"property": name}, value]
            elif q.get("type") == "integer":
                text, args = f"{name} >= 2020", [{"property": name}, 2020]
            elif q.get("type") == "boolean":
                text, args = f"{name} = true", [{"property": name}, True]
            elif q.get("type") == "string":
                text, args = f"{name} LIKE '%a%'", [{"property": name}, "%a%"]
            else:
                continue
            op = "like" if "LIKE" in text else ("=" if " = " in text else ">=")
            filters[layer].append((text, json.dumps({"op": op, "args": args})))
    townships = client.get("/collections/townships/items", params={"limit": 100}).json()
    programmes = ids["programmes"]
    documents = [d["id"] for d in client.get("/documents").json()]
    return {
        "ids": ids,
        "sortable": sortable,
        "filters": filters,
        "townships": [
            v for f in townships["features"] for v in (f["properties"]["name"], str(f["id"]))
        ],
        "programmes": programmes,
        "documents": documents,
    }


@pytest.fixture(scope="module")
def fuzz_schema(
    loaded_db: str, client: TestClient, reader_account: tuple[str, str]
) -> Iterator[Any]:
    real = _catalogue(client)
    signed_in = bearer(client, *reader_account)
    # An app of its own: schemathesis runs its lifespan (and keeps it to the end of the process).
    # Every case may read a report: no limit on the viewer's readings an hour here.
    settings = Settings(extract_readings_per_hour=1_000_000)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings, loaded_db))
    # No NUL characters in valid data: the server refuses them anywhere in a request (a 400), and
    # a JSON Schema has no word for "any string but NUL".
    schema.config.generation.update(
        max_examples=MAX_EXAMPLES, deterministic=True, allow_x00=False, database="none"
    )

    @schema.hook
    def map_case(context: Any, case: Case) -> Case:
        # Every phase's cases pass here, the coverage phase's too. The choices are drawn from a
        # generator seeded with the case itself: the same case, the same real values.
        if case.operation.label == READ_REPORT:
            case.headers.update(signed_in)
        if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
            return case
        seed = json.dumps([case.path_parameters, case.query], sort_keys=True, default=str)
        return _real(case, real, random.Random(seed))

    yield schema
    # The fuzzed sign-ins failed by the hundred from one address: forget them, or the next test
    # to sign in on this shared database would be throttled (429).
    with psycopg.connect(loaded_db) as conn:
        conn.execute("DELETE FROM sign_in_failure")


def _real(case: Case, real: dict[str, Any], rnd: random.Random) -> Case:
    """The case with the values the document cannot constrain made real (valid cases only)."""
    path = case.operation.path
    params = case.path_parameters if case.path_parameters is not None else {}
    collection = params.get("collectionId")
    if "featureId" in params:
        layer = collection or "projects"
        if layer in real["ids"] and real["ids"][layer] and rnd.random() < 0.8:
            params["featureId"] = rnd.choice(real["ids"][layer])
    if "project_id" in params and rnd.random() < 0.8:
        params["project_id"] = rnd.choice(real["ids"]["projects"])
    if "document_id" in params and real["documents"] and rnd.random() < 0.8:
        params["document_id"] = rnd.choice(real["documents"])
    # Mostly a tile of the matrix (x and y below 2^z); else one off it, a 404.
    if path == COLLECTION_PATHS[2] and rnd.random() < 0.8:
        z, x, y = (int(params[k]) for k in "zxy")  # coverage cases carry strings
        params["x"], params["y"] = x % 2**z, y % 2**z
    if path == "/collections/changes/items":
        query = dict(case.query or {})
        if "township" in query:
            query["township"] = rnd.sample(real["townships"], 2)
        if "datetime" in query:
            query["datetime"] = f"{rnd.randint(2000, 2030)}-01-01/.."
        case.query = query
    if case.operation.label == READ_REPORT and isinstance(case.body, dict):
        case.body = {**case.body, "file": REPORT}
    if path in (*COLLECTION_PATHS, "/export.html", "/collections/{collectionId}/items/{featureId}"):
        case.query = _real_query(dict(case.query or {}), collection or "projects", real, rnd)
    return case


def _real_query(
    query: dict[str, Any], layer: str, real: dict[str, Any], rnd: random.Random
) -> dict[str, Any]:
    geometry = LAYERS[layer].has_geometry
    # The filters whose queryables the layer lacks are refused with a 400 (app.queries.filters).
    queryables = {p.name for p in LAYERS[layer].queryables}
    for clause in FILTER_CLAUSES:
        if clause.tests and not queryables & set(clause.tests):
            query.pop(clause.parameter, None)
    if "township" in query:
        if layer in ("projects", "townships"):
            query["township"] = rnd.sample(real["townships"], 2)
        else:
            del query["township"]
    if "programme" in query:
        query["programme"] = [rnd.choice(real["programmes"])]
    if "properties" in query:
        names = LAYERS[layer].properties
        query["properties"] = ",".join(rnd.sample(names, rnd.randint(1, 3)))
    if "sortby" in query:
        keys = rnd.sample(real["sortable"][layer], 2)
        query["sortby"] = ",".join(("-" if rnd.random() < 0.5 else "") + k for k in keys)
    if "filter" in query:
        text, cql_json = rnd.choice(real["filters"][layer])
        query["filter"] = cql_json if query.get("filter-lang") == "cql2-json" else text
    if "bbox" in query:
        if geometry:
            x, y = (
                sorted(rnd.uniform(-90, 90) for _ in range(2)),
                sorted(rnd.uniform(-90, 90) for _ in range(2)),
            )
            query["bbox"] = f"{x[0]},{y[0]},{x[1]},{y[1]}"
        else:
            query.pop("bbox")
    if "bbox-crs" in query and ("bbox" not in query or not geometry):
        del query["bbox-crs"]
    if "datetime" in query:
        query.pop("year", None)
        start = rnd.randint(2000, 2050)
        end = rnd.randint(start, 2050)
        interval = layer == "projects" and rnd.random() < 0.5
        query["datetime"] = f"{start}/{end}" if interval else f"{start}-06-30"
    if query.get("f") not in (None, "json", "html"):
        query.pop("crs", None)  # a download is always in EPSG:4326
        if not geometry and query["f"] not in ("gpkg", "csv", "geojson"):
            query.pop("f")  # the other formats need geometries: a 400 for a table
    return query


schema = schemathesis.pytest.from_fixture("fuzz_schema").exclude(path="/print")


@schema.parametrize()
def test_openapi_document(case: Case) -> None:
    started = time.monotonic()
    response = case.call_and_validate()
    STATUSES[response.status_code] += 1
    OPERATIONS[case.operation.label] += 1
    if case.operation.label == READ_REPORT:
        READ_REPORT_STATUSES[response.status_code] += 1
    assert response.status_code < 500, response.text
    if 400 <= response.status_code < 500:
        assert response.headers["content-type"] == [PROBLEM_JSON], response.headers
        assert Problem.model_validate(response.json()).status == response.status_code
    assert time.monotonic() - started < 30


def test_cases_in_all(capsys: pytest.CaptureFixture[str]) -> None:
    """After the fuzzing above (run alone, this test has nothing to count)."""
    if not STATUSES:
        pytest.skip("the fuzz test did not run")
    with capsys.disabled():
        total = sum(STATUSES.values())
        fewest = min(OPERATIONS.values())
        print(
            f"\nschemathesis: {total} cases over {len(OPERATIONS)} operations "
            f"(at least {fewest} each), statuses {dict(sorted(STATUSES.items()))}"
        )
    assert sum(STATUSES.values()) >= MIN_CASES, STATUSES
    assert not [s for s in STATUSES if s >= 500]
    # The viewer's token was taken, and no reading was refused by the limit.
    assert READ_REPORT_STATUSES[200] > 0, READ_REPORT_STATUSES
    assert 401 not in READ_REPORT_STATUSES and 429 not in READ_REPORT_STATUSES
