"""Read and validate the whole catalogue before anything is written.

`read_catalogue` returns a `Catalogue` or raises `CatalogueError` listing every bad record with its
file, record id and reason.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import shapely
from pydantic import BaseModel, ValidationError
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from app import vocab
from app.geodata.records import (
    DistrictProperties,
    DocumentRecord,
    EvidenceRef,
    IndicatorRecord,
    ProgrammeRecord,
    ProjectProperties,
    TownshipProperties,
)

if TYPE_CHECKING:
    from pyproj import Transformer

# The shipped district outline is simplified, its edge up to about 1 km off the true boundary.
DISTRICT_TOLERANCE_M = 1000.0
WGS84_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"}
PROJECT_GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
}


@functools.cache
def _to_metric() -> Transformer:
    # Imported on first use: the server imports this module for edits, and pyproj costs ~15 MB.
    from pyproj import Transformer

    return Transformer.from_crs(4326, vocab.METRIC_SRID, always_xy=True)


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, _to_metric().transform, interleaved=False)


M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    file: str
    record: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f" [{self.record}]" if self.record else "")
        return f"{where}: {self.reason}"


class CatalogueError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"{len(problems)} problem(s) in the catalogue; nothing was loaded:\n{lines}"
        )


@dataclass(frozen=True)
class Located:
    """A record with its geometry."""

    id: str
    properties: Any
    geometry: BaseGeometry | None  # None only for an unplaced project
    file: Path = Path()


@dataclass
class Catalogue:
    documents: list[DocumentRecord]
    district: Located
    townships: list[Located]
    projects: list[Located]
    programmes: list[ProgrammeRecord]
    indicators: list[IndicatorRecord]
    texts: dict[str, str] = field(default_factory=dict)  # document id -> text, when available
    township_note: str | None = None


class _Reader:
    """Collects problems while reading; each check adds to the list instead of stopping."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def problem(self, path: Path, record: str | None, reason: str) -> None:
        name = str(path.relative_to(self.root) if path.is_relative_to(self.root) else path)
        self.problems.append(Problem(name, record, reason))

    def json(self, path: Path) -> Any:
        if not path.exists():
            self.problem(path, None, "file is missing")
            return None
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problem(
                path,
                None,
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "save it as UTF-8 (GBK/GB18030 files are not accepted)",
            )
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            ending = text.rstrip()[-1:]
            hint = "" if ending in ("}", "]") else " (the file ends early: is it truncated?)"
            self.problem(
                path,
                None,
                f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}{hint}",
            )
            return None

    def model(self, path: Path, record: str | None, model: type[M], data: Any) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                location = ".".join(str(part) for part in error["loc"]) or "record"
                self.problem(path, record, f"{location}: {error['msg']}")
            return None

    def collection(self, path: Path) -> dict[str, Any] | None:
        """A GeoJSON FeatureCollection in WGS84, or None (with the problem noted)."""
        data = self.json(path)
        if data is None:
            return None
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            self.problem(path, None, "expected a GeoJSON FeatureCollection")
            return None
        crs = (data.get("crs") or {}).get("properties", {}).get("name")
        if crs is not None and crs not in WGS84_NAMES:
            reason = f"declares CRS {crs}; geodata must be WGS84 longitude/latitude (EPSG:4326)"
            self.problem(path, None, reason)
            return None
        if not isinstance(data.get("features"), list):
            self.problem(path, None, "'features' must be a list")
            return None
        return data

    def geometry(self, path: Path, record: str, data: Any) -> BaseGeometry | None:
        geom, reason = read_geometry(data)
        if reason:
            self.problem(path, record, reason)
        return geom


def read_geometry(data: Any) -> tuple[BaseGeometry | None, str | None]:
    """A GeoJSON geometry as a shapely one, or the reason it is not acceptable."""
    try:
        geom = shape(data)
    except Exception as exc:  # shapely raises several kinds for malformed GeoJSON
        return None, f"geometry is not valid GeoJSON: {exc}"
    if geom.is_empty:
        return None, "geometry is empty"
    if geom.has_z:
        return None, "geometry has Z coordinates; only 2D lon/lat is accepted"
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, (
            "coordinates are not longitude/latitude degrees (a projected CRS?); "
            "geodata must be WGS84 (EPSG:4326)"
        )
    if not geom.is_valid:
        return None, f"invalid geometry: {shapely.is_valid_reason(geom)}"
    return geom, None


