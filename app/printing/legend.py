"""The legend of a map sheet, built from what the map drew and with the very style functions
that drew it, so every symbol in it is on the map and every symbol on the map is in it."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

from app import vocab
from app.printing import style
from app.printing.context import Context
from app.printing.data import ProjectRow
from app.printing.labelling import label_text
from app.printing.labels import GROUP_LABELS, category_label
from app.printing.layout import Box
from app.printing.mapview import TOWNSHIP_DASH, Drawn
from app.printing.marginalia import as_of
from app.printing.text import PT_MM, wrap

Sample = Callable[[Axes, float, float, float], None]  # draws a symbol centred at x, y (mm), scale

KIND_ORDER = ("line", "area", "point")
SAMPLE_W = {"line": 8.0, "area": 5.5, "point": 4.5}  # mm on A4


@dataclass(frozen=True)
class Row:
    samples: dict[str, Sample]  # by kind column
    label: str
    heading: bool = False
    tall: float = 1.0  # at least this many rows high (the behind-plan ring is large)


def line_sample(kwargs: dict[str, Any]) -> Sample:
    def draw(ax: Axes, x: float, y: float, scale: float) -> None:
        half = (SAMPLE_W["line"] / 2 - 0.7) * scale
        ax.plot([x - half, x + half], [y, y], **kwargs)

    return draw


def area_sample(kwargs: dict[str, Any]) -> Sample:
    def draw(ax: Axes, x: float, y: float, scale: float) -> None:
        w, h = 4.2 * scale, 2.8 * scale
        rect = Affine2D().scale(w, h).translate(x - w / 2, y - h / 2)
        ax.add_patch(PathPatch(Path.unit_rectangle().transformed(rect), **kwargs))

    return draw


def marker_sample(kwargs: dict[str, Any]) -> Sample:
    def draw(ax: Axes, x: float, y: float, scale: float) -> None:
        ax.plot([x], [y], **kwargs)

    return draw


def _stack(*samples: Sample) -> Sample:
    def draw(ax: Axes, x: float, y: float, scale: float) -> None:
        for sample in samples:
            sample(ax, x, y, scale)

    return draw


def _status_heading(ctx: Context) -> str:
    if ctx.comparing:
        return as_of(ctx)  # 2021年至2022年状态变化
    year, reported = ctx.data.year, ctx.reported_before
    if ctx.plan_mode:
        return ctx.t("legend_status_plan", year=year)
    if reported is not None:  # no report covers the year yet
        return ctx.t("legend_status_reported", year=year, reported=reported)
    return ctx.t("legend_status_actual", year=year)


def status_rows(ctx: Context, projects: list[ProjectRow], drawn: Drawn) -> list[Row]:
    """The statuses (on a comparison sheet, the moves) drawn, with counts; then behind plan."""
    s = ctx.page.scale
    counts = Counter(ctx.shown(p) for p in projects)
    rows = [Row({}, _status_heading(ctx), heading=True)]
    for value in ctx.shown_order:
        if not counts[value]:
            continue
        seen = drawn.symbols.get(value, {})  # only the symbols this value is drawn with
        samples: dict[str, Sample] = {}
        if "line" in seen:
            samples["line"] = line_sample(style.line_style(value, seen["line"], s))
        if "area" in seen:
            samples["area"] = area_sample(style.area_style(value, s))
        if "point" in seen:
            samples["point"] = marker_sample(style.marker_style(value, seen["point"], s))
        label = ctx.shown_label(value)
        rows.append(Row(samples, ctx.t("count", label=label, n=counts[value])))
    late = 0 if ctx.comparing else sum(p.behind_plan for p in projects)
    if late:
        halo = {
            "line": line_sample(style.line_halo_style(s)),
            "area": area_sample(style.area_halo_style(s)),
            "point": marker_sample(style.marker_halo_style(s)),
        }
        samples = {k: v for k, v in halo.items() if k in drawn.behind_plan_kinds}
        label = ctx.t("count", label=ctx.t("behind_plan"), n=late)
        rows.append(Row(samples, label, tall=1.6))
    return rows


def category_rows(ctx: Context, drawn: Drawn) -> list[Row]:
    s = ctx.page.scale
    rows: list[Row] = []
    for group, (_, _, categories) in style.CATEGORY_GROUPS.items():
        if group not in drawn.groups:
            continue
        present = [category_label(ctx.lang, c) for c in categories if c in drawn.categories]
        family = GROUP_LABELS[ctx.lang][group]
        label = ctx.t("group", group=family, v=ctx.t("list_sep").join(present))
        rows.append(Row({"point": marker_sample(style.category_marker_style(group, s))}, label))
    for kind in style.LINE_KINDS:
        if kind in drawn.line_kinds:
            sample = line_sample(style.category_line_style(kind, s))
            rows.append(Row({"line": sample}, ctx.t(f"line_{kind}")))
    if rows:
        rows.insert(0, Row({}, ctx.t("legend_categories"), heading=True))
    return rows


def context_rows(ctx: Context, drawn: Drawn, focus: bool) -> list[Row]:
    page = ctx.page
    district = line_sample({"color": style.DISTRICT_HALO, "linewidth": page.pt(4)})
    district_edge = line_sample({"color": style.DISTRICT_EDGE, "linewidth": page.pt(1.1)})
    township = line_sample(
        {"color": style.TOWNSHIP_EDGE, "linewidth": page.pt(0.5), "linestyle": TOWNSHIP_DASH}
    )
    least = vocab.least_exact_boundary(t.boundary_quality for t in ctx.data.townships)
    township_key = {
        "official": "township_boundary_official",
        "schematic": "township_boundary_schematic",
    }.get(least or "official", "township_boundary")
    rows = [
        Row({}, ctx.t("legend_context"), heading=True),
        Row({"line": _stack(district, district_edge)}, ctx.t("district_boundary")),
        Row(
            {"line": township},
            ctx.t(township_key),
        ),
    ]
    if focus:
        edge = line_sample({"color": style.CASING, "linewidth": page.pt(1.6)})
        rows.append(Row({"line": edge}, ctx.t("focus_township")))
    if drawn.numbered:
        label = ctx.t("map_number")
        if drawn.numbers_left_out:
            label += ctx.t("numbers_left_out", n=drawn.numbers_left_out)
        rows.append(Row({"point": _number_sample(ctx)}, label))
    return rows


def _number_sample(ctx: Context) -> Sample:
    def draw(ax: Axes, x: float, y: float, scale: float) -> None:
        label_text(
            ax,
            x,
            y,
            "12",
            scale,
            zorder=3,
            fontproperties=ctx.props(6.5, True),
            color=style.TEXT_COLOUR,
        )

    return draw


def legend_rows(ctx: Context, projects: list[ProjectRow], drawn: Drawn, focus: bool) -> list[Row]:
    """Statuses, categories and the base map, each under its heading."""
    rows = status_rows(ctx, projects, drawn) + category_rows(ctx, drawn)
    return rows + context_rows(ctx, drawn, focus)


def sample_columns(drawn: Drawn) -> list[str]:
    """The columns of symbols, by kind: a line one always (boundaries), the others if drawn."""
    columns = [k for k in KIND_ORDER if k in drawn.kinds or k == "line"]
    if drawn.numbered and "point" not in columns:
        columns.append("point")
    return columns


def draw_samples(
    ax: Axes, row: Row, columns: list[str], x: float, centre: float, scale: float
) -> None:
    """A row's symbols, each in its column from `x`, centred on `centre` (mm)."""
    for kind in columns:
        if kind in row.samples:
            row.samples[kind](ax, x + SAMPLE_W[kind] * scale / 2, centre, scale)
        x += SAMPLE_W[kind] * scale


