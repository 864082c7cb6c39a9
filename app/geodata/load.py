"""Write a validated catalogue into PostGIS in one transaction, as an idempotent, audited sync.

Each entity is reduced to a plain "canonical" dict, read the same way from the files and from the
database; only entities whose dict differs are written, with one upsert, and each write leaves an
audit row with the dict before and after. Loading the same files twice therefore changes nothing.
"""

from __future__ import annotations

import getpass
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from app import readmodel, vocab
from app.geodata.records import (
    EvidenceRef,
    IndicatorRecord,
    ProgrammeRecord,
    StatusEventRecord,
    TargetRecord,
)
from app.geodata.validate import Catalogue, Located, read_catalogue
from app.models import (
    AuditLog,
    Base,
    District,
    Document,
    Evidence,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammeMember,
    ProgrammeProgress,
    Project,
    ProjectAlias,
    ProjectMention,
    ProjectTownship,
    StatusEvent,
    Target,
    Township,
)

Canonical = dict[str, Any]
CATALOGUE = "catalogue"  # the origin of the rows this loader owns
# What the app may place on a project; a reload leaves a placed project's placement as it is.
PLACEMENT = ("geometry_quality", "placement", "placement_zh", "cross_border")

# Which townships each project touches, with its length (lines) or area (polygons) in each,
# measured in metres in vocab.METRIC_SRID. A line merely touching a border is not in
# the township beyond it.
PROJECT_TOWNSHIPS_SQL = text(
    """
    INSERT INTO project_township (project_id, township_code, length_km, area_ha)
    SELECT project_id, township_code, length_km, area_ha FROM (
        SELECT p.id AS project_id, t.code AS township_code,
               CASE WHEN ST_Dimension(p.geom) = 1 THEN
                   ST_Length(ST_Transform(ST_Intersection(p.geom, t.geom), :metric_srid)) / 1000 END
                   AS length_km,
               CASE WHEN ST_Dimension(p.geom) = 2 THEN
                   ST_Area(ST_Transform(ST_Intersection(p.geom, t.geom), :metric_srid)) / 10000 END
                   AS area_ha,
               ST_Dimension(p.geom) AS dim
        FROM project p JOIN township t ON ST_Intersects(p.geom, t.geom)
        WHERE CAST(:project_id AS text) IS NULL OR p.id = :project_id
    ) AS touching
    WHERE dim = 0 OR length_km > 0 OR area_ha > 0;
    """
)

ORPHAN_EVIDENCE_SQL = text(
    """
    DELETE FROM evidence e WHERE
        NOT EXISTS (SELECT 1 FROM status_event x WHERE x.evidence_id = e.id)
        AND NOT EXISTS (SELECT 1 FROM target x WHERE x.evidence_id = e.id)
        AND NOT EXISTS (SELECT 1 FROM programme x WHERE x.target_evidence_id = e.id)
        AND NOT EXISTS (SELECT 1 FROM programme_progress x WHERE x.evidence_id = e.id)
        AND NOT EXISTS (SELECT 1 FROM indicator_value x WHERE x.evidence_id = e.id)
        AND NOT EXISTS (SELECT 1 FROM project_mention x WHERE x.evidence_id = e.id)
    """
)


@dataclass
class LoadReport:
    changes: Counter[tuple[str, str]] = field(default_factory=Counter)
    counts: dict[str, int] = field(default_factory=dict)
    documents_with_text: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def __str__(self) -> str:
        loaded = ", ".join(f"{n} {entity}" for entity, n in self.counts.items())
        if not self.changes:
            return f"Catalogue loaded ({loaded}); nothing changed."
        done = ", ".join(
            f"{action} {n} {entity}" for (entity, action), n in sorted(self.changes.items())
        )
        return f"Catalogue loaded ({loaded}): {done}."


