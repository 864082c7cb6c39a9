"""What a print asks for, parsed and checked: the feeds' filters plus paper, format and language.

The route and the CLI both build a PrintRequest here, so they accept and refuse the same things.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast

from app import vocab
from app.crs import parse_crs
from app.errors import InvalidParameter
from app.printing.labels import LANGS, Lang
from app.query import (
    MAX_LIMIT,
    ItemsQuery,
    Mode,
    parse_bbox,
    parse_categories,
    parse_mode,
    parse_statuses,
    parse_year,
    split_list,
)

Format = Literal["pdf", "png"]
Size = Literal["A4", "A3"]
Orientation = Literal["portrait", "landscape"]

PAPER_MM: dict[Size, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
DEFAULT_DPI = 150
MIN_DPI = 50
# A3 at 300 dpi is 3508 × 4961 pixels (70 MB as RGBA while drawn); more is refused.
MAX_DPI = 300
# A heading of one line: at the header's smallest type 80 CJK characters still fit an A4 sheet.
MAX_TITLE = 80


@dataclass(frozen=True)
class PrintRequest:
    query: ItemsQuery  # the filters, exactly as the feeds take them
    mode: Mode = "actual"
    format: Format = "pdf"
    size: Size = "A4"
    orientation: Orientation = "portrait"
    dpi: int = DEFAULT_DPI
    lang: Lang = "zh"
    atlas: bool = False
    page: int = 1  # the page a PNG shows
    title: str | None = None  # the user's own heading, in place of the default subject
    # Compare with this earlier year: only the projects whose status moved, coloured by the move.
    since: int | None = None

    @property
    def paper_mm(self) -> tuple[float, float]:
        short, long = PAPER_MM[self.size]
        return (short, long) if self.orientation == "portrait" else (long, short)


def _choice(value: str, parameter: str, choices: Iterable[str], fold: bool = True) -> str:
    options = tuple(choices)
    key = value.strip()
    for option in options:
        if key == option or (fold and key.lower() == option.lower()):
            return option
    raise InvalidParameter(f"{parameter} '{value}' is not valid; use {' or '.join(options)}")


def _dpi(dpi: int | None, format: Format) -> int:
    if dpi is None:
        return DEFAULT_DPI
    if format != "png":
        raise InvalidParameter("dpi applies to PNG only; a PDF is vector")
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise InvalidParameter(f"dpi {dpi} is out of range {MIN_DPI}–{MAX_DPI}")
    return dpi


def _title(title: str | None) -> str | None:
    """One line of plain text, at most MAX_TITLE characters; blank is no title."""
    if title is None:
        return None
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") for c in title):
        raise InvalidParameter(
            "title must be one line of plain text: no line breaks, control or formatting characters"
        )
    text = " ".join(title.split())  # runs of spaces become one
    if len(text) > MAX_TITLE:
        raise InvalidParameter(f"title is {len(text)} characters long; at most {MAX_TITLE}")
    return text or None


def _since(since: int | None, mode: Mode, atlas: bool) -> int | None:
    """The earlier year of a comparison; that it comes before the year is checked once the year
    is known (check_since, from fetch: the default year is the database's)."""
    if since is None:
        return None
    if not vocab.YEAR_MIN <= since <= vocab.YEAR_MAX:
        raise InvalidParameter(f"since {since} is out of range {vocab.YEAR_MIN}–{vocab.YEAR_MAX}")
    if mode == "plan":
        raise InvalidParameter("since compares reported statuses; it does not apply with mode=plan")
    if atlas:
        raise InvalidParameter("since does not apply to the township atlas; print one sheet")
    return since


def check_since(since: int | None, year: int) -> None:
    """A comparison looks back: since before year."""
    if since is not None and since >= year:
        raise InvalidParameter(f"since {since} must be earlier than year {year}")


def print_request(
    *,
    year: int | None = None,
    mode: str = "actual",
    townships: list[str] | None = None,
    statuses: list[str] | None = None,
    categories: list[str] | None = None,
    programmes: list[str] | None = None,
    behind_plan: bool | None = None,
    bbox: str | None = None,
    bbox_crs: str | None = None,
    format: str = "pdf",
    size: str = "A4",
    orientation: str = "portrait",
    dpi: int | None = None,
    lang: str = "zh",
    atlas: str | None = None,
    page: int | None = None,
    title: str | None = None,
    since: int | None = None,
) -> PrintRequest:
    """Check every parameter; raises InvalidParameter naming what is valid. Townships and
    programmes are checked against the database when the data is fetched."""
    fmt = cast(Format, _choice(format, "format", ("pdf", "png")))
    if year is not None:
        parse_year(year, None, year)  # the range check; the default year needs the database
    if atlas is not None:
        _choice(atlas, "atlas", ("township",))
    if page is not None and fmt != "png":
        raise InvalidParameter("page applies to PNG only; a PDF holds every page")
    if page is not None and page < 1:
        raise InvalidParameter(f"page {page} is not valid; pages are numbered from 1")
    query = ItemsQuery(
        limit=MAX_LIMIT,
        offset=0,
        year_given=year,
        datetime=None,
        bbox=parse_bbox(bbox, bbox_crs),
        crs=parse_crs(None),
        townships=split_list(townships),
        statuses=parse_statuses(split_list(statuses)),
        mode=parse_mode(mode),
        categories=parse_categories(split_list(categories)),
        programmes=split_list(programmes),
        behind_plan=behind_plan,
    )
    compared = _since(since, query.mode, atlas is not None)
    if year is not None:
        check_since(compared, year)
    return PrintRequest(
        query=query,
        mode=query.mode,
        format=fmt,
        size=cast(Size, _choice(size, "size", ("A4", "A3"))),
        orientation=cast(
            Orientation, _choice(orientation, "orientation", ("portrait", "landscape"))
        ),
        dpi=_dpi(dpi, fmt),
        lang=cast(Lang, _choice(lang, "lang", LANGS)),
        atlas=atlas is not None,
        page=page or 1,
        title=_title(title),
        since=compared,
    )
