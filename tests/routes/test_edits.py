"""Editing projects: who may do what, If-Match, uploads, and what reaches the public map."""

import itertools
import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import readmodel, vocab
from app.geodata.load import load_catalogue
from app.settings import REPO_ROOT
from tests.conftest import SEEDS_DIR, serve
from tests.routes.conftest import PNG, Living

ROLES = ("admin", "planner", "song", "viewer", None)
ITEMS = "/collections/projects/items"


# Distinct (year, status) pairs before the catalogue's (2022 on), so that no two writes are the
# same fact; events may not lie in the future.
FACTS = itertools.product(range(2009, 2021), vocab.STATUSES)


def event(evidence: str, **extra: Any) -> dict[str, Any]:
    year, status = next(FACTS)
    return {"year": year, "status": status, "evidence": {"document": evidence}, **extra}


def geometry_body() -> dict[str, Any]:
    # 宋庄镇's seat, approximately; inside the district.
    return {
        "geometry": {"type": "Point", "coordinates": [116.73, 39.96]},
        "geometry_quality": "approximate",
        "placement": "test: placed at the township seat",
    }


@pytest.fixture(scope="module")
def evidence(living: Living) -> str:
    return living.upload()


def _public_status(living: Living, project_id: str, year: int) -> Any:
    response = living.client.get(f"{ITEMS}/{project_id}", params={"year": year})
    return response.json()["properties"]["status"]


# --- the authorisation matrix ----------------------------------------------------------------

EXPECTED = {
    # user: (event on a project in the editor's township, event elsewhere, target, geometry,
    #        retire (queued, so that the project stays), new project, the queue)
    "admin": (201, 201, 201, 201, 202, 201, 200),
    "planner": (201, 201, 201, 201, 202, 201, 200),
    "song": (202, 403, 403, 403, 403, 403, 200),
    "viewer": (403, 403, 403, 403, 403, 403, 403),
    None: (401, 401, 401, 401, 401, 401, 401),
}


@pytest.mark.parametrize("user", ROLES)
def test_authorisation_matrix(living: Living, evidence: str, user: str | None) -> None:
    own, other = living.own_project, living.other_project
    new = {"id": f"matrix-{user or 'anonymous'}", "name": f"权限测试{user}", "category": "road"}
    got = (
        living.write(user, "POST", f"{ITEMS}/{own}/events", event(evidence)).status_code,
        living.write(user, "POST", f"{ITEMS}/{other}/events", event(evidence)).status_code,
        living.write(user, "POST", f"{ITEMS}/{own}/targets", event(evidence)).status_code,
        living.write(user, "PUT", f"{ITEMS}/{own}/geometry", geometry_body()).status_code,
        living.write(
            user, "POST", f"{ITEMS}/{own}/retire", {"reason": "测试"}, approve="false"
        ).status_code,
        living.write(user, "POST", ITEMS, new).status_code,
        living.client.get("/changes", headers=living.auth(user)).status_code,
    )
    assert got == EXPECTED[user]


def test_a_township_editor_is_told_why(living: Living, evidence: str) -> None:
    other = living.write("song", "POST", f"{ITEMS}/{living.other_project}/events", event(evidence))
    assert other.status_code == 403
    assert "110112104000" in other.json()["detail"]
    retire = living.write("song", "POST", f"{ITEMS}/{living.own_project}/retire", {"reason": "x"})
    assert retire.status_code == 403
    assert "planners" in retire.json()["detail"]
    publish = living.write(
        "song", "POST", f"{ITEMS}/{living.own_project}/events", event(evidence), approve="true"
    )
    assert publish.status_code == 403


@pytest.mark.parametrize("user", ("admin", "planner", "song", "yong", "viewer"))
def test_only_reviewers_decide(living: Living, evidence: str, user: str) -> None:
    submitted = living.write(
        "song", "POST", f"{ITEMS}/{living.own_project}/events", event(evidence)
    )
    assert submitted.status_code == 202, submitted.text
    change_id = submitted.json()["id"]
    response = living.client.post(
        f"/changes/{change_id}/reject", json={"comment": "no"}, headers=living.auth(user)
    )
    assert response.status_code == (200 if user in ("admin", "planner") else 403)