def placement_problem(
    geom: BaseGeometry, district_m: BaseGeometry, cross_border: bool
) -> str | None:
    """Why a project's geometry does not belong to the district (given in metres, see
    `to_metric`), or None when it does."""
    geom_m = to_metric(geom)
    if cross_border:
        if not geom_m.intersects(district_m):
            return "marked cross_border but does not touch the district"
    elif not district_m.buffer(DISTRICT_TOLERANCE_M).contains(geom_m):
        distance = geom_m.distance(district_m) / 1000
        return (
            f"geometry lies outside the district ({distance:.1f} km from its outline); "
            "mark it cross_border if it really continues beyond"
        )
    return None


# In a name or alias, "…" stands for words the document puts in between, within one sentence:
# "城北…水网" is how 「城南、城北、两河水网」 names the 城北 network.
GAP = "…"
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


def names_in(text: str, names: Iterable[str]) -> bool:
    """Does `text` name one of `names`: literally, or piece by piece within one sentence where
    the name has gaps (…)?"""
    return any(_named(text, name) for name in names)


def _named(text: str, name: str) -> bool:
    if GAP not in name:
        return name in text
    pieces = [piece for piece in name.split(GAP) if piece]
    for sentence in _SENTENCE_END.split(text):
        position = 0
        for piece in pieces:
            found = sentence.find(piece, position)
            if found < 0:
                break
            position = found + len(piece)
        else:
            return True
    return False


def evidence_problem(
    document: str, start: int, end: int, text: str | None, names: list[str]
) -> str | None:
    """Why a document range does not support a fact about one of `names`, or None."""
    where = f"evidence {document}[{start}:{end}]"
    if text is None:
        return None  # the reference stands; it is checked whenever the text is at hand
    if end > len(text):
        return f"{where}: past the end of the document ({len(text)} characters)"
    if not names_in(text[start:end], names):
        return f"{where}: the text there names none of {', '.join(names)}"
    return None


# --- what a programme's figure counts ----------------------------------------------------------

# Clauses end at these; 「、」 joins the items of one clause.
_CLAUSE_END = re.compile(r"[，,。；;：:！？!?\n]")
# Words of a report clause that say which stage a count has reached …
STAGE_WORDS = {
    "started": ("开工", "启动", "筹建", "开建"),
    "completed": (
        "完成", "建成", "竣工", "完工", "实现", "达到", "达", "创建", "打通", "新建", "新增",
    ),
    "in_service": ("投入使用", "投用", "开园", "通车", "运营", "开放", "开业", "投产"),
}  # fmt: skip
# … and words that say it is not reached yet: partial (基本完工), preparatory or ongoing work.
NOT_REACHED = ("基本", "前期", "规划", "方案", "研究", "加快", "推进", "持续")
_CHINESE_NUMERALS = "一二三四五六七八九十"


def count_forms(count: float) -> list[str]:
    """How a document may write a count: 6000, 2.9万, 三 (for 3) …"""
    if count != int(count):
        return [f"{count:g}"]
    whole = int(count)
    forms = [str(whole)]
    if whole >= 10000:
        forms.append(f"{whole / 10000:g}万")
    if 1 <= whole <= 10:
        forms.append(_CHINESE_NUMERALS[whole - 1])
    if whole == 2:
        forms.append("两")
    return forms


def _count_pattern(form: str) -> re.Pattern[str]:
    if form[0].isdigit():
        return re.compile(rf"(?<![\d.]){re.escape(form)}(?![\d.])")
    numerals = _CHINESE_NUMERALS + "两百千万"
    return re.compile(rf"(?<![{numerals}]){re.escape(form)}(?![{numerals}])")


