"""Downloads of a feed: a GeoJSON FeatureCollection turned into the file a GIS user asks for with
`f=` (GeoPackage, zipped Shapefile, KML, FlatGeobuf, CSV, or the GeoJSON itself), written by GDAL
through pyogrio. Every file is in EPSG:4326 and says so."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain, count
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

# geopandas, pandas and pyogrio cost ~75 MB per worker: the OGR writers import them on first
# use, not the feeds that import this module.
if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

CRS = "EPSG:4326"


@dataclass(frozen=True)
class ExportFormat:
    key: str
    media_type: str
    extension: str
    title: str


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str
    # Features left out because the format needs a geometry they lack (unplaced projects).
    left_out: int = 0


class ExportError(ValueError):
    """A request the data cannot satisfy (unknown format, no geometries): a 400, not a bug."""


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("geojson", "application/geo+json", ".geojson", "GeoJSON"),
        ExportFormat("csv", "text/csv; charset=utf-8", ".csv", "CSV (geometry as WKT)"),
        ExportFormat("gpkg", "application/geopackage+sqlite3", ".gpkg", "GeoPackage"),
        ExportFormat("shp", "application/zip", ".zip", "Shapefile (zip)"),
        ExportFormat("kml", "application/vnd.google-earth.kml+xml", ".kml", "KML"),
        ExportFormat("fgb", "application/flatgeobuf", ".fgb", "FlatGeobuf"),
    )
}

# DBF attribute names hold at most 10 characters. The properties our feeds publish (projects,
# townships, programmes) get readable short names; anything else is truncated by
# shapefile_fields. fields.csv inside the zip maps every field back to its property.
SHAPEFILE_FIELDS: dict[str, str] = {
    "status_year": "stat_year",
    "planned_status": "pln_status",
    "planned_year": "pln_year",
    "target_status": "tgt_status",
    "target_year": "tgt_year",
    "target_count": "tgt_count",
    "target_evidence": "tgt_evid",
    "behind_plan": "behind_pln",
    "township_codes": "twp_codes",
    "geometry_quality": "geom_qual",
    "boundary_quality": "bnd_qual",
    "cross_border": "cross_bdr",
    "description": "descr",
    "description_zh": "descr_zh",
    "placement_zh": "place_zh",
    "located_count": "n_located",
    "count_total": "n_total",
    "count_not_reported": "n_no_rep",
    "count_planned": "n_planned",
    "count_under_construction": "n_constr",
    "count_completed": "n_complete",
    "count_in_service": "n_in_serv",
    "count_behind_plan": "n_behind",
}

SHAPEFILE_FAMILIES: dict[str, str] = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}

_MULTI = {"Point": "MultiPoint", "LineString": "MultiLineString", "Polygon": "MultiPolygon"}
_DBF_NAME = re.compile(r"[A-Za-z0-9_]{1,10}")
_WKT_COLUMN = "wkt"


@dataclass(frozen=True)
class _Table:
    """The features as columns of flat values (str, int, float, bool or None) and geometries."""

    columns: dict[str, list[Any]]
    geometries: list[BaseGeometry | None]

    @property
    def has_geometry(self) -> bool:
        return any(g is not None for g in self.geometries)


# Formats that cannot hold a feature without geometry: such features are left out and counted.
NEEDS_GEOMETRY = {"shp", "kml", "fgb"}


def export_format(key: str) -> ExportFormat:
    """The format for an `f=` value; raises ExportError naming the valid ones."""
    try:
        return EXPORT_FORMATS[key]
    except KeyError:
        valid = ", ".join(EXPORT_FORMATS)
        raise ExportError(f"unknown format {key!r}: use one of {valid}") from None


def export_features(
    collection: bytes | dict[str, Any], fmt: str, layer: str, basename: str
) -> ExportFile:
    """collection: a GeoJSON FeatureCollection (bytes or parsed). layer: layer name inside the
    file (e.g. "projects"). basename: file name without extension."""
    spec = export_format(fmt)
    filename = ascii_name(basename, "export") + spec.extension
    if spec.key == "geojson":
        return ExportFile(_geojson(collection), spec.media_type, filename)
    features = _features(collection)
    left_out = 0
    if spec.key in NEEDS_GEOMETRY:
        located = [f for f in features if f.get("geometry") is not None]
        left_out = len(features) - len(located)
        if features and not located:
            raise ExportError(
                f"format {spec.key} needs geometries and none of the {len(features)} features "
                "has one; gpkg, csv and geojson keep such features"
            )
        features = located
    content = _WRITERS[spec.key](_table(features), layer)
    return ExportFile(content, spec.media_type, filename, left_out)


def ascii_name(name: str, fallback: str) -> str:
    """A file name stem safe in Content-Disposition and in any zip tool."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or fallback


