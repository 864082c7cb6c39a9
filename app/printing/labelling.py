"""Words on the map: township names and the projects' map numbers, placed greedily so that none
covers another, a point symbol, the scale bar or the north arrow."""

import math
from typing import Any

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from shapely import box
from shapely.geometry import LineString, MultiLineString, MultiPoint, MultiPolygon, Point
from shapely.geometry.base import BaseGeometry

from app.printing import style
from app.printing.data import ProjectRow, TownshipRow
from app.printing.fonts import CjkFont
from app.printing.layout import Page
from app.printing.mapview import Bounds, MapFrame, kind_of
from app.printing.text import PT_MM, width_mm


def label_text(
    ax: Axes, x: float, y: float, words: str, scale: float, zorder: float, **kwargs: Any
) -> None:
    """Centred text with a white halo. The halo is a stroked copy under a plain one: a path
    effect alone would turn the words into outlines, which PDF readers cannot search."""
    halo = [patheffects.Stroke(linewidth=2.2 * scale, foreground="white")]
    common = {"ha": "center", "va": "center", **kwargs}
    ax.text(x, y, words, path_effects=halo, zorder=zorder - 0.01, **common)
    ax.text(x, y, words, zorder=zorder, **common)


# Label placement ---------------------------------------------------------------------------


class LabelPlacer:
    """Greedy placement: each label takes the first position around its anchor that overlaps
    nothing placed before (labels, township names, point symbols)."""

    def __init__(self, frame: MapFrame) -> None:
        self.metres_per_mm = frame.metres_per_mm
        self.extent = frame.extent
        self._taken = np.empty((0, 4))

    def _take(self, x: float, y: float, w: float, h: float) -> None:
        self._taken = np.vstack([self._taken, [x - w / 2, y - h / 2, x + w / 2, y + h / 2]])

    def block(self, x: float, y: float, w_mm: float, h_mm: float) -> None:
        self._take(x, y, w_mm * self.metres_per_mm, h_mm * self.metres_per_mm)

    def block_bounds(self, bounds: Bounds) -> None:
        minx, miny, maxx, maxy = bounds
        self._take((minx + maxx) / 2, (miny + maxy) / 2, maxx - minx, maxy - miny)

    def _crowding(self, x: float, y: float, w: float, h: float) -> float:
        minx, miny, maxx, maxy = self.extent
        if x - w / 2 < minx or x + w / 2 > maxx or y - h / 2 < miny or y + h / 2 > maxy:
            return math.inf  # a label the frame would cut
        t = self._taken
        dx = np.minimum(t[:, 2], x + w / 2) - np.maximum(t[:, 0], x - w / 2)
        dy = np.minimum(t[:, 3], y + h / 2) - np.maximum(t[:, 1], y - h / 2)
        return float(np.sum(np.clip(dx, 0, None) * np.clip(dy, 0, None)))

    def place(
        self,
        x: float,
        y: float,
        w_mm: float,
        h_mm: float,
        gap_mm: float,
        centred: bool = False,
        required: bool = True,
    ) -> tuple[float, float] | None:
        """Where the label goes; None when every position is crowded and it is not required."""
        m = self.metres_per_mm
        w, h = w_mm * m, h_mm * m
        dx, dy = (w / 2 + gap_mm * m), (h / 2 + gap_mm * m)
        offsets = [
            (dx, 0.0),
            (dx, dy),
            (0.0, dy),
            (-dx, dy),
            (-dx, 0.0),
            (-dx, -dy),
            (0.0, -dy),
            (dx, -dy),
            (2 * dx, 0.0),
            (-2 * dx, 0.0),
            (0.0, 2 * dy),
            (0.0, -2 * dy),
        ]
        if centred:  # lines, areas and townships can carry their label on themselves
            offsets.insert(0, (0.0, 0.0))
        crowding = [self._crowding(x + ox, y + oy, w, h) for ox, oy in offsets]
        best = int(np.argmin(crowding))  # the first free one, else the least crowded
        if math.isinf(crowding[best]) or (crowding[best] > 0 and not required):
            return None
        cx, cy = x + offsets[best][0], y + offsets[best][1]
        self._take(cx, cy, w, h)
        return cx, cy