def test_editors_queue_holds_their_own_changes(living: Living, evidence: str) -> None:
    living.write("song", "POST", f"{ITEMS}/{living.own_project}/events", event(evidence))
    mine = living.client.get("/changes", headers=living.auth("song")).json()["changes"]
    assert mine and {c["submitted_by"] for c in mine} == {"song"}
    assert living.client.get("/changes", headers=living.auth("yong")).json()["changes"] == []
    everyone = living.client.get("/changes?state=submitted", headers=living.auth("planner"))
    assert {c["state"] for c in everyone.json()["changes"]} == {"submitted"}
    assert everyone.json()["numberMatched"] >= 1


# --- review: nothing public until approved -----------------------------------------------------


def test_submitted_change_reaches_the_map_only_when_approved(living: Living, evidence: str) -> None:
    project, year = living.own_project, 2024
    before_status = _public_status(living, project, year)
    before_etag = living.client.get(ITEMS, params={"year": year}).headers["etag"]
    body = {
        "year": year,
        "status": "in_service",
        "milestone": "开通",
        "evidence": {"document": evidence},
    }
    submitted = living.write("song", "POST", f"{ITEMS}/{project}/events", body)
    assert submitted.status_code == 202
    assert submitted.headers["location"].endswith(f"/changes/{submitted.json()['id']}")
    assert _public_status(living, project, year) == before_status
    change_id = submitted.json()["id"]
    approved = living.client.post(
        f"/changes/{change_id}/approve",
        json={"comment": "照片核实"},
        headers=living.auth("planner"),
    )
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    assert approved.json()["reviewed_by"] == "planner"
    feature = living.client.get(f"{ITEMS}/{project}", params={"year": year}).json()
    assert feature["properties"]["status"] == "in_service"
    assert feature["properties"]["milestone"] == "开通"
    assert living.client.get(ITEMS, params={"year": year}).headers["etag"] != before_etag
    tile = living.client.get("/collections/projects/tiles/WebMercatorQuad/10/843/387")
    assert tile.status_code in (200, 204)
    again = living.client.post(f"/changes/{change_id}/approve", headers=living.auth("planner"))
    assert again.status_code == 409


def test_rejecting_needs_a_comment_and_changes_nothing(living: Living, evidence: str) -> None:
    project = living.own_project
    body = event(evidence)
    change_id = living.write("song", "POST", f"{ITEMS}/{project}/events", body).json()["id"]
    events_before = living.sql("SELECT count(*) FROM status_event")
    planner = living.auth("planner")
    assert living.client.post(f"/changes/{change_id}/reject", headers=planner).status_code == 400
    rejected = living.client.post(
        f"/changes/{change_id}/reject", json={"comment": "<b>证据不足</b>"}, headers=planner
    )
    assert rejected.status_code == 200
    assert rejected.json()["review_comment"] == "<b>证据不足</b>"
    assert living.sql("SELECT count(*) FROM status_event") == events_before


def test_planner_publishes_at_once_or_queues(living: Living, evidence: str) -> None:
    project = living.other_project
    direct = living.write("planner", "POST", f"{ITEMS}/{project}/targets", event(evidence))
    assert direct.status_code == 201 and direct.json()["state"] == "approved"
    queued = living.write(
        "planner", "POST", f"{ITEMS}/{project}/targets", event(evidence), approve="false"
    )
    assert queued.status_code == 202 and queued.json()["state"] == "submitted"


# --- If-Match ----------------------------------------------------------------------------------