# --- reading the collection ---


def _geojson(collection: bytes | dict[str, Any]) -> bytes:
    if isinstance(collection, bytes):
        return collection
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def _features(collection: bytes | dict[str, Any]) -> list[dict[str, Any]]:
    data = json.loads(collection) if isinstance(collection, bytes) else collection
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise TypeError("expected a GeoJSON FeatureCollection")
    return list(data.get("features") or [])


def _table(features: list[dict[str, Any]]) -> _Table:
    names = _property_names(features)
    columns = {name: [_flat(_property(f, name)) for f in features] for name in names}
    geometries = [_geometry(f.get("geometry")) for f in features]
    return _Table(columns, geometries)


def _property_names(features: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    # The feature id sits outside the properties in GeoJSON; GIS files only keep attributes.
    if any(f.get("id") is not None for f in features):
        names["id"] = None
    for f in features:
        names.update(dict.fromkeys(f.get("properties") or {}))
    return list(names)


def _property(feature: dict[str, Any], name: str) -> Any:
    properties = feature.get("properties") or {}
    if name == "id" and "id" not in properties:
        return feature.get("id")
    return properties.get(name)


def _geometry(geometry: dict[str, Any] | None) -> BaseGeometry | None:
    return shape(geometry) if geometry else None


def _flat(value: Any) -> Any:
    """Lists of plain values become "a;b"; objects and lists of objects compact JSON."""
    if isinstance(value, list) and not any(isinstance(v, dict | list) for v in value):
        return ";".join(_text(v) for v in value if v is not None)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _text(value: Any) -> str:
    # JSON spelling keeps true/false and numbers as the feed wrote them.
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# --- OGR formats ---


def _frame(table: _Table, names: dict[str, str] | None = None) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    names = names or {name: name for name in table.columns}
    data = {names[name]: _series(values) for name, values in table.columns.items()}
    geometry = gpd.GeoSeries(table.geometries, crs=CRS)
    return gpd.GeoDataFrame(data, geometry=geometry, index=pd.RangeIndex(len(geometry)))


def _series(values: list[Any]) -> pd.Series:
    """A typed column: nullable dtypes keep nulls null rather than 0 or NaN."""
    import pandas as pd

    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="boolean")
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        fits_int32 = all(-(2**31) <= v < 2**31 for v in present)
        return pd.Series(values, dtype="Int32" if fits_int32 else "Int64")
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="Float64")
    return pd.Series([None if v is None else _text(v) for v in values], dtype=object)


def _layer_geometry(geometry: gpd.GeoSeries) -> tuple[str, bool]:
    """The layer's geometry type and whether to promote single parts to multi.

    A typed layer is what every desktop GIS handles best, so Polygon + MultiPolygon become one
    MultiPolygon layer. Points, lines and polygons together get the generic type (GPKG GEOMETRY,
    FlatGeobuf Unknown) and keep each feature's own type: QGIS offers one sublayer per type.
    """
    types = set(geometry.dropna().geom_type)
    if len(types) == 1:
        return types.pop(), False
    multis = {_MULTI.get(t, t) for t in types}
    if len(multis) == 1 and multis <= set(_MULTI.values()):
        return multis.pop(), True
    return "Unknown", False


def _write(frame: gpd.GeoDataFrame, path: Path, driver: str, layer: str, **options: Any) -> None:
    import pyogrio

    geometry_type, promote = _layer_geometry(frame.geometry)
    pyogrio.write_dataframe(
        frame,
        path,
        layer=layer,
        driver=driver,
        geometry_type=geometry_type,
        promote_to_multi=promote,
        **options,
    )


def _in_tempdir(write: Callable[[Path], Path]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="tzmap-export-") as tmp:
        return write(Path(tmp)).read_bytes()


def _gpkg(table: _Table, layer: str) -> bytes:
    import pandas as pd
    import pyogrio

    def write(tmp: Path) -> Path:
        path = tmp / "export.gpkg"
        frame = _frame(table)
        if table.columns and not table.has_geometry:
            # A collection without geometries (indicators) becomes a plain attribute table.
            attributes = pd.DataFrame(frame.drop(columns="geometry"))
            pyogrio.write_dataframe(attributes, path, layer=layer, driver="GPKG")
        else:
            _write(frame, path, "GPKG", layer)
        return path

    return _in_tempdir(write)


