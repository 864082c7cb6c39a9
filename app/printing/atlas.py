"""The township atlas: a cover with the district overview and a per-township summary, the projects
no township sheet can hold, then one sheet (and its table) per township in code order."""

from collections import Counter
from dataclasses import replace

from matplotlib.figure import Figure

from app.printing import style
from app.printing.context import Context
from app.printing.data import ProjectRow, TownshipRow
from app.printing.furniture import draw_north_arrow, draw_scale_bar
from app.printing.labelling import LabelPlacer, draw_township_labels
from app.printing.labels import label_words, status_label
from app.printing.layout import Box, Page, box_axes, page_axes, sheet_layout
from app.printing.legend import draw_legend
from app.printing.mapview import draw_context, draw_projects, fit_frame, setup_axes
from app.printing.marginalia import draw_footer, draw_header, draw_paragraphs, summary, title
from app.printing.sheet import boundary_notes, make_sheet, notes
from app.printing.table import Cell, Column, Table, draw_table, lay_out


def township_projects(projects: list[ProjectRow], township: TownshipRow) -> list[ProjectRow]:
    """The projects a township sheet shows: those touching it, as the township filter selects."""
    return [p for p in projects if township.code in p.township_codes]


def atlas_townships(ctx: Context) -> list[TownshipRow]:
    wanted = set(ctx.data.township_filter)
    return [t for t in ctx.data.townships if not wanted or t.code in wanted]


def _status_cells(ctx: Context, projects: list[ProjectRow], bold: bool = False) -> list[Cell]:
    counts = Counter(p.shown_status(ctx.plan_mode) for p in projects)
    cells = [Cell(str(counts[s]), bold=bold) for s in style.STATUS_ORDER]
    late = sum(p.behind_plan for p in projects)
    late_colour = style.BEHIND_PLAN if late else style.TEXT_COLOUR
    return [Cell(str(len(projects)), bold=True), *cells, Cell(str(late), True, late_colour)]


def summary_table(ctx: Context, first_pages: dict[str, int], width: float) -> Table:
    t = ctx.t
    columns = [
        Column(t("col_township"), 19),
        Column(t("col_total"), 9, "right"),
        *[
            Column(status_label(ctx.lang, s, ctx.plan_mode), 13, "right")
            for s in style.STATUS_ORDER
        ],
        Column(t("col_behind"), 8, "right"),
        Column(t("col_page"), 8, "right"),
    ]
    header = [Cell(c.header, bold=True) for c in columns]
    for i, status in enumerate(style.STATUS_ORDER, start=2):
        header[i] = Cell(
            columns[i].header,
            bold=True,
            swatch=True,
            status=status,
            swatch_above=True,
            keep=label_words(columns[i].header),
        )
    rows = []
    for township in atlas_townships(ctx):
        projects = township_projects(ctx.data.projects, township)
        page = Cell(str(first_pages[township.code]))
        rows.append(
            [Cell(township.name, keep=(township.name,)), *_status_cells(ctx, projects), page]
        )
    total = [Cell(t("district"), bold=True), *_status_cells(ctx, ctx.data.projects, True), Cell("")]
    return lay_out(ctx, columns, [*rows, total], width, header, size_pt=6.5)


def cover_boxes(page: Page) -> tuple[Box, Box]:
    """The cover's district map and, beside it, the per-township summary."""
    frame = sheet_layout(page, with_inset=False).map
    gap = page.pt(4)
    map_box = replace(frame, w=frame.w * 0.45 - gap / 2)
    return map_box, Box(map_box.right + gap, frame.y, frame.w - map_box.w - gap, frame.h)


def cover_summary(ctx: Context) -> str:
    """The heading of the township counts, which say when no report covers the year yet."""
    reported = None if ctx.plan_mode else ctx.reported_before
    if reported is None:
        return ctx.t("cover_summary")
    return ctx.t("cover_summary_reported", reported=reported)


def draw_cover(
    fig: Figure, ctx: Context, first_pages: dict[str, int], number: int, total: int
) -> None:
    page, data = ctx.page, ctx.data
    layout = sheet_layout(page, with_inset=False)
    map_box, table_box = cover_boxes(page)
    paper = page_axes(fig, page)
    heading = title(ctx, None, "subject_atlas")
    draw_header(paper, ctx, heading, summary(ctx, data.projects))
    draw_footer(paper, ctx, number, total)

    frame = fit_frame(data.district.bounds, map_box)
    ax = box_axes(fig, page, map_box)
    setup_axes(ax, frame, page)
    draw_context(ax, data.townships, data.district, [], frame, page)
    drawn = draw_projects(ax, data.projects, ctx)
    placer = LabelPlacer(frame)
    placer.block_bounds(draw_scale_bar(ax, frame, ctx.font, page, ctx.lang))
    placer.block_bounds(draw_north_arrow(ax, frame, ctx.font, page, ctx.lang))
    draw_township_labels(ax, data.townships, [], frame, placer, ctx.font, page)

    paper.text(
        table_box.x,
        table_box.top,
        cover_summary(ctx),
        fontproperties=ctx.props(9, True),
        color=style.TEXT_COLOUR,
        ha="left",
        va="top",
    )
    table = summary_table(ctx, first_pages, table_box.w)
    top = table_box.top - page.pt(6)
    bottom = draw_table(paper, ctx, table, table.rows, table_box.x, top)
    note_box = Box(table_box.x, table_box.y, table_box.w, bottom - table_box.y - page.pt(1.5))
    # The per-township counts rest on which township each project lies in: estimated or not.
    draw_paragraphs(paper, ctx, note_box, [ctx.t("cover_note"), *boundary_notes(ctx)[1:]])

    sheet = make_sheet(ctx, data.projects, [], data.district.bounds, None, False, numbered=False)
    draw_legend(paper, ctx, layout.legend, data.projects, drawn, focus=False)
    draw_paragraphs(paper, ctx, layout.notes, notes(ctx, sheet, frame))