def test_writes_need_the_current_etag(living: Living, evidence: str) -> None:
    path = f"{ITEMS}/{living.own_project}/events"
    headers = living.auth("planner")
    missing = living.client.post(path, json=event(evidence), headers=headers)
    assert missing.status_code == 428
    stale_tag = living.etag(living.own_project)
    assert living.write("planner", "POST", path, event(evidence)).status_code == 201
    stale = living.client.post(
        path, json=event(evidence), headers=headers | {"If-Match": stale_tag}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    history = living.client.get(f"{ITEMS}/{living.own_project}/history")
    fresh = living.client.post(
        path, json=event(evidence), headers=headers | {"If-Match": history.headers["etag"]}
    )
    assert fresh.status_code == 201


def test_racing_writers_one_wins(living: Living, evidence: str) -> None:
    project = living.own_project
    token = living.token("planner")
    tag = living.etag(project)
    changes_before = living.sql("SELECT count(*) FROM change_request")[0][0]
    writers = 8
    statuses: list[int] = []
    barrier = threading.Barrier(writers)

    with serve(living.url) as base:

        def write(year: int) -> None:
            body = {"year": year, "status": "planned", "evidence": {"document": evidence}}
            headers = {"Authorization": f"Bearer {token}", "If-Match": tag}
            barrier.wait()
            response = httpx.post(
                f"{base}{ITEMS}/{project}/events", json=body, headers=headers, timeout=30
            )
            statuses.append(response.status_code)

        threads = [threading.Thread(target=write, args=(2001 + i,)) for i in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(statuses) == [201] + [412] * (writers - 1)
    assert living.sql("SELECT count(*) FROM change_request")[0][0] == changes_before + 1
    written = living.sql(
        "SELECT count(*) FROM status_event WHERE project_id = %(p)s AND year BETWEEN 2001 AND 2008",
        p=project,
    )
    assert written == [(1,)]


# --- validation: the loader's own checks -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"year": 1999, "status": "planned", "evidence": {"document": "x"}}, "year"),
        ({"year": 2024, "status": "opened", "evidence": {"document": "x"}}, "status"),
        ({"year": 2049, "status": "planned", "evidence": {"document": "x"}}, "still to come"),
        ({"year": 2024, "status": "planned"}, "evidence"),
        ({"year": 2024, "status": "planned", "evidence": {"document": "nope"}}, "no document"),
        (
            {"year": 2024, "status": "planned",
             "evidence": {"document": "tongzhou-2023-report", "start": 0, "end": 10}},
            "names none",
        ),
        (
            {"year": 2024, "status": "planned",
             "evidence": {"document": "tongzhou-2023-report", "start": 0, "end": 10 ** 7}},
            "past the end",
        ),
        (
            {"year": 2024, "status": "planned",
             "evidence": {"document": "tongzhou-2023-report", "start": 9, "end": 3}},
            "after start",
        ),
        ({"year": 2024, "status": "planned", "evidence": {"document": "x"}, "extra": 1}, "extra"),
    ],
)  # fmt: skip
def test_bad_events_are_400_and_write_nothing(
    living: Living, body: dict[str, Any], fragment: str
) -> None:
    before = living.sql("SELECT count(*) FROM change_request")
    response = living.write("planner", "POST", f"{ITEMS}/{living.own_project}/events", body)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    assert living.sql("SELECT count(*) FROM change_request") == before


def test_a_recorded_fact_is_409(living: Living) -> None:
    year, status = living.sql(
        "SELECT year, status FROM status_event WHERE project_id = %(p)s LIMIT 1",
        p=living.own_project,
    )[0]
    body = {"year": year, "status": status, "evidence": {"document": "tongzhou-2023-report"}}
    upload = living.upload(data=PNG + b"recorded")
    body["evidence"] = {"document": upload}
    response = living.write("planner", "POST", f"{ITEMS}/{living.own_project}/events", body)
    assert response.status_code == 409


def test_geometry_must_lie_in_the_district(living: Living) -> None:
    far = geometry_body() | {"geometry": {"type": "Point", "coordinates": [121.47, 31.23]}}
    response = living.write("planner", "PUT", f"{ITEMS}/{living.own_project}/geometry", far)
    assert response.status_code == 400
    assert "outside the district" in response.json()["detail"]
    projected = geometry_body() | {"geometry": {"type": "Point", "coordinates": [500000, 4400000]}}
    response = living.write("planner", "PUT", f"{ITEMS}/{living.own_project}/geometry", projected)
    assert "longitude/latitude" in response.json()["detail"]


# --- geometry, new projects, retiring; the loader leaves them be ------------------------------