def count_clauses(text: str, count: float) -> list[str]:
    """The clauses of `text` that state `count`."""
    patterns = [_count_pattern(form) for form in count_forms(count)]
    return [
        clause
        for clause in _CLAUSE_END.split(text)
        if any(pattern.search(clause) for pattern in patterns)
    ]


def stage_problem(stage: str, clause: str) -> str | None:
    """Why a clause does not report its count as having reached `stage`, or None."""
    forbidden: tuple[str, ...] = ("前期", "规划", "方案", "研究")
    if stage != "started":
        forbidden = NOT_REACHED + STAGE_WORDS["started"]
    held = [word for word in forbidden if word in clause]
    if held:
        return f"「{held[0]}」 says the stage is not reached"
    if not any(word in clause for word in STAGE_WORDS[stage]):
        return "it names no stage"
    return None


def _duplicates(values: Iterable[str]) -> list[str]:
    return sorted(value for value, n in Counter(values).items() if n > 1)


def _as_multipolygon(geom: BaseGeometry) -> MultiPolygon | None:
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    return geom if isinstance(geom, MultiPolygon) else None


def document_texts(documents: list[DocumentRecord], directory: Path | None) -> dict[str, str]:
    """Texts of the listed documents found in `directory`, matched by sha256 of the file."""
    if directory is None or not directory.is_dir():
        return {}
    by_hash = {d.sha256: d.id for d in documents}
    texts = {}
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        document_id = by_hash.get(hashlib.sha256(raw).hexdigest())
        if document_id:
            texts[document_id] = raw.decode("utf-8")
    return texts


def read_catalogue(
    root: Path, documents_dir: Path | None = None, known_texts: dict[str, str] | None = None
) -> Catalogue:
    # known_texts: texts registered earlier, by sha256.
    """Read and check every file of the catalogue in `root`; raise CatalogueError on any problem."""
    reader = _Reader(root)

    documents = _read_documents(reader, root / "documents.json")
    known_texts = known_texts or {}
    texts = {d.id: known_texts[d.sha256] for d in documents if d.sha256 in known_texts}
    texts |= document_texts(documents, documents_dir)
    district = _read_district(reader, root / "district.geojson")
    townships, township_note = _read_townships(reader, root / "townships.geojson")
    programmes = _read_list(reader, root / "programmes.json", ProgrammeRecord)
    indicators = _read_list(reader, root / "indicators.json", IndicatorRecord)
    projects = _read_projects(reader, root / "projects")

    if district is None:
        raise CatalogueError(reader.problems)
    # Cross-record checks run on whatever parsed, so that every bad record is listed at once.

    catalogue = Catalogue(
        documents, district, townships, projects, programmes, indicators, texts, township_note
    )
    _check_references(reader, catalogue)
    if reader.problems:
        raise CatalogueError(reader.problems)
    return catalogue


def _read_documents(reader: _Reader, path: Path) -> list[DocumentRecord]:
    documents = _read_list(reader, path, DocumentRecord)
    for dup in _duplicates(d.id for d in documents):
        reader.problem(path, dup, "duplicate document id")
    for dup in _duplicates(d.sha256 for d in documents):
        reader.problem(path, dup, "two documents with the same sha256")
    return documents


def _read_list(reader: _Reader, path: Path, model: type[M]) -> list[M]:
    data = reader.json(path)
    if data is None:
        return []
    if not isinstance(data, list):
        reader.problem(path, None, "expected a JSON list of records")
        return []
    records = []
    for index, item in enumerate(data):
        record_id = item.get("id") if isinstance(item, dict) else None
        parsed = reader.model(path, str(record_id or f"#{index}"), model, item)
        if parsed is not None:
            records.append(parsed)
    ids = [getattr(r, "id", None) for r in records]
    for dup in _duplicates(i for i in ids if i):
        reader.problem(path, dup, "duplicate id")
    return records