def registered_texts(engine: Engine) -> dict[str, str]:
    """Texts already registered in the database, by sha256."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Document.sha256, Document.text).where(Document.text.is_not(None))
        )
        return {sha: body for sha, body in rows if body is not None}


def load_catalogue(
    engine: Engine, root: Path, documents_dir: Path | None = None, actor: str | None = None
) -> LoadReport:
    """Validate everything in `root`, then write it in one transaction (nothing on any error)."""
    catalogue = read_catalogue(root, documents_dir, registered_texts(engine))
    with engine.begin() as conn:
        load = _Load(conn, actor or f"tzmap load ({getpass.getuser()})")
        _write(load, catalogue)
    return load.report


def _write(load: _Load, catalogue: Catalogue) -> None:
    _sync_documents(load, catalogue)
    _sync_district(load, catalogue.district)
    _sync_townships(load, catalogue.townships, catalogue.township_note)
    _sync_programmes(load, catalogue.programmes)
    _sync_projects(load, catalogue.projects)
    _sync_indicators(load, catalogue.indicators)
    assign_townships(load.conn)
    load.conn.execute(ORPHAN_EVIDENCE_SQL)
    if load.report.changed or readmodel.state(load.conn).version == 0:
        readmodel.refresh(load.conn)
    load.report.counts = {
        "documents": len(catalogue.documents),
        "townships": len(catalogue.townships),
        "projects": len(catalogue.projects),
        "programmes": len(catalogue.programmes),
        "indicators": len(catalogue.indicators),
    }


def _geometry(wkb: bytes | memoryview | None) -> Any:
    return mapping(shapely.from_wkb(bytes(wkb))) if wkb is not None else None


def _evidence_key(evidence: EvidenceRef) -> list[Any]:
    return [evidence.document, evidence.start, evidence.end]


def _jsonable(value: Any) -> Any:
    """Tuples as lists, so that dicts from files and from the database compare equal."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class _Load:
    """What the writers of one load share: its connection, actor, report and evidence ids."""

    def __init__(self, conn: Connection, actor: str) -> None:
        self.conn = conn
        self.actor = actor
        self.report = LoadReport()
        self._evidence_ids: dict[tuple[str, int, int], int] = {}

    def sync(
        self,
        entity: str,
        desired: dict[str, Canonical],
        current: dict[str, Canonical],
        write: Callable[[str, Canonical], None],
        remove: Callable[[str], None] | None = None,
    ) -> None:
        """Write each entity whose canonical dict differs from the stored one and, given
        `remove`, remove those the files no longer hold; audit every change."""
        for key, wanted in desired.items():
            wanted = _jsonable(wanted)
            before = _jsonable(current[key]) if key in current else None
            if before == wanted:
                continue
            write(key, wanted)
            self.audit("update" if before is not None else "create", entity, key, before, wanted)
        if remove is None:
            return
        for key in current.keys() - desired.keys():
            remove(key)
            self.audit("delete", entity, key, current[key], None)

    def upsert(
        self,
        model: type[Base],
        key: dict[str, Any],
        values: dict[str, Any],
        keep: Collection[str] = (),
        on_update: dict[str, Any] | None = None,
    ) -> None:
        """Insert the row `key` with `values`; if it exists, set `values` but the columns in
        `keep`, and `on_update`."""
        statement = pg_insert(model).values(**key, **values)
        changed = {name: statement.excluded[name] for name in values if name not in keep}
        self.conn.execute(
            statement.on_conflict_do_update(
                index_elements=list(key), set_=changed | (on_update or {})
            )
        )

    def replace_rows(
        self, model: type[Base], owner: dict[str, Any], rows: list[dict[str, Any]]
    ) -> None:
        """Replace the rows of a child table that match `owner` with `rows`."""
        self.conn.execute(delete(model).filter_by(**owner))
        if rows:
            self.conn.execute(insert(model), [owner | row for row in rows])

    def delete(self, model: type[Programme | Project | Indicator], key: str) -> None:
        self.conn.execute(delete(model).where(model.id == key))

    def audit(
        self, action: str, entity: str, key: str, before: Canonical | None, after: Canonical | None
    ) -> None:
        self.report.changes[(entity, action)] += 1
        self.conn.execute(
            insert(AuditLog).values(
                actor=self.actor,
                action=action,
                entity=entity,
                entity_id=key,
                before=before,
                after=after,
            )
        )

    def evidence(self, evidence: EvidenceRef) -> int:
        key = (evidence.document, evidence.start, evidence.end)
        if key not in self._evidence_ids:
            values = {"document_id": key[0], "char_start": key[1], "char_end": key[2]}
            self.conn.execute(pg_insert(Evidence).values(**values).on_conflict_do_nothing())
            self._evidence_ids[key] = self.conn.execute(
                select(Evidence.id).filter_by(**values)
            ).scalar_one()
        return self._evidence_ids[key]

    def evidence_keys(self) -> dict[int, list[Any]]:
        rows = self.conn.execute(
            select(Evidence.id, Evidence.document_id, Evidence.char_start, Evidence.char_end)
        )
        return {row[0]: list(row[1:]) for row in rows}