def test_planner_places_creates_and_retires_and_a_reload_keeps_it(
    living: Living, evidence: str
) -> None:
    own = living.own_project
    placed = living.write("planner", "PUT", f"{ITEMS}/{own}/geometry", geometry_body())
    assert placed.status_code == 201
    feature = living.client.get(f"{ITEMS}/{own}").json()
    assert feature["geometry"] == {"type": "Point", "coordinates": [116.73, 39.96]}
    assert feature["properties"]["townships"] == ["宋庄镇"]
    # The catalogue's Chinese note spoke of the old position: a new one without it has none.
    assert feature["properties"]["placement"] == geometry_body()["placement"]
    assert feature["properties"]["placement_zh"] is None
    both = geometry_body() | {"placement_zh": "测试：按镇政府驻地定位"}
    moved = living.write("planner", "PUT", f"{ITEMS}/{own}/geometry", both)
    assert moved.status_code == 201, moved.text
    feature = living.client.get(f"{ITEMS}/{own}").json()
    assert feature["properties"]["placement_zh"] == "测试：按镇政府驻地定位"

    new = {
        "id": "test-new-school",
        "name": "测试新建学校",
        "category": "education",
        "aliases": ["测试学校"],
        "geometry_quality": "unplaced",
        "description": "从报告候选项新建",
    }
    created = living.write("planner", "POST", ITEMS, new)
    assert created.status_code == 201, created.text
    assert living.client.get(f"{ITEMS}/test-new-school").json()["properties"]["aliases"] == [
        "测试学校"
    ]
    assert living.write("planner", "POST", ITEMS, new).status_code == 409

    retired_id = living.other_project
    count = living.client.get(ITEMS, params={"limit": 1}).json()["numberMatched"]
    retired = living.write("planner", "POST", f"{ITEMS}/{retired_id}/retire", {"reason": "撤销"})
    assert retired.status_code == 201
    assert living.client.get(f"{ITEMS}/{retired_id}").status_code == 404
    assert living.client.get(ITEMS, params={"limit": 1}).json()["numberMatched"] == count - 1
    again = living.client.post(
        f"{ITEMS}/{retired_id}/retire",
        json={"reason": "x"},
        headers=living.auth("planner") | {"If-Match": retired.headers["etag"]},
    )
    assert again.status_code == 404

    event_count = living.sql("SELECT count(*) FROM status_event WHERE origin = 'edit'")
    load_catalogue(living.engine, REPO_ROOT / "geodata", SEEDS_DIR)
    assert living.client.get(f"{ITEMS}/{own}").json()["geometry"]["coordinates"] == [116.73, 39.96]
    assert living.client.get(f"{ITEMS}/test-new-school").status_code == 200
    assert living.client.get(f"{ITEMS}/{retired_id}").status_code == 404
    assert living.sql("SELECT count(*) FROM status_event WHERE origin = 'edit'") == event_count


# --- uploads -------------------------------------------------------------------------------------


