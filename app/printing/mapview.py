"""The map of a sheet: context (district, townships) and projects by status, drawn in EPSG:4548
metres on an axes whose extent matches a round scale; and the locator map."""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from shapely import box
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

from app.printing import style
from app.printing.context import Context
from app.printing.data import ProjectRow, TownshipRow
from app.printing.layout import Box, Page

Bounds = tuple[float, float, float, float]
TOWNSHIP_DASH = (0, (6, 2, 1, 2))  # dash-dot, the usual look of an administrative boundary
# Leading digits of the scales a sheet may use (1:75 000, 1:350 000 …).
NICE_SCALES = (1, 1.2, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 7.5, 8, 9)


@dataclass(frozen=True)
class MapFrame:
    extent: Bounds  # metres, with the aspect of the frame on paper
    denominator: int  # 1:denominator when printed at 100 %

    @property
    def metres_per_mm(self) -> float:
        return self.denominator / 1000


@dataclass
class Drawn:
    """What the map shows, for a legend that shows exactly that."""

    kinds: set[str] = field(default_factory=set)  # point, line, area
    groups: set[str] = field(default_factory=set)  # marker families of point projects
    categories: set[str] = field(default_factory=set)  # of point projects
    line_kinds: set[str] = field(default_factory=set)  # rail, road, other
    behind_plan_kinds: set[str] = field(default_factory=set)
    numbered: int = 0  # map numbers drawn
    numbers_left_out: int = 0  # where the map is too crowded for them
    # status (or move) → kind → the first variant drawn (marker group of points, line kind of lines)
    symbols: dict[str | None, dict[str, str]] = field(default_factory=dict)

    def saw(self, status: str | None, kind: str, variant: str = "") -> None:
        self.symbols.setdefault(status, {}).setdefault(kind, variant)


def round_scale(denominator: float) -> int:
    exponent = 10 ** math.floor(math.log10(denominator))
    nice = next((n for n in NICE_SCALES if n * exponent >= denominator), 10.0)
    return round(nice * exponent)


def fit_frame(bounds: Bounds, frame: Box, margin: float = 0.03, min_size: float = 800) -> MapFrame:
    """The smallest round scale at which `bounds` (plus a margin) fits the frame, centred."""
    minx, miny, maxx, maxy = bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    w = max(maxx - minx, min_size) * (1 + 2 * margin)
    h = max(maxy - miny, min_size) * (1 + 2 * margin)
    denominator = round_scale(max(w / frame.w, h / frame.h) * 1000)
    half_w, half_h = frame.w * denominator / 2000, frame.h * denominator / 2000
    return MapFrame((cx - half_w, cy - half_h, cx + half_w, cy + half_h), denominator)


KINDS = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "Polygon": "area",
    "MultiPolygon": "area",
}


def kind_of(geometry: BaseGeometry) -> str:
    return KINDS[geometry.geom_type]


def polygon_path(geometry: BaseGeometry) -> Path:
    """A compound path of (Multi)Polygon rings. Matplotlib fills by the nonzero winding rule, so
    rings are oriented first (exterior counter-clockwise, holes clockwise) to keep holes open."""
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for part in getattr(geometry, "geoms", [geometry]):
        polygon = orient(part, sign=1.0)
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            ring_codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
            ring_codes[0], ring_codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            vertices.append(xy)
            codes.append(ring_codes)
    return Path(np.concatenate(vertices), np.concatenate(codes))


def _lines_xy(geometries: Iterable[BaseGeometry]) -> tuple[list[float], list[float]]:
    """Line parts joined by NaN, which matplotlib draws as separate strokes of one artist."""
    xs: list[float] = []
    ys: list[float] = []
    for geometry in geometries:
        for part in getattr(geometry, "geoms", [geometry]):
            x, y = part.xy
            xs += [*x, math.nan]
            ys += [*y, math.nan]
    return xs, ys


