"""A map sheet: title and headline, the map, its legend, the notes a reader needs to trust it."""

from dataclasses import dataclass

from matplotlib.figure import Figure

from app import vocab
from app.printing import style
from app.printing.context import Context
from app.printing.data import ProjectRow, TownshipRow
from app.printing.furniture import draw_north_arrow, draw_scale_bar, scale_number
from app.printing.labelling import LabelPlacer, block_points, draw_numbers, draw_township_labels
from app.printing.labels import category_label, status_label
from app.printing.layout import box_axes, page_axes, sheet_layout
from app.printing.legend import draw_legend
from app.printing.mapview import (
    Bounds,
    MapFrame,
    draw_context,
    draw_inset,
    draw_projects,
    fit_frame,
    setup_axes,
)
from app.printing.marginalia import draw_footer, draw_header, draw_paragraphs, summary, title


@dataclass(frozen=True)
class Sheet:
    place: str | None  # township names or "selected area"; None for the whole district
    projects: list[ProjectRow]  # in table order
    numbers: dict[str, int]  # project id → map number, for the projects drawn
    focus: list[TownshipRow]  # townships the sheet is about (veiled around)
    bounds: Bounds  # what the map must show, EPSG:4548
    inset: bool  # a locator map of the whole district
    numbered: bool = True  # map numbers keyed to a project table


def table_order(ctx: Context, projects: list[ProjectRow]) -> list[ProjectRow]:
    """Placed projects first, then unplaced; each by status (in service first) or move (advanced
    first), category, name."""

    def key(p: ProjectRow) -> tuple[bool, int, int, str]:
        shown = ctx.shown_order.index(ctx.shown(p))
        return (p.geometry is None, shown, vocab.CATEGORIES.index(p.category), p.name)

    return sorted(projects, key=key)


def map_numbers(ordered: list[ProjectRow]) -> dict[str, int]:
    placed = [p for p in ordered if p.geometry is not None]
    return {p.id: i for i, p in enumerate(placed, start=1)}


def make_sheet(
    ctx: Context,
    projects: list[ProjectRow],
    focus: list[TownshipRow],
    bounds: Bounds,
    place: str | None,
    inset: bool,
    numbered: bool = True,
) -> Sheet:
    ordered = table_order(ctx, projects)
    numbers = map_numbers(ordered) if numbered else {}
    return Sheet(place, ordered, numbers, focus, bounds, inset, numbered)


# Notes -----------------------------------------------------------------------------------------


def _joined(ctx: Context, items: list[str]) -> str:
    return ctx.t("list_sep").join(items)


DESCRIBED_FILTERS = {"township", "status", "category", "programme", "behind_plan", "bbox"}


def filter_text(ctx: Context) -> str:
    q, data = ctx.request.query, ctx.data
    names = {t.code: t.name for t in data.townships}
    parts = []
    if data.township_filter:
        parts.append(
            ctx.t("filter_township", v=_joined(ctx, [names[c] for c in data.township_filter]))
        )
    if q.status and ctx.comparing:
        parts.append(ctx.t("filter_status_ignored"))
    elif q.status:
        labels = [status_label(ctx.lang, None if s == "not_reported" else s) for s in q.status]
        parts.append(ctx.t("filter_status", v=_joined(ctx, labels)))
    if q.category:
        labels = [category_label(ctx.lang, c) for c in q.category]
        parts.append(ctx.t("filter_category", v=_joined(ctx, labels)))
    if q.programme:
        parts.append(ctx.t("filter_programme", v=_joined(ctx, list(data.programme_names.values()))))
    if q.behind_plan is not None:
        parts.append(ctx.t("filter_behind" if q.behind_plan else "filter_on_schedule"))
    if q.box is not None:
        numbers, crs = q.box
        corners = ", ".join(f"{v:g}" for v in numbers)
        parts.append(ctx.t("filter_bbox", v=f"{corners} ({crs.uri.rsplit('/', 1)[-1]})"))
    # A filter the sheet has no words of its own for is named as the URL names it.
    for name, value in q.given().items():
        if name not in DESCRIBED_FILTERS:
            shown = _joined(ctx, value) if isinstance(value, list) else str(value)
            parts.append(f"{name}={shown}")
    if ctx.plan_mode:
        parts.append(ctx.t("filter_mode_plan"))
    body = ctx.t("clause_sep").join(parts)
    return body or ctx.t("no_filters")


