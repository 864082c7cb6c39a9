"""What the CLI prints and what POST /extract answers a signed-in viewer, on the seed report
(nothing written)."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from app.cli import main
from app.settings import get_settings
from tests.conftest import SEEDS_DIR

REPORT = SEEDS_DIR / "001_84618987ce385c34.txt"
REQUIRED = {
    "project_id": (str, type(None)),
    "project_name": (str, type(None)),
    "kind": str,
    "status": (str, type(None)),
    "year": int,
    "milestone": (str, type(None)),
    "evidence_start": int,
    "evidence_end": int,
    "confidence": (float, int),
}


def invoke(loaded_db: str, *args: str) -> str:
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["extract", *args], env={"DATABASE_URL": loaded_db})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return result.stdout


def check_shape(proposals: list[dict[str, object]], text: str) -> None:
    assert proposals
    for p in proposals:
        for key, kind in REQUIRED.items():
            assert isinstance(p[key], kind), (key, p)
        assert p["kind"] in ("event", "target")
        assert p["state"] in ("new", "repeat", "recorded")
        assert text[p["evidence_start"] : p["evidence_end"]] == p["evidence"]  # type: ignore[misc]
    statuses = {p["status"] for p in proposals if p["entity"] == "project"}
    assert statuses <= {"planned", "under_construction", "completed", "in_service"}


def test_cli_json_is_a_list_of_proposals(loaded_db: str) -> None:
    proposals = json.loads(invoke(loaded_db, str(REPORT), "--json"))
    check_shape(proposals, REPORT.read_text(encoding="utf-8"))
    e6r = [p for p in proposals if p["project_id"] == "east-6th-ring-road-undergrounding"]
    assert e6r[0]["kind"] == "event" and e6r[0]["year"] == 2022
    assert e6r[0]["milestone"] == "西线隧道首段贯通"
    assert e6r[0]["state"] == "recorded"  # the catalogue holds it already
    assert {p["entity"] for p in proposals} >= {"project", "programme", "indicator", "candidate"}


def test_cli_csv_and_table(loaded_db: str) -> None:
    rows = list(csv.DictReader(io.StringIO(invoke(loaded_db, str(REPORT), "--csv"))))
    assert rows and rows[0].keys() >= {"project_id", "status", "year", "evidence_start"}
    table = invoke(loaded_db, str(REPORT))
    assert "Reviews 2022, plans 2023." in table


def test_cli_asks_for_the_year_when_the_text_does_not_say(loaded_db: str, tmp_path) -> None:
    report = tmp_path / "note.txt"
    report.write_text("M101线加快建设。", encoding="utf-8")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["extract", str(report)], env={"DATABASE_URL": loaded_db})
        given = CliRunner().invoke(
            main,
            ["extract", str(report), "--report-year", "2024", "--json"],
            env={"DATABASE_URL": loaded_db},
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0 and "--report-year" in result.output
    assert given.exit_code == 0
    m101 = [p for p in json.loads(given.stdout) if p["project_id"] == "m101-line"]
    assert (m101[0]["kind"], m101[0]["year"]) == ("target", 2025)


def test_post_extract(client, reader_headers: dict[str, str]) -> None:
    raw = REPORT.read_bytes()
    files = {"file": ("001.txt", raw, "text/plain")}
    response = client.post("/extract", files=files, headers=reader_headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["document"]["id"] == "tongzhou-2023-report"
    assert (body["report_year"], body["plan_year"]) == (2022, 2023)
    check_shape(body["proposals"], raw.decode("utf-8"))


def test_post_extract_with_a_year(client, reader_headers: dict[str, str]) -> None:
    files = {"file": ("note.txt", "M101线建成通车。".encode(), "text/plain")}
    data = {"report_year": "2025"}
    response = client.post("/extract", files=files, data=data, headers=reader_headers)
    assert response.status_code == 200, response.text
    m101 = [p for p in response.json()["proposals"] if p["project_id"] == "m101-line"]
    assert (m101[0]["status"], m101[0]["year"]) == ("in_service", 2026)


@pytest.mark.parametrize(
    ("raw", "message"),
    [(b"", "empty"), (b"\xff\xfe\xfa", "UTF-8"), ("M101线加快建设。".encode(), "--report-year")],
)
def test_post_extract_errors(
    client, reader_headers: dict[str, str], raw: bytes, message: str
) -> None:
    files = {"file": ("x.txt", raw, "text/plain")}
    response = client.post("/extract", files=files, headers=reader_headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert message in response.json()["detail"]


def test_post_extract_needs_a_file(client, reader_headers: dict[str, str]) -> None:
    response = client.post("/extract", headers=reader_headers)
    assert response.status_code == 400
