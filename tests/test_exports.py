"""Exports: every format read back by GDAL (pyogrio) or shapely, with Chinese text, list and
object properties and mixed geometry types intact. No database needed."""

import copy
import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from app.exports import (
    EXPORT_FORMATS,
    SHAPEFILE_FIELDS,
    ExportError,
    ExportFile,
    export_features,
    shapefile_fields,
)

LINE = {
    "type": "LineString",
    "coordinates": [[116.712345678, 39.8512345], [116.7203, 39.8801], [116.7311, 39.9234]],
}
POINT = {"type": "Point", "coordinates": [116.6912345, 39.9045678]}
POLYGON = {
    "type": "Polygon",
    "coordinates": [
        [[116.70, 39.85], [116.76, 39.85], [116.76, 39.89], [116.70, 39.89], [116.70, 39.85]]
    ],
}


def _evidence(start: int) -> list[dict[str, Any]]:
    return [{"document": "tongzhou-2023-report", "start": start, "end": start + 20}]


def _project(id: str, geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": id, "geometry": geometry, "properties": properties}


PROJECTS = {
    "type": "FeatureCollection",
    "numberMatched": 3,
    "features": [
        _project(
            "east-6th-ring-undergrounding",
            LINE,
            name="东六环入地改造",
            aliases=["东六环", "六环入地"],
            category="road",
            status="under_construction",
            status_year=2023,
            milestone="西线隧道首段贯通",
            target_status="in_service",
            target_year=2024,
            behind_plan=False,
            townships=["宋庄镇", "潞城镇"],
            township_codes=["110112104000", "110112119000"],
            geometry_quality="approximate",
            cross_border=False,
            length_km=16.4,
            programmes=[],
            description="东六环路通州段改为地下隧道。",
            evidence=_evidence(100),
        ),
        _project(
            "sub-centre-station",
            POINT,
            name="城市副中心站综合交通枢纽",
            aliases=["副中心站"],
            category="hub",
            status="planned",
            status_year=2022,
            milestone=None,
            target_status="under_construction",
            target_year=2022,
            behind_plan=True,
            townships=["潞城镇"],
            township_codes=["110112119000"],
            geometry_quality="schematic",
            cross_border=False,
            length_km=None,
            programmes=["hubs"],
            description="站城一体的交通枢纽。",
            evidence=_evidence(200),
        ),
        _project(
            "songzhuang-home-centre",
            POLYGON,
            name="宋庄镇家园中心",
            aliases=[],
            category="public_service",
            status="completed",
            status_year=2023,
            milestone=None,
            target_status=None,
            target_year=None,
            behind_plan=False,
            townships=["宋庄镇"],
            township_codes=["110112104000"],
            geometry_quality="approximate",
            cross_border=False,
            length_km=None,
            programmes=["home-centres", "renewal"],
            description="",
            evidence=_evidence(300),
        ),
    ],
}

INDICATORS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "forest-cover",
            "geometry": None,
            "properties": {
                "name": "森林覆盖率",
                "unit": "%",
                "values": [{"year": 2022, "value": 34}],
            },
        },
        {
            "type": "Feature",
            "id": "rail-length",
            "geometry": None,
            "properties": {"name": "轨道交通里程", "unit": "km", "values": []},
        },
    ],
}

EMPTY = {"type": "FeatureCollection", "features": []}

BY_NAME = {f["properties"]["name"]: f for f in PROJECTS["features"]}


def _export(fmt: str, collection: Any = PROJECTS) -> ExportFile:
    return export_features(collection, fmt, "projects", "projects-2023")


def _save(export: ExportFile, folder: Path) -> Path:
    path = folder / export.filename
    path.write_bytes(export.content)
    return path


def _same_geometry(read: BaseGeometry, feature: dict[str, Any], normalize: bool = False) -> bool:
    expected = shape(feature["geometry"])
    if normalize:
        read, expected = shapely.normalize(read), shapely.normalize(expected)
    return bool(read.equals_exact(expected, tolerance=1e-9))


def _check_projects(
    frame: gpd.GeoDataFrame, name_column: str = "name", normalize: bool = False
) -> None:
    assert len(frame) == 3
    assert frame.crs.to_epsg() == 4326
    assert set(frame[name_column]) == set(BY_NAME)
    for _, row in frame.iterrows():
        feature = BY_NAME[row[name_column]]
        assert _same_geometry(row.geometry, feature, normalize)
        assert row["townships"] == ";".join(feature["properties"]["townships"])


