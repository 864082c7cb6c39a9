"""Where things go on a page, in millimetres from the bottom-left corner of the paper.

Everything is laid out for A4 and multiplied by `scale` (1 for A4, √2 for A3), so an A3 sheet is
the A4 sheet enlarged: same content, larger type for a wall or a meeting table.
"""

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


@dataclass(frozen=True)
class Page:
    w: float
    h: float
    scale: float  # 1 on A4

    @property
    def margin(self) -> float:
        return 10 * self.scale

    @property
    def header(self) -> Box:
        height = 17 * self.scale
        return Box(self.margin, self.h - self.margin - height, self.w - 2 * self.margin, height)

    @property
    def footer(self) -> Box:
        return Box(self.margin, self.margin, self.w - 2 * self.margin, 5 * self.scale)

    @property
    def body(self) -> Box:
        gap = 2.5 * self.scale
        bottom = self.footer.top + gap
        return Box(self.margin, bottom, self.w - 2 * self.margin, self.header.y - gap - bottom)

    def pt(self, size: float) -> float:
        """A type size or line width given for A4, on this paper."""
        return size * self.scale


@dataclass(frozen=True)
class SheetLayout:
    map: Box
    legend: Box
    notes: Box
    inset: Box | None


def page_for(paper_mm: tuple[float, float]) -> Page:
    w, h = paper_mm
    return Page(w, h, min(w, h) / 210)


def sheet_layout(page: Page, with_inset: bool) -> SheetLayout:
    body, s = page.body, page.scale
    gap = 3 * s
    if page.h >= page.w:  # portrait: map above, legend | notes | inset below
        panel_h = 70 * s
        map_box = Box(body.x, body.y + panel_h + gap, body.w, body.h - panel_h - gap)
        legend = Box(body.x, body.y, 66 * s, panel_h)
        inset_w = 38 * s if with_inset else 0.0
        notes_x = legend.right + gap
        notes = Box(
            notes_x, body.y, body.right - notes_x - (inset_w + gap if inset_w else 0), panel_h
        )
        inset_h = inset_w * 1.3
        inset = Box(body.right - inset_w, body.y + panel_h - inset_h, inset_w, inset_h)
        return SheetLayout(map_box, legend, notes, inset if with_inset else None)
    # landscape: map on the left, a column on the right with legend, inset and notes
    panel_w = 72 * s
    map_box = Box(body.x, body.y, body.w - panel_w - gap, body.h)
    column_x = map_box.right + gap
    inset_h = 44 * s if with_inset else 0.0
    notes_h = 62 * s
    notes = Box(column_x, body.y, panel_w, notes_h)
    column_inset = Box(column_x, notes.top + gap, panel_w * 0.62, inset_h)
    legend_y = notes.top + gap + (inset_h + gap if with_inset else 0)
    legend = Box(column_x, legend_y, panel_w, body.top - legend_y)
    return SheetLayout(map_box, legend, notes, column_inset if with_inset else None)


def new_figure(page: Page) -> Figure:
    return Figure(figsize=(page.w / MM_PER_INCH, page.h / MM_PER_INCH))


def page_axes(fig: Figure, page: Page) -> Axes:
    """An axes over the whole paper whose data units are millimetres."""
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, page.w)
    ax.set_ylim(0, page.h)
    ax.set_axis_off()
    return ax


def box_axes(fig: Figure, page: Page, box: Box) -> Axes:
    """An axes placed on `box`; its data limits are left to the caller."""
    return fig.add_axes((box.x / page.w, box.y / page.h, box.w / page.w, box.h / page.h))
