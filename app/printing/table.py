"""Tables set in the sheet font: cells wrapped to their column, rows paginated over as many pages
as they need, the header row repeated on each."""

from dataclasses import dataclass, field, replace
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from app.printing import style
from app.printing.context import Context
from app.printing.data import ProjectRow
from app.printing.labels import category_label, label_words, status_label
from app.printing.layout import page_axes
from app.printing.marginalia import draw_footer, draw_header, draw_lines, draw_paragraphs
from app.printing.text import line_height_mm, min_width_mm, wrap

Align = Literal["left", "center", "right"]
TABLE_SIZE = 7.0  # points on A4
MIN_TABLE_SIZE = 5.0  # the smallest type a table takes to keep its words whole
HEADER_FILL = "#e4e4e4"
ZEBRA_FILL = "#f4f4f4"


@dataclass(frozen=True)
class Column:
    header: str
    weight: float  # share of the table width
    align: Align = "left"


@dataclass(frozen=True)
class Cell:
    text: str
    bold: bool = False
    colour: str = style.TEXT_COLOUR
    swatch: bool = False  # the symbol colour of `status` (a status or a move) before the text
    status: str | None = None
    swatch_above: bool = False  # on a line of its own above the text (narrow header cells)
    keep: tuple[str, ...] = ()  # words a line may not break inside (names, labels): text.wrap


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    lines: list[list[str]] = field(default_factory=list)  # wrapped text of each cell
    height: float = 0.0


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    widths: list[float]  # mm
    header: Row
    rows: list[Row]
    size: float  # points, on this paper


def _padding(ctx: Context) -> tuple[float, float]:
    return ctx.page.pt(1.1), ctx.page.pt(0.9)  # horizontal, vertical


def _swatch_width(ctx: Context) -> float:
    return ctx.page.pt(3.2)


def _beside(ctx: Context, cell: Cell) -> float:
    """The room a swatch takes on the first line of a cell's text."""
    return _swatch_width(ctx) if cell.swatch and not cell.swatch_above else 0.0


def lay_out_row(ctx: Context, cells: list[Cell], widths: list[float], size: float) -> Row:
    pad_x, pad_y = _padding(ctx)
    lines = []
    for cell, width in zip(cells, widths, strict=True):
        room = width - 2 * pad_x - _beside(ctx, cell)
        wrapped = wrap(ctx.font, cell.text, room, size, cell.bold, cell.keep)
        lines.append(["", *wrapped] if cell.swatch_above else wrapped)
    height = max(len(ls) for ls in lines) * line_height_mm(size) + 2 * pad_y
    return Row(cells, lines, height)


def _shares(columns: list[Column], width: float) -> list[float]:
    total = sum(c.weight for c in columns)
    return [width * c.weight / total for c in columns]


def column_widths(
    ctx: Context, columns: list[Column], rows: list[list[Cell]], width: float, size: float
) -> list[float] | None:
    """Widths in mm: shares of `width` by weight, but no narrower than the longest word of the
    column, so lines break between words ("Under construction"), never inside one; a column
    that needs more room takes it from the others, in proportion to what they can spare.
    None when the longest words of all the columns together are wider than the table."""
    shares = _shares(columns, width)
    pad_x = _padding(ctx)[0]
    needs = [
        max(
            min_width_mm(ctx.font, cell.text, size, cell.bold, cell.keep)
            + _beside(ctx, cell)
            + 2 * pad_x
            for cell in cells
        )
        for cells in zip(*rows, strict=True)
    ]
    short = sum(max(need - share, 0.0) for need, share in zip(needs, shares, strict=True))
    spare = [max(share - need, 0.0) for need, share in zip(needs, shares, strict=True)]
    if short == 0:
        return shares
    if short > sum(spare):
        return None
    cut = short / sum(spare)
    return [
        max(share, need) - room * cut
        for share, need, room in zip(shares, needs, spare, strict=True)
    ]


