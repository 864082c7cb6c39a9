"""Geometry against its own words: what a placement or description says about a feature's shape is
checked against the drawn geometry, for every project in geodata/ (issue 14's geometry mistakes).

- a line that states its length ("about 13 km", "约13公里") is drawn within ±15 % of it;
- a channel placed "from the <river> to the <river>" (base-map rivers) ends on both, within 200 m;
- a project placed "next to" / "beside" another project is within 1 km of it;
- a project placed east or west "of the 东六环" lies on that side of the 东六环入地改造 line;
- a project placed on the east or west "bank of the <river>" is clearly on that bank near the river.
- the schematic township polygons hold their seeds (each with its sources) and the places the
  issue named: the 城市绿心 buildings in 张家湾镇, 潞邑街道 around 潞苑, not out to the north tip.

Each rule also runs on the mistakes issue 14 found, which it must reject.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from shapely.geometry import LineString, MultiLineString, Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points, unary_union

from app.geodata.validate import to_metric
from app.settings import REPO_ROOT

GEODATA = REPO_ROOT / "geodata"
LENGTH_TOLERANCE = 0.15
RIVER_TOUCH_M = 200.0
NEXT_TO_M = 1000.0
BANK_MARGIN_M = 200.0  # the base map's rivers are hand-placed: "on a bank" must be clearly so
BANK_SCOPE_M = 1000.0  # the parts of a feature near the river are the ones a bank refers to
RING_ID = "east-6th-ring-road-undergrounding"

# Geometries as issue 14 found them: the examples each rule must reject.
OLD_RING = [
    (116.699, 39.957),
    (116.704, 39.93),
    (116.706, 39.905),
    (116.704, 39.885),
    (116.698, 39.866),
    (116.693, 39.852),
]
OLD_WENCHAO = [
    (116.652, 39.982),
    (116.668, 39.978),
    (116.69, 39.976),
    (116.706, 39.982),
    (116.722, 39.99),
    (116.75, 39.994),
]
OLD_M101 = [
    (116.655, 39.957),
    (116.664, 39.946),
    (116.672, 39.939),
    (116.681, 39.932),
    (116.691, 39.925),
    (116.697, 39.914),
    (116.7, 39.907),
    (116.699, 39.9005),
    (116.708, 39.894),
    (116.699, 39.887),
    (116.701, 39.876),
    (116.692, 39.864),
    (116.703, 39.857),
    (116.718, 39.852),
]


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    names: tuple[str, ...]
    category: str
    text: str  # placement and description
    placement: str
    geometry: BaseGeometry | None


def _projects() -> list[Project]:
    out = []
    for path in sorted((GEODATA / "projects").glob("*.geojson")):
        for f in json.loads(path.read_text("utf-8"))["features"]:
            p = f["properties"]
            out.append(
                Project(
                    id=f["id"],
                    name=p["name"],
                    names=(p["name"], *p.get("aliases", [])),
                    category=p["category"],
                    text=f"{p['placement']} {p['description']}",
                    placement=p["placement"],
                    geometry=shape(f["geometry"]) if f["geometry"] else None,
                )
            )
    return out


PROJECTS = _projects()
BY_ID = {p.id: p for p in PROJECTS}
RIVERS = {
    f["properties"]["name"]: shape(f["geometry"])
    for f in json.loads((GEODATA / "basemap.geojson").read_text("utf-8"))["features"]
    if f["properties"]["kind"] == "river"
}
RIVER_NAMES = "|".join(sorted(map(re.escape, RIVERS), key=len, reverse=True))


def metres(a: BaseGeometry, b: BaseGeometry) -> float:
    return float(to_metric(a).distance(to_metric(b)))


def length_m(geom: BaseGeometry) -> float:
    return float(to_metric(geom).length)


def lines(geom: BaseGeometry) -> list[LineString]:
    if isinstance(geom, LineString):
        return [geom]
    if isinstance(geom, MultiLineString):
        return list(geom.geoms)
    return []


def vertices(geom: BaseGeometry) -> Iterator[tuple[float, float]]:
    if hasattr(geom, "geoms"):
        for part in geom.geoms:
            yield from vertices(part)
    elif geom.geom_type == "Polygon":
        yield from ((x, y) for x, y in geom.exterior.coords)
    else:
        yield from ((x, y) for x, y in geom.coords)


# --- stated lengths --------------------------------------------------------------------------

# "about 13 km", "of about 16.3 km", "约13公里": a length of the thing itself. Not an area (km2),
# a distance to something else ("about 4 km from …"), a radius or a band's width.
_LENGTH = re.compile(
    r"(?:about|roughly|约)\s*(\d+(?:\.\d+)?)\s*(?:km|公里|千米)(?![2²\w])"
    r"(?!\s+(?:from|radius|either side|wide|away|apart|north|south|east|west)\b)"
)


def stated_lengths_km(text: str) -> list[float]:
    return [float(m) for m in _LENGTH.findall(text)]


def length_problem(geom: BaseGeometry, text: str) -> str | None:
    drawn = length_m(geom) / 1000
    for stated in stated_lengths_km(text):
        if abs(drawn - stated) > LENGTH_TOLERANCE * stated:
            return f"drawn {drawn:.1f} km, stated about {stated:g} km"
    return None


LINE_PROJECTS = [p for p in PROJECTS if p.geometry is not None and lines(p.geometry)]
MEASURED = [p for p in LINE_PROJECTS if stated_lengths_km(p.text)]
# Found by this test, outside the geometry fixes of issue 14; strict, so fixing it fails here and
# the entry is removed with the fix.
KNOWN_LENGTH_MISMATCHES = {
    "national-highway-230": "drawn 2.8 km against the 'about 4 km' its placement gives",
}


def test_stated_length_finder() -> None:
    assert stated_lengths_km("New relief channel of about 13 km that will divert") == [13.0]
    assert stated_lengths_km("published length about 16.3 km (…), drawn 14.7 km") == [16.3]
    assert stated_lengths_km("工程全长约16.3公里") == [16.3]
    assert stated_lengths_km("the roughly 3 km2 start-up zone") == []
    assert stated_lengths_km("about 4 km from the administrative office area") == []
    assert stated_lengths_km("Circle of about 1.4 km radius") == []


def test_the_known_lines_state_their_lengths() -> None:
    measured = {p.id for p in MEASURED}
    assert {"east-6th-ring-road-undergrounding", "wenchao-relief-channel", "m101-line"} <= measured


@pytest.mark.parametrize(
    "project",
    [
        pytest.param(
            p,
            id=p.id,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_LENGTH_MISMATCHES[p.id])]
            if p.id in KNOWN_LENGTH_MISMATCHES
            else [],
        )
        for p in MEASURED
    ],
)
def test_a_line_is_drawn_at_its_stated_length(project: Project) -> None:
    assert project.geometry is not None
    assert length_problem(project.geometry, project.text) is None, (
        f"{project.id}: {length_problem(project.geometry, project.text)}"
    )


@pytest.mark.parametrize(
    ("coords", "text"),
    [
        # 东六环入地改造 as issue 14 found it: 11.8 km against about 16 km.
        (
            OLD_RING,
            "published length about 16.3 km",
        ),
        # 温潮减河: 8.9 km against about 13 km.
        (
            OLD_WENCHAO,
            "New relief channel of about 13 km",
        ),
        # M101: 15.1 km against about 18.1 km.
        (
            OLD_M101,
            "Published length about 18.1 km",
        ),
    ],
)
def test_the_short_lines_of_issue_14_are_rejected(
    coords: list[tuple[float, float]], text: str
) -> None:
    assert length_problem(LineString(coords), text) is not None


# --- channels between rivers -----------------------------------------------------------------

_CONNECTS = re.compile(
    rf"from the (?:left bank of the |right bank of the )?({RIVER_NAMES})[^.;]*?"
    rf"\b(?:to|into) the ({RIVER_NAMES})"
)


def connected_rivers(text: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in _CONNECTS.findall(text) if a != b]


def connection_problem(geom: BaseGeometry, a: str, b: str) -> str | None:
    best = None
    for part in lines(geom):
        start, end = Point(part.coords[0]), Point(part.coords[-1])
        for one, other in ((start, end), (end, start)):
            gap = max(metres(one, RIVERS[a]), metres(other, RIVERS[b]))
            best = gap if best is None else min(best, gap)
    if best is None or best > RIVER_TOUCH_M:
        return f"no part runs from the {a} to the {b} (ends {best or 0:.0f} m off)"
    return None


CHANNELS = [
    (p, a, b)
    for p in LINE_PROJECTS
    if p.category == "water"
    for a, b in connected_rivers(p.placement)
]


def test_the_known_channels_are_checked() -> None:
    checked = {(p.id, a, b) for p, a, b in CHANNELS}
    assert ("wenchao-relief-channel", "温榆河", "潮白河") in checked
    assert ("tongzhou-weir-flood-diversion-system", "温榆河", "潮白河") in checked
    assert ("tongzhou-weir-flood-diversion-system", "北运河", "潮白河") in checked


@pytest.mark.parametrize(("project", "a", "b"), CHANNELS, ids=lambda v: getattr(v, "id", v))
def test_a_channel_touches_the_rivers_it_connects(project: Project, a: str, b: str) -> None:
    assert project.geometry is not None
    assert connection_problem(project.geometry, a, b) is None, (
        f"{project.id}: {connection_problem(project.geometry, a, b)}"
    )


def test_the_channel_of_issue_14_that_stopped_short_is_rejected() -> None:
    # 温潮减河 (and the first part of 通州堰) as found: about 1.5 km short of both rivers.
    old = LineString(OLD_WENCHAO)
    assert connection_problem(old, "温榆河", "潮白河") is not None


# --- "next to" another project ---------------------------------------------------------------

_NEXT_TO = re.compile(r"(?:next to|beside|adjacent to|紧邻)\s*(?:the\s+)?([^\s,;()]+)")


def neighbours(project: Project) -> list[Project]:
    """The other projects the placement says this one is next to."""
    out = []
    for token in _NEXT_TO.findall(project.placement):
        out += [q for q in PROJECTS if q.id != project.id and q.geometry and token in q.names]
    return out


NEXT_TO = [(p, q) for p in PROJECTS if p.geometry is not None for q in neighbours(p)]


def test_the_known_neighbours_are_checked() -> None:
    pairs = {(p.id, q.id) for p, q in NEXT_TO}
    assert ("liuhe-village-ground-source-heat-pump-station", "anzhen-hospital-tongzhou") in pairs


@pytest.mark.parametrize(("project", "other"), NEXT_TO, ids=lambda v: v.id)
def test_next_to_means_within_a_kilometre(project: Project, other: Project) -> None:
    assert project.geometry is not None and other.geometry is not None
    gap = metres(project.geometry, other.geometry)
    assert gap <= NEXT_TO_M, f"{project.id} is {gap:.0f} m from {other.id}"


def test_the_neighbour_of_issue_14_that_was_far_away_is_rejected() -> None:
    # The 六合村 energy station as found, 3.3 km from the catalogue's 安贞医院通州院区.
    anzhen = BY_ID["anzhen-hospital-tongzhou"].geometry
    assert anzhen is not None
    assert metres(Point(116.752, 39.937), anzhen) > NEXT_TO_M


# --- sides of the 东六环 ---------------------------------------------------------------------

_RING_SIDE = re.compile(r"\b(east|west) of the (?:old )?东六环(?![\u4e00-\u9fff])")


def ring_side_problem(geom: BaseGeometry, side: str, ring: BaseGeometry) -> str | None:
    south, north = ring.bounds[1], ring.bounds[3]
    for x, y in vertices(geom):
        if not south <= y <= north:
            continue
        crossing = ring.intersection(LineString([(116.0, y), (117.5, y)]))
        ring_x = min(pt.x for pt in getattr(crossing, "geoms", [crossing]))
        if (x <= ring_x) if side == "east" else (x >= ring_x):
            return f"({x}, {y}) is not {side} of the 东六环 ({ring_x:.4f} E there)"
    return None


RING = BY_ID[RING_ID].geometry
RING_SIDES = [
    (p, side)
    for p in PROJECTS
    if p.geometry is not None and p.id != RING_ID
    for side in sorted(set(_RING_SIDE.findall(p.placement)))
]


def test_the_known_ring_sides_are_checked() -> None:
    checked = {(p.id, side) for p, side in RING_SIDES}
    assert ("tsinghua-finance-talent-base", "west") in checked
    assert ("anzhen-hospital-tongzhou", "east") in checked


@pytest.mark.parametrize(("project", "side"), RING_SIDES, ids=lambda v: getattr(v, "id", v))
def test_east_or_west_of_the_ring_is_on_that_side(project: Project, side: str) -> None:
    assert project.geometry is not None and RING is not None
    problem = ring_side_problem(project.geometry, side, RING)
    assert problem is None, f"{project.id}: {problem}"


def test_the_box_of_issue_14_that_straddled_the_ring_is_rejected() -> None:
    old = shape(
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [116.7, 39.936],
                    [116.706, 39.936],
                    [116.706, 39.941],
                    [116.7, 39.941],
                    [116.7, 39.936],
                ]
            ],
        }
    )
    # The Tsinghua box as found straddled the catalogue's own 东六环 line of the time.
    old_ring = LineString(OLD_RING)
    assert ring_side_problem(old, "west", old_ring) is not None


# --- banks of a river ------------------------------------------------------------------------

_BANK = re.compile(rf"\b(east|west) bank of the ({RIVER_NAMES})")


def bank_problem(geom: BaseGeometry, side: str, river: str) -> str | None:
    water = RIVERS[river]
    for x, y in vertices(geom):
        here = Point(x, y)
        gap = metres(here, water)
        if gap > BANK_SCOPE_M:
            continue
        on_river = nearest_points(water, here)[0]
        east = x > on_river.x
        if east != (side == "east") or gap < BANK_MARGIN_M:
            where = "east" if east else "west"
            return f"({x}, {y}) is {gap:.0f} m {where} of the {river}: not clearly its {side} bank"
    return None


BANKS = [
    (p, side, river)
    for p in PROJECTS
    if p.geometry is not None
    for side, river in _BANK.findall(p.placement)
]


def test_the_known_banks_are_checked() -> None:
    checked = {(p.id, side, river) for p, side, river in BANKS}
    assert ("pinggu-line-tongzhou-stations", "east", "北运河") in checked
    assert ("north-canal-east-riverside-road-phase-1", "east", "北运河") in checked


@pytest.mark.parametrize(("project", "side", "river"), BANKS, ids=lambda v: getattr(v, "id", v))
def test_a_bank_is_clearly_that_bank(project: Project, side: str, river: str) -> None:
    assert project.geometry is not None
    assert bank_problem(project.geometry, side, river) is None, (
        f"{project.id}: {bank_problem(project.geometry, side, river)}"
    )


def test_the_station_of_issue_14_on_the_canal_is_rejected() -> None:
    # 平谷线's 运河商务区 station as found: 160 m from the base map's 北运河, not clearly on a bank.
    assert bank_problem(Point(116.688, 39.91), "east", "北运河") is not None


# --- township polygons ---------------------------------------------------------------------------

TOWNSHIPS = {
    f["properties"]["name"]: shape(f["geometry"])
    for f in json.loads((GEODATA / "townships.geojson").read_text("utf-8"))["features"]
}
SEATS = {
    f["properties"]["name"]: Point(f["properties"]["seat"])
    for f in json.loads((GEODATA / "townships.geojson").read_text("utf-8"))["features"]
}
SEEDS = json.loads((GEODATA / "township_seeds.json").read_text("utf-8"))["places"]
DISTRICT = shape(json.loads((GEODATA / "district.geojson").read_text("utf-8"))["geometry"])
GREEN_HEART_BUILDINGS = ("sub-centre-theatre", "sub-centre-library", "sub-centre-museum")


def test_the_townships_tile_the_district() -> None:
    assert len(TOWNSHIPS) == 22
    union = to_metric(unary_union(list(TOWNSHIPS.values())))
    assert union.symmetric_difference(to_metric(DISTRICT)).area < 1e4  # m², rounding only
    names = sorted(TOWNSHIPS)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            overlap = to_metric(TOWNSHIPS[a]).intersection(to_metric(TOWNSHIPS[b])).area
            assert overlap < 1.0, f"{a} and {b} overlap by {overlap:.0f} m²"


@pytest.mark.parametrize("place", SEEDS, ids=[p["name"] for p in SEEDS])
def test_every_seed_says_its_sources_and_lies_in_its_township(place: dict[str, object]) -> None:
    for key in ("position_source", "township_source"):
        assert str(place.get(key) or "").strip(), f"{place['name']}: no {key}"
    township = TOWNSHIPS[str(place["township"])]
    assert township.contains(Point(float(place["lon"]), float(place["lat"])))  # type: ignore[arg-type]


def test_every_seat_lies_in_its_township() -> None:
    for name, seat in SEATS.items():
        assert TOWNSHIPS[name].contains(seat), name


@pytest.mark.parametrize("project_id", GREEN_HEART_BUILDINGS)
def test_the_green_heart_buildings_are_in_zhangjiawan(project_id: str) -> None:
    """The Green Heart lies south of the 北运河 (潞源街道's southern limit) and east of the 东六环
    (临河里街道's eastern limit): 张家湾镇, not 临河里街道 as the seats' cells had it."""
    geometry = BY_ID[project_id].geometry
    assert geometry is not None
    inside = [name for name, polygon in TOWNSHIPS.items() if polygon.intersects(geometry)]
    assert inside == ["张家湾镇"]


def test_luyi_is_around_luyuan_and_the_north_is_songzhuang() -> None:
    """潞邑街道 holds its seat in the 潞苑 area but does not run out to the district's northern
    tip, which lies in 宋庄镇 (the town between the 温榆河 and the 潮白河 that borders 顺义区)."""
    luyi = TOWNSHIPS["潞邑街道"]
    assert luyi.contains(SEATS["潞邑街道"])
    north = DISTRICT.bounds[3]
    assert luyi.bounds[3] < north - 0.05  # more than 5 km short of the tip
    tip = min(
        (Point(x, y) for x, y in vertices(DISTRICT)), key=lambda p: north - p.y
    )  # the northernmost vertex of the outline
    owner = min(TOWNSHIPS, key=lambda name: TOWNSHIPS[name].distance(tip))
    assert owner == "宋庄镇"
