"""Map furniture: a scale bar that is true on the ground and a north arrow to true north."""

import functools
import math

from matplotlib.axes import Axes
from matplotlib.patches import Polygon, Rectangle
from pyproj import Transformer

from app import vocab
from app.printing import style
from app.printing.fonts import CjkFont
from app.printing.labelling import label_text
from app.printing.labels import Lang, text
from app.printing.layout import Page
from app.printing.mapview import Bounds, MapFrame
from app.printing.text import width_mm


def scale_number(denominator: int) -> str:
    """75 000: thousands apart by a no-break space, so a wrapped line never splits the scale."""
    return f"{denominator:,}".replace(",", "\u00a0")


def nice_length(max_metres: float) -> float:
    exponent = 10 ** math.floor(math.log10(max_metres))
    return max(n * exponent for n in (1, 2, 5) if n * exponent <= max_metres)


def _scale_labels(length: float, lang: Lang) -> list[tuple[float, str]]:
    """Labels at 0, half and full length; the unit only on the last one."""
    unit, name = (
        (1000.0, "km" if lang == "en" else "千米")
        if length >= 1000
        else (1.0, "m" if lang == "en" else "米")
    )
    values = (0.0, length / 2, length)
    return [(v, f"{v / unit:g} {name}" if v == length else f"{v / unit:g}") for v in values]


def draw_scale_bar(ax: Axes, frame: MapFrame, font: CjkFont, page: Page, lang: Lang) -> Bounds:
    """A true scale bar (the grid's scale error here is under 3e-5); returns where it sits."""
    m, s = frame.metres_per_mm, page.scale
    minx, miny, maxx, _ = frame.extent
    length = nice_length((maxx - minx) * 0.28)
    segments = 5 if f"{length:g}"[0] == "5" else 4
    x0, y0 = minx + 6 * s * m, miny + 7 * s * m
    bar_h = 1.3 * s * m
    size = page.pt(6)
    labels = _scale_labels(length, lang)
    tail = width_mm(font, labels[-1][1], size) * m / 2
    backing = (
        x0 - 2.5 * s * m,
        y0 - 4.5 * s * m,
        x0 + length + 2.5 * s * m + tail,
        y0 + 6.3 * s * m,
    )
    ax.add_patch(
        Rectangle(
            backing[:2],
            backing[2] - backing[0],
            backing[3] - backing[1],
            facecolor=(1, 1, 1, 0.85),
            edgecolor="none",
            zorder=8,
        )
    )
    step = length / segments
    for i in range(segments):
        ax.add_patch(
            Rectangle(
                (x0 + i * step, y0),
                step,
                bar_h,
                facecolor=style.TEXT_COLOUR if i % 2 == 0 else "white",
                edgecolor=style.TEXT_COLOUR,
                linewidth=page.pt(0.5),
                zorder=9,
            )
        )
    for value, label in labels:
        ax.text(
            x0 + value,
            y0 + bar_h + 1.0 * s * m,
            label,
            fontproperties=font.props(size),
            ha="center",
            va="bottom",
            color=style.TEXT_COLOUR,
            zorder=9,
        )
    ax.text(
        x0,
        y0 - 1.0 * s * m,
        f"1:{scale_number(frame.denominator)}",
        fontproperties=font.props(size),
        ha="left",
        va="top",
        color=style.TEXT_COLOUR,
        zorder=9,
    )
    return backing


@functools.cache
def _to_lonlat() -> Transformer:
    return Transformer.from_crs(vocab.METRIC_SRID, 4326, always_xy=True)


@functools.cache
def _from_lonlat() -> Transformer:
    return Transformer.from_crs(4326, vocab.METRIC_SRID, always_xy=True)


def true_north_angle(x: float, y: float) -> float:
    """Radians from grid north to true north at (x, y), clockwise: the meridian convergence
    (Tongzhou lies west of the central meridian, where true north leans about 0.2° east)."""
    lon, lat = _to_lonlat().transform(x, y)
    nx, ny = _from_lonlat().transform(lon, lat + 0.01)
    return math.atan2(nx - x, ny - y)


def draw_north_arrow(ax: Axes, frame: MapFrame, font: CjkFont, page: Page, lang: Lang) -> Bounds:
    """An arrow to true north, turned from grid north by the meridian convergence; returns
    where it sits."""
    m = frame.metres_per_mm
    _, _, maxx, maxy = frame.extent
    cx, cy = maxx - 9 * page.scale * m, maxy - 15 * page.scale * m
    angle = true_north_angle(cx, cy)
    half_w, length = 2.6 * page.scale * m, 9 * page.scale * m

    def rotate(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        c, s = math.cos(angle), math.sin(angle)
        return [(cx + px * c + py * s, cy - px * s + py * c) for px, py in points]

    tip, tail = (0.0, length / 2), (0.0, -length / 2 + length * 0.25)
    left, right = (-half_w, -length / 2), (half_w, -length / 2)
    ax.add_patch(
        Polygon(
            rotate([tip, left, tail]),
            closed=True,
            facecolor=style.TEXT_COLOUR,
            edgecolor=style.TEXT_COLOUR,
            linewidth=page.pt(0.6),
            zorder=9,
        )
    )
    ax.add_patch(
        Polygon(
            rotate([tip, right, tail]),
            closed=True,
            facecolor="white",
            edgecolor=style.TEXT_COLOUR,
            linewidth=page.pt(0.6),
            zorder=9,
        )
    )
    ((lx, ly),) = rotate([(0.0, length / 2 + 3.2 * page.scale * m)])
    label_text(
        ax,
        lx,
        ly,
        text(lang, "north"),
        page.scale,
        zorder=9,
        fontproperties=font.props(page.pt(8), True),
        color=style.TEXT_COLOUR,
    )
    pad = 4 * page.scale * m
    return (cx - pad, cy - length / 2 - pad / 4, cx + pad, ly + pad / 2)
