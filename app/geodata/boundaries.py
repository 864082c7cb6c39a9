"""Replace the shipped schematic township polygons with an official file, in any CRS and any
format GDAL reads, then recompute which projects touch which township."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from sqlalchemy import Engine, insert, select, update

from app import readmodel
from app.geodata.load import assign_townships, geometry_value
from app.models import AuditLog, Township

CODE_FIELDS = ("code", "admin_code", "xzqdm", "gb", "adcode", "区划代码", "代码")
NAME_FIELDS = ("name", "xzqmc", "名称", "乡镇", "街道")


class BoundaryError(Exception):
    """The boundary file cannot be imported; nothing was changed."""


@dataclass
class ImportReport:
    replaced: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"Replaced {len(self.replaced)} township boundaries with the official file."
        if self.not_in_file:
            text += f" Not in the file, kept as before: {', '.join(self.not_in_file)}."
        return text


def _pick_field(columns: list[str], given: str | None, candidates: tuple[str, ...]) -> str | None:
    if given:
        if given not in columns:
            raise BoundaryError(f"no field '{given}' in the file; its fields: {', '.join(columns)}")
        return given
    lower = {c.lower(): c for c in columns}
    return next((lower[c] for c in candidates if c in lower), None)


def _normalise_code(value: Any) -> str:
    digits = str(value).strip().split(".")[0]
    if len(digits) == 9:  # NBS township codes are often given without the trailing "000"
        digits += "000"
    if len(digits) == 15 and digits.startswith("156"):  # GB/T 2659 country prefix
        digits = digits[3:]
    return digits


def _short_name(name: str) -> str:
    """于家务回族乡 and 于家务乡 both name the Hui township: compare without the kind suffix."""
    for suffix in ("回族乡", "街道", "地区", "镇", "乡"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def import_boundaries(
    engine: Engine,
    path: Path,
    layer: str | None = None,
    name_field: str | None = None,
    code_field: str | None = None,
    actor: str | None = None,
) -> ImportReport:
    # Imported on first use: `tzmap serve` with one worker runs in this process, and geopandas
    # costs ~45 MB there.
    import geopandas as gpd

    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # GDAL reports unreadable files in many ways
        raise BoundaryError(f"cannot read {path}: {exc}") from exc
    if frame.crs is None:
        raise BoundaryError(f"{path} declares no coordinate reference system; add one (.prj)")
    frame = frame.to_crs(4326)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    code_column = _pick_field(columns, code_field, CODE_FIELDS)
    name_column = _pick_field(columns, name_field, NAME_FIELDS)
    if code_column is None and name_column is None:
        raise BoundaryError(
            "cannot tell which field holds the township code or name; fields: "
            f"{', '.join(columns)}. Use --code-field or --name-field."
        )

    with engine.begin() as conn:
        townships = conn.execute(select(Township.code, Township.name)).all()
        by_code = {code: code for code, _ in townships}
        by_name = {_short_name(name): code for code, name in townships}
        names = {code: name for code, name in townships}
        problems: list[str] = []
        matched: dict[str, Any] = {}
        for index, row in frame.iterrows():
            label = f"feature {index}"
            code = None
            if code_column is not None and row[code_column] is not None:
                label += f" (code {row[code_column]})"
                code = by_code.get(_normalise_code(row[code_column]))
            if code is None and name_column is not None and row[name_column] is not None:
                label += f" (name {row[name_column]})"
                code = by_name.get(_short_name(str(row[name_column]).strip()))
            geom = row.geometry
            if code is None:
                known = ", ".join(sorted(names.values()))
                problems.append(f"{label}: matches no township of the district; known: {known}")
            elif code in matched:
                problems.append(f"{label}: {names[code]} appears twice in the file")
            elif geom is None or geom.is_empty:
                problems.append(f"{label}: has no geometry")
            elif not isinstance(geom, Polygon | MultiPolygon):
                problems.append(f"{label}: is a {geom.geom_type}, not a polygon")
            elif not geom.is_valid:
                problems.append(f"{label}: invalid polygon: {shapely.is_valid_reason(geom)}")
            else:
                matched[code] = MultiPolygon([geom]) if isinstance(geom, Polygon) else geom
        if problems:
            raise BoundaryError(
                f"{len(problems)} problem(s) in {path}; nothing was changed:\n"
                + "\n".join(f"  - {p}" for p in problems)
            )

        report = ImportReport()
        who = actor or f"tzmap import-boundaries ({getpass.getuser()})"
        source = f"official boundary file {path.name}"
        for code, geom in matched.items():
            conn.execute(
                update(Township)
                .where(Township.code == code)
                .values(
                    geom=geometry_value(geom),
                    boundary_quality="official",
                    source=source,
                )
            )
            conn.execute(
                insert(AuditLog).values(
                    actor=who,
                    action="import",
                    entity="township",
                    entity_id=code,
                    after={
                        "boundary_quality": "official",
                        "source": source,
                        "geometry": mapping(geom),
                    },
                )
            )
            report.replaced.append(names[code])
        report.not_in_file = sorted(names[c] for c in names if c not in matched)
        assign_townships(conn)
        readmodel.refresh(conn)
    return report
