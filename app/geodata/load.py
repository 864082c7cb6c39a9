"""Write a validated catalogue into PostGIS in one transaction, as an idempotent, audited sync.

Each entity is reduced to a plain "canonical" dict, read the same way from the files and from the
database; only entities whose dict differs are written, and each write leaves an audit row with the
dict before and after. Loading the same files twice therefore changes nothing.
"""

from __future__ import annotations

import getpass
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from app import readmodel, vocab
from app.geodata.records import EvidenceRef
from app.geodata.validate import Catalogue, Located, read_catalogue
from app.models import (
    AuditLog,
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
        writer = _Writer(conn, actor or f"tzmap load ({getpass.getuser()})")
        writer.write(catalogue)
    return writer.report


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


class _Writer:
    def __init__(self, conn: Connection, actor: str) -> None:
        self.conn = conn
        self.actor = actor
        self.report = LoadReport()
        self._evidence_ids: dict[tuple[str, int, int], int] = {}

    def write(self, catalogue: Catalogue) -> None:
        self._documents(catalogue)
        self._district(catalogue.district)
        self._townships(catalogue.townships, catalogue.township_note)
        self._programmes(catalogue)
        self._projects(catalogue.projects)
        self._indicators(catalogue)
        assign_townships(self.conn)
        self.conn.execute(ORPHAN_EVIDENCE_SQL)
        if self.report.changed or readmodel.state(self.conn).version == 0:
            readmodel.refresh(self.conn)
        self.report.counts = {
            "documents": len(catalogue.documents),
            "townships": len(catalogue.townships),
            "projects": len(catalogue.projects),
            "programmes": len(catalogue.programmes),
            "indicators": len(catalogue.indicators),
        }

    # --- the generic sync --------------------------------------------------------------------

    def _sync(
        self,
        entity: str,
        desired: dict[str, Canonical],
        current: dict[str, Canonical],
        write: Callable[[str, Canonical, bool], None],
        remove: Callable[[str], None] | None = None,
    ) -> None:
        for key, wanted in desired.items():
            wanted = _jsonable(wanted)
            before = _jsonable(current[key]) if key in current else None
            if before == wanted:
                continue
            write(key, wanted, before is not None)
            self._audit("update" if before is not None else "create", entity, key, before, wanted)
        if remove is None:
            return
        for key in current.keys() - desired.keys():
            remove(key)
            self._audit("delete", entity, key, current[key], None)

    def _audit(
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

    def _evidence(self, evidence: EvidenceRef) -> int:
        key = (evidence.document, evidence.start, evidence.end)
        if key not in self._evidence_ids:
            values = {"document_id": key[0], "char_start": key[1], "char_end": key[2]}
            self.conn.execute(
                text(
                    "INSERT INTO evidence (document_id, char_start, char_end)"
                    " VALUES (:document_id, :char_start, :char_end) ON CONFLICT DO NOTHING"
                ),
                values,
            )
            self._evidence_ids[key] = self.conn.execute(
                select(Evidence.id).filter_by(**values)
            ).scalar_one()
        return self._evidence_ids[key]

    def _evidence_keys(self) -> dict[int, list[Any]]:
        rows = self.conn.execute(
            select(Evidence.id, Evidence.document_id, Evidence.char_start, Evidence.char_end)
        )
        return {row[0]: list(row[1:]) for row in rows}

    # --- documents ---------------------------------------------------------------------------

    def _documents(self, catalogue: Catalogue) -> None:
        fields = ("title", "date", "publisher", "file_name", "sha256")
        rows = self.conn.execute(select(Document)).all()
        current = {d.id: {f: getattr(d, f) for f in fields} for d in rows}
        desired = {d.id: {f: getattr(d, f) for f in fields} for d in catalogue.documents}

        def write(key: str, values: Canonical, exists: bool) -> None:
            if exists:
                self.conn.execute(update(Document).where(Document.id == key).values(**values))
            else:
                self.conn.execute(insert(Document).values(id=key, **values))

        self._sync("document", desired, current, write)
        registered = {d.id: d.text for d in rows}
        for document_id, body in catalogue.texts.items():
            if registered.get(document_id) != body:
                self.conn.execute(
                    update(Document)
                    .where(Document.id == document_id)
                    .values(text=body, registered_at=text("now()"))
                )
                self._audit("update", "document", document_id, None, {"text": "registered"})
        self.report.documents_with_text = sorted(catalogue.texts)

    # --- district and townships ---------------------------------------------------------------

    def _district(self, district: Located) -> None:
        row = self.conn.execute(
            select(
                District.code,
                District.name,
                District.boundary_quality,
                District.source,
                District.geom.ST_AsBinary(),
            )
        ).first()
        current = {}
        if row:
            current[row[0]] = {
                "name": row[1],
                "boundary_quality": row[2],
                "source": row[3],
                "geometry": _geometry(row[4]),
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
        self._keep_official(desired, current)

        def write(key: str, values: Canonical, exists: bool) -> None:
            values = dict(values)
            values["geom"] = geojson_value(values.pop("geometry"))
            if exists:
                self.conn.execute(update(District).where(District.code == key).values(**values))
            else:
                self.conn.execute(insert(District).values(code=key, **values))

        self._sync("district", desired, current, write)

    def _townships(self, townships: list[Located], note: str | None) -> None:
        rows = self.conn.execute(
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
            r[0]: {
                "name": r[1],
                "kind": r[2],
                "boundary_quality": r[3],
                "source": r[4],
                "geometry": _geometry(r[5]),
                "seat": _geometry(r[6]),
            }
            for r in rows
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
        self._keep_official(desired, current)

        def write(key: str, values: Canonical, exists: bool) -> None:
            values = dict(values)
            values["geom"] = geojson_value(values.pop("geometry"))
            values["seat"] = geojson_value(values.pop("seat"))
            if exists:
                self.conn.execute(update(Township).where(Township.code == key).values(**values))
            else:
                self.conn.execute(insert(Township).values(code=key, **values))

        self._sync("township", desired, current, write)

    @staticmethod
    def _keep_official(desired: dict[str, Canonical], current: dict[str, Canonical]) -> None:
        """An imported official boundary is never replaced by the shipped schematic one."""
        for key, wanted in desired.items():
            existing = current.get(key)
            if existing and existing["boundary_quality"] == "official":
                for name in ("boundary_quality", "source", "geometry"):
                    wanted[name] = existing[name]

    # --- programmes --------------------------------------------------------------------------

    def _programmes(self, catalogue: Catalogue) -> None:
        evidence = self._evidence_keys()
        progress: dict[str, list[Any]] = {}
        for row in self.conn.execute(select(ProgrammeProgress).filter_by(origin=CATALOGUE)):
            progress.setdefault(row.programme_id, []).append(
                [row.year, row.kind, row.count, row.note, *evidence[row.evidence_id]]
            )
        current = {}
        for p in self.conn.execute(select(Programme)):
            target = None
            if p.target_count is not None and p.target_evidence_id is not None:
                target = [p.target_count, p.target_year, *evidence[p.target_evidence_id]]
            current[p.id] = {
                "name": p.name,
                "aliases": list(p.aliases),
                "category": p.category,
                "description": p.description,
                "unit": p.unit,
                "stage": p.stage,
                "target": target,
                "progress": sorted(progress.get(p.id, []), key=repr),
            }
        desired = {}
        for r in catalogue.programmes:
            target = None
            if r.target:
                target = [r.target.count, r.target.year, *_evidence_key(r.target.evidence)]
            desired[r.id] = {
                "name": r.name,
                "aliases": list(r.aliases),
                "category": r.category,
                "description": r.description,
                "unit": r.unit,
                "stage": r.stage,
                "target": target,
                "progress": sorted(
                    (
                        [g.year, g.kind, g.count, g.note, *_evidence_key(g.evidence)]
                        for g in r.progress
                    ),
                    key=repr,
                ),
            }
        records = {r.id: r for r in catalogue.programmes}

        def write(key: str, values: Canonical, exists: bool) -> None:
            record = records[key]
            row = {
                "name": record.name,
                "aliases": list(record.aliases),
                "category": record.category,
                "description": record.description,
                "unit": record.unit,
                "stage": record.stage,
                "target_count": None,
                "target_year": None,
                "target_evidence_id": None,
            }
            if record.target:
                row |= {
                    "target_count": record.target.count,
                    "target_year": record.target.year,
                    "target_evidence_id": self._evidence(record.target.evidence),
                }
            if exists:
                self.conn.execute(update(Programme).where(Programme.id == key).values(**row))
                self.conn.execute(
                    delete(ProgrammeProgress).filter_by(programme_id=key, origin=CATALOGUE)
                )
            else:
                self.conn.execute(insert(Programme).values(id=key, **row))
            for g in record.progress:
                self.conn.execute(
                    insert(ProgrammeProgress).values(
                        programme_id=key,
                        year=g.year,
                        kind=g.kind,
                        count=g.count,
                        note=g.note,
                        evidence_id=self._evidence(g.evidence),
                    )
                )

        def remove(key: str) -> None:
            self.conn.execute(delete(Programme).where(Programme.id == key))

        self._sync("programme", desired, current, write, remove)

    # --- projects ----------------------------------------------------------------------------

    def _projects(self, projects: list[Located]) -> None:
        evidence = self._evidence_keys()
        children: dict[str, dict[str, list[Any]]] = {}

        def child(project_id: str) -> dict[str, list[Any]]:
            return children.setdefault(
                project_id,
                {"aliases": [], "events": [], "targets": [], "programmes": [], "mentions": []},
            )

        for alias, project_id in self.conn.execute(
            select(ProjectAlias.alias, ProjectAlias.project_id)
        ):
            child(project_id)["aliases"].append(alias)
        for e in self.conn.execute(select(StatusEvent).filter_by(origin=CATALOGUE)):
            child(e.project_id)["events"].append(
                [e.year, e.status, e.milestone, *evidence[e.evidence_id]]
            )
        for t in self.conn.execute(select(Target).filter_by(origin=CATALOGUE)):
            child(t.project_id)["targets"].append([t.year, t.status, *evidence[t.evidence_id]])
        for m in self.conn.execute(select(ProgrammeMember)):
            child(m.project_id)["programmes"].append(m.programme_id)
        for n in self.conn.execute(select(ProjectMention)):
            child(n.project_id)["mentions"].append(evidence[n.evidence_id])

        current = {}
        rows = self.conn.execute(
            select(
                Project.id,
                Project.name,
                Project.category,
                Project.description,
                Project.geometry_quality,
                Project.placement,
                Project.cross_border,
                Project.geom.ST_AsBinary(),
                Project.origin,
                Project.geometry_origin,
                Project.description_zh,
                Project.placement_zh,
            )
        )
        made_in_app, placed_in_app = set(), set()
        for r in rows:
            if r[8] != CATALOGUE:
                made_in_app.add(r[0])
            if r[9] != CATALOGUE:
                placed_in_app.add(r[0])
            c = child(r[0])
            current[r[0]] = {
                "name": r[1],
                "aliases": sorted(c["aliases"]),
                "category": r[2],
                "description": r[3],
                "description_zh": r[10],
                "geometry_quality": r[4],
                "placement": r[5],
                "placement_zh": r[11],
                "cross_border": r[6],
                "geometry": _geometry(r[7]),
                "events": sorted(c["events"], key=repr),
                "targets": sorted(c["targets"], key=repr),
                "programmes": sorted(c["programmes"]),
                "mentions": sorted(c["mentions"], key=repr),
            }
        desired = {}
        for project in projects:
            p = project.properties
            desired[project.id] = {
                "name": p.name,
                "aliases": sorted(set(p.aliases) - {p.name}),
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
                    {tuple(_evidence_key(m)): _evidence_key(m) for m in p.mentions}.values(),
                    key=repr,
                ),
            }
        # A geometry placed in the app stands: a reload does not move it back to the file's.
        placement = ("geometry_quality", "placement", "placement_zh", "cross_border", "geometry")
        for key in placed_in_app & desired.keys():
            for name in placement:
                desired[key][name] = current[key][name]
        records = {p.id: p for p in projects}

        def write(key: str, values: Canonical, exists: bool) -> None:
            record = records[key]
            p = record.properties
            row: dict[str, Any] = {
                "name": p.name,
                "category": p.category,
                "description": p.description,
                "description_zh": p.description_zh,
                "origin": CATALOGUE,
            }
            if key not in placed_in_app:
                row |= {
                    "geometry_quality": p.geometry_quality,
                    "placement": p.placement,
                    "placement_zh": p.placement_zh,
                    "cross_border": p.cross_border,
                    "geom": geometry_value(record.geometry) if record.geometry else None,
                }
            if exists:
                # Names move between projects within one load: free this one's first.
                self.conn.execute(
                    update(Project)
                    .where(Project.id == key)
                    .values(row | {"updated_at": text("now()"), "revision": Project.revision + 1})
                )
                for table in (ProjectAlias, ProgrammeMember, ProjectMention):
                    self.conn.execute(delete(table).filter_by(project_id=key))
                # Facts read from later reports or edited in the app are not the files' to remove.
                for fact in (StatusEvent, Target):
                    self.conn.execute(delete(fact).filter_by(project_id=key, origin=CATALOGUE))
            else:
                self.conn.execute(insert(Project).values(id=key, **row))
            for alias in values["aliases"]:
                self.conn.execute(insert(ProjectAlias).values(alias=alias, project_id=key))
            for e in p.events:
                self._catalogue_fact(
                    StatusEvent, key, e.year, e.status, e.evidence, {"milestone": e.milestone}
                )
            for t in p.targets:
                self._catalogue_fact(Target, key, t.year, t.status, t.evidence, {})
            for programme_id in values["programmes"]:
                self.conn.execute(
                    insert(ProgrammeMember).values(programme_id=programme_id, project_id=key)
                )
            for mention in {(m.document, m.start, m.end): m for m in p.mentions}.values():
                self.conn.execute(
                    insert(ProjectMention).values(
                        project_id=key, evidence_id=self._evidence(mention)
                    )
                )

        def remove(key: str) -> None:
            self.conn.execute(delete(Project).where(Project.id == key))

        # Deletions first, so that a name or alias a removed project held can be reused.
        # Projects made in the app are not the files' to remove; one that reports or edits
        # speak of is retired instead, so that their facts and its history stay.
        spoken_of = self._projects_with_app_facts()
        for key in current.keys() - desired.keys() - made_in_app:
            if key in spoken_of:
                self._retire(key)
                current.pop(key)
                continue
            remove(key)
            self._audit("delete", "project", key, current.pop(key), None)
        self._sync("project", desired, current, write)

    def _projects_with_app_facts(self) -> set[str]:
        events = select(StatusEvent.project_id).where(StatusEvent.origin != CATALOGUE)
        targets = select(Target.project_id).where(Target.origin != CATALOGUE)
        return set(self.conn.execute(events.union(targets)).scalars())

    def _retire(self, project_id: str) -> None:
        retired = self.conn.execute(
            update(Project)
            .where(Project.id == project_id, Project.retired_at.is_(None))
            .values(retired_at=text("now()"), revision=Project.revision + 1)
            .returning(Project.id)
        ).first()
        if retired:
            reason = "removed from the catalogue files; kept for the facts reports and edits hold"
            self._audit("update", "project", project_id, {"retired": False},
                        {"retired": True, "reason": reason})  # fmt: skip

    def _catalogue_fact(
        self,
        model: type[StatusEvent] | type[Target],
        project_id: str,
        year: int,
        status: str,
        evidence: EvidenceRef,
        extra: dict[str, Any],
    ) -> None:
        """Insert an authored event or target. If a report or an edit recorded the same fact
        before, the file now holds it: that row becomes the catalogue's."""
        values = {"evidence_id": self._evidence(evidence), "origin": CATALOGUE, **extra}
        self.conn.execute(
            pg_insert(model)
            .values(project_id=project_id, year=year, status=status, **values)
            .on_conflict_do_update(index_elements=["project_id", "year", "status"], set_=values)
        )

    # --- indicators --------------------------------------------------------------------------

    def _indicators(self, catalogue: Catalogue) -> None:
        evidence = self._evidence_keys()
        values: dict[str, list[Any]] = {}
        for v in self.conn.execute(select(IndicatorValue).filter_by(origin=CATALOGUE)):
            values.setdefault(v.indicator_id, []).append(
                [v.year, v.kind, v.value, v.qualifier, v.note, *evidence[v.evidence_id]]
            )
        current = {
            i.id: {
                "name": i.name,
                "aliases": list(i.aliases),
                "unit": i.unit,
                "description": i.description,
                "values": sorted(values.get(i.id, []), key=repr),
            }
            for i in self.conn.execute(select(Indicator))
        }
        desired = {
            r.id: {
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
            for r in catalogue.indicators
        }
        records = {r.id: r for r in catalogue.indicators}

        def write(key: str, canonical: Canonical, exists: bool) -> None:
            record = records[key]
            row = {
                "name": record.name,
                "aliases": list(record.aliases),
                "unit": record.unit,
                "description": record.description,
            }
            if exists:
                self.conn.execute(update(Indicator).where(Indicator.id == key).values(**row))
                self.conn.execute(
                    delete(IndicatorValue).filter_by(indicator_id=key, origin=CATALOGUE)
                )
            else:
                self.conn.execute(insert(Indicator).values(id=key, **row))
            for v in record.values:
                self.conn.execute(
                    insert(IndicatorValue).values(
                        indicator_id=key,
                        year=v.year,
                        kind=v.kind,
                        value=v.value,
                        qualifier=v.qualifier,
                        note=v.note,
                        evidence_id=self._evidence(v.evidence),
                    )
                )

        def remove(key: str) -> None:
            self.conn.execute(delete(Indicator).where(Indicator.id == key))

        self._sync("indicator", desired, current, write, remove)


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
