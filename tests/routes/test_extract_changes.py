"""POST /extract/changes: a signed-in planner turns chosen proposals of a report into changes,
approved at once or submitted for review, all through the one write path; nothing on a problem.
POST /extract (the preview) needs a sign-in of any role, and both count towards a user's readings
an hour."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.accounts import create_user
from app.errors import TooManyRequests
from app.geodata.load import load_catalogue
from app.main import create_app
from app.routes import extract
from app.routes.extract import HOUR, MAX_BYTES, ReadingLimit
from app.settings import REPO_ROOT, Settings
from tests.conftest import SEEDS_DIR, fingerprint, query

REPORT = """通州区2023年国民经济和社会发展计划执行情况
一、2023年国民经济和社会发展计划执行情况
M101线加快建设，京台路实现开工，云杉西路实现开工。完成12个老旧小区综合整治。
二、2024年国民经济和社会发展主要目标
开工建设石小路。宋庄艺术创意小镇印象街提升改造项目启动。
""".encode()
PASSWORD = "correct horse battery"
USERS = {"planner": "planner", "admin": "admin", "viewer": "viewer"}


@dataclass
class Site:
    client: TestClient
    engine: Engine
    tokens: dict[str, str]

    def headers(self, username: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"} if username else {}

    def read(self, username: str | None, **headers: str) -> Any:
        files = {"file": ("2023.txt", REPORT)}
        return self.client.post(
            "/extract", files=files, headers={**self.headers(username), **headers}
        )

    def preview(self, username: str = "viewer") -> dict[str, Any]:
        response = self.read(username)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def changes(
        self,
        username: str | None,
        selection: Any,
        approve: bool = True,
        file: bytes | None = REPORT,
        document: str | None = None,
    ) -> Any:
        raw = selection if isinstance(selection, str) else json.dumps(selection, ensure_ascii=False)
        data = {"selection": raw, "approve": str(approve).lower()}
        if document:
            data["document"] = document
        files = {"file": ("2023.txt", file)} if file is not None else None
        return self.client.post(
            "/extract/changes", data=data, files=files, headers=self.headers(username)
        )


@pytest.fixture
def site(engine: Engine, request: pytest.FixtureRequest) -> Iterator[Site]:
    """The app on a catalogue of its own; `indirect` parametrisation passes settings."""
    settings = Settings(**getattr(request, "param", {}))
    load_catalogue(engine, REPO_ROOT / "geodata", SEEDS_DIR)
    with engine.begin() as conn:
        for username, role in USERS.items():
            create_user(conn, username, role, PASSWORD)
        create_user(conn, "songzhuang", "township_editor", PASSWORD, ["宋庄镇"])
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with TestClient(create_app(settings, url)) as client:
        tokens = {}
        for username in [*USERS, "songzhuang"]:
            answer = client.post("/auth/token", data={"username": username, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            tokens[username] = answer.json()["access_token"]
        yield Site(client, engine, tokens)


def refs(preview: dict[str, Any], **where: Any) -> list[str]:
    return [
        p["ref"]
        for p in preview["proposals"]
        if all(p[key] == value for key, value in where.items())
    ]


def is_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return dict(response.json())


def test_only_signed_in_planners_and_admins(site: Site) -> None:
    chosen = refs(site.preview(), accepted=True)
    before = fingerprint(site.engine)
    problem = is_problem(site.changes(None, chosen), 401)
    assert "sign in" in problem["detail"]
    for username in ("viewer", "songzhuang"):
        problem = is_problem(site.changes(username, chosen), 403)
        assert "planners" in problem["detail"]
    assert fingerprint(site.engine) == before
    # The preview is open to every signed-in user, whatever the role, and writes nothing.
    for username in ("viewer", "songzhuang", "planner"):
        preview = site.preview(username)
        assert all(p["state"] == "new" for p in preview["proposals"] if p["accepted"])
    assert fingerprint(site.engine) == before


def test_bad_requests_write_nothing(site: Site) -> None:
    preview = site.preview()
    chosen = refs(preview, accepted=True)
    before = fingerprint(site.engine)
    for selection in ("not json", [], [{"ref": chosen[0], "colour": "red"}], {"ref": chosen[0]}):
        problem = is_problem(site.changes("planner", selection), 400)
        assert "selection" in problem["detail"]
    problem = is_problem(site.changes("planner", chosen, file=None), 400)
    assert "file" in problem["detail"] and "document" in problem["detail"]
    both = site.changes("planner", chosen, document="tongzhou-2023-report")
    assert "document" in is_problem(both, 400)["detail"]
    unknown = site.changes("planner", chosen, file=None, document="no-such-report")
    assert "no-such-report" in is_problem(unknown, 400)["detail"]
    too_large = site.changes("planner", chosen, file=b"x" * (MAX_BYTES + 1))
    assert str(MAX_BYTES) in is_problem(too_large, 400)["detail"]
    # One proposal the report does not make: none of the good ones is written either.
    bogus = site.changes("planner", [*chosen, "project/m101-line/event/2023/completed@0-1"])
    problem = is_problem(bogus, 400)
    assert "nothing was applied" in problem["detail"]
    assert [e["ref"] for e in problem["errors"]] == ["project/m101-line/event/2023/completed@0-1"]
    # A candidate needs the category of the new project.
    (road,) = refs(preview, entity="candidate", entity_name="云杉西路")
    assert "category" in is_problem(site.changes("planner", [*chosen, road]), 400)["detail"]
    # A project retired since the preview is no longer read in the report: its proposals are
    # gone (400, naming them), and nothing is written for the rest.
    with site.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE project SET retired_at = now() WHERE id = 'jingtai-road'")
    before = fingerprint(site.engine)
    problem = is_problem(site.changes("planner", chosen), 400)
    assert [e["ref"] for e in problem["errors"]] == refs(preview, project_id="jingtai-road")
    assert fingerprint(site.engine) == before


def test_approve_selected(site: Site) -> None:
    preview = site.preview()
    chosen = refs(preview, accepted=True)
    assert len(chosen) == 5  # M101, 京台路, 12 communities, 石小路, 印象街
    response = site.changes("planner", chosen)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["approved"] is True and body["document"]["registered"] is True
    assert [c["ref"] for c in body["changes"]] == chosen
    assert {(c["state"], c["origin"], c["submitted_by"]) for c in body["changes"]} == {
        ("approved", "report", "planner")
    }
    m101 = next(c for c in body["changes"] if c["project"] and c["project"]["id"] == "m101-line")
    assert m101["evidence"]["document"] == body["document"]["id"]
    assert "M101线" in m101["evidence"]["quote"]
    # The public feed shows it at once.
    feature = site.client.get("/collections/projects/items/m101-line", params={"year": 2023})
    events = feature.json()["properties"]["evidence"]
    assert any(e["document"] == body["document"]["id"] for e in events), events
    # Chosen again: recorded now, so skipped, and nothing written.
    before = fingerprint(site.engine)
    again = site.changes("planner", chosen)
    assert again.status_code == 200, again.text
    assert again.json()["changes"] == [] and len(again.json()["skipped"]) == len(chosen)
    assert fingerprint(site.engine) == before
    assert all(p["state"] == "recorded" for p in site.preview()["proposals"] if p["ref"] in chosen)


def test_submit_selected_for_review(site: Site) -> None:
    preview = site.preview()
    street = refs(preview, project_id="songzhuang-impression-street", accepted=True)
    figure = refs(preview, entity="programme", accepted=True)
    response = site.changes("admin", street + figure, approve=False)
    assert response.status_code == 202, response.text
    body = response.json()
    assert [c["state"] for c in body["changes"]] == ["submitted", "submitted"]
    songzhuang = query(site.engine, "SELECT code FROM township WHERE name = '宋庄镇'")[0][0]
    target, programme = sorted(body["changes"], key=lambda c: c["kind"], reverse=True)
    assert (target["kind"], programme["kind"]) == ("target", "programme_figure")
    assert target["township_codes"] == [songzhuang] and programme["township_codes"] == []
    assert query(site.engine, "SELECT count(*) FROM target WHERE origin = 'report'") == [(0,)]
    # The queue holds them, with the sentence beside each.
    queue = site.client.get(
        "/changes", params={"state": "submitted"}, headers=site.headers("planner")
    )
    assert queue.status_code == 200
    queued = queue.json()["changes"]
    assert {c["id"] for c in queued} == {c["id"] for c in body["changes"]}
    assert all(c["origin"] == "report" and c["evidence"]["quote"] for c in queued)
    # Read again, from the registered report: they wait in the queue, and are not queued twice.
    document = body["document"]["id"]
    again = site.changes("planner", street + figure, approve=False, file=None, document=document)
    assert again.status_code == 200 and again.json()["changes"] == []
    assert {p["state"] for p in site.preview()["proposals"] if p["ref"] in street + figure} == {
        "submitted"
    }
    # A planner approves the street's target: it reaches the catalogue.
    approved = site.client.post(f"/changes/{target['id']}/approve", headers=site.headers("planner"))
    assert approved.status_code == 200, approved.text
    assert query(
        site.engine,
        "SELECT status, origin FROM target WHERE project_id = 'songzhuang-impression-street'"
        " AND year = 2024",
    ) == [("under_construction", "report")]


def test_candidate_becomes_a_new_unplaced_project(site: Site) -> None:
    preview = site.preview()
    (road,) = refs(preview, entity="candidate", entity_name="云杉西路")
    chosen = [{"ref": road, "name": "云杉西路", "id": "yunshan-west-road", "category": "road"}]
    response = site.changes("planner", chosen)
    assert response.status_code == 201, response.text
    kinds = [(c["kind"], c["project"]["id"]) for c in response.json()["changes"]]
    assert kinds == [("project", "yunshan-west-road"), ("event", "yunshan-west-road")]
    project = site.client.get("/collections/projects/items/yunshan-west-road").json()
    assert project["geometry"] is None
    assert project["properties"]["name"] == "云杉西路"
    assert project["properties"]["status"] == "under_construction"
    # Now a known name: the report proposes its event as recorded, no candidate any more.
    states = {
        p["entity"]: p["state"] for p in site.preview()["proposals"] if "云杉西路" in p["mention"]
    }
    assert states == {"project": "recorded"}


def test_reading_a_report_needs_a_sign_in(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: Any) -> None:
        raise AssertionError("an anonymous request had a report read")

    monkeypatch.setattr(extract, "run_extract", never)
    before = fingerprint(site.engine)
    problem = is_problem(site.read(None), 401)
    assert "sign in" in problem["detail"]
    # A plain form posted from another site: multipart, no Authorization, a foreign Origin.
    forged = site.client.post(
        "/extract",
        files={"file": ("2023.txt", REPORT, "text/plain")},
        data={"report_year": "2023"},
        headers={"Origin": "http://evil.example", "Referer": "http://evil.example/form.html"},
    )
    is_problem(forged, 401)
    assert fingerprint(site.engine) == before
    # The operation says so in /openapi.json.
    operation = site.client.get("/openapi.json").json()["paths"]["/extract"]["post"]
    assert operation["security"] == [{"oauth2": []}]
    assert {"401", "429"} <= set(operation["responses"])


def test_a_viewer_may_read_a_report(site: Site) -> None:
    response = site.read("viewer")
    assert response.status_code == 200, response.text
    assert len(refs(response.json(), accepted=True)) == 5


@pytest.mark.parametrize("site", [{"extract_readings_per_hour": 2}], indirect=True)
def test_readings_an_hour_are_limited_per_user(site: Site) -> None:
    # Refused because another report is being read: not counted.
    assert extract.READERS.acquire(timeout=5)
    try:
        is_problem(site.read("viewer"), 503)
    finally:
        extract.READERS.release()
    assert site.read("viewer").status_code == 200
    assert site.read("viewer").status_code == 200
    refused = site.read("viewer")
    problem = is_problem(refused, 429)
    assert 0 < int(refused.headers["retry-after"]) <= HOUR
    assert "this hour" in problem["detail"]
    # Another user is not affected; turning proposals into changes reads the report too.
    chosen = refs(site.preview("planner"), accepted=True)
    before = fingerprint(site.engine)
    assert site.changes("planner", chosen).status_code == 201
    after = fingerprint(site.engine)
    problem = is_problem(site.changes("planner", chosen), 429)
    assert fingerprint(site.engine) == after != before
    is_problem(site.read("planner"), 429)
    assert site.read("admin").status_code == 200


def test_the_limit_slides_with_the_hour() -> None:
    now = [1000.0]
    limit = ReadingLimit(2, clock=lambda: now[0])
    limit.take(1)
    now[0] += 600
    limit.take(1)
    limit.take(2)
    now[0] += 600
    with pytest.raises(TooManyRequests) as refused:
        limit.take(1)
    assert refused.value.headers == {"Retry-After": str(int(HOUR - 1200))}
    now[0] = 1000.0 + HOUR  # the first reading leaves the window
    limit.take(1)
    with pytest.raises(TooManyRequests) as refused:
        limit.take(1)
    assert refused.value.headers == {"Retry-After": "600"}