def _read_district(reader: _Reader, path: Path) -> Located | None:
    data = reader.json(path)
    if data is None:
        return None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        data = features[0] if len(features) == 1 else None
    if not isinstance(data, dict) or data.get("type") != "Feature":
        reader.problem(path, None, "expected one GeoJSON Feature with the district outline")
        return None
    props = reader.model(path, "district", DistrictProperties, data.get("properties"))
    geom = reader.geometry(path, "district", data.get("geometry"))
    multi = _as_multipolygon(geom) if geom is not None else None
    if geom is not None and multi is None:
        reader.problem(path, "district", "the district outline must be a Polygon or MultiPolygon")
    if props is None or multi is None:
        return None
    return Located(props.code, props, multi)


def _read_townships(reader: _Reader, path: Path) -> tuple[list[Located], str | None]:
    townships: list[Located] = []
    collection = reader.collection(path)
    if collection is None:
        return townships, None
    for index, feature in enumerate(collection["features"]):
        props_data = feature.get("properties") or {}
        record = str(props_data.get("name") or props_data.get("code") or f"#{index}")
        props = reader.model(path, record, TownshipProperties, props_data)
        geom = reader.geometry(path, record, feature.get("geometry"))
        multi = _as_multipolygon(geom) if geom is not None else None
        if geom is not None and multi is None:
            reader.problem(path, record, "a township boundary must be a Polygon or MultiPolygon")
        if props is not None and multi is not None:
            townships.append(Located(props.code, props, multi))
    for dup in _duplicates(t.id for t in townships):
        reader.problem(path, dup, "duplicate township code")
    for dup in _duplicates(t.properties.name for t in townships):
        reader.problem(path, dup, "duplicate township name")
    return townships, collection.get("note")


def _read_projects(reader: _Reader, directory: Path) -> list[Located]:
    if not directory.is_dir():
        reader.problem(directory, None, "directory of project files is missing")
        return []
    projects = []
    for path in sorted(directory.glob("*.geojson")):
        collection = reader.collection(path)
        for index, feature in enumerate(collection["features"] if collection else []):
            record = str(feature.get("id") or f"#{index}")
            if not isinstance(feature.get("id"), str):
                reader.problem(path, record, "feature has no string 'id'")
                continue
            props = reader.model(path, record, ProjectProperties, feature.get("properties"))
            if props is None:
                continue
            if props.geometry_quality == "unplaced":
                if feature.get("geometry") is not None:
                    reader.problem(path, record, "an unplaced project must have geometry null")
                else:
                    projects.append(Located(record, props, None, path))
                continue
            if feature.get("geometry") is None:
                reader.problem(
                    path, record, "geometry is null; only an 'unplaced' project may have none"
                )
                continue
            geom = reader.geometry(path, record, feature.get("geometry"))
            if geom is not None and geom.geom_type not in PROJECT_GEOMETRY_TYPES:
                reader.problem(path, record, f"unsupported geometry type {geom.geom_type}")
            elif geom is not None:
                projects.append(Located(record, props, geom, path))
    return projects


PROGRAMMES_FILE = Path("programmes.json")
INDICATORS_FILE = Path("indicators.json")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _check_references(reader: _Reader, catalogue: Catalogue) -> None:
    """Checks across records: ids, aliases, places, programmes and evidence."""
    _check_projects_unique(reader, catalogue.projects)
    _check_names_unique(reader, catalogue)
    _check_places(reader, catalogue)
    evidence_check = _EvidenceCheck(reader, catalogue)
    programme_names = {p.id: [p.name, *p.aliases] for p in catalogue.programmes}
    for project in catalogue.projects:
        path, props = project.file, project.properties
        for programme_id in props.programmes:
            if programme_id not in programme_names:
                reader.problem(path, project.id, f"unknown programme '{programme_id}'")
        names = props.names
        for programme_id in props.programmes:
            names += programme_names.get(programme_id, [])
        if not props.events and not props.targets and not props.mentions:
            reader.problem(
                path, project.id, "no status event, target or mention: nothing supports it"
            )
        if not props.description_zh.strip():
            reader.problem(path, project.id, "no Chinese description (description_zh)")
        elif not _CHINESE.search(props.description_zh):
            reader.problem(path, project.id, "description_zh has no Chinese text")
        if props.placement and props.placement.strip():
            if not (props.placement_zh and props.placement_zh.strip()):
                reader.problem(
                    path, project.id, "a placement note but no Chinese one (placement_zh)"
                )
            elif not _CHINESE.search(props.placement_zh):
                reader.problem(path, project.id, "placement_zh has no Chinese text")
        for kind, items in (("event", props.events), ("target", props.targets)):
            for dup in _duplicates(f"{i.year} {i.status}" for i in items):
                reader.problem(path, project.id, f"two {kind}s for {dup}")
            for item in items:
                evidence_check(path, project.id, item.evidence, names)
        for mention in props.mentions:
            evidence_check(path, project.id, mention, props.names)
        _check_timeline(reader, project)
    _check_memberships(reader, catalogue)
    for programme in catalogue.programmes:
        names = [programme.name, *programme.aliases]
        if programme.target:
            evidence_check(PROGRAMMES_FILE, programme.id, programme.target.evidence, names)
        for progress in programme.progress:
            evidence_check(PROGRAMMES_FILE, programme.id, progress.evidence, names)
        _check_stage(reader, catalogue, programme)
    for indicator in catalogue.indicators:
        for value in indicator.values:
            names = [indicator.name, *indicator.aliases]
            evidence_check(INDICATORS_FILE, indicator.id, value.evidence, names)


