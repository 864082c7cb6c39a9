"""What a print asks for, parsed and checked: the feeds' filters plus paper, format and language.

The route and the CLI both parse a PrintParameters here, so they accept and refuse the same
things; it gives the PrintRequest the rest of the package reads.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, Self, cast

from pydantic import Field, model_validator

from app import vocab
from app.errors import InvalidParameter
from app.filters import Filters, one_of
from app.printing.labels import LANGS, Lang

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
    query: Filters  # the filters, exactly as the feeds take them
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
    def mode(self) -> str:
        return self.query.mode

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


def _since(since: int | None, mode: str, atlas: bool) -> int | None:
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


class PrintParameters(Filters):
    """The query parameters of GET /print and the options of `tzmap print`."""

    format: str = Field("pdf", json_schema_extra=one_of("pdf", "png"))
    size: str = Field("A4", json_schema_extra=one_of("A4", "A3"))
    orientation: str = Field("portrait", json_schema_extra=one_of("portrait", "landscape"))
    dpi: int | None = Field(
        None,
        json_schema_extra={"minimum": MIN_DPI, "maximum": MAX_DPI},
        description="PNG only",
    )
    lang: str = Field("zh", json_schema_extra=one_of(*LANGS))
    atlas: str | None = Field(None, json_schema_extra=one_of("township"))
    page: int | None = Field(None, json_schema_extra={"minimum": 1}, description="PNG only")
    title: str | None = Field(
        None,
        json_schema_extra={"maxLength": MAX_TITLE},
        description="The sheet's heading in place of the default subject: one line of plain text",
    )
    since: int | None = Field(
        None,
        json_schema_extra={"minimum": vocab.YEAR_MIN, "maximum": vocab.YEAR_MAX},
        description="Compare with this earlier year: only the projects whose reported status "
        "moved since, coloured by the move (not with mode=plan or atlas)",
    )

    @model_validator(mode="after")
    def _check_print(self) -> Self:
        self.request()
        return self

    def request(self) -> PrintRequest:
        """Check every parameter; raises InvalidParameter naming what is valid. Townships and
        programmes are checked against the database when the data is fetched."""
        fmt = cast(Format, _choice(self.format, "format", ("pdf", "png")))
        if self.atlas is not None:
            _choice(self.atlas, "atlas", ("township",))
        if self.page is not None and fmt != "png":
            raise InvalidParameter("page applies to PNG only; a PDF holds every page")
        if self.page is not None and self.page < 1:
            raise InvalidParameter(f"page {self.page} is not valid; pages are numbered from 1")
        compared = _since(self.since, self.mode, self.atlas is not None)
        if self.year is not None:
            check_since(compared, self.year)
        return PrintRequest(
            query=Filters.model_validate(self.selection()),
            format=fmt,
            size=cast(Size, _choice(self.size, "size", ("A4", "A3"))),
            orientation=cast(
                Orientation, _choice(self.orientation, "orientation", ("portrait", "landscape"))
            ),
            dpi=_dpi(self.dpi, fmt),
            lang=cast(Lang, _choice(self.lang, "lang", LANGS)),
            atlas=self.atlas is not None,
            page=self.page or 1,
            title=_title(self.title),
            since=compared,
        )


def print_request(**parameters: Any) -> PrintRequest:
    """A PrintRequest from parameters by name (the CLI, tests, benchmarks)."""
    return PrintParameters.model_validate(parameters).request()