def draw_legend(
    paper: Axes, ctx: Context, box: Box, projects: list[ProjectRow], drawn: Drawn, focus: bool
) -> None:
    rows = legend_rows(ctx, projects, drawn, focus)
    columns = sample_columns(drawn)
    s = ctx.page.scale
    sample_w = sum(SAMPLE_W[k] for k in columns) * s
    label_x = box.x + sample_w + 1.5 * s
    size = 7.0
    for size in (7.0, 6.5, 6.0, 5.5, 5.0):
        row_h = size * PT_MM * 1.75 * s
        lines = [
            wrap(ctx.font, r.label, box.right - label_x, ctx.page.pt(size), r.heading) for r in rows
        ]
        heights = [max(len(ls), r.tall) * row_h for r, ls in zip(rows, lines, strict=True)]
        if sum(heights) <= box.h:
            break
    y = box.top
    for row, label_lines, height in zip(rows, lines, heights, strict=True):
        centre = y - height / 2  # the symbol beside the middle of its (wrapped) label
        draw_samples(paper, row, columns, box.x, centre, s)
        paper.text(
            box.x if row.heading else label_x,
            y - height / 2,
            "\n".join(label_lines),
            fontproperties=ctx.props(size, row.heading),
            color=style.TEXT_COLOUR,
            ha="left",
            va="center",
            linespacing=1.25,
        )
        y -= height