def _fgb(table: _Table, layer: str) -> bytes:

    def write(tmp: Path) -> Path:
        path = tmp / "export.fgb"
        _write(_frame(table), path, "FlatGeobuf", layer)
        return path

    return _in_tempdir(write)


def _kml(table: _Table, layer: str) -> bytes:
    import pyogrio

    def write(tmp: Path) -> Path:
        path = tmp / "export.kml"
        # KML has no layer geometry type: each Placemark carries its own, so nothing is promoted.
        pyogrio.write_dataframe(
            _frame(table), path, layer=layer, driver=_kml_driver(), promote_to_multi=False
        )
        return path

    return _in_tempdir(write)


def _kml_driver() -> str:
    """LIBKML writes booleans as bool and the id field as the Placemark id; both drivers put the
    name and description properties into <name> and <description>."""
    import pyogrio

    return "LIBKML" if "LIBKML" in pyogrio.list_drivers(write=True) else "KML"


# --- Shapefile ---


def shapefile_fields(properties: Iterable[str]) -> dict[str, str]:
    """Property name → DBF field name (≤ 10 ASCII characters, unique ignoring case).

    Names that fit keep themselves, then the SHAPEFILE_FIELDS table, then truncation with a
    numbered suffix on collision; the same properties in the same order always map alike.
    """
    names = list(dict.fromkeys(properties))
    fields: dict[str, str] = {}
    taken: set[str] = set()

    def claim(name: str, field: str) -> None:
        fields[name] = field
        taken.add(field.lower())

    for name in names:
        if _DBF_NAME.fullmatch(name) and name.lower() not in taken:
            claim(name, name)
    for name in names:
        short = SHAPEFILE_FIELDS.get(name)
        if name not in fields and short and short.lower() not in taken:
            claim(name, short)
    for name in names:
        if name not in fields:
            claim(name, _unique_field(name, taken))
    return {name: fields[name] for name in names}


def _unique_field(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "", name)[:10] or "field"
    numbered = (f"{base[: 9 - len(str(n))]}_{n}" for n in count(1))
    return next(f for f in chain([base], numbered) if f.lower() not in taken)


def _shp(table: _Table, layer: str) -> bytes:
    stem = ascii_name(layer, "layer")
    fields = shapefile_fields(table.columns)
    frame = _frame(table, fields)
    families = frame.geometry.geom_type.map(SHAPEFILE_FAMILIES)
    if families.isna().any():
        raise ExportError("format shp holds only points, lines and polygons")
    # One shapefile per geometry family: a .shp has a single shape type.
    parts = {
        f"{stem}_{family}": frame[families == family]
        for family in ("point", "line", "polygon")
        if (families == family).any()
    }
    # An empty collection has no family: one empty shapefile, of the shape type GDAL picks.
    parts = parts or {stem: frame}

    with tempfile.TemporaryDirectory(prefix="tzmap-export-") as tmp:
        folder = Path(tmp)
        for name, part in parts.items():
            # GDAL writes the .cpg saying UTF-8 and recodes nothing; .prj comes from the CRS.
            _write(
                part,
                folder / f"{name}.shp",
                "ESRI Shapefile",
                name,
                layer_options={"ENCODING": "UTF-8"},
            )
        (folder / "fields.csv").write_bytes(_fields_csv(fields))
        return _zip(sorted(folder.iterdir()))


def _fields_csv(fields: dict[str, str]) -> bytes:
    rows = [("field", "property"), *((field, name) for name, field in fields.items())]
    return _csv_bytes(rows)


def _zip(paths: list[Path]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.name)
    return buffer.getvalue()


# --- CSV ---


def _csv(table: _Table, layer: str) -> bytes:
    header = [*table.columns, _WKT_COLUMN]
    values = [*table.columns.values(), [_wkt(g) for g in table.geometries]]
    return _csv_bytes([header, *zip(*values, strict=True)])


def _wkt(geometry: BaseGeometry | None) -> str:
    # shapely rounds WKT to 6 decimals by default (about 0.1 m); an export must not move vertices.
    return "" if geometry is None else str(shapely.to_wkt(geometry, rounding_precision=-1))


def _csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow("" if v is None else _text(v) for v in row)
    # Excel opens a double-clicked CSV in the system code page (GBK on a Chinese Windows) unless
    # it starts with a UTF-8 byte order mark; without it every 中文 name turns to mojibake.
    return buffer.getvalue().encode("utf-8-sig")


_WRITERS: dict[str, Callable[[_Table, str], bytes]] = {
    "csv": _csv,
    "gpkg": _gpkg,
    "shp": _shp,
    "kml": _kml,
    "fgb": _fgb,
}
