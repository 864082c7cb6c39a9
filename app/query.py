"""What a feature request asks for, parsed and checked. No FastAPI here: queries use it too."""

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, cast

from app import vocab
from app.crs import CRS84, OutputCrs, parse_crs
from app.errors import InvalidParameter

MAX_LIMIT = 10_000
DEFAULT_LIMIT = 100

Mode = Literal["actual", "plan"]
MODES: tuple[Mode, ...] = ("actual", "plan")


def split_list(values: list[str] | None) -> list[str]:
    """Repeatable parameters may also be comma-separated: status=a,b&status=c."""
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


@dataclass(frozen=True)
class YearRange:
    """Status as of `year`; with `since`, only projects whose status changed in since..year."""

    year: int
    since: int | None = None


def _year_of(text: str, parameter: str) -> int:
    match = re.fullmatch(r"(\d{4})(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?", text)
    if not match:
        raise InvalidParameter(
            f"{parameter} '{text}' is not an RFC 3339 date or date-time (e.g. 2023-12-31)"
        )
    year = int(match.group(1))
    if match.group(2):
        try:
            date.fromisoformat(text[:10])
        except ValueError as exc:
            raise InvalidParameter(f"{parameter} '{text}' is not a valid date") from exc
    return _check_year(year, parameter)


def _check_year(year: int, parameter: str) -> int:
    if not vocab.YEAR_MIN <= year <= vocab.YEAR_MAX:
        raise InvalidParameter(
            f"{parameter} {year} is out of range {vocab.YEAR_MIN}–{vocab.YEAR_MAX}"
        )
    return year


def parse_year(year: int | None, datetime: str | None, default: int) -> YearRange:
    if year is not None and datetime is not None:
        raise InvalidParameter("give either year or datetime, not both")
    if year is not None:
        return YearRange(_check_year(year, "year"))
    if datetime is None:
        return YearRange(default)
    if "/" not in datetime:
        return YearRange(_year_of(datetime, "datetime"))
    start, _, end = datetime.partition("/")
    open_start, open_end = start in ("", ".."), end in ("", "..")
    if open_start and open_end:
        raise InvalidParameter("datetime interval '../..' is open at both ends")
    until = default if open_end else _year_of(end, "datetime")
    since = vocab.YEAR_MIN if open_start else _year_of(start, "datetime")
    if since > until:
        raise InvalidParameter(f"datetime interval '{datetime}' ends before it starts")
    return YearRange(until, since)


def parse_bbox(value: str | None, bbox_crs: str | None) -> tuple[list[float], OutputCrs] | None:
    if value is None:
        if bbox_crs is not None:
            raise InvalidParameter("bbox-crs given without bbox")
        return None
    try:
        numbers = [float(v) for v in value.split(",")]
    except ValueError as exc:
        raise InvalidParameter(f"bbox '{value}' must be 4 or 6 comma-separated numbers") from exc
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise InvalidParameter(f"bbox '{value}' must be 4 or 6 comma-separated numbers")
    if len(numbers) == 6:  # a 3D box: drop the heights
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    crs = parse_crs(bbox_crs or CRS84, "bbox-crs")
    if crs.lat_lon:
        numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
    minx, miny, maxx, maxy = numbers
    if miny > maxy:
        raise InvalidParameter(f"bbox '{value}': the lower corner is above the upper corner")
    in_degrees = -180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= maxy <= 90
    if crs.srid == 4326 and not in_degrees:
        raise InvalidParameter(f"bbox '{value}' is not in longitude/latitude range")
    return numbers, crs


@dataclass(frozen=True)
class SortKey:
    name: str
    descending: bool


def parse_sortby(value: str | None) -> list[SortKey]:
    keys = []
    for part in split_list([value] if value else []):
        descending = part.startswith("-")
        name = part.lstrip("+-").strip()
        if not re.fullmatch(r"[a-z_]+", name):
            raise InvalidParameter(f"sortby '{part}' is not a property name")
        keys.append(SortKey(name, descending))
    return keys


@dataclass(frozen=True)
class ItemsQuery:
    limit: int
    offset: int
    year_given: int | None
    datetime: str | None
    bbox: tuple[list[float], OutputCrs] | None
    crs: OutputCrs
    townships: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    # Which status `statuses` filters on: as reported (actual), or as the plans promise (plan).
    mode: Mode = "actual"
    categories: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    q: str | None = None
    behind_plan: bool | None = None
    sortby: list[SortKey] = field(default_factory=list)
    properties: list[str] | None = None
    filter: str | None = None
    filter_lang: str = "cql2-text"
    f: str | None = None


def parse_statuses(values: list[str]) -> list[str]:
    for s in values:
        if s not in (*vocab.STATUSES, "not_reported"):
            raise InvalidParameter(
                f"status '{s}' is unknown; use {', '.join(vocab.STATUSES)} or not_reported"
            )
    return values


def parse_mode(value: str) -> Mode:
    if value not in MODES:
        raise InvalidParameter(f"mode '{value}' is unknown; use actual or plan")
    return cast(Mode, value)


def parse_categories(values: list[str]) -> list[str]:
    for c in values:
        if c not in vocab.CATEGORIES:
            raise InvalidParameter(
                f"category '{c}' is unknown; use one of {', '.join(vocab.CATEGORIES)}"
            )
    return values
