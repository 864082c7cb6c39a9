"""How each status (on a comparison sheet, each move) and category is drawn. The map and its
legend both take their styles from here, so the legend shows exactly what the map draws. The
colours are the web map's (vocab.STATUS_COLOURS); line dashes and marker fill say the status a
second time for grey print.
"""

from dataclasses import dataclass
from typing import Any

from matplotlib import patheffects
from matplotlib.colors import to_rgba

from app import vocab

# None: nothing reported (actual mode) or no target due (plan mode).
STATUS_ORDER: tuple[str | None, ...] = (*reversed(vocab.STATUSES), None)


@dataclass(frozen=True)
class StatusStyle:
    colour: str
    dashes: tuple[float, ...] | None  # on/off lengths in points; None: solid
    line_width: float  # points
    marker_fill: str
    marker_edge: str


_COLOUR = vocab.STATUS_COLOURS
STATUS_STYLES: dict[str | None, StatusStyle] = {
    "in_service": StatusStyle(_COLOUR["in_service"], None, 2.2, _COLOUR["in_service"], "#1a1a1a"),
    "completed": StatusStyle(_COLOUR["completed"], None, 1.8, _COLOUR["completed"], "#1a1a1a"),
    "under_construction": StatusStyle(
        _COLOUR["under_construction"], (4.5, 1.6), 1.8, _COLOUR["under_construction"], "#1a1a1a"
    ),
    "planned": StatusStyle(_COLOUR["planned"], (2.2, 1.6), 1.8, _COLOUR["planned"], "#1a1a1a"),
    None: StatusStyle(_COLOUR[None], (0.8, 1.4), 1.3, "#ffffff", "#7a7a7a"),
}

# A comparison sheet colours its projects by how their status moved (vocab.MOVE_COLOURS); the
# dashes tell the moves apart in grey print as they do the statuses.
_MOVE = vocab.MOVE_COLOURS
MOVE_STYLES: dict[str | None, StatusStyle] = {
    "advanced": StatusStyle(_MOVE["advanced"], None, 2.0, _MOVE["advanced"], "#1a1a1a"),
    "back": StatusStyle(_MOVE["back"], (4.5, 1.6), 1.8, _MOVE["back"], "#1a1a1a"),
    "new": StatusStyle(_MOVE["new"], (2.2, 1.6), 1.8, _MOVE["new"], "#1a1a1a"),
    "dropped": StatusStyle(_MOVE["dropped"], (0.8, 1.4), 1.5, _MOVE["dropped"], "#1a1a1a"),
}
# How each value a map is coloured by is drawn: a status, or a move (the names differ).
LOOKS = STATUS_STYLES | MOVE_STYLES

BEHIND_PLAN = vocab.BEHIND_PLAN_COLOUR
CASING = "#262626"
DISTRICT_EDGE = "#3a3a3a"
DISTRICT_HALO = "#d0d0d0"
TOWNSHIP_EDGE = "#8c8c8c"
TOWNSHIP_FILL = "#f4f4f2"
OUTSIDE_FILL = "#ffffff"
VEIL = (0.35, 0.35, 0.35, 0.16)  # over what lies outside the township a sheet is about
LABEL_COLOUR = "#5a5a5a"
TEXT_COLOUR = "#1a1a1a"
MUTED_TEXT = "#555555"
RULE_COLOUR = "#9a9a9a"
INTERNAL_RED = "#c00000"

# Point projects: one marker shape per family of categories (a legend of 20 shapes would not
# be read). Sizes are in points; the star looks smaller than its box, so it is drawn larger.
CATEGORY_GROUPS: dict[str, tuple[str, float, tuple[str, ...]]] = {
    "transport": ("^", 7.5, ("rail", "road", "hub")),
    "services": ("o", 6.5, ("education", "health", "elderly_care", "sport", "public_service")),
    "culture": ("*", 9.5, ("culture", "heritage", "tourism")),
    "environment": ("D", 5.5, ("ecology", "water")),
    "utility": ("P", 7.0, ("utility",)),
    "development": (
        "s",
        6.0,
        ("administration", "business", "town", "housing", "industry", "renewal"),
    ),
}
GROUP_OF = {c: group for group, (_, _, cats) in CATEGORY_GROUPS.items() for c in cats}

# Lines say their kind by their form, whatever colour their status gives them: rail is ticked
# like a railway, a road is a wide band between heavy casings, the rest (waterways, greenways,
# pipelines) a thin line with a hairline casing. Width: times the status's line width; casing:
# points of casing across both sides.
LINE_KINDS = ("rail", "road", "other")
LINE_FORMS: dict[str, tuple[float, float]] = {
    "rail": (1.0, 1.1),
    "road": (1.3, 2.6),
    "other": (0.7, 0.7),
}