def _check_projects_unique(reader: _Reader, projects: list[Located]) -> None:
    owner_of: dict[str, str] = {}
    for project in projects:
        path, props = project.file, project.properties
        for name in dict.fromkeys(props.names):
            other = owner_of.setdefault(name, project.id)
            if other != project.id:
                reader.problem(path, project.id, f"name or alias '{name}' is already {other}'s")
    for dup in _duplicates(p.id for p in projects):
        files = ", ".join(str(p.file.name) for p in projects if p.id == dup)
        reader.problem(Path("projects"), dup, f"duplicate project id (in {files})")


def _check_names_unique(reader: _Reader, catalogue: Catalogue) -> None:
    """A name or alias names one thing: one project, programme or indicator (projects among
    themselves are checked above)."""
    owner_of: dict[str, str] = {}
    for project in catalogue.projects:
        for name in project.properties.names:
            owner_of.setdefault(name, f"project {project.id}")
    records: list[tuple[Path, str, list[ProgrammeRecord] | list[IndicatorRecord]]] = [
        (PROGRAMMES_FILE, "programme", catalogue.programmes),
        (INDICATORS_FILE, "indicator", catalogue.indicators),
    ]
    for path, kind, items in records:
        for item in items:
            me = f"{kind} {item.id}"
            for name in dict.fromkeys([item.name, *item.aliases]):
                other = owner_of.setdefault(name, me)
                if other != me:
                    reason = f"name or alias '{name}' already names {other}: one name, one thing"
                    reader.problem(path, item.id, reason)


_RANK = {status: rank for rank, status in enumerate(vocab.STATUSES)}


def _check_timeline(reader: _Reader, project: Located) -> None:
    """A project's facts do not go backwards (in service in 2023, under construction in 2026)
    unless the later one is an event whose milestone names the phase it is about."""
    props = project.properties
    facts = [("event", e.year, e.status, e.milestone) for e in props.events]
    facts += [("target", t.year, t.status, None) for t in props.targets]
    for kind, year, status, milestone in facts:
        higher = [f for f in facts if f[1] < year and _RANK[f[2]] > _RANK[status]]
        if higher and not (kind == "event" and milestone):
            before = max(higher, key=lambda f: _RANK[f[2]])
            reader.problem(
                project.file,
                project.id,
                f"the timeline runs backwards: {kind} {year} {status} after {before[0]} "
                f"{before[1]} {before[2]}; a phase needs its own project (or an event "
                "whose milestone names it)",
            )