def lay_out(
    ctx: Context,
    columns: list[Column],
    rows: list[list[Cell]],
    width: float,
    header: list[Cell] | None = None,
    size_pt: float = TABLE_SIZE,
) -> Table:
    """The table at `size_pt` (points on A4), or the largest smaller size at which no word has
    to break."""
    head = header or [Cell(c.header, bold=True) for c in columns]
    while True:
        size = ctx.page.pt(size_pt)
        widths = column_widths(ctx, columns, [head, *rows], width, size)
        if widths is not None or size_pt <= MIN_TABLE_SIZE:
            break
        size_pt -= 0.25
    if widths is None:  # words break as a last resort, in the columns as weighted
        widths = _shares(columns, width)
    laid = [lay_out_row(ctx, cells, widths, size) for cells in rows]
    return Table(columns, widths, lay_out_row(ctx, head, widths, size), laid, size)


def paginate(rows: list[Row], capacity: float, first: float | None = None) -> list[list[Row]]:
    """Rows in page-sized runs (`first` is the room on the first page); a row taller than a page
    still gets a page of its own."""
    if not rows:
        return []
    pages: list[list[Row]] = [[]]
    room = capacity if first is None else first
    for row in rows:
        if pages[-1] and row.height > room:
            pages.append([])
            room = capacity
        pages[-1].append(row)
        room -= row.height
    return pages


def _swatch(paper: Axes, ctx: Context, x: float, y: float, status: str | None) -> None:
    look = style.LOOKS[status]
    side = ctx.page.pt(2.2)
    paper.add_patch(
        Rectangle(
            (x, y - side / 2),
            side,
            side,
            facecolor=look.marker_fill,
            edgecolor=look.marker_edge,
            linewidth=ctx.page.pt(0.5),
        )
    )


def _draw_row(paper: Axes, ctx: Context, table: Table, row: Row, x: float, top: float) -> None:
    pad_x, pad_y = _padding(ctx)
    left = x
    cells = zip(table.columns, table.widths, row.cells, row.lines, strict=True)
    for column, width, cell, lines in cells:
        text_x = left + pad_x
        if cell.swatch:
            first_line = top - pad_y - line_height_mm(table.size) * 0.45
            if cell.swatch_above:
                side = ctx.page.pt(2.2)
                at = {
                    "left": text_x,
                    "center": left + (width - side) / 2,
                    "right": left + width - pad_x - side,
                }
                _swatch(paper, ctx, at[column.align], first_line, cell.status)
            else:
                _swatch(paper, ctx, text_x, first_line, cell.status)
                text_x += _swatch_width(ctx)
        anchor = {
            "left": text_x,
            "center": (text_x + left + width) / 2,
            "right": left + width - pad_x,
        }
        draw_lines(
            paper,
            ctx,
            anchor[column.align],
            top - pad_y,
            lines,
            table.size,
            cell.bold,
            cell.colour,
            column.align,
        )
        left += width


def draw_table(
    paper: Axes, ctx: Context, table: Table, rows: list[Row], x: float, top: float
) -> float:
    """The header and `rows` from `top` down; returns the bottom."""
    width = sum(table.widths)
    thin, thick = ctx.page.pt(0.3), ctx.page.pt(0.8)
    head = table.header.height
    paper.add_patch(
        Rectangle((x, top - head), width, head, facecolor=HEADER_FILL, edgecolor="none")
    )
    paper.plot([x, x + width], [top, top], color=style.TEXT_COLOUR, lw=thick)
    _draw_row(paper, ctx, table, table.header, x, top)
    y = top - head
    paper.plot([x, x + width], [y, y], color=style.TEXT_COLOUR, lw=thin * 2)
    for i, row in enumerate(rows):
        if i % 2 == 1:
            paper.add_patch(
                Rectangle(
                    (x, y - row.height), width, row.height, facecolor=ZEBRA_FILL, edgecolor="none"
                )
            )
        _draw_row(paper, ctx, table, row, x, y)
        y -= row.height
        paper.plot([x, x + width], [y, y], color=style.RULE_COLOUR, lw=thin)
    paper.plot([x, x + width], [y, y], color=style.TEXT_COLOUR, lw=thick)
    return y


# The project table ---------------------------------------------------------------------------


def _status_in(ctx: Context, year: int) -> str:
    """The heading of a comparison's status column, saying whose report a later year's is."""
    reported = ctx.data.reported_year
    if reported is not None and year > reported:
        return ctx.t("col_status_in_reported", year=year, reported=reported)
    return ctx.t("col_status_in", year=year)