def _line_parts(geometries: Iterable[BaseGeometry]) -> list[LineString]:
    return [part for g in geometries for part in getattr(g, "geoms", [g])]


def _points_xy(geometries: Iterable[BaseGeometry]) -> tuple[list[float], list[float]]:
    xs: list[float] = []
    ys: list[float] = []
    for geometry in geometries:
        for part in getattr(geometry, "geoms", [geometry]):
            xs.append(part.x)
            ys.append(part.y)
    return xs, ys


def plot_shapes(ax: Axes, geometries: list[BaseGeometry], **kwargs: object) -> None:
    """Polygons through geopandas, leaving the axes' aspect and labels as they were."""
    gpd.GeoSeries(geometries).plot(ax=ax, aspect=None, **kwargs)
    ax.set_xlabel("")
    ax.set_ylabel("")


def setup_axes(ax: Axes, frame: MapFrame, page: Page) -> None:
    minx, miny, maxx, maxy = frame.extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(style.OUTSIDE_FILL)
    ax.set_autoscale_on(False)  # geopandas would otherwise refit the view to what it plots
    for spine in ax.spines.values():
        spine.set_linewidth(page.pt(0.8))
        spine.set_edgecolor(style.TEXT_COLOUR)


def draw_context(
    ax: Axes,
    townships: list[TownshipRow],
    district: BaseGeometry,
    focus: list[TownshipRow],
    frame: MapFrame,
    page: Page,
) -> None:
    areas = [t.geometry for t in townships]
    plot_shapes(ax, areas, facecolor=style.TOWNSHIP_FILL, edgecolor="none", zorder=1)
    plot_shapes(
        ax,
        areas,
        facecolor="none",
        edgecolor=style.TOWNSHIP_EDGE,
        linewidth=page.pt(0.5),
        linestyle=TOWNSHIP_DASH,
        zorder=1.2,
    )
    plot_shapes(
        ax,
        [district],
        facecolor="none",
        edgecolor=style.DISTRICT_HALO,
        linewidth=page.pt(4),
        zorder=1.3,
    )
    plot_shapes(
        ax,
        [district],
        facecolor="none",
        edgecolor=style.DISTRICT_EDGE,
        linewidth=page.pt(1.1),
        zorder=1.4,
    )
    if focus:
        union = unary_union([t.geometry for t in focus])
        # Veil what lies outside the township so the eye stays on it.
        veil = box(*frame.extent).buffer(frame.metres_per_mm * 50).difference(union)
        if not veil.is_empty:
            ax.add_patch(
                PathPatch(polygon_path(veil), facecolor=style.VEIL, edgecolor="none", zorder=2.5)
            )
        plot_shapes(
            ax,
            [union],
            facecolor="none",
            edgecolor=style.CASING,
            linewidth=page.pt(1.6),
            zorder=2.6,
        )


def _by_shown(
    projects: list[ProjectRow], ctx: Context
) -> list[tuple[str | None, list[ProjectRow]]]:
    """Groups in drawing order, the legend's first on top: in service over unreported, or (on a
    comparison sheet) advanced over dropped."""
    groups = []
    for value in reversed(ctx.shown_order):
        members = [p for p in projects if ctx.shown(p) == value]
        if members:
            groups.append((value, members))
    return groups


def _late(projects: list[ProjectRow], ctx: Context) -> list[BaseGeometry]:
    """What is haloed as behind plan: nothing on a comparison sheet, which is about moves."""
    return [] if ctx.comparing else _geometries([p for p in projects if p.behind_plan])


def draw_projects(ax: Axes, projects: list[ProjectRow], ctx: Context) -> Drawn:
    drawn = Drawn()
    placed = [p for p in projects if p.geometry is not None]
    by_kind: dict[str, list[ProjectRow]] = {"area": [], "line": [], "point": []}
    for p in placed:
        assert p.geometry is not None
        by_kind[kind_of(p.geometry)].append(p)
    drawn.kinds = {k for k, members in by_kind.items() if members}
    _draw_areas(ax, by_kind["area"], ctx, drawn)
    _draw_lines(ax, by_kind["line"], ctx, drawn)
    _draw_points(ax, by_kind["point"], ctx, drawn)
    return drawn