# The category key shows shapes and line forms alone, in a neutral grey no status is drawn in
# (status is colour; a key in a status colour would read as that status).
CATEGORY_INK = "#cfcfcf"
CATEGORY_LINE_WIDTH = STATUS_STYLES["planned"].line_width


def line_kind(category: str) -> str:
    return category if category in ("rail", "road") else "other"


def _dash_style(dashes: tuple[float, ...] | None, width: float) -> Any:
    # matplotlib multiplies dash lengths by the line width; dividing keeps them in points,
    # so every status has the same pattern whatever its width.
    return "solid" if dashes is None else (0, tuple(d / width for d in dashes))


def _line(
    colour: str, base_width: float, dashes: tuple[float, ...] | None, kind: str, scale: float
) -> dict[str, Any]:
    factor, casing = LINE_FORMS[kind]
    width = base_width * factor * scale
    effects: list[Any] = [patheffects.Stroke(linewidth=width + casing * scale, foreground=CASING)]
    if kind == "rail":
        effects += [
            patheffects.TickedStroke(
                spacing=6 * scale,
                angle=angle,
                length=0.9,
                foreground=CASING,
                linewidth=0.8 * scale,
            )
            for angle in (90, -90)  # ties on both sides, like a railway
        ]
    effects.append(patheffects.Normal())
    return {
        "color": colour,
        "linewidth": width,
        "linestyle": _dash_style(dashes, width),
        "solid_capstyle": "butt",
        "dash_capstyle": "butt",
        "path_effects": effects,
    }


def line_style(status: str | None, kind: str, scale: float = 1.0) -> dict[str, Any]:
    style = LOOKS[status]
    return _line(style.colour, style.line_width, style.dashes, kind, scale)


def category_line_style(kind: str, scale: float = 1.0) -> dict[str, Any]:
    """A line kind in the category key: its form, in no status's colour."""
    return _line(CATEGORY_INK, CATEGORY_LINE_WIDTH, None, kind, scale)


def line_halo_style(scale: float = 1.0) -> dict[str, Any]:
    return {
        "color": BEHIND_PLAN,
        "linewidth": 8.0 * scale,  # wider than a road with its casings
        "alpha": 0.55,
        "solid_capstyle": "round",
    }


AREA_FILL_ALPHA = 0.55  # areas let the township, boundaries and other areas show through


def area_style(status: str | None, scale: float = 1.0) -> dict[str, Any]:
    """Areas with nothing reported are hatched white rather than filled: no colour, no claim."""
    style = LOOKS[status]
    width = 0.9 * scale
    if status is None:
        fill: Any = "#ffffff"
    else:
        fill = to_rgba(style.colour, AREA_FILL_ALPHA)  # the fill only: edges stay opaque
    return {
        "facecolor": fill,
        "edgecolor": CASING if status is not None else style.marker_edge,
        "linewidth": width,
        "linestyle": _dash_style(style.dashes, width),
        "hatch": "//" if status is None else None,
    }


def area_halo_style(scale: float = 1.0) -> dict[str, Any]:
    return {"facecolor": "none", "edgecolor": BEHIND_PLAN, "linewidth": 4.0 * scale, "alpha": 0.6}


def marker_style(status: str | None, group: str, scale: float = 1.0) -> dict[str, Any]:
    style = LOOKS[status]
    marker, size, _ = CATEGORY_GROUPS[group]
    return {
        "marker": marker,
        "markersize": size * scale,
        "markerfacecolor": style.marker_fill,
        "markeredgecolor": style.marker_edge,
        "markeredgewidth": 0.7 * scale,
        "linestyle": "none",
    }


def category_marker_style(group: str, scale: float = 1.0) -> dict[str, Any]:
    """A family's marker in the category key: its shape, in no status's colour."""
    marker, size, _ = CATEGORY_GROUPS[group]
    return {
        "marker": marker,
        "markersize": size * scale,
        "markerfacecolor": CATEGORY_INK,
        "markeredgecolor": CASING,
        "markeredgewidth": 0.7 * scale,
        "linestyle": "none",
    }


def marker_halo_style(scale: float = 1.0) -> dict[str, Any]:
    return {
        "marker": "o",
        "markersize": 13 * scale,
        "markerfacecolor": "none",
        "markeredgecolor": BEHIND_PLAN,
        "markeredgewidth": 2.0 * scale,
        "alpha": 0.85,
        "linestyle": "none",
    }