# --- documents -------------------------------------------------------------------------------

DOCUMENT_FIELDS = ("title", "date", "publisher", "file_name", "sha256")


def _sync_documents(load: _Load, catalogue: Catalogue) -> None:
    stored = load.conn.execute(select(Document)).all()
    load.sync(
        "document",
        desired={d.id: {f: getattr(d, f) for f in DOCUMENT_FIELDS} for d in catalogue.documents},
        current={d.id: {f: getattr(d, f) for f in DOCUMENT_FIELDS} for d in stored},
        write=lambda key, values: load.upsert(Document, {"id": key}, values),
    )
    registered = {d.id: d.text for d in stored}
    for document_id, body in catalogue.texts.items():
        if registered.get(document_id) != body:
            load.conn.execute(
                update(Document)
                .where(Document.id == document_id)
                .values(text=body, registered_at=text("now()"))
            )
            load.audit("update", "document", document_id, None, {"text": "registered"})
    load.report.documents_with_text = sorted(catalogue.texts)


# --- district and townships ------------------------------------------------------------------


def _sync_district(load: _Load, district: Located) -> None:
    rows = load.conn.execute(
        select(
            District.code,
            District.name,
            District.boundary_quality,
            District.source,
            District.geom.ST_AsBinary(),
        )
    )
    current = {
        code: {
            "name": name,
            "boundary_quality": quality,
            "source": source,
            "geometry": _geometry(wkb),
        }
        for code, name, quality, source, wkb in rows
    }
    props = district.properties
    desired = {
        district.id: {
            "name": props.name,
            "boundary_quality": props.boundary_quality,
            "source": props.source,
            "geometry": mapping(district.geometry),
        }
    }
    _keep_official(desired, current)
    load.sync(
        "district",
        desired,
        current,
        write=lambda key, values: load.upsert(District, {"code": key}, _boundary_row(values)),
    )


def _sync_townships(load: _Load, townships: list[Located], note: str | None) -> None:
    rows = load.conn.execute(
        select(
            Township.code,
            Township.name,
            Township.kind,
            Township.boundary_quality,
            Township.source,
            Township.geom.ST_AsBinary(),
            Township.seat.ST_AsBinary(),
        )
    )
    current = {
        code: {
            "name": name,
            "kind": kind,
            "boundary_quality": quality,
            "source": source,
            "geometry": _geometry(wkb),
            "seat": _geometry(seat),
        }
        for code, name, kind, quality, source, wkb, seat in rows
    }
    desired = {}
    for township in townships:
        p = township.properties
        seat = {"type": "Point", "coordinates": list(p.seat)} if p.seat else None
        desired[township.id] = {
            "name": p.name,
            "kind": p.kind,
            "boundary_quality": p.boundary_quality,
            "source": note,
            "geometry": mapping(township.geometry),
            "seat": seat,
        }
    _keep_official(desired, current)
    load.sync(
        "township",
        desired,
        current,
        write=lambda key, values: load.upsert(Township, {"code": key}, _boundary_row(values)),
    )


def _keep_official(desired: dict[str, Canonical], current: dict[str, Canonical]) -> None:
    """An imported official boundary is never replaced by the shipped schematic one."""
    for key, wanted in desired.items():
        existing = current.get(key)
        if existing and existing["boundary_quality"] == "official":
            for name in ("boundary_quality", "source", "geometry"):
                wanted[name] = existing[name]


def _boundary_row(values: Canonical) -> dict[str, Any]:
    """A district's or township's canonical dict as column values, its GeoJSON as geometries."""
    row = {name: value for name, value in values.items() if name != "geometry"}
    row["geom"] = geojson_value(values["geometry"])
    if "seat" in row:
        row["seat"] = geojson_value(row["seat"])
    return row


# --- programmes ------------------------------------------------------------------------------


def _sync_programmes(load: _Load, programmes: list[ProgrammeRecord]) -> None:
    records = {r.id: r for r in programmes}
    load.sync(
        "programme",
        desired={r.id: _programme_canonical(r) for r in programmes},
        current=_stored_programmes(load),
        write=lambda key, _: _write_programme(load, records[key]),
        remove=lambda key: load.delete(Programme, key),
    )