def _heading(ctx: Context, key: str, body: str) -> str:
    return ctx.t("heading", heading=ctx.t(key), body=body)


def boundary_notes(ctx: Context) -> list[str]:
    """While the township boundaries are not official: how they were made, and that which
    township a project lies in (the township sheets, the table's townships) is estimated."""
    least = vocab.least_exact_boundary(t.boundary_quality for t in ctx.data.townships)
    if least is None or not vocab.membership_estimated([least]):
        return []
    lines = ctx.t("note_boundaries_schematic" if least == "schematic" else "note_boundaries")
    return [lines, vocab.TOWNSHIP_MEMBERSHIP_NOTES[ctx.lang][least]]


def reading_note(ctx: Context, projects: list[ProjectRow]) -> str:
    quality = [p.geometry_quality for p in projects]
    parts = [
        ctx.t(
            "note_geometry",
            approximate=quality.count("approximate"),
            schematic=quality.count("schematic"),
        )
    ]
    if quality.count("surveyed"):
        parts.append(ctx.t("note_surveyed", n=quality.count("surveyed")))
    parts.extend(boundary_notes(ctx))
    if quality.count("unplaced"):
        parts.append(ctx.t("note_unplaced", n=quality.count("unplaced")))
    reported = ctx.data.reported_year
    if reported is not None and ctx.data.year > reported and not ctx.plan_mode:
        parts.append(ctx.t("note_after_reports", reported=reported))
    return ctx.t("sentence_sep").join(parts)


def sources_text(ctx: Context, projects: list[ProjectRow]) -> str:
    cited = set().union(*(p.documents for p in projects)) if projects else set()
    documents = [d for d in ctx.data.documents if d.id in cited] or ctx.data.documents
    items = [
        ctx.t("source_item", title=d.title, publisher=d.publisher or "—", date=d.date)
        for d in documents
    ]
    return ctx.t("clause_sep").join(items) or ctx.t("none")


def notes(ctx: Context, sheet: Sheet, frame: MapFrame) -> list[str]:
    scale = ctx.t("scale", denominator=scale_number(frame.denominator), paper=ctx.request.size)
    return [
        _heading(ctx, "filters", filter_text(ctx)),
        _heading(ctx, "note", reading_note(ctx, sheet.projects)),
        _heading(ctx, "sources", sources_text(ctx, sheet.projects)),
        ctx.t("sentence_sep").join(ctx.t("sentence", text=x) for x in (ctx.t("crs"), scale)),
    ]


# The sheet ---------------------------------------------------------------------------------------


def draw_map_sheet(fig: Figure, ctx: Context, sheet: Sheet, number: int, total: int) -> None:
    page, data = ctx.page, ctx.data
    layout = sheet_layout(page, sheet.inset)
    frame = fit_frame(sheet.bounds, layout.map)
    paper = page_axes(fig, page)
    draw_header(paper, ctx, title(ctx, sheet.place), summary(ctx, sheet.projects))
    draw_footer(paper, ctx, number, total)

    ax = box_axes(fig, page, layout.map)
    setup_axes(ax, frame, page)
    draw_context(ax, data.townships, data.district, sheet.focus, frame, page)
    drawn = draw_projects(ax, sheet.projects, ctx)
    placer = LabelPlacer(frame)
    placer.block_bounds(draw_scale_bar(ax, frame, ctx.font, page, ctx.lang))
    placer.block_bounds(draw_north_arrow(ax, frame, ctx.font, page, ctx.lang))
    block_points(placer, sheet.projects, page)  # symbols first: no label hides one
    draw_township_labels(ax, data.townships, sheet.focus, frame, placer, ctx.font, page)
    if sheet.numbered:
        drawn.numbered, drawn.numbers_left_out = draw_numbers(
            ax, sheet.projects, sheet.numbers, frame, placer, ctx.font, page
        )
    if not drawn.kinds:
        ax.text(
            0.5,
            0.5,
            ctx.t("no_changes" if ctx.comparing else "no_projects"),
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontproperties=ctx.props(11, True),
            color=style.MUTED_TEXT,
            zorder=10,
        )
    if layout.inset is not None:
        inset = box_axes(fig, page, layout.inset)
        draw_inset(
            inset, data.townships, data.district, sheet.focus, frame.extent, layout.inset, page
        )

    draw_legend(paper, ctx, layout.legend, sheet.projects, drawn, bool(sheet.focus))
    draw_paragraphs(paper, ctx, layout.notes, notes(ctx, sheet, frame))
