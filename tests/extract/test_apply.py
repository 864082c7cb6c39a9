"""--apply: accepted proposals written once, with evidence, through the audited path."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from app.cli import main
from app.extract.service import run_extract
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


@pytest.fixture
def catalogue(engine: Engine) -> Engine:
    load_catalogue(engine, REPO_ROOT / "geodata", SEEDS_DIR)
    return engine


def test_apply_writes_events_and_targets_with_evidence_and_audit(catalogue: Engine) -> None:
    raw = REPORT.encode()
    run = run_extract(catalogue, raw, "2024.txt", apply=True, actor="tester")
    assert run.applied is not None
    assert run.applied.document_registered
    assert run.applied.written == {
        "status_event": 4,
        "target": 4,
        "programme_progress": 1,
        "indicator_value": 1,
    }
    figures = query(
        catalogue,
        "SELECT i.indicator_id, i.kind, i.year, i.value, i.qualifier FROM indicator_value i"
        f" JOIN evidence v ON v.id = i.evidence_id WHERE v.document_id = '{run.document.id}'"
        " UNION ALL SELECT p.programme_id, p.kind, p.year, p.count, p.note"
        " FROM programme_progress p JOIN evidence v ON v.id = p.evidence_id"
        f" WHERE v.document_id = '{run.document.id}'",
    )
    assert sorted(figures) == [
        ("forest-cover", "actual", 2023, 35.0, "about"),
        ("old-communities", "actual", 2023, 12.0, None),
    ]

    events = query(
        catalogue,
        "SELECT e.project_id, e.status, e.milestone, v.char_start, v.char_end"
        " FROM status_event e JOIN evidence v ON v.id = e.evidence_id"
        f" WHERE e.year = 2023 AND v.document_id = '{run.document.id}' ORDER BY 1",
    )
    assert [(e[0], e[1]) for e in events] == [
        ("beitou-group-headquarters", "completed"),
        ("east-6th-ring-road-undergrounding", "under_construction"),
        ("jingtai-road", "under_construction"),
        ("m101-line", "under_construction"),
    ]
    milestones = {e[0]: e[2] for e in events}
    assert milestones["east-6th-ring-road-undergrounding"] == "主线隧道全线贯通"
    for _, _, _, start, end in events:
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

    audits = query(
        catalogue,
        "SELECT entity, actor, before, after FROM audit_log WHERE actor = 'tester' ORDER BY id",
    )
    assert [a[0] for a in audits].count("status_event") == 4
    assert [a[0] for a in audits].count("target") == 4
    assert [a[0] for a in audits].count("indicator_value") == 1
    assert audits[0][0] == "document"
    document = query(
        catalogue, f"SELECT title, date, text FROM document WHERE id = '{run.document.id}'"
    )
    assert document[0][1] == "2024-01-05"
    assert document[0][0] == "".join(REPORT.splitlines()[:2])  # the title broken over two lines
    assert document[0][2] == REPORT
    for _, _, before, after in audits[1:]:
        assert before is None
        assert after["evidence"][0] == run.document.id and after["source"] == "tzmap extract"


def test_a_second_run_proposes_and_writes_nothing_new(catalogue: Engine) -> None:
    raw = REPORT.encode()
    run_extract(catalogue, raw, "2024.txt", apply=True)
    before = fingerprint(catalogue)
    again = run_extract(catalogue, raw, "2024.txt", apply=True)
    assert fingerprint(catalogue) == before
    assert again.applied is not None and not again.applied.written
    assert not any(p.accepted for p in again.extraction.proposals)
    confident = [
        p for p in again.extraction.proposals if p.entity == "project" and p.confidence >= 0.7
    ]
    assert confident and {p.state for p in confident} == {"recorded"}


def test_seed_report_against_its_own_catalogue(catalogue: Engine) -> None:
    """The catalogue was authored from this report: most proposals are already recorded."""
    raw = (SEEDS_DIR / "001_84618987ce385c34.txt").read_bytes()
    run = run_extract(catalogue, raw, "001.txt")
    assert run.document.id == "tongzhou-2023-report" and run.document.registered
    projects = [p for p in run.extraction.proposals if p.entity == "project"]
    recorded = [p for p in projects if p.state == "recorded"]
    assert len(recorded) > len(projects) / 2


def test_cli_apply_then_json(catalogue: Engine, tmp_path: Path) -> None:
    url = catalogue.url.set(drivername="postgresql").render_as_string(hide_password=False)
    report = tmp_path / "2024.txt"
    report.write_bytes(REPORT.encode())
    get_settings.cache_clear()
    try:
        applied = CliRunner().invoke(
            main, ["extract", str(report), "--apply"], env={"DATABASE_URL": url}
        )
        again = CliRunner().invoke(
            main, ["extract", str(report), "--json"], env={"DATABASE_URL": url}
        )
    finally:
        get_settings.cache_clear()
    assert applied.exit_code == 0, applied.output
    assert "4 status_event, 4 target" in applied.output
    assert again.exit_code == 0, again.output
    proposals = json.loads(again.stdout)
    assert not [p for p in proposals if p["accepted"]]