def _geometries(projects: list[ProjectRow]) -> list[BaseGeometry]:
    return [p.geometry for p in projects if p.geometry is not None]


def _draw_areas(ax: Axes, projects: list[ProjectRow], ctx: Context, drawn: Drawn) -> None:
    page = ctx.page
    late = _late(projects, ctx)
    for geometry in late:
        ax.add_patch(
            PathPatch(polygon_path(geometry), **style.area_halo_style(page.scale), zorder=2.9)
        )
    if late:
        drawn.behind_plan_kinds.add("area")
    for value, members in _by_shown(projects, ctx):
        drawn.saw(value, "area")
        for geometry in _geometries(members):
            ax.add_patch(
                PathPatch(polygon_path(geometry), **style.area_style(value, page.scale), zorder=3)
            )


def _draw_lines(ax: Axes, projects: list[ProjectRow], ctx: Context, drawn: Drawn) -> None:
    page = ctx.page
    late = _late(projects, ctx)
    if late:
        ax.plot(*_lines_xy(late), **style.line_halo_style(page.scale), zorder=3.5)
        drawn.behind_plan_kinds.add("line")
    for value, members in _by_shown(projects, ctx):
        for kind in style.LINE_KINDS:
            geometries = _geometries([p for p in members if style.line_kind(p.category) == kind])
            # One artist per part: TickedStroke (the rail ties) cannot walk NaN-joined paths.
            for part in _line_parts(geometries):
                ax.plot(*part.xy, **style.line_style(value, kind, page.scale), zorder=4)
                drawn.line_kinds.add(kind)
                drawn.saw(value, "line", kind)


def _draw_points(ax: Axes, projects: list[ProjectRow], ctx: Context, drawn: Drawn) -> None:
    page = ctx.page
    late = _late(projects, ctx)
    if late:
        ax.plot(*_points_xy(late), **style.marker_halo_style(page.scale), zorder=4.5)
        drawn.behind_plan_kinds.add("point")
    for value, members in _by_shown(projects, ctx):
        for group in style.CATEGORY_GROUPS:
            in_group = [p for p in members if style.GROUP_OF[p.category] == group]
            if in_group:
                ax.plot(
                    *_points_xy(_geometries(in_group)),
                    **style.marker_style(value, group, page.scale),
                    zorder=5,
                )
                drawn.groups.add(group)
                drawn.saw(value, "point", group)
                drawn.categories |= {p.category for p in in_group}


def draw_inset(
    ax: Axes,
    townships: list[TownshipRow],
    district: BaseGeometry,
    focus: list[TownshipRow],
    extent: Bounds,
    frame_box: Box,
    page: Page,
) -> None:
    """The whole district, the township(s) shown and the extent of the main map."""
    x0, y0, x1, y1 = fit_frame(district.bounds, frame_box, margin=0.04).extent
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_autoscale_on(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(page.pt(0.5))
    plot_shapes(
        ax,
        [t.geometry for t in townships],
        facecolor=style.TOWNSHIP_FILL,
        edgecolor=style.TOWNSHIP_EDGE,
        linewidth=page.pt(0.25),
    )
    if focus:
        plot_shapes(ax, [t.geometry for t in focus], facecolor="#7a7a7a", edgecolor="none")
    plot_shapes(
        ax, [district], facecolor="none", edgecolor=style.DISTRICT_EDGE, linewidth=page.pt(0.7)
    )
    x0, y0, x1, y1 = extent
    ax.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            facecolor="none",
            edgecolor=style.CASING,
            linewidth=page.pt(0.9),
            zorder=5,
        )
    )