def test_format_registry() -> None:
    assert {key: (f.media_type, f.extension) for key, f in EXPORT_FORMATS.items()} == {
        "geojson": ("application/geo+json", ".geojson"),
        "csv": ("text/csv; charset=utf-8", ".csv"),
        "gpkg": ("application/geopackage+sqlite3", ".gpkg"),
        "shp": ("application/zip", ".zip"),
        "kml": ("application/vnd.google-earth.kml+xml", ".kml"),
        "fgb": ("application/flatgeobuf", ".fgb"),
    }
    assert all(f.key == key and f.title for key, f in EXPORT_FORMATS.items())


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_media_type_and_filename(fmt: str) -> None:
    export = _export(fmt)
    spec = EXPORT_FORMATS[fmt]
    assert export.media_type == spec.media_type
    assert export.filename == f"projects-2023{spec.extension}"
    assert export.content


def test_filename_is_ascii_safe() -> None:
    export = export_features(EMPTY, "csv", "projects", '项目 "2023"/../a')
    assert export.filename == "2023_a.csv"
    assert export_features(EMPTY, "csv", "projects", "宋庄镇").filename == "export.csv"


def test_geojson_passes_through() -> None:
    raw = json.dumps(PROJECTS, ensure_ascii=False).encode()
    assert _export("geojson", raw).content is raw
    assert json.loads(_export("geojson", PROJECTS).content) == PROJECTS


def test_geopackage(tmp_path: Path) -> None:
    path = _save(_export("gpkg"), tmp_path)
    info = pyogrio.read_info(path, layer="projects")
    assert info["crs"] == "EPSG:4326"
    assert info["geometry_type"] == "Unknown"  # GPKG GEOMETRY: points, lines, polygons together
    frame = pyogrio.read_dataframe(path, layer="projects")
    _check_projects(frame)
    row = frame.set_index("id").loc["east-6th-ring-undergrounding"]
    assert row["aliases"] == "东六环;六环入地"
    assert row["milestone"] == "西线隧道首段贯通"
    assert json.loads(row["evidence"]) == _evidence(100)
    assert dict(zip(info["fields"], info["ogr_subtypes"], strict=True))["behind_plan"] == (
        "OFSTBoolean"
    )
    station = frame.set_index("id").loc["sub-centre-station"]
    assert station["behind_plan"] == 1
    assert pd.isna(station["milestone"])
    assert station["programmes"] == "hubs"


def test_flatgeobuf(tmp_path: Path) -> None:
    path = _save(_export("fgb"), tmp_path)
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:4326"
    assert info["geometry_type"] == "Unknown"
    frame = pyogrio.read_dataframe(path)
    _check_projects(frame)
    types = dict(zip(info["fields"], info["ogr_subtypes"], strict=True))
    assert types["behind_plan"] == "OFSTBoolean"
    by_id = frame.set_index("id")
    assert by_id.loc["sub-centre-station", "aliases"] == "副中心站"
    assert by_id.loc["songzhuang-home-centre", "programmes"] == "home-centres;renewal"