def label_anchor(geometry: BaseGeometry, view: BaseGeometry) -> Point | None:
    """Where a feature's number goes: on its part inside the view."""
    clipped = geometry.intersection(view)
    if clipped.is_empty:
        return None
    parts = list(getattr(clipped, "geoms", [clipped]))
    if isinstance(clipped, MultiPoint | Point):
        return parts[0]
    if isinstance(clipped, LineString | MultiLineString):
        longest = max((p for p in parts if isinstance(p, LineString)), key=lambda p: p.length)
        return longest.interpolate(0.5, normalized=True)
    if isinstance(clipped, MultiPolygon) or clipped.geom_type == "Polygon":
        return max(parts, key=lambda p: p.area).representative_point()
    return clipped.representative_point()


def draw_township_labels(
    ax: Axes,
    townships: list[TownshipRow],
    focus: list[TownshipRow],
    frame: MapFrame,
    placer: LabelPlacer,
    font: CjkFont,
    page: Page,
) -> None:
    """Township names at their seats, moved aside when that is taken; where every place is
    (the small 街道 of the city core on a district map) a name other than the sheet's own is
    left out rather than printed over another."""
    view = box(*frame.extent)
    focus_codes = {t.code for t in focus}
    for township in townships:
        anchor = township.label_point
        if not view.contains(anchor):
            continue
        bold = township.code in focus_codes
        size = page.pt(9 if bold else 6.5)
        w, h = width_mm(font, township.name, size, bold), size * PT_MM
        spot = placer.place(anchor.x, anchor.y, w, h, 0.3, centred=True, required=bold)
        if spot is None:  # crowded, or only partly in the frame
            continue
        colour = style.TEXT_COLOUR if bold else style.LABEL_COLOUR
        label_text(
            ax,
            *spot,
            township.name,
            page.scale,
            zorder=6,
            fontproperties=font.props(size, bold),
            color=colour,
            clip_on=True,
        )


def block_points(placer: LabelPlacer, projects: list[ProjectRow], page: Page) -> None:
    """Point symbols are obstacles for every label."""
    for project in projects:
        if project.geometry is not None and kind_of(project.geometry) == "point":
            for part in getattr(project.geometry, "geoms", [project.geometry]):
                placer.block(part.x, part.y, page.pt(2.8), page.pt(2.8))


def draw_numbers(
    ax: Axes,
    projects: list[ProjectRow],
    numbers: dict[str, int],
    frame: MapFrame,
    placer: LabelPlacer,
    font: CjkFont,
    page: Page,
) -> tuple[int, int]:
    """Each drawn project's table number beside it, points first (they have least room); a
    number with no free place is left out. Returns (numbers drawn, numbers left out)."""
    m = frame.metres_per_mm
    minx, miny, maxx, maxy = frame.extent
    view = box(minx + 3 * m, miny + 3 * m, maxx - 3 * m, maxy - 3 * m)
    size = page.pt(6.5)
    anchors = []
    for project in projects:
        if project.geometry is None or project.id not in numbers:
            continue
        anchor = label_anchor(project.geometry, view)
        if anchor is not None:
            anchors.append((kind_of(project.geometry) != "point", numbers[project.id], anchor))
    drawn = 0
    for on_feature, number, anchor in sorted(anchors, key=lambda a: (a[0], a[1])):
        label = str(number)
        w = width_mm(font, label, size, True) + page.pt(0.6)
        gap = page.pt(0.2) if on_feature else page.pt(0.9)
        spot = placer.place(anchor.x, anchor.y, w, size * PT_MM, gap, on_feature, required=False)
        if spot is None:
            continue
        drawn += 1
        label_text(
            ax,
            *spot,
            label,
            page.scale,
            zorder=7,
            fontproperties=font.props(size, True),
            color=style.TEXT_COLOUR,
            clip_on=True,
        )
    return drawn, len(anchors) - drawn