def _stored_programmes(load: _Load) -> dict[str, Canonical]:
    evidence = load.evidence_keys()
    progress: dict[str, list[Any]] = {}
    for row in load.conn.execute(select(ProgrammeProgress).filter_by(origin=CATALOGUE)):
        progress.setdefault(row.programme_id, []).append(
            [row.year, row.kind, row.count, row.note, *evidence[row.evidence_id]]
        )
    stored = {}
    for p in load.conn.execute(select(Programme)):
        target = None
        if p.target_count is not None and p.target_evidence_id is not None:
            target = [p.target_count, p.target_year, *evidence[p.target_evidence_id]]
        stored[p.id] = {
            "name": p.name,
            "aliases": list(p.aliases),
            "category": p.category,
            "description": p.description,
            "unit": p.unit,
            "stage": p.stage,
            "target": target,
            "progress": sorted(progress.get(p.id, []), key=repr),
        }
    return stored


def _programme_canonical(r: ProgrammeRecord) -> Canonical:
    target = None
    if r.target:
        target = [r.target.count, r.target.year, *_evidence_key(r.target.evidence)]
    return {
        "name": r.name,
        "aliases": list(r.aliases),
        "category": r.category,
        "description": r.description,
        "unit": r.unit,
        "stage": r.stage,
        "target": target,
        "progress": sorted(
            ([g.year, g.kind, g.count, g.note, *_evidence_key(g.evidence)] for g in r.progress),
            key=repr,
        ),
    }


def _write_programme(load: _Load, record: ProgrammeRecord) -> None:
    target = record.target
    row = {
        "name": record.name,
        "aliases": list(record.aliases),
        "category": record.category,
        "description": record.description,
        "unit": record.unit,
        "stage": record.stage,
        "target_count": target.count if target else None,
        "target_year": target.year if target else None,
        "target_evidence_id": load.evidence(target.evidence) if target else None,
    }
    load.upsert(Programme, {"id": record.id}, row)
    progress = [
        g.model_dump(exclude={"evidence"}) | {"evidence_id": load.evidence(g.evidence)}
        for g in record.progress
    ]
    load.replace_rows(ProgrammeProgress, {"programme_id": record.id, "origin": CATALOGUE}, progress)


# --- projects --------------------------------------------------------------------------------


def _sync_projects(load: _Load, projects: list[Located]) -> None:
    current, made_in_app, placed_in_app = _stored_projects(load)
    desired = {project.id: _project_canonical(project) for project in projects}
    # A geometry placed in the app stands: a reload does not move it back to the file's.
    for key in placed_in_app & desired.keys():
        for name in (*PLACEMENT, "geometry"):
            desired[key][name] = current[key][name]
    # Deletions first, so that a name or alias a removed project held can be reused.
    # Projects made in the app are not the files' to remove; one that reports or edits
    # speak of is retired instead, so that their facts and its history stay.
    spoken_of = _projects_with_app_facts(load.conn)
    for key in current.keys() - desired.keys() - made_in_app:
        before = current.pop(key)
        if key in spoken_of:
            _retire(load, key)
        else:
            load.delete(Project, key)
            load.audit("delete", "project", key, before, None)
    records = {project.id: project for project in projects}
    load.sync(
        "project",
        desired,
        current,
        write=lambda key, values: _write_project(
            load, records[key], values, placed_in_app=key in placed_in_app
        ),
    )


def _stored_projects(load: _Load) -> tuple[dict[str, Canonical], set[str], set[str]]:
    """Each stored project's canonical dict, and which projects were made, and which placed,
    in the app."""
    children = _stored_project_children(load)
    rows = load.conn.execute(
        select(
            Project.id,
            Project.name,
            Project.category,
            Project.description,
            Project.description_zh,
            Project.geometry_quality,
            Project.placement,
            Project.placement_zh,
            Project.cross_border,
            Project.geom.ST_AsBinary().label("wkb"),
            Project.origin,
            Project.geometry_origin,
        )
    )
    stored, made_in_app, placed_in_app = {}, set(), set()
    for r in rows:
        if r.origin != CATALOGUE:
            made_in_app.add(r.id)
        if r.geometry_origin != CATALOGUE:
            placed_in_app.add(r.id)
        c = children[r.id]
        stored[r.id] = {
            "name": r.name,
            "aliases": sorted(c["aliases"]),
            "category": r.category,
            "description": r.description,
            "description_zh": r.description_zh,
            "geometry_quality": r.geometry_quality,
            "placement": r.placement,
            "placement_zh": r.placement_zh,
            "cross_border": r.cross_border,
            "geometry": _geometry(r.wkb),
            "events": sorted(c["events"], key=repr),
            "targets": sorted(c["targets"], key=repr),
            "programmes": sorted(c["programmes"]),
            "mentions": sorted(c["mentions"], key=repr),
        }
    return stored, made_in_app, placed_in_app


