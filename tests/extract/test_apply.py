"""Applying a report: its proposals become changes of origin `report`, made through the one write
path of the app (`app.edits.changes.submit`), approved at once or left for review; audited; once."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from app.accounts import User, create_user, get_user
from app.cli import main
from app.edits import changes
from app.edits.changes import Actor
from app.errors import Forbidden
from app.extract.apply import ApplyError, Selection
from app.extract.service import ReportRun, apply_run, run_extract, run_registered
from app.geodata.load import load_catalogue
from app.settings import REPO_ROOT, get_settings
from tests.conftest import SEEDS_DIR, fingerprint, query

REPORT = """关于北京市通州区2023年国民经济和
社会发展计划执行情况与2024年国民经济和社会发展计划草案的报告
——2024年1月5日
一、2023年国民经济和社会发展计划执行情况
M101线加快建设，东六环入地改造主线隧道全线贯通，京台路实现开工。实现北投集团总部完工。
完成12个老旧小区综合整治，森林覆盖率达到35%左右。
二、2024年国民经济和社会发展主要目标
实现6号线南延通车，建成厂通路，开工建设石小路。宋庄艺术创意小镇印象街提升改造项目启动。
"""
# A name the catalogue lacks, with a stage word: a candidate for a new project.
NEW_ROAD = "云杉西路"
CANDIDATE_REPORT = f"""通州区2023年国民经济和社会发展计划执行情况
一、2023年国民经济和社会发展计划执行情况
{NEW_ROAD}实现开工，绿心三大文化设施全面建成。
"""
PASSWORD = "correct horse battery"


@pytest.fixture
def catalogue(engine: Engine) -> Engine:
    load_catalogue(engine, REPO_ROOT / "geodata", SEEDS_DIR)
    with engine.begin() as conn:
        create_user(conn, "planner", "planner", PASSWORD, display_name="规划科")
        create_user(conn, "viewer", "viewer", PASSWORD)
        create_user(conn, "songzhuang", "township_editor", PASSWORD, ["宋庄镇"])
    return engine


def user(engine: Engine, username: str) -> User:
    with engine.connect() as conn:
        return get_user(conn, username)


def planner(engine: Engine) -> Actor:
    return Actor(user(engine, "planner"), "pytest")


def read(engine: Engine, text: str = REPORT) -> ReportRun:
    return run_extract(engine, text.encode(), "2024.txt")


def test_apply_writes_approved_changes_with_evidence_and_audit(catalogue: Engine) -> None:
    run = read(catalogue)
    applied = apply_run(catalogue, run, planner(catalogue))
    assert applied.document_registered
    assert applied.written == {
        "event": 4,
        "target": 4,
        "programme_figure": 1,
        "indicator_figure": 1,
    }
    assert "10 changes approved" in str(applied)
    figures = query(
        catalogue,
        "SELECT i.indicator_id, i.kind, i.year, i.value, i.qualifier, i.origin"
        " FROM indicator_value i"
        f" JOIN evidence v ON v.id = i.evidence_id WHERE v.document_id = '{run.document.id}'"
        " UNION ALL SELECT p.programme_id, p.kind, p.year, p.count, p.note, p.origin"
        " FROM programme_progress p JOIN evidence v ON v.id = p.evidence_id"
        f" WHERE v.document_id = '{run.document.id}'",
    )
    assert sorted(figures) == [
        ("forest-cover", "actual", 2023, 35.0, "about", "report"),
        ("old-communities", "actual", 2023, 12.0, None, "report"),
    ]

    events = query(
        catalogue,
        "SELECT e.project_id, e.status, e.milestone, v.char_start, v.char_end, e.origin"
        " FROM status_event e JOIN evidence v ON v.id = e.evidence_id"
        f" WHERE e.year = 2023 AND v.document_id = '{run.document.id}' ORDER BY 1",
    )
    assert [(e[0], e[1]) for e in events] == [
        ("beitou-group-headquarters", "completed"),
        ("east-6th-ring-road-undergrounding", "under_construction"),
        ("jingtai-road", "under_construction"),
        ("m101-line", "under_construction"),
    ]
    assert {e[5] for e in events} == {"report"}
    milestones = {e[0]: e[2] for e in events}
    assert milestones["east-6th-ring-road-undergrounding"] == "主线隧道全线贯通"
    for _, _, _, start, end, _ in events:
        assert REPORT[start:end]  # the range lies in the text the database now holds
    targets = query(
        catalogue,
        "SELECT project_id, status FROM target t JOIN evidence v ON v.id = t.evidence_id"
        f" WHERE t.year = 2024 AND v.document_id = '{run.document.id}' ORDER BY 1",
    )
    assert targets == [
        ("changtong-road", "completed"),
        ("line-6-south-extension", "in_service"),
        ("shixiao-road", "under_construction"),
        ("songzhuang-impression-street", "under_construction"),
    ]
    # The town named as the street's place stays below the threshold: proposed, not written.
    town = [p for p in run.extraction.proposals if p.entity_id == "songzhuang-art-town"]
    assert town and town[0].state == "new" and not town[0].accepted
    assert {p.state for p in run.extraction.proposals if p.accepted} == set()
    assert sum(p.state == "applied" for p in run.extraction.proposals) == 10

    # Every change went through the queue: origin report, submitted and approved by the planner.
    requests = query(
        catalogue,
        "SELECT c.id, c.kind, c.origin, c.state, s.username, r.username, c.client"
        " FROM change_request c JOIN app_user s ON s.id = c.submitted_by"
        " JOIN app_user r ON r.id = c.reviewed_by ORDER BY c.id",
    )
    assert len(requests) == 10
    assert {r[2:] for r in requests} == {("report", "approved", "planner", "planner", "pytest")}
    assert sorted(c["id"] for c in applied.changes) == [r[0] for r in requests]
    assert {c["ref"] for c in applied.changes} <= {p.ref for p in run.extraction.proposals}

    audits = query(
        catalogue,
        "SELECT action, entity, entity_id, actor, change_id, before, after FROM audit_log"
        " WHERE actor = 'planner' ORDER BY id",
    )
    assert audits[0][:5] == ("create", "document", run.document.id, "planner", None)
    assert audits[0][6]["sha256"] == run.document.sha256
    per_change = [a for a in audits[1:]]
    assert all(a[4] is not None for a in per_change)
    for change_id, *_ in requests:
        steps = [(a[0], a[1]) for a in per_change if a[4] == change_id]
        assert steps[0] == ("submit", "change_request") and steps[-1][0] == "approve"
        assert len(steps) == 3  # submit, the write itself, approve
    writes = [a for a in per_change if a[0] == "create"]
    assert sorted(a[1] for a in writes) == sorted(
        ["status_event"] * 4 + ["target"] * 4 + ["programme_progress", "indicator_value"]
    )
    for write in writes:
        assert write[5] is None and write[6]["origin"] == "report"
        assert write[6]["evidence"]["document"] == run.document.id

    document = query(
        catalogue, f"SELECT title, date, text FROM document WHERE id = '{run.document.id}'"
    )
    assert document[0][1] == "2024-01-05"
    assert document[0][0] == "".join(REPORT.splitlines()[:2])  # the title broken over two lines
    assert document[0][2] == REPORT


def test_a_second_run_proposes_and_writes_nothing_new(catalogue: Engine) -> None:
    apply_run(catalogue, read(catalogue), planner(catalogue))
    before = fingerprint(catalogue)
    again = read(catalogue)
    applied = apply_run(catalogue, again, planner(catalogue))
    assert fingerprint(catalogue) == before
    assert not applied.changes and not applied.document_registered
    assert str(applied).endswith("nothing new.")
    assert not any(p.accepted for p in again.extraction.proposals)
    confident = [
        p for p in again.extraction.proposals if p.entity == "project" and p.confidence >= 0.7
    ]
    assert confident and {p.state for p in confident} == {"recorded"}
    # Chosen by hand, a recorded fact is skipped with its reason, not written again.
    chosen = [Selection(p.ref) for p in confident]
    applied = apply_run(catalogue, again, planner(catalogue), chosen)
    assert not applied.changes and len(applied.skipped) == len(chosen)
    assert fingerprint(catalogue) == before


def test_submitted_for_review_then_approved(catalogue: Engine) -> None:
    run = read(catalogue)
    applied = apply_run(catalogue, run, planner(catalogue), approve=False)
    assert len(applied.changes) == 10 and {c["state"] for c in applied.changes} == {"submitted"}
    assert "submitted for review" in str(applied)
    # Nothing reaches the catalogue before review; the document is registered for the evidence.
    events = query(catalogue, "SELECT count(*) FROM status_event WHERE origin = 'report'")
    assert events == [(0,)]
    assert run_registered(catalogue, run.document.id).document.registered
    # The change carries the townships of the project, for the queue of the township concerned.
    street = next(
        c
        for c in applied.changes
        if c["project"] and c["project"]["id"] == "songzhuang-impression-street"
    )
    songzhuang = query(catalogue, "SELECT code FROM township WHERE name = '宋庄镇'")[0][0]
    assert songzhuang in street["township_codes"]
    # Read again, the queued facts are `submitted`, and applying again queues nothing twice.
    again = read(catalogue)
    assert sum(p.state == "submitted" for p in again.extraction.proposals) >= 10
    before = fingerprint(catalogue)
    assert not apply_run(catalogue, again, planner(catalogue)).changes
    assert fingerprint(catalogue) == before
    # A planner approves one in the queue: it reaches the catalogue.
    with catalogue.begin() as conn:
        changes.decide(conn, planner(catalogue), street["id"], True, "seen in the report")
    assert query(
        catalogue,
        "SELECT status, origin FROM target WHERE project_id = 'songzhuang-impression-street'"
        " AND year = 2024",
    ) == [("under_construction", "report")]


def test_only_an_active_planner_or_admin_applies(catalogue: Engine) -> None:
    before = fingerprint(catalogue)
    for username in ("viewer", "songzhuang"):
        with pytest.raises(Forbidden):
            apply_run(catalogue, read(catalogue), Actor(user(catalogue, username)))
    assert fingerprint(catalogue) == before


def test_a_bad_choice_writes_nothing(catalogue: Engine) -> None:
    run = read(catalogue)
    chosen = [Selection(p.ref) for p in run.extraction.proposals if p.accepted]
    before = fingerprint(catalogue)
    # A ref the report does not make (the catalogue or the text changed since it was read).
    with pytest.raises(ApplyError, match="no such proposal"):
        apply_run(catalogue, run, planner(catalogue), [*chosen, Selection("event/x/2023@1-2")])
    # A project retired meanwhile: every other proposal would pass, none is written.
    with catalogue.begin() as conn:
        conn.exec_driver_sql("UPDATE project SET retired_at = now() WHERE id = 'jingtai-road'")
    before = fingerprint(catalogue)
    with pytest.raises(ApplyError, match="jingtai-road") as error:
        apply_run(catalogue, run, planner(catalogue), chosen)
    assert [p["status"] for p in error.value.problems] == [404]
    assert fingerprint(catalogue) == before
    assert {p.state for p in run.extraction.proposals} <= {"new", "repeat", "recorded"}


def test_programme_name_supports_its_members_and_candidates_become_projects(
    catalogue: Engine,
) -> None:
    run = read(catalogue, CANDIDATE_REPORT)
    members = [p for p in run.extraction.proposals if p.entity == "project"]
    assert len(members) == 3 and all(p.accepted for p in members)
    candidate = next(p for p in run.extraction.proposals if p.entity == "candidate")
    assert (candidate.entity_name, candidate.status) == (NEW_ROAD, "under_construction")
    with pytest.raises(ApplyError, match="category"):
        apply_run(catalogue, run, planner(catalogue), [Selection(candidate.ref)])
    chosen = [Selection(p.ref) for p in members]
    chosen.append(Selection(candidate.ref, project_id="yunshan-west-road", category="road"))
    applied = apply_run(catalogue, run, planner(catalogue), chosen)
    assert sorted(applied.written.items()) == [("event", 4), ("project", 1)]
    # The sentence that names the programme supports the event of each member, as in the loader.
    events = query(
        catalogue,
        "SELECT e.project_id, e.status FROM status_event e JOIN evidence v"
        f" ON v.id = e.evidence_id WHERE v.document_id = '{run.document.id}' ORDER BY 1",
    )
    assert len(events) == 4 and ("yunshan-west-road", "under_construction") in events
    project = query(
        catalogue,
        "SELECT name, category, geometry_quality, geom IS NULL, description, placement, origin"
        " FROM project WHERE id = 'yunshan-west-road'",
    )
    name, category, quality, unplaced, description, placement, origin = project[0]
    assert (name, category, quality, unplaced, origin) == (
        NEW_ROAD, "road", "unplaced", True, "report"
    )  # fmt: skip
    assert NEW_ROAD in description and "实现开工" in description  # the sentence
    assert run.document.id in placement


def test_seed_report_against_its_own_catalogue(catalogue: Engine) -> None:
    """The catalogue was authored from this report: most proposals are already recorded."""
    raw = (SEEDS_DIR / "001_84618987ce385c34.txt").read_bytes()
    run = run_extract(catalogue, raw, "001.txt")
    assert run.document.id == "tongzhou-2023-report" and run.document.registered
    projects = [p for p in run.extraction.proposals if p.entity == "project"]
    recorded = [p for p in projects if p.state == "recorded"]
    assert len(recorded) > len(projects) / 2
    # Read again from the database, without the upload, it proposes the same.
    again = run_registered(catalogue, "tongzhou-2023-report")
    assert [p.ref for p in again.extraction.proposals] == [p.ref for p in run.extraction.proposals]


def test_cli_apply_as_a_planner_then_json(catalogue: Engine, tmp_path: Path) -> None:
    url = catalogue.url.set(drivername="postgresql").render_as_string(hide_password=False)
    report = tmp_path / "2024.txt"
    report.write_bytes(REPORT.encode())

    def tzmap(*args: str) -> Result:
        return CliRunner().invoke(main, ["extract", str(report), *args], env={"DATABASE_URL": url})

    get_settings.cache_clear()
    try:
        nobody = tzmap("--apply")
        viewer = tzmap("--apply", "--as", "viewer")
        unknown = tzmap("--apply", "--as", "nobody")
        before = fingerprint(catalogue)
        applied = tzmap("--apply", "--as", "planner")
        again = tzmap("--json")
    finally:
        get_settings.cache_clear()
    assert nobody.exit_code != 0 and "--as" in nobody.output
    assert viewer.exit_code != 0 and "planners" in viewer.output
    assert unknown.exit_code != 0 and "nobody" in unknown.output
    assert applied.exit_code == 0, applied.output
    assert "10 changes approved (4 event, 1 indicator_figure" in applied.output
    assert fingerprint(catalogue) != before
    assert query(catalogue, "SELECT DISTINCT client FROM change_request")[0][0].startswith(
        "tzmap extract"
    )
    assert again.exit_code == 0, again.output
    proposals = json.loads(again.stdout)
    assert not [p for p in proposals if p["accepted"]]