def _stored(living: Living) -> list[Path]:
    directory = living.settings.uploads_path()
    return sorted(directory.iterdir()) if directory.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("big.png", PNG + b"\x00" * (64 * 1024), 413),
        ("notes.png", b"just text, named like a photo", 415),
        ("page.html", b"<html><script>alert(1)</script></html>", 415),
        ("empty.pdf", b"", 415),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    living: Living, name: str, data: bytes, status: int
) -> None:
    stored, documents = _stored(living), living.sql("SELECT count(*) FROM document")
    response = living.client.post(
        "/uploads", files={"file": (name, data, "image/png")}, headers=living.auth("song")
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert _stored(living) == stored
    assert living.sql("SELECT count(*) FROM document") == documents


def test_upload_names_cannot_choose_the_path(living: Living) -> None:
    data = b"%PDF-1.4\n% test\n"
    for name in ("../../../etc/passwd.pdf", "..\\..\\win.pdf", "/abs/x.pdf", "a\x00b.pdf"):
        response = living.client.post(
            "/uploads", files={"file": (name, data, "application/pdf")}, headers=living.auth("song")
        )
        assert response.status_code == 201, response.text
    directory = living.settings.uploads_path()
    for path in directory.rglob("*"):
        assert path.parent == directory
        assert path.name.endswith((".png", ".pdf"))
        assert len(path.stem) == 64
    document = response.json()
    assert "/" not in document["file_name"] and "\\" not in document["file_name"]
    served = living.client.get(f"/documents/{document['id']}/file")
    assert served.status_code == 200 and served.content == data
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert living.client.get("/documents/tongzhou-2023-report/file").status_code == 404
    assert living.client.post("/uploads", files={"file": ("x.pdf", data)}).status_code == 401


# --- the audit trail -----------------------------------------------------------------------------


def test_every_step_is_audited_once_with_before_and_after(living: Living, evidence: str) -> None:
    project = living.own_project
    approved = living.write("song", "POST", f"{ITEMS}/{project}/events", event(evidence)).json()
    living.client.post(f"/changes/{approved['id']}/approve", headers=living.auth("planner"))
    rejected = living.write("song", "POST", f"{ITEMS}/{project}/events", event(evidence)).json()
    living.client.post(
        f"/changes/{rejected['id']}/reject", json={"comment": "重复"}, headers=living.auth("admin")
    )
    rows = living.sql(
        "SELECT change_id, action, entity, actor, before, after, client FROM audit_log"
        " WHERE change_id IN (%(a)s, %(r)s) ORDER BY id",
        a=approved["id"],
        r=rejected["id"],
    )
    steps = [(r[0], r[1], r[2], r[3]) for r in rows]
    assert steps == [
        (approved["id"], "submit", "change_request", "song"),
        (approved["id"], "create", "status_event", "planner"),
        (approved["id"], "approve", "change_request", "planner"),
        (rejected["id"], "submit", "change_request", "song"),
        (rejected["id"], "reject", "change_request", "admin"),
    ]
    submit, create, approve = rows[0], rows[1], rows[2]
    assert submit[4] is None and submit[5]["state"] == "submitted"
    assert create[4] is None and create[5]["status"] in vocab.STATUSES
    assert create[5]["origin"] == "edit"
    assert approve[4]["state"] == "submitted" and approve[5]["state"] == "approved"
    assert rows[4][5]["review_comment"] == "重复"
    assert all(r[6] and "testclient" in r[6] for r in rows)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log", "TRUNCATE audit_log"],
)
def test_the_database_refuses_to_rewrite_the_audit(living: Living, statement: str) -> None:
    result = subprocess.run(
        ["psql", living.url, "-v", "ON_ERROR_STOP=1", "-c", statement],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "append-only" in result.stderr


# --- the log as a feed -------------------------------------------------------------------------


def test_change_log_feed_filters(living: Living, evidence: str) -> None:
    living.write("song", "POST", f"{ITEMS}/{living.own_project}/events", event(evidence))
    feed = living.client.get("/collections/changes/items", params={"township": "宋庄镇"})
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "application/geo+json"
    body = feed.json()
    assert body["type"] == "FeatureCollection" and body["numberMatched"] >= 1
    assert all("110112104000" in f["properties"]["township_codes"] for f in body["features"])
    by_user = living.client.get("/collections/changes/items", params={"user": "song", "limit": 1})
    assert by_user.json()["numberReturned"] == 1
    assert any(link["rel"] == "next" for link in by_user.json()["links"])
    window = living.client.get(
        "/collections/changes/items",
        params={"datetime": "2000-01-01T00:00:00Z/2001-01-01T00:00:00Z"},
    )
    assert window.json()["numberMatched"] == 0
    assert living.client.get("/collections/changes/items", params={"state": "x"}).status_code == 400
    bad_time = living.client.get("/collections/changes/items", params={"datetime": "yesterday"})
    assert bad_time.status_code == 400


def test_gdal_reads_the_change_log(living: Living, evidence: str) -> None:
    from tests.test_gis_clients import run_gdal

    living.write("song", "POST", f"{ITEMS}/{living.own_project}/events", event(evidence))
    matched = living.client.get("/collections/changes/items").json()["numberMatched"]
    with serve(living.url) as base:
        output = run_gdal("ogrinfo", "-ro", "-al", "-so", f"OAPIF:{base}", "changes").stdout
    assert "Layer name: changes" in output
    assert f"Feature Count: {matched}" in output


# --- what the review found: duplicates, retiring, loader, evidence, accounts ------------------


def test_the_same_fact_waits_once(living: Living, evidence: str) -> None:
    body = event(evidence)
    path = f"{ITEMS}/{living.own_project}/events"
    assert living.write("song", "POST", path, body).status_code == 202
    again = living.write("song", "POST", path, body)
    assert again.status_code == 409 and "waits for review" in again.json()["detail"]


def test_ranges_only_on_texts_and_uploads_only_by_submitters(living: Living, evidence: str) -> None:
    ranged = event(evidence) | {"evidence": {"document": evidence, "start": 0, "end": 4}}
    response = living.write("planner", "POST", f"{ITEMS}/{living.own_project}/events", ranged)
    assert response.status_code == 400 and "cite it whole" in response.json()["detail"]
    viewer = living.client.post(
        "/uploads", files={"file": ("v.png", PNG)}, headers=living.auth("viewer")
    )
    assert viewer.status_code == 403


def test_accounts_are_audited(living: Living) -> None:
    from app.accounts import create_user, set_active

    with living.engine.begin() as conn:
        create_user(conn, "audited", "viewer", "audited-pass-1", actor="tester")
        set_active(conn, "audited", False, actor="tester")
    rows = living.sql(
        "SELECT action, actor, before, after FROM audit_log WHERE entity = 'app_user'"
        " AND entity_id = 'audited' ORDER BY id"
    )
    assert [(r[0], r[1]) for r in rows] == [("create", "tester"), ("update", "tester")]
    assert rows[0][3]["role"] == "viewer" and "password" not in str(rows[0][3])
    assert rows[1][2] == {"active": True} and rows[1][3] == {"active": False}


def test_retiring_closes_what_waits_and_the_loader_retires_rather_than_deletes(
    living: Living, evidence: str, tmp_path: Path
) -> None:
    import json
    import shutil

    own = living.own_project
    waiting = living.write("song", "POST", f"{ITEMS}/{own}/events", event(evidence)).json()
    # The loader: a project gone from the files but spoken of by an edit is retired, not deleted.
    approved = living.write("planner", "POST", f"{ITEMS}/{own}/targets", event(evidence))
    assert approved.status_code == 201
    geodata = tmp_path / "geodata"
    shutil.copytree(REPO_ROOT / "geodata", geodata)
    for path in (geodata / "projects").glob("*.geojson"):
        collection = json.loads(path.read_text())
        collection["features"] = [f for f in collection["features"] if f["id"] != own]
        path.write_text(json.dumps(collection, ensure_ascii=False))
    load_catalogue(living.engine, geodata, SEEDS_DIR)
    assert living.client.get(f"{ITEMS}/{own}").status_code == 404
    assert living.sql("SELECT count(*) FROM project WHERE id = %(p)s", p=own) == [(1,)]
    assert living.sql(
        "SELECT count(*) FROM target WHERE project_id = %(p)s AND origin = 'edit'", p=own
    ) != [(0,)]
    # Putting the files back leaves it retired; so does the app, which closes what waited.
    load_catalogue(living.engine, REPO_ROOT / "geodata", SEEDS_DIR)
    state = living.sql("SELECT state, review_comment FROM change_request WHERE id = %(i)s",
                       i=waiting["id"])  # fmt: skip
    assert state[0][0] == "submitted"
    with living.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE project SET retired_at = NULL WHERE id = %(p)s", {"p": own})
        readmodel.refresh(conn, [own])  # what every write in SQL needs
    retired = living.write("planner", "POST", f"{ITEMS}/{own}/retire", {"reason": "测试撤销"})
    assert retired.status_code == 201
    state = living.sql("SELECT state, review_comment FROM change_request WHERE id = %(i)s",
                       i=waiting["id"])  # fmt: skip
    assert state[0][0] == "rejected" and "retired" in state[0][1]