def _stored_project_children(load: _Load) -> defaultdict[str, defaultdict[str, list[Any]]]:
    """The aliases, catalogue events and targets, programmes and mentions of each project."""
    evidence = load.evidence_keys()
    children: defaultdict[str, defaultdict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for alias, project_id in load.conn.execute(select(ProjectAlias.alias, ProjectAlias.project_id)):
        children[project_id]["aliases"].append(alias)
    for e in load.conn.execute(select(StatusEvent).filter_by(origin=CATALOGUE)):
        children[e.project_id]["events"].append(
            [e.year, e.status, e.milestone, *evidence[e.evidence_id]]
        )
    for t in load.conn.execute(select(Target).filter_by(origin=CATALOGUE)):
        children[t.project_id]["targets"].append([t.year, t.status, *evidence[t.evidence_id]])
    for m in load.conn.execute(select(ProgrammeMember)):
        children[m.project_id]["programmes"].append(m.programme_id)
    for n in load.conn.execute(select(ProjectMention)):
        children[n.project_id]["mentions"].append(evidence[n.evidence_id])
    return children


def _project_canonical(project: Located) -> Canonical:
    p = project.properties
    return {
        "name": p.name,
        "aliases": sorted(set(p.names) - {p.name}),
        "category": p.category,
        "description": p.description,
        "description_zh": p.description_zh,
        "geometry_quality": p.geometry_quality,
        "placement": p.placement,
        "placement_zh": p.placement_zh,
        "cross_border": p.cross_border,
        "geometry": _mapping(project.geometry),
        "events": sorted(
            ([e.year, e.status, e.milestone, *_evidence_key(e.evidence)] for e in p.events),
            key=repr,
        ),
        "targets": sorted(
            ([t.year, t.status, *_evidence_key(t.evidence)] for t in p.targets), key=repr
        ),
        "programmes": sorted(set(p.programmes)),
        "mentions": sorted(
            {tuple(_evidence_key(m)): _evidence_key(m) for m in p.mentions}.values(), key=repr
        ),
    }


def _write_project(load: _Load, project: Located, values: Canonical, placed_in_app: bool) -> None:
    p = project.properties
    row = {
        "name": p.name,
        "category": p.category,
        "description": p.description,
        "description_zh": p.description_zh,
        "origin": CATALOGUE,
        "geometry_quality": p.geometry_quality,
        "placement": p.placement,
        "placement_zh": p.placement_zh,
        "cross_border": p.cross_border,
        "geom": geometry_value(project.geometry) if project.geometry else None,
    }
    load.upsert(
        Project,
        {"id": project.id},
        row,
        keep=(*PLACEMENT, "geom") if placed_in_app else (),
        on_update={"updated_at": text("now()"), "revision": Project.revision + 1},
    )
    owner = {"project_id": project.id}
    load.replace_rows(ProjectAlias, owner, [{"alias": alias} for alias in values["aliases"]])
    _replace_catalogue_facts(load, StatusEvent, project.id, p.events)
    _replace_catalogue_facts(load, Target, project.id, p.targets)
    programmes = [{"programme_id": programme_id} for programme_id in values["programmes"]]
    load.replace_rows(ProgrammeMember, owner, programmes)
    mentions = {(m.document, m.start, m.end): m for m in p.mentions}.values()
    load.replace_rows(ProjectMention, owner, [{"evidence_id": load.evidence(m)} for m in mentions])


def _replace_catalogue_facts(
    load: _Load,
    model: type[StatusEvent | Target],
    project_id: str,
    facts: Sequence[StatusEventRecord | TargetRecord],
) -> None:
    """Replace a project's authored events or targets. Facts read from later reports or edited
    in the app are not the files' to remove; if one records a fact the file now holds, that row
    becomes the catalogue's."""
    load.conn.execute(delete(model).filter_by(project_id=project_id, origin=CATALOGUE))
    for fact in facts:
        values = {"evidence_id": load.evidence(fact.evidence), "origin": CATALOGUE}
        if isinstance(fact, StatusEventRecord):
            values["milestone"] = fact.milestone
        key = {"project_id": project_id, "year": fact.year, "status": fact.status}
        load.upsert(model, key, values)


def _projects_with_app_facts(conn: Connection) -> set[str]:
    events = select(StatusEvent.project_id).where(StatusEvent.origin != CATALOGUE)
    targets = select(Target.project_id).where(Target.origin != CATALOGUE)
    return set(conn.execute(events.union(targets)).scalars())


def _retire(load: _Load, project_id: str) -> None:
    retired = load.conn.execute(
        update(Project)
        .where(Project.id == project_id, Project.retired_at.is_(None))
        .values(retired_at=text("now()"), revision=Project.revision + 1)
        .returning(Project.id)
    ).first()
    if retired:
        reason = "removed from the catalogue files; kept for the facts reports and edits hold"
        load.audit("update", "project", project_id, {"retired": False},
                   {"retired": True, "reason": reason})  # fmt: skip


# --- indicators ------------------------------------------------------------------------------


def _sync_indicators(load: _Load, indicators: list[IndicatorRecord]) -> None:
    records = {r.id: r for r in indicators}
    load.sync(
        "indicator",
        desired={r.id: _indicator_canonical(r) for r in indicators},
        current=_stored_indicators(load),
        write=lambda key, _: _write_indicator(load, records[key]),
        remove=lambda key: load.delete(Indicator, key),
    )


def _stored_indicators(load: _Load) -> dict[str, Canonical]:
    evidence = load.evidence_keys()
    values: dict[str, list[Any]] = {}
    for v in load.conn.execute(select(IndicatorValue).filter_by(origin=CATALOGUE)):
        values.setdefault(v.indicator_id, []).append(
            [v.year, v.kind, v.value, v.qualifier, v.note, *evidence[v.evidence_id]]
        )
    return {
        i.id: {
            "name": i.name,
            "aliases": list(i.aliases),
            "unit": i.unit,
            "description": i.description,
            "values": sorted(values.get(i.id, []), key=repr),
        }
        for i in load.conn.execute(select(Indicator))
    }


def _indicator_canonical(r: IndicatorRecord) -> Canonical:
    return {
        "name": r.name,
        "aliases": list(r.aliases),
        "unit": r.unit,
        "description": r.description,
        "values": sorted(
            (
                [v.year, v.kind, v.value, v.qualifier, v.note, *_evidence_key(v.evidence)]
                for v in r.values
            ),
            key=repr,
        ),
    }


def _write_indicator(load: _Load, record: IndicatorRecord) -> None:
    row = {
        "name": record.name,
        "aliases": list(record.aliases),
        "unit": record.unit,
        "description": record.description,
    }
    load.upsert(Indicator, {"id": record.id}, row)
    values = [
        v.model_dump(exclude={"evidence"}) | {"evidence_id": load.evidence(v.evidence)}
        for v in record.values
    ]
    load.replace_rows(IndicatorValue, {"indicator_id": record.id, "origin": CATALOGUE}, values)


def _mapping(geom: BaseGeometry | None) -> Any:
    return mapping(geom) if geom is not None else None


def geojson_value(geojson: Any) -> Any:
    """A GeoJSON geometry (or None) as a bound geometry value."""
    return geometry_value(shapely.geometry.shape(geojson)) if geojson is not None else None


def geometry_value(geom: BaseGeometry) -> Any:
    """A geometry as a bound WKB value with SRID 4326 (exact doubles, no text round trip)."""
    return func.ST_GeomFromWKB(shapely.to_wkb(geom), 4326)


def assign_townships(conn: Connection, project_id: str | None = None) -> None:
    """Recompute which townships each project (or just one) touches, from the current polygons."""
    stale = delete(ProjectTownship)
    if project_id is not None:
        stale = stale.where(ProjectTownship.project_id == project_id)
    conn.execute(stale)
    conn.execute(
        PROJECT_TOWNSHIPS_SQL, {"metric_srid": vocab.METRIC_SRID, "project_id": project_id}
    )