def project_columns(ctx: Context) -> list[Column]:
    t = ctx.t
    place = [
        Column(t("col_number"), 13),
        Column(t("col_name"), 40),
        Column(t("col_category"), 14),
        Column(t("col_townships"), 26),
    ]
    since = ctx.request.since
    if since is not None:  # a comparison: both statuses and the move
        return [
            *place,
            Column(_status_in(ctx, since), 16),
            Column(_status_in(ctx, ctx.data.year), 16),
            Column(t("col_move"), 14),
            Column(t("col_milestone"), 30),
        ]
    reported = ctx.reported_before  # the status column is as reported, in plan mode too
    status_heading = t("col_status_reported", reported=reported) if reported else t("col_status")
    columns = [
        *place,
        Column(status_heading, 15),
        Column(t("col_milestone"), 30 if ctx.plan_mode else 34),
        Column(t("col_target"), 20),
        Column(t("col_behind"), 8, "center"),
    ]
    if ctx.plan_mode:
        columns.insert(5, Column(t("col_planned"), 15))
    return columns


def _label(text: str, words: str | None = None) -> Cell:
    """A cell naming a status or category (`words`: the label inside a longer text): never
    broken inside one of its words."""
    return Cell(text, keep=label_words(text if words is None else words))


def project_cells(ctx: Context, project: ProjectRow, number: int | None) -> list[Cell]:
    t, lang = ctx.t, ctx.lang
    none = t("none")
    number_text = str(number) if number is not None else t("unplaced_mark")
    townships = t("list_sep").join(project.townships) or none
    place = [
        Cell(number_text, swatch=True, status=ctx.shown(project)),
        Cell(project.name),
        _label(category_label(lang, project.category)),
        Cell(townships, keep=project.townships),  # a place name is one word
    ]
    milestone = Cell(none)
    if project.status_year is not None:
        if project.milestone:  # the documents' own words
            milestone = Cell(
                t("milestone_year", milestone=project.milestone, year=project.status_year)
            )
        else:
            label = status_label(lang, project.status)
            milestone = _label(
                t("milestone_year", milestone=label, year=project.status_year), label
            )
    target = Cell(none)
    if project.target_year is not None and project.target_status is not None:
        label = status_label(lang, project.target_status)
        target = _label(t("target", year=project.target_year, status=label), label)
    if ctx.comparing:
        return [
            *place,
            _label(status_label(lang, project.status_since)),
            _label(status_label(lang, project.status)),
            _label(ctx.shown_label(project.move)),
            milestone,
        ]
    late = Cell(t("yes"), bold=True, colour=style.BEHIND_PLAN) if project.behind_plan else Cell("")
    cells = [*place, _label(status_label(lang, project.status)), milestone, target, late]
    if ctx.plan_mode:
        cells.insert(5, _label(status_label(lang, project.planned_status, plan_mode=True)))
    return cells


def project_table(ctx: Context, projects: list[ProjectRow], numbers: dict[str, int]) -> Table:
    rows = [project_cells(ctx, p, numbers.get(p.id)) for p in projects]
    return lay_out(ctx, project_columns(ctx), rows, ctx.page.body.w)


# Table pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TablePage:
    heading: str
    subtitle: str
    table: Table
    rows: list[Row]
    footnote: str


def footnote_height(ctx: Context, footnote: str) -> float:
    size = ctx.page.pt(6.5)
    return len(wrap(ctx.font, footnote, ctx.page.body.w, size)) * line_height_mm(
        size
    ) + ctx.page.pt(2)


def table_pages(
    ctx: Context, heading: str, subtitle: str, table: Table, footnote: str
) -> list[TablePage]:
    room = ctx.page.body.h - table.header.height - footnote_height(ctx, footnote)
    runs = paginate(table.rows, room)
    continued = ctx.t("table_continued")
    return [
        TablePage(heading + (continued if i else ""), subtitle, table, run, footnote)
        for i, run in enumerate(runs)
    ]


def draw_table_page(fig: Figure, ctx: Context, page: TablePage, number: int, total: int) -> None:
    paper = page_axes(fig, ctx.page)
    draw_header(paper, ctx, page.heading, page.subtitle)
    draw_footer(paper, ctx, number, total)
    body = ctx.page.body
    bottom = draw_table(paper, ctx, page.table, page.rows, body.x, body.top)
    note_box = replace(body, y=body.y, h=bottom - body.y - ctx.page.pt(1.5))
    draw_paragraphs(paper, ctx, note_box, [page.footnote])