def test_kml(tmp_path: Path) -> None:
    path = _save(_export("kml"), tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "<name>东六环入地改造</name>" in text
    frame = pyogrio.read_dataframe(path)
    _check_projects(frame, name_column="Name")
    row = frame.set_index("Name").loc["东六环入地改造"]
    assert row["description"] == "东六环路通州段改为地下隧道。"
    assert json.loads(row["evidence"]) == _evidence(100)
    assert row["township_codes"] == "110112104000;110112119000"
    assert not row["behind_plan"]
    assert frame.set_index("Name").loc["城市副中心站综合交通枢纽", "behind_plan"]


def test_shapefile_zip(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(_export("shp").content)) as archive:
        archive.extractall(tmp_path)
        names = set(archive.namelist())
    stems = {"projects_point", "projects_line", "projects_polygon"}
    parts = {".shp", ".shx", ".dbf", ".prj", ".cpg"}
    assert names == {stem + ext for stem in stems for ext in parts} | {"fields.csv"}
    for stem in stems:
        assert (tmp_path / f"{stem}.cpg").read_text() == "UTF-8"

    with (tmp_path / "fields.csv").open(encoding="utf-8-sig", newline="") as f:
        fields = {row["field"]: row["property"] for row in csv.DictReader(f)}
    assert fields["geom_qual"] == "geometry_quality"
    assert fields["twp_codes"] == "township_codes"
    assert fields["behind_pln"] == "behind_plan"
    assert fields["tgt_status"] == "target_status"
    assert fields["name"] == "name"
    assert all(len(field) <= 10 for field in fields)

    frames = [pyogrio.read_dataframe(tmp_path / f"{stem}.shp") for stem in sorted(stems)]
    for frame in frames:
        assert len(frame) == 1
        assert frame.crs.to_epsg() == 4326
        assert set(frame.columns) - {"geometry"} == set(fields)
    # Shapefile rings run clockwise, GeoJSON's anticlockwise: same vertices, other order.
    combined = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")
    _check_projects(combined, normalize=True)

    line = pyogrio.read_dataframe(tmp_path / "projects_line.shp").iloc[0]
    assert line["aliases"] == "东六环;六环入地"
    assert line["twp_codes"] == "110112104000;110112119000"
    assert line["tgt_status"] == "in_service"
    assert line["behind_pln"] is False or line["behind_pln"] == 0
    assert json.loads(line["evidence"]) == _evidence(100)
    point_info = pyogrio.read_info(tmp_path / "projects_point.shp")
    types = dict(zip(point_info["fields"], point_info["ogr_subtypes"], strict=True))
    assert types["behind_pln"] == "OFSTBoolean"


def test_csv() -> None:
    content = _export("csv").content
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert len(rows) == 3
    assert list(rows[0])[:2] == ["id", "name"]
    assert list(rows[0])[-1] == "wkt"
    for row in rows:
        feature = BY_NAME[row["name"]]
        assert _same_geometry(shapely.from_wkt(row["wkt"]), feature)
        assert row["townships"] == ";".join(feature["properties"]["townships"])
    station = next(r for r in rows if r["id"] == "sub-centre-station")
    assert station["behind_plan"] == "true"
    assert station["milestone"] == ""
    assert station["status_year"] == "2022"
    assert json.loads(station["evidence"]) == _evidence(200)


def test_shapefile_field_names_are_short_unique_and_stable() -> None:
    names = [
        "name",
        "geometry_quality",
        "township_codes",
        "planning_document_a",
        "planning_document_b",
        "Planning_d",
        "规划文件",
        "geom_qual",
    ]
    fields = shapefile_fields(names)
    assert fields == shapefile_fields(names)
    assert list(fields) == names
    assert all(len(f) <= 10 and f.isascii() for f in fields.values())
    assert len({f.lower() for f in fields.values()}) == len(names)
    assert fields["name"] == "name"
    assert fields["township_codes"] == "twp_codes"
    # The literal name that fits wins; the mapped one falls back to truncation.
    assert fields["geom_qual"] == "geom_qual"
    assert fields["geometry_quality"] == "geometry_q"
    assert fields["规划文件"] == "field"


def test_shapefile_field_table() -> None:
    shorts = list(SHAPEFILE_FIELDS.values())
    assert all(re.fullmatch(r"[a-z0-9_]{1,10}", f) for f in shorts)
    assert len({f.lower() for f in shorts}) == len(shorts)
    assert shapefile_fields(SHAPEFILE_FIELDS) == SHAPEFILE_FIELDS


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format 'xlsx'") as raised:
        _export("xlsx")
    for key in EXPORT_FORMATS:
        assert key in str(raised.value)
    assert isinstance(raised.value, ExportError)


@pytest.mark.parametrize("fmt", ["shp", "kml", "fgb"])
def test_formats_that_need_geometries(fmt: str) -> None:
    with pytest.raises(ExportError, match=f"format {fmt} needs geometries"):
        _export(fmt, INDICATORS)


def test_csv_without_geometries() -> None:
    content = _export("csv", INDICATORS).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    assert [(r["name"], r["wkt"]) for r in rows] == [("森林覆盖率", ""), ("轨道交通里程", "")]
    assert json.loads(rows[0]["values"]) == [{"year": 2022, "value": 34}]


def test_geopackage_without_geometries_is_an_attribute_table(tmp_path: Path) -> None:
    path = _save(export_features(INDICATORS, "gpkg", "indicators", "indicators"), tmp_path)
    info = pyogrio.read_info(path, layer="indicators")
    assert info["geometry_type"] is None
    frame = pyogrio.read_dataframe(path, layer="indicators", read_geometry=False)
    assert list(frame["name"]) == ["森林覆盖率", "轨道交通里程"]
    assert list(frame["values"]) == ['[{"year":2022,"value":34}]', ""]


def test_geopackage_keeps_features_without_geometry(tmp_path: Path) -> None:
    collection = copy.deepcopy(PROJECTS)
    collection["features"][1]["geometry"] = None
    frame = pyogrio.read_dataframe(_save(_export("gpkg", collection), tmp_path))
    assert frame.geometry.isna().sum() == 1
    assert _export("shp", collection).left_out == 1  # a shapefile cannot hold it: counted


@pytest.mark.parametrize("fmt", ["gpkg", "fgb", "kml"])
def test_empty_collection_gives_an_empty_file(fmt: str, tmp_path: Path) -> None:
    path = _save(_export(fmt, EMPTY), tmp_path)
    assert pyogrio.read_info(path)["crs"] == "EPSG:4326"
    assert len(pyogrio.read_dataframe(path)) == 0


def test_empty_collection_text_formats(tmp_path: Path) -> None:
    assert json.loads(_export("geojson", EMPTY).content) == EMPTY
    assert _export("csv", EMPTY).content.decode("utf-8-sig") == "wkt\r\n"
    with zipfile.ZipFile(io.BytesIO(_export("shp", EMPTY).content)) as archive:
        archive.extractall(tmp_path)
    assert len(pyogrio.read_dataframe(tmp_path / "projects.shp")) == 0


def test_single_and_multi_of_one_family_become_multi(tmp_path: Path) -> None:
    multi = {"type": "MultiPoint", "coordinates": [[116.7, 39.9], [116.75, 39.92]]}
    collection = {
        "type": "FeatureCollection",
        "features": [_project("a", POINT, name="甲"), _project("b", multi, name="乙")],
    }
    gpkg = _save(_export("gpkg", collection), tmp_path)
    assert pyogrio.read_info(gpkg)["geometry_type"] == "MultiPoint"
    with zipfile.ZipFile(io.BytesIO(_export("shp", collection).content)) as archive:
        archive.extractall(tmp_path)
    frame = pyogrio.read_dataframe(tmp_path / "projects_point.shp")
    assert list(frame["name"]) == ["甲", "乙"]
    assert frame.geometry[0].equals(shape(POINT))


def test_geometry_collections(tmp_path: Path) -> None:
    # Programmes collect their members' geometries, which may be of several kinds.
    mixed = {"type": "GeometryCollection", "geometries": [POINT, LINE]}
    collection = {"type": "FeatureCollection", "features": [_project("p", mixed, name="断头路")]}
    for fmt in ("gpkg", "fgb", "kml"):
        frame = pyogrio.read_dataframe(_save(_export(fmt, collection), tmp_path))
        assert frame.geometry[0].equals(shape(mixed))
    with pytest.raises(ExportError, match="points, lines and polygons"):
        _export("shp", collection)


def test_long_text_in_a_shapefile_is_cut_on_a_character_boundary(tmp_path: Path) -> None:
    # A DBF text field holds 254 bytes: 84 Chinese characters in UTF-8. GDAL warns and cuts.
    collection = {
        "type": "FeatureCollection",
        "features": [_project("a", POINT, name="长", description="副中心" * 40)],
    }
    with pytest.warns(RuntimeWarning, match="truncated"):
        content = _export("shp", collection).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(tmp_path)
    assert pyogrio.read_dataframe(tmp_path / "projects_point.shp")["descr"][0] == "副中心" * 28


@pytest.mark.parametrize("fmt", ["shp", "kml", "fgb"])
def test_unplaced_features_are_left_out_and_counted(fmt: str, tmp_path: Path) -> None:
    unplaced = {
        "type": "Feature",
        "id": "somewhere",
        "geometry": None,
        "properties": {"name": "未定位项目", "geometry_quality": "unplaced"},
    }
    mixed = {**PROJECTS, "features": [*PROJECTS["features"], unplaced]}
    file = export_features(mixed, fmt, "projects", "projects")
    assert file.left_out == 1
    assert file.content


@pytest.mark.parametrize("fmt", ["gpkg", "csv"])
def test_unplaced_features_are_kept_where_the_format_allows(fmt: str) -> None:
    unplaced = {"type": "Feature", "id": "somewhere", "geometry": None, "properties": {"name": "x"}}
    mixed = {**PROJECTS, "features": [*PROJECTS["features"], unplaced]}
    assert export_features(mixed, fmt, "projects", "projects").left_out == 0
