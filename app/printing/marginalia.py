"""What surrounds the content of every page: title header, footer with dates and page number,
and blocks of wrapped notes."""

from collections import Counter

from matplotlib.axes import Axes

from app.printing import style
from app.printing.context import Context
from app.printing.data import ProjectRow
from app.printing.layout import Box
from app.printing.text import line_height_mm, width_mm, wrap

# Where the baseline sits in a line box of 1.3 em: half the leading plus the CJK ascent (0.88 em).
BASELINE = (0.15 + 0.88) / 1.3


def title(ctx: Context, place: str | None, subject: str | None = None) -> str:
    """通州区重点项目进展图 · 宋庄镇 · 截至2023年底; a title the print asks for stands in place of
    the subject of its sheets and cover (a table page keeps saying it is the table)."""
    key = subject or ("subject_plan" if ctx.plan_mode else "subject_actual")
    own = ctx.request.title if key != "table_title" else None
    return ctx.t("sep").join([own or ctx.t(key), *([place] if place else []), as_of(ctx)])


def as_of(ctx: Context) -> str:
    """截至2022年底; 截至2024年底（据2022年报告） when no report covers the year yet, so a sheet
    never implies a report for a year that has none; 截至2026年底应达 for the plans;
    2021年至2022年状态变化 comparing two years."""
    year, reported, since = ctx.data.year, ctx.reported_before, ctx.request.since
    if since is not None:
        if reported is not None:
            return ctx.t("as_of_changes_reported", since=since, year=year, reported=reported)
        return ctx.t("as_of_changes", since=since, year=year)
    if ctx.plan_mode:
        return ctx.t("as_of_plan", year=year)
    if reported is not None:
        return ctx.t("as_of_reported", year=year, reported=reported)
    return ctx.t("as_of_actual", year=year)


def summary(ctx: Context, projects: list[ProjectRow]) -> str:
    """How many projects are in each status and how many are late (comparing two years: how
    many made each move): the sheet's headline."""
    counts = Counter(ctx.shown(p) for p in projects)
    parts = [ctx.t("summary_part", label=ctx.shown_label(s), n=counts[s]) for s in ctx.shown_order]
    late = sum(p.behind_plan for p in projects)
    joined = ctx.t("summary_sep").join(parts)
    reported = None if ctx.plan_mode else ctx.reported_before  # plan counts need no report
    if ctx.comparing:
        if reported is not None:
            return ctx.t(
                "summary_changes_reported", n=len(projects), parts=joined, reported=reported
            )
        return ctx.t("summary_changes", n=len(projects), parts=joined)
    if reported is not None:
        return ctx.t(
            "summary_reported", n=len(projects), parts=joined, late=late, reported=reported
        )
    return ctx.t("summary", n=len(projects), parts=joined, late=late)


def _fitted_size(ctx: Context, line: str, width: float, size: float, bold: bool) -> float:
    """The largest size up to `size` (points, scaled) at which one line fits `width` mm."""
    scaled = ctx.page.pt(size)
    while scaled > ctx.page.pt(5.5) and width_mm(ctx.font, line, scaled, bold) > width:
        scaled -= 0.25
    return scaled


def draw_header(paper: Axes, ctx: Context, heading: str, subtitle: str) -> None:
    page, box = ctx.page, ctx.page.header
    mark_w = 0.0
    if ctx.marking.internal_use:
        mark = ctx.t("internal")
        mark_w = width_mm(ctx.font, mark, page.pt(9), True) + page.pt(5)
        paper.text(
            box.right - page.pt(1.5),
            box.top - page.pt(1.5),
            mark,
            fontproperties=ctx.props(9, True),
            color=style.INTERNAL_RED,
            ha="right",
            va="top",
            bbox={
                "boxstyle": "square,pad=0.35",
                "facecolor": "white",
                "edgecolor": style.INTERNAL_RED,
                "linewidth": page.pt(0.9),
            },
        )
    size = _fitted_size(ctx, heading, box.w - mark_w, 15, True)
    paper.text(
        box.x,
        box.top - page.pt(1),
        heading,
        fontproperties=ctx.font.props(size, True),
        color=style.TEXT_COLOUR,
        ha="left",
        va="top",
        parse_math=False,  # a title may be the user's words: "$" is a dollar sign, not mathtext
    )
    sub_size = _fitted_size(ctx, subtitle, box.w, 8, False)
    paper.text(
        box.x,
        box.y + page.pt(2),
        subtitle,
        fontproperties=ctx.font.props(sub_size),
        color=style.MUTED_TEXT,
        ha="left",
        va="bottom",
    )
    paper.plot([box.x, box.right], [box.y, box.y], color=style.TEXT_COLOUR, lw=page.pt(0.8))


def draw_footer(paper: Axes, ctx: Context, number: int, total: int) -> None:
    page, box = ctx.page, ctx.page.footer
    updated = ctx.data.updated.isoformat() if ctx.data.updated else "—"
    parts = [
        ctx.t("print_date", date=ctx.printed.isoformat()),
        ctx.t("data_date", reported=ctx.data.reported_year or "—", updated=updated),
    ]
    if ctx.marking.approval_number:
        parts.insert(0, ctx.t("approval", number=ctx.marking.approval_number))
    paper.plot([box.x, box.right], [box.top, box.top], color=style.RULE_COLOUR, lw=page.pt(0.4))
    for x, words, ha in (
        (box.x, "    ".join(parts), "left"),
        (box.right, ctx.t("page", n=number, total=total), "right"),
    ):
        paper.text(
            x,
            box.y,
            words,
            fontproperties=ctx.props(6.5),
            color=style.MUTED_TEXT,
            ha=ha,
            va="bottom",
        )


def draw_paragraphs(paper: Axes, ctx: Context, box: Box, paragraphs: list[str]) -> None:
    """Wrapped paragraphs from the top of `box`, smaller type when they would overflow it."""
    gap = ctx.page.pt(1.2)
    for size in (6.5, 6.0, 5.5, 5.0, 4.5):
        scaled = ctx.page.pt(size)
        blocks = [wrap(ctx.font, p, box.w, scaled) for p in paragraphs]
        lines = sum(len(b) for b in blocks)
        height = lines * line_height_mm(scaled) + gap * (len(blocks) - 1)
        if height <= box.h:
            break
    y = box.top
    for block in blocks:
        y = draw_lines(paper, ctx, box.x, y, block, scaled) - gap


def draw_lines(
    paper: Axes,
    ctx: Context,
    x: float,
    top: float,
    lines: list[str],
    size: float,
    bold: bool = False,
    colour: str = style.TEXT_COLOUR,
    ha: str = "left",
) -> float:
    """Lines of text from `top` down, one baseline every line height; returns the bottom."""
    step = line_height_mm(size)
    for i, line in enumerate(lines):
        paper.text(
            x,
            top - (i + BASELINE) * step,
            line,
            fontproperties=ctx.font.props(size, bold),
            color=colour,
            ha=ha,
            va="baseline",
        )
    return top - len(lines) * step
