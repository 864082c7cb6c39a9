"""A print as a list of pages, drawn one at a time into a PDF (every page) or a PNG (one page)."""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from shapely.ops import unary_union

from app.errors import InvalidParameter
from app.printing.atlas import atlas_townships, draw_cover, township_projects
from app.printing.context import Context, Marking
from app.printing.data import BEIJING, PrintData
from app.printing.fonts import cjk_font
from app.printing.layout import new_figure, page_for
from app.printing.marginalia import summary, title
from app.printing.request import PrintRequest
from app.printing.sheet import Sheet, draw_map_sheet, make_sheet
from app.printing.table import draw_table_page, project_table, table_pages

PageJob = Callable[[Figure, int, int], None]  # draws page `number` of `total` into a figure


@dataclass(frozen=True)
class Rendered:
    content: bytes
    media_type: str
    filename: str  # ASCII: a township by its code (Content-Disposition's filename=)
    pages: int  # in the whole document, also when a PNG shows one of them
    named: str = ""  # the same with the township's name (filename*=), when it differs


def _job(draw: Callable[..., None], *args: object) -> PageJob:
    """A page job calling draw(fig, *args, number, total)."""

    def job(fig: Figure, number: int, total: int) -> None:
        draw(fig, *args, number, total)

    return job


def sheet_jobs(ctx: Context, sheet: Sheet) -> list[PageJob]:
    """The map sheet, then its project table over as many pages as it takes."""
    table = project_table(ctx, sheet.projects, sheet.numbers)
    heading = title(ctx, sheet.place, "table_title")
    footnote = ctx.t("table_footnote_changes" if ctx.comparing else "table_footnote")
    pages = table_pages(ctx, heading, summary(ctx, sheet.projects), table, footnote)
    return [_job(draw_map_sheet, ctx, sheet), *[_job(draw_table_page, ctx, p) for p in pages]]


def single_sheet(ctx: Context) -> Sheet:
    data = ctx.data
    focus = [t for t in data.townships if t.code in data.township_filter]
    place = ctx.t("list_sep").join(t.name for t in focus) or None
    if data.bbox is not None:
        bounds = data.bbox
        place = place or ctx.t("selected_area")
    elif focus:
        bounds = unary_union([t.geometry for t in focus]).bounds
    else:
        bounds = data.district.bounds
    inset = data.bbox is not None or bool(focus)
    return make_sheet(ctx, data.projects, focus, bounds, place, inset)


def atlas_jobs(ctx: Context) -> list[PageJob]:
    data = ctx.data
    sheets = [
        sheet_jobs(
            ctx,
            make_sheet(
                ctx, township_projects(data.projects, t), [t], t.geometry.bounds, t.name, inset=True
            ),
        )
        for t in atlas_townships(ctx)
    ]
    elsewhere = [p for p in data.projects if not p.township_codes]
    extra = []
    if elsewhere:
        table = project_table(
            ctx,
            make_sheet(
                ctx, elsewhere, [], data.district.bounds, None, False, numbered=False
            ).projects,
            {},
        )
        extra = table_pages(
            ctx, ctx.t("cover_unplaced"), summary(ctx, elsewhere), table, ctx.t("table_footnote")
        )
    first_pages, number = {}, 2 + len(extra)
    for township, jobs in zip(atlas_townships(ctx), sheets, strict=True):
        first_pages[township.code] = number
        number += len(jobs)
    jobs = [_job(draw_cover, ctx, first_pages), *[_job(draw_table_page, ctx, p) for p in extra]]
    return jobs + [job for township_jobs in sheets for job in township_jobs]


def _pdf(ctx: Context, jobs: list[PageJob], heading: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {
        "Title": heading,  # the first page's heading, word for word
        "Subject": "通州区重点项目 Tongzhou sub-centre projects",
        "Creator": "tzmap",
    }
    # Type 3 whatever a matplotlibrc says: Type 42 mislabels Noto CJK's CFF outlines (fonts.py).
    with matplotlib.rc_context({"pdf.fonttype": 3}), PdfPages(buffer, metadata=metadata) as pdf:
        for number, job in enumerate(jobs, start=1):
            fig = new_figure(ctx.page)
            job(fig, number, len(jobs))
            pdf.savefig(fig)
    return buffer.getvalue()


def _png(ctx: Context, jobs: list[PageJob]) -> bytes:
    number = ctx.request.page
    if number > len(jobs):
        raise InvalidParameter(f"page {number} does not exist; this print has {len(jobs)} pages")
    fig = new_figure(ctx.page)
    jobs[number - 1](fig, number, len(jobs))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=ctx.request.dpi, facecolor="white")
    return buffer.getvalue()


# What no file system takes in a name: path separators, reserved and control characters.
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def filename(request: PrintRequest, data: PrintData, named: bool = False) -> str:
    """tongzhou-actual-2022-110112104000.pdf: the townships by code, ASCII for any client; named,
    tongzhou-actual-2022-宋庄镇.pdf, by name (a name no file can hold falls back to its code)."""
    if request.since is not None:
        parts = ["tongzhou", "changes", str(request.since), str(data.year)]
    else:
        parts = ["tongzhou", request.mode, str(data.year)]
    if request.atlas:
        parts.append("atlas")
    elif data.township_filter:
        names = {t.code: t.name for t in data.townships}
        for code in data.township_filter:
            name = _UNSAFE_IN_NAMES.sub("_", names.get(code, "")).strip("_. ")
            parts.append(name if named and name else code)
    if request.format == "png":
        parts.append(f"p{request.page}")
    return "-".join(parts) + f".{request.format}"


def render(
    request: PrintRequest, data: PrintData, marking: Marking, printed: date | None = None
) -> Rendered:
    """The document for `data` as fetched for `request`; raises CjkFontMissing without a font."""
    ctx = Context(
        request=request,
        data=data,
        font=cjk_font(),
        page=page_for(request.paper_mm),
        marking=marking,
        printed=printed or datetime.now(BEIJING).date(),
    )
    if request.atlas:
        jobs, heading = atlas_jobs(ctx), title(ctx, None, "subject_atlas")  # the cover's
    else:
        sheet = single_sheet(ctx)
        jobs, heading = sheet_jobs(ctx, sheet), title(ctx, sheet.place)  # the sheet's
    ascii_name, named = filename(request, data), filename(request, data, named=True)
    if request.format == "png":
        content, media_type = _png(ctx, jobs), "image/png"
    else:
        content, media_type = _pdf(ctx, jobs, heading), "application/pdf"
    return Rendered(content, media_type, ascii_name, len(jobs), named)