def _check_memberships(reader: _Reader, catalogue: Catalogue) -> None:
    """A project belongs to a programme only where a document says so: one of the ranges the
    project or the programme cites names both."""
    programmes = {p.id: p for p in catalogue.programmes}
    for project in catalogue.projects:
        props = project.properties
        own = props.names
        cited = [e.evidence for e in props.events] + [t.evidence for t in props.targets]
        cited += props.mentions
        for programme_id in props.programmes:
            programme = programmes.get(programme_id)
            if programme is None:
                continue
            ranges = cited + [g.evidence for g in programme.progress]
            if programme.target:
                ranges.append(programme.target.evidence)
            read = [
                catalogue.texts[r.document][r.start : r.end]
                for r in ranges
                if r.document in catalogue.texts
            ]
            programme_names = [programme.name, *programme.aliases]
            if read and not any(
                names_in(text, own) and names_in(text, programme_names) for text in read
            ):
                reader.problem(
                    project.file,
                    project.id,
                    f"member of programme '{programme_id}', but no range it or the programme "
                    "cites names both: membership needs a sentence that says so",
                )


def _check_stage(reader: _Reader, catalogue: Catalogue, programme: ProgrammeRecord) -> None:
    for figure in programme.progress:
        text = catalogue.texts.get(figure.evidence.document)
        if text is None:
            continue
        piece = text[figure.evidence.start : figure.evidence.end]
        reason = figure_stage_problem(programme.stage, figure.kind, figure.count, piece)
        if reason:
            reader.problem(PROGRAMMES_FILE, programme.id, f"{figure.year} {reason}")


def figure_stage_problem(stage: str, kind: str, count: float, text: str) -> str | None:
    """Why a programme's figure, cited from `text`, does not count the programme's stage.

    An actual's clause reports that stage reached (「竣工6000余套」 for completed, not
    「筹建…2.9万套」 or 「基本完工」); a target's clause does not speak of a start where the
    programme counts more (「新开工…15个」 is no target of completions). Plans say 建设 / 新建 for
    any stage, so a target is not asked for a stage word."""
    clauses = count_clauses(text, count)
    what = f"{kind} {count:g}"
    if kind == "target":
        starts = [w for w in STAGE_WORDS["started"] for c in clauses if w in c]
        if starts and stage != "started":
            return (
                f"{what}: its clause speaks of 「{starts[0]}」, not of the stage '{stage}' "
                "the programme counts"
            )
        return None
    if not clauses:
        return f"{what}: the cited text states no such count"
    reasons = [stage_problem(stage, clause) for clause in clauses]
    if all(reasons):
        return (
            f"{what} is not an achievement of the stage '{stage}' the programme counts: "
            f"in 「{clauses[0]}」 {reasons[0]}"
        )
    return None


def _check_places(reader: _Reader, catalogue: Catalogue) -> None:
    district_m = to_metric(catalogue.district.geometry)
    townships = {t.properties.name: t for t in catalogue.townships}
    townships |= {t.id: t for t in catalogue.townships}
    for project in catalogue.projects:
        path, props = project.file, project.properties
        if project.geometry is None:
            if props.townships:
                reason = "an unplaced project names no townships: place it there instead"
                reader.problem(path, project.id, reason)
            continue
        misplaced = placement_problem(project.geometry, district_m, props.cross_border)
        if misplaced:
            reader.problem(path, project.id, misplaced)
        for name in props.townships:
            township = townships.get(name)
            if township is None:
                known = ", ".join(t.properties.name for t in catalogue.townships)
                reader.problem(path, project.id, f"unknown township '{name}'; known: {known}")
            elif township.geometry is None or not township.geometry.intersects(project.geometry):
                reader.problem(path, project.id, f"geometry does not touch the township '{name}'")


class _EvidenceCheck:
    def __init__(self, reader: _Reader, catalogue: Catalogue) -> None:
        self.reader = reader
        self.documents = {d.id for d in catalogue.documents}
        self.texts = catalogue.texts

    def __call__(self, path: Path, record: str, evidence: EvidenceRef, names: list[str]) -> None:
        if evidence.document not in self.documents:
            where = f"evidence {evidence.document}[{evidence.start}:{evidence.end}]"
            self.reader.problem(path, record, f"{where}: unknown document '{evidence.document}'")
            return
        text = self.texts.get(evidence.document)
        reason = evidence_problem(evidence.document, evidence.start, evidence.end, text, names)
        if reason:
            self.reader.problem(path, record, reason)
