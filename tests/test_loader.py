"""`tzmap load`: all of geodata/ loads; bad input is rejected with a clear message and no change."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from app.geodata.load import load_catalogue
from app.geodata.validate import CatalogueError, names_in, read_catalogue
from app.settings import REPO_ROOT
from tests.conftest import SEEDS_DIR, fingerprint, query

GEODATA = REPO_ROOT / "geodata"
PLAN = "tongzhou-2022-plan"
PLAN_TEXT = (SEEDS_DIR / "000_5a3d939f8459527b.txt").read_text("utf-8")


def evidence(name: str, document: str = PLAN, text: str = PLAN_TEXT) -> dict[str, Any]:
    start = text.index(name)
    return {"document": document, "start": start, "end": start + len(name) + 5}


def feature(pid: str, name: str, geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    properties = {
        "name": name,
        "aliases": [],
        "category": "rail",
        "geometry_quality": "schematic",
        "description": "test",
        "description_zh": "测试",
        "events": [],
        "targets": [{"year": 2026, "status": "in_service", "evidence": evidence(name)}],
    }
    return {"type": "Feature", "id": pid, "geometry": geometry, "properties": properties | props}


def line(*points: tuple[float, float]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


# Across 中仓/新华/北苑-ish town centre to the east: a line that crosses several townships.
M101 = feature("m101-line", "M101线", line((116.64, 39.90), (116.70, 39.90), (116.76, 39.89)))
HUB = feature(
    "sub-centre-hub",
    "副中心综合交通枢纽",
    point(116.706, 39.899),
    category="hub",
    geometry_quality="approximate",
    aliases=["综合交通枢纽"],
)


def write_projects(root: Path, features: list[dict[str, Any]]) -> None:
    projects = root / "projects"
    shutil.rmtree(projects)
    projects.mkdir()
    collection = {"type": "FeatureCollection", "features": features}
    (projects / "test.geojson").write_text(json.dumps(collection, ensure_ascii=False), "utf-8")


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    """A copy of geodata/ whose projects are the two above."""
    root = tmp_path / "geodata"
    shutil.copytree(GEODATA, root)
    write_projects(root, [M101, HUB])
    return root


# --- the real catalogue ------------------------------------------------------------------------


def test_all_of_geodata_loads_and_its_evidence_checks(engine: Engine) -> None:
    catalogue = read_catalogue(GEODATA, SEEDS_DIR)
    assert set(catalogue.texts) == {d.id for d in catalogue.documents}, "evidence not checked"
    report = load_catalogue(engine, GEODATA, SEEDS_DIR)
    assert report.counts["townships"] == 22
    assert query(engine, "SELECT count(*) FROM project")[0][0] == len(catalogue.projects)
    assert query(engine, "SELECT count(*) FROM document WHERE text IS NOT NULL")[0][0] == 2
    # every placed project touches at least one township (all lie in the district)
    orphans = query(
        engine,
        "SELECT id FROM project p WHERE geom IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM project_township pt WHERE pt.project_id = p.id)",
    )
    assert orphans == []


def test_reload_changes_nothing(engine: Engine) -> None:
    load_catalogue(engine, GEODATA, SEEDS_DIR)
    before = fingerprint(engine)
    report = load_catalogue(engine, GEODATA, SEEDS_DIR)
    assert not report.changed, str(report)
    assert fingerprint(engine) == before


def test_loads_without_document_texts(engine: Engine) -> None:
    report = load_catalogue(engine, GEODATA, None)
    assert report.documents_with_text == []
    assert query(engine, "SELECT count(*) FROM evidence")[0][0] > 0


# --- a small catalogue -------------------------------------------------------------------------


def test_small_catalogue_loads_with_townships_and_lengths(
    engine: Engine, catalogue_dir: Path
) -> None:
    load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    rows = query(
        engine,
        "SELECT t.name, pt.length_km FROM project_township pt JOIN township t"
        " ON t.code = pt.township_code WHERE pt.project_id = 'm101-line'",
    )
    assert len(rows) >= 3, rows
    total = query(
        engine,
        "SELECT ST_Length(ST_Transform(geom, 4548)) / 1000 FROM project WHERE id = 'm101-line'",
    )[0][0]
    assert sum(length for _, length in rows) == pytest.approx(total, rel=1e-6)
    assert query(engine, "SELECT alias FROM project_alias") == [("综合交通枢纽",)]


def test_changed_file_updates_and_audits(engine: Engine, catalogue_dir: Path) -> None:
    load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    moved = feature("sub-centre-hub", "副中心综合交通枢纽", point(116.71, 39.90), category="hub")
    write_projects(catalogue_dir, [M101, moved])
    report = load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    assert report.changes == {("project", "update"): 1}
    audit = query(
        engine,
        "SELECT action, before->'geometry'->'coordinates', after->'geometry'->'coordinates'"
        " FROM audit_log WHERE entity = 'project' AND entity_id = 'sub-centre-hub' ORDER BY id",
    )
    assert audit == [
        ("create", None, [116.706, 39.899]),
        ("update", [116.706, 39.899], [116.71, 39.9]),
    ]
    assert query(engine, "SELECT alias FROM project_alias") == []

    write_projects(catalogue_dir, [M101])
    report = load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    assert report.changes == {("project", "delete"): 1}
    assert query(engine, "SELECT id FROM project") == [("m101-line",)]


# --- malformed input: each is rejected, says which record and why, and changes nothing ------------


def _mutate_project(index: int, **changes: Any) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        features = [json.loads(json.dumps(M101)), json.loads(json.dumps(HUB))]
        target = features[index]
        for key, value in changes.items():
            if key in ("geometry", "id"):
                target[key] = value
            else:
                target["properties"][key] = value
        write_projects(root, features)

    return mutate


def _write_raw(relative: str, content: bytes) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        (root / relative).write_bytes(content)

    return mutate


def _projects_file_bytes() -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": [M101, HUB]}, ensure_ascii=False
    ).encode()


def _with_crs(root: Path) -> None:
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": [M101, HUB],
    }
    write_projects(root, [])
    (root / "projects" / "test.geojson").write_text(json.dumps(collection, ensure_ascii=False))


def _duplicate_township(root: Path) -> None:
    path = root / "townships.geojson"
    data = json.loads(path.read_text("utf-8"))
    data["features"][1]["properties"]["code"] = data["features"][0]["properties"]["code"]
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def _event(year: int, status: str, name: str = "M101线", end: int | None = None) -> dict[str, Any]:
    ref = evidence(name)
    if end is not None:
        ref["end"] = end
    return {"year": year, "status": status, "milestone": None, "evidence": ref}


def _target(year: int, status: str, name: str = "M101线") -> dict[str, Any]:
    return {"year": year, "status": status, "evidence": evidence(name)}


BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[116.70, 39.88], [116.72, 39.90], [116.72, 39.88], [116.70, 39.90], [116.70, 39.88]]
    ],
}

MALFORMED: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "self-intersecting polygon": (
        _mutate_project(1, geometry=BOWTIE),
        "sub-centre-hub",
        "invalid geometry: Self-intersection",
    ),
    "wrong CRS declared": (_with_crs, "test.geojson", "declares CRS urn:ogc:def:crs:EPSG::3857"),
    "projected coordinates": (
        _mutate_project(1, geometry=point(12985000.0, 4852000.0)),
        "sub-centre-hub",
        "not longitude/latitude",
    ),
    "point outside the district": (
        _mutate_project(1, geometry=point(116.40, 39.90)),
        "sub-centre-hub",
        "outside the district",
    ),
    "cross-border line that never touches the district": (
        _mutate_project(0, geometry=line((116.1, 39.9), (116.2, 39.9)), cross_border=True),
        "m101-line",
        "does not touch the district",
    ),
    "unknown township": (
        _mutate_project(1, townships=["火星镇"]),
        "sub-centre-hub",
        "unknown township '火星镇'",
    ),
    "unknown status": (
        _mutate_project(0, events=[_event(2022, "finished")]),
        "m101-line",
        "events.0.status",
    ),
    "duplicate id": (_mutate_project(1, id="m101-line"), "m101-line", "duplicate project id"),
    "year out of range": (
        _mutate_project(0, events=[_event(1990, "planned")]),
        "m101-line",
        "events.0.year",
    ),
    "two events for one year and status": (
        _mutate_project(0, events=[_event(2022, "planned"), _event(2022, "planned")]),
        "m101-line",
        "two events for 2022 planned",
    ),
    "evidence past the end of the document": (
        _mutate_project(0, events=[_event(2022, "planned", end=len(PLAN_TEXT) + 50)]),
        "m101-line",
        "past the end of the document",
    ),
    "evidence that does not mention the project": (
        _mutate_project(0, events=[_event(2022, "planned", name="333个美丽乡村")]),
        "m101-line",
        "names none of M101线",
    ),
    "evidence in an unknown document": (
        _mutate_project(
            0,
            targets=[
                {
                    "year": 2026,
                    "status": "in_service",
                    "evidence": {"document": "nope", "start": 0, "end": 5},
                }
            ],
        ),
        "m101-line",
        "unknown document 'nope'",
    ),
    "evidence end before start": (
        _mutate_project(
            0,
            targets=[
                {
                    "year": 2026,
                    "status": "in_service",
                    "evidence": {"document": PLAN, "start": 50, "end": 40},
                }
            ],
        ),
        "m101-line",
        "must be after start",
    ),
    "alias claimed by two projects": (
        _mutate_project(0, aliases=["综合交通枢纽"]),
        "sub-centre-hub",
        "already m101-line's",
    ),
    "unknown programme": (
        _mutate_project(0, programmes=["moon-bases"]),
        "m101-line",
        "unknown programme",
    ),
    "unknown category": (_mutate_project(0, category="spaceport"), "m101-line", "category"),
    "no event or target": (_mutate_project(1, targets=[]), "sub-centre-hub", "nothing supports it"),
    "no Chinese description": (
        _mutate_project(0, description_zh=""),
        "m101-line",
        "no Chinese description",
    ),
    "a placement note without a Chinese one": (
        _mutate_project(0, placement="A line through the stations; schematic, not surveyed."),
        "m101-line",
        "no Chinese one (placement_zh)",
    ),
    "a Chinese placement note without Chinese": (
        _mutate_project(0, placement="Schematic line.", placement_zh="Schematic line."),
        "m101-line",
        "placement_zh has no Chinese text",
    ),
    "a timeline that runs backwards": (
        _mutate_project(
            0, targets=[_target(2023, "in_service"), _target(2026, "under_construction")]
        ),
        "m101-line",
        "the timeline runs backwards: target 2026 under_construction after target 2023",
    ),
    "programme membership no sentence supports": (
        _mutate_project(1, programmes=["dead-end-roads"]),
        "sub-centre-hub",
        "membership needs a sentence that says so",
    ),
    "an alias that is also an indicator's name": (
        _mutate_project(1, aliases=["森林覆盖率"]),
        "forest-cover",
        "already names project sub-centre-hub",
    ),
    "3D coordinates": (
        _mutate_project(1, geometry={"type": "Point", "coordinates": [116.7, 39.9, 20.0]}),
        "sub-centre-hub",
        "Z coordinates",
    ),
    "empty geometry": (
        _mutate_project(1, geometry={"type": "Point", "coordinates": []}),
        "sub-centre-hub",
        "empty",
    ),
    "geometry collection": (
        _mutate_project(
            1, geometry={"type": "GeometryCollection", "geometries": [point(116.7, 39.9)]}
        ),
        "sub-centre-hub",
        "unsupported geometry type",
    ),
    "null geometry without unplaced quality": (
        _mutate_project(1, geometry=None),
        "sub-centre-hub",
        "only an 'unplaced' project",
    ),
    "unplaced project with a geometry": (
        _mutate_project(1, geometry_quality="unplaced"),
        "sub-centre-hub",
        "must have geometry null",
    ),
    "missing id": (_mutate_project(1, id=None), "#1", "no string 'id'"),
    "unknown property": (_mutate_project(1, colour="red"), "sub-centre-hub", "colour"),
    "file in GBK encoding": (
        _write_raw("projects/test.geojson", _projects_file_bytes().decode().encode("gbk")),
        "test.geojson",
        "not UTF-8",
    ),
    "truncated JSON": (
        _write_raw("projects/test.geojson", _projects_file_bytes().decode()[:-40].encode()),
        "test.geojson",
        "truncated",
    ),
    "duplicate township code": (
        _duplicate_township,
        "townships.geojson",
        "duplicate township code",
    ),
}


@pytest.mark.parametrize("case", MALFORMED, ids=MALFORMED)
def test_malformed_input_is_rejected_and_changes_nothing(
    engine: Engine, catalogue_dir: Path, case: str
) -> None:
    load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    before = fingerprint(engine)
    mutate, where, reason = MALFORMED[case]
    mutate(catalogue_dir)
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    message = str(raised.value)
    assert "nothing was loaded" in message
    assert any(where in str(p) and reason in str(p) for p in raised.value.problems), message
    assert fingerprint(engine) == before


def test_every_bad_record_is_listed(catalogue_dir: Path) -> None:
    write_projects(
        catalogue_dir,
        [
            feature("a-1", "行政办公区", point(116.40, 39.90)),
            feature("b-2", "运河商务区", point(116.7, 39.9), category="spaceport"),
        ],
    )
    with pytest.raises(CatalogueError) as raised:
        read_catalogue(catalogue_dir, SEEDS_DIR)
    records = {p.record for p in raised.value.problems}
    assert {"a-1", "b-2"} <= records


def test_unplaced_project_loads_without_geometry(engine: Engine, catalogue_dir: Path) -> None:
    unplaced = feature("somewhere", "副中心综合交通枢纽", None, geometry_quality="unplaced")  # type: ignore[arg-type]
    write_projects(catalogue_dir, [M101, unplaced])
    load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    rows = query(
        engine, "SELECT geom IS NULL, geometry_quality FROM project WHERE id = 'somewhere'"
    )
    assert rows == [(True, "unplaced")]
    assert query(
        engine, "SELECT count(*) FROM project_township WHERE project_id = 'somewhere'"
    ) == [(0,)]


def test_reload_keeps_facts_from_reports_and_adopts_them_once_authored(
    engine: Engine, catalogue_dir: Path
) -> None:
    load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO status_event (project_id, year, status, evidence_id, origin)"
            " SELECT 'm101-line', 2024, 'under_construction', min(id), 'report' FROM evidence"
        )
    before = fingerprint(engine)
    assert not load_catalogue(engine, catalogue_dir, SEEDS_DIR).changed
    assert fingerprint(engine) == before, "a reload leaves reported facts alone"

    authored = json.loads(json.dumps(M101))
    authored["properties"]["events"] = [_event(2024, "under_construction")]
    write_projects(catalogue_dir, [authored, HUB])
    load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    rows = query(
        engine, "SELECT origin FROM status_event WHERE project_id = 'm101-line' AND year = 2024"
    )
    assert rows == [("catalogue",)]
    assert not load_catalogue(engine, catalogue_dir, SEEDS_DIR).changed


# --- what the catalogue may claim (issue 14): each known mistake is refused ----------------------

REPORT = "tongzhou-2023-report"
REPORT_TEXT = (SEEDS_DIR / "001_84618987ce385c34.txt").read_text("utf-8")


def _in_report(piece: str) -> dict[str, Any]:
    start = REPORT_TEXT.index(piece)
    return {"document": REPORT, "start": start, "end": start + len(piece)}


def _edit_list(file: str, record_id: str, change: Callable[[dict[str, Any]], None]) -> Any:
    def mutate(root: Path) -> None:
        path = root / file
        data = json.loads(path.read_text("utf-8"))
        change(next(r for r in data if r["id"] == record_id))
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")

    return mutate


def _figure(
    programme: str, year: int, count: float, piece: str, kind: str = "actual", stage: str = ""
) -> Callable[[Path], None]:
    def change(record: dict[str, Any]) -> None:
        figure = {"year": year, "kind": kind, "count": count, "note": None}
        record["progress"].append(figure | {"evidence": _in_report(piece)})
        record["stage"] = stage or record["stage"]

    return _edit_list("programmes.json", programme, change)


def _aliases(file: str, record_id: str, *aliases: str) -> Callable[[Path], None]:
    def change(record: dict[str, Any]) -> None:
        record["aliases"] = [*record["aliases"], *aliases]

    return _edit_list(file, record_id, change)


REFUSED: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "3 of 3 Green Heart buildings in service from 「基本完工」": (
        _figure("green-heart-culture-facilities", 2022, 3, "绿心三大文化设施基本完工"),
        "green-heart-culture-facilities",
        "「基本」 says the stage is not reached",
    ),
    "28 projects launched counted as completed": (
        _figure(
            "smart-city-benchmarks", 2022, 28, "启动实施28个智慧城市标杆示范项目", stage="completed"
        ),
        "smart-city-benchmarks",
        "「启动」 says the stage is not reached",
    ),
    "3 theme parks in preliminary study": (
        _figure(
            "cross-border-theme-parks",
            2022,
            3,
            "国家级植物园、通燕运动健身园、潮白河自然教育园三大跨界协同主题特色园前期研究加快推进",
        ),
        "cross-border-theme-parks",
        "not an achievement",
    ),
    "4 industry projects under construction": (
        _figure(
            "culture-tourism-industry-projects",
            2022,
            4,
            "文化旅游区张家湾车辆段综合利用、通马路综合交通枢纽等四大产业项目建设持续加快",
        ),
        "culture-tourism-industry-projects",
        "「加快」 says the stage is not reached",
    ),
    "29,000 homes raised (筹建) counted as built": (
        _figure(
            "affordable-housing",
            2022,
            29000,
            "住房保障力度持续加大，筹建各类保障性住房2.9万套，筹建数量全市第一，竣工6000余套",
        ),
        "affordable-housing",
        "「筹建」 says the stage is not reached",
    ),
    "13 villages whose plans were drawn": (
        _figure(
            "beautiful-villages",
            2022,
            13,
            "首批13个村庄“码头旅游、传统文化、精品民宿+美丽乡村”示范样板完成规划编制及方案设计",
        ),
        "beautiful-villages",
        "「规划」 says the stage is not reached",
    ),
    "a count the sentence does not state": (
        _figure(
            "affordable-housing",
            2022,
            7000,
            "住房保障力度持续加大，筹建各类保障性住房2.9万套，筹建数量全市第一，竣工6000余套",
        ),
        "affordable-housing",
        "states no such count",
    ),
    "a target of starts in a programme of completions": (
        _figure("old-communities", 2023, 15, "新开工老旧小区综合整治项目15个", kind="target"),
        "old-communities",
        "speaks of 「开工」",
    ),
    "an alias of two indicators": (
        _aliases("indicators.json", "gdp", "地区生产总值增长"),
        "gdp",
        "already names indicator gdp-growth",
    ),
    "a programme alias that is a project's name": (
        _aliases("programmes.json", "culture-tourism-industry-projects", "副中心综合交通枢纽"),
        "culture-tourism-industry-projects",
        "already names project sub-centre-hub",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=REFUSED)
def test_claims_the_text_does_not_support_are_refused(catalogue_dir: Path, case: str) -> None:
    mutate, where, reason = REFUSED[case]
    read_catalogue(catalogue_dir, SEEDS_DIR)  # the unchanged copy is fine
    mutate(catalogue_dir)
    with pytest.raises(CatalogueError) as raised:
        read_catalogue(catalogue_dir, SEEDS_DIR)
    problems = raised.value.problems
    assert any(where in str(p) and reason in str(p) for p in problems), str(raised.value)


def test_a_later_phase_may_step_back_when_its_milestone_names_it(catalogue_dir: Path) -> None:
    events = [_event(2022, "in_service"), _event(2023, "under_construction")]
    events[1]["milestone"] = "二期开工"
    _mutate_project(0, events=events)(catalogue_dir)
    read_catalogue(catalogue_dir, SEEDS_DIR)


def test_a_gap_stands_for_words_within_one_sentence() -> None:
    assert names_in("城南、城北、两河水网等综合治理工程加快建设。", ["城北…水网"])
    assert names_in("完成城北、两河水网一期工程,加快实施二期工程", ["城北…水网…二期"])
    assert not names_in("城北的河道完成治理。另建水网二期", ["城北…水网…二期"])
    assert not names_in("城北、两河水网", ["城南…水网"])


def test_mentions_and_chinese_descriptions_reach_the_read_model(
    engine: Engine, catalogue_dir: Path
) -> None:
    named = feature(
        "sub-centre-hub",
        "副中心综合交通枢纽",
        point(116.706, 39.899),
        category="hub",
        description_zh="站城一体的交通枢纽。",
        targets=[],
        mentions=[evidence("副中心综合交通枢纽")],
    )
    write_projects(catalogue_dir, [M101, named])
    load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    rows = query(
        engine,
        "SELECT years::text, feature::json->'properties' FROM project_feature"
        " WHERE id = 'sub-centre-hub'",
    )
    assert [years for years, _ in rows] == ["(,)"], "no stage: one row, no status in any year"
    properties = rows[0][1]
    assert properties["status"] is None and properties["target_status"] is None
    assert properties["description_zh"] == "站城一体的交通枢纽。"
    assert properties["description"] == "test"
    assert [e["kind"] for e in properties["evidence"]] == ["mention"]
    assert query(engine, "SELECT stage FROM programme WHERE id = 'smart-city-benchmarks'") == [
        ("started",)
    ]
    assert not load_catalogue(engine, catalogue_dir, SEEDS_DIR).changed


def test_chinese_placement_notes_reach_the_read_model(engine: Engine, catalogue_dir: Path) -> None:
    placed = feature(
        "m101-line",
        "M101线",
        M101["geometry"],
        placement="Schematic line through estimated station points; not surveyed.",
        placement_zh="经估计车站点位的示意线；非实测。",
    )
    write_projects(catalogue_dir, [placed, HUB])  # the hub has no placement and needs no note
    load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    assert query(engine, "SELECT id, placement_zh FROM project ORDER BY id") == [
        ("m101-line", "经估计车站点位的示意线；非实测。"),
        ("sub-centre-hub", None),
    ]
    rows = query(
        engine,
        "SELECT DISTINCT feature::json->'properties'->>'placement_zh' FROM project_feature"
        " WHERE id = 'm101-line'",
    )
    assert rows == [("经估计车站点位的示意线；非实测。",)]
    keys = query(
        engine,
        "SELECT array_agg(k ORDER BY n) FROM project_feature,"
        " json_object_keys(feature::json->'properties') WITH ORDINALITY AS t(k, n)"
        " WHERE id = 'sub-centre-hub' GROUP BY years",
    )[0][0]
    assert keys[keys.index("placement") + 1] == "placement_zh", "after placement, in every feed"
    assert not load_catalogue(engine, catalogue_dir, SEEDS_DIR).changed

    placed["properties"]["placement_zh"] = "经估计车站点位画出的示意线；非实测。"
    write_projects(catalogue_dir, [placed, HUB])
    report = load_catalogue(engine, catalogue_dir, SEEDS_DIR)
    assert report.changes == {("project", "update"): 1}
    assert query(engine, "SELECT placement_zh FROM project WHERE id = 'm101-line'") == [
        ("经估计车站点位画出的示意线；非实测。",)
    ]
