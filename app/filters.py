"""What a request selects and how it wants the answer, declared once.

`Filters` is the selection: the feeds, tiles, prints, the standalone export, the CLI's `print` and
`export-html` and the page's configuration all take it, so a filter added here is understood
everywhere. Each model refuses parameters it does not declare (OGC API – Features requires
unknown parameters to be rejected rather than ignored). No FastAPI here: the queries, the prints
and the CLI use these models too; the routes take them as query-parameter models.

What /openapi.json says of the values (enum, pattern, range) is for the document only
(json_schema_extra): the checks and their messages, which say what is valid, are the validators'.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app import vocab
from app.crs import CRS84, DEFAULT_CRS, SUPPORTED_CRS, OutputCrs, parse_crs
from app.errors import InvalidParameter
from app.exports import EXPORT_FORMATS

MAX_LIMIT = 10_000
DEFAULT_LIMIT = 100
MODES = ("actual", "plan")
OUTPUT_FORMATS = ("json", "html", *EXPORT_FORMATS)
CRS_NAMES = tuple(
    dict.fromkeys((*SUPPORTED_CRS, "CRS84", *(f"EPSG:{c.srid}" for c in SUPPORTED_CRS.values())))
)
_NUMBER = r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?"
_INSTANT = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9]{2}:?[0-9]{2})?)?)?)?"


def one_of(*values: str) -> dict[str, Any]:
    return {"enum": list(values)}


def list_of(*values: str) -> dict[str, Any]:
    return {"items": {"type": "string", **one_of(*values)}}


def split_list(values: list[str] | None) -> list[str]:
    """Repeatable parameters may also be comma-separated: status=a,b&status=c."""
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


@dataclass(frozen=True)
class YearRange:
    """Status as of `year`; with `since`, only projects whose status changed in since..year."""

    year: int
    since: int | None = None


@dataclass(frozen=True)
class SortKey:
    name: str
    descending: bool


class Parameters(BaseModel):
    """Query parameters: the declared ones, by name (as URLs and the CLI spell them)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @classmethod
    def parameter_names(cls) -> list[str]:
        return sorted(f.alias or name for name, f in cls.model_fields.items())

    @classmethod
    def check_names(cls, names: Iterable[str]) -> None:
        unknown = sorted(set(names) - set(cls.parameter_names()) - set(cls.model_fields))
        if unknown:
            raise InvalidParameter(
                f"unknown query parameter(s): {', '.join(unknown)}; "
                f"this endpoint understands: {', '.join(cls.parameter_names())}"
            )

    @model_validator(mode="before")
    @classmethod
    def _known(cls, data: Any) -> Any:
        if isinstance(data, dict):
            cls.check_names(data)
        return data


class AsOf(Parameters):
    """The year the answer is as of: `year`, or `datetime` (an instant or an interval)."""

    year: int | None = Field(
        None,
        json_schema_extra={"minimum": vocab.YEAR_MIN, "maximum": vocab.YEAR_MAX},
        description="Status as of this year",
    )
    datetime: str | None = Field(
        None,
        max_length=100,
        json_schema_extra={"pattern": rf"^({_INSTANT}|({_INSTANT}|\.\.)?/({_INSTANT}|\.\.)?)$"},
        description="An RFC 3339 date or date-time, or an interval (`a/b`, `../b`, `a/..`)",
    )

    @model_validator(mode="after")
    def _check_years(self) -> Self:
        # The year they stand for is resolved against the data (years): here only the syntax
        # and the range, so that every route refuses the same things.
        self.years(vocab.YEAR_MIN)
        return self

    def years(self, default: int) -> YearRange:
        return parse_year(self.year, self.datetime, default)

    def as_of(self, year: int) -> Self:
        """The same request, as of `year`."""
        return self.model_copy(update={"year": year, "datetime": None})


class Filters(AsOf):
    """Which features: the selection every reader of the data shares."""

    township: list[str] = Field(
        default_factory=list, description="Township name or code; repeatable"
    )
    status: list[str] = Field(
        default_factory=list,
        json_schema_extra=list_of(*vocab.STATUSES, "not_reported"),
        description="Status (as reported, or as planned with mode=plan); repeatable",
    )
    mode: str = Field(
        "actual",
        json_schema_extra=one_of(*MODES),
        description="Which status `status` filters on: as reported (actual) or as planned",
    )
    category: list[str] = Field(
        default_factory=list, json_schema_extra=list_of(*vocab.CATEGORIES), description="Category"
    )
    programme: list[str] = Field(default_factory=list, description="Programme id; repeatable")
    q: str | None = Field(None, max_length=100, description="Text in the name or an alias")
    behind_plan: bool | None = Field(None, description="Only projects behind plan (or not)")
    geometry_quality: str | None = Field(
        None,
        json_schema_extra=one_of(*vocab.GEOMETRY_QUALITIES),
        description="Only projects placed this way (surveyed, approximate, schematic, unplaced)",
    )
    bbox: str | None = Field(
        None,
        json_schema_extra={"pattern": rf"^{_NUMBER}(,{_NUMBER}){{3}}((,{_NUMBER}){{2}})?$"},
        description="minx,miny,maxx,maxy (or 6 numbers: a 3D box), in bbox-crs",
    )
    bbox_crs: str | None = Field(None, alias="bbox-crs", json_schema_extra=one_of(*CRS_NAMES))
    filter: str | None = Field(
        None, max_length=10_000, description="A CQL2 filter (see the queryables)"
    )
    filter_lang: str = Field(
        "cql2-text", alias="filter-lang", json_schema_extra=one_of("cql2-text", "cql2-json")
    )
    filter_crs: str | None = Field(
        None, alias="filter-crs", json_schema_extra=one_of(CRS84, "CRS84", "OGC:CRS84")
    )

    @field_validator("township", "status", "category", "programme", mode="after")
    @classmethod
    def _split(cls, values: list[str]) -> list[str]:
        return split_list(values)

    @field_validator("q", mode="after")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value else None

    @model_validator(mode="after")
    def _check_filters(self) -> Self:
        for s in self.status:
            if s not in (*vocab.STATUSES, "not_reported"):
                raise InvalidParameter(
                    f"status '{s}' is unknown; use {', '.join(vocab.STATUSES)} or not_reported"
                )
        if self.mode not in MODES:
            raise InvalidParameter(f"mode '{self.mode}' is unknown; use actual or plan")
        for c in self.category:
            if c not in vocab.CATEGORIES:
                raise InvalidParameter(
                    f"category '{c}' is unknown; use one of {', '.join(vocab.CATEGORIES)}"
                )
        if self.geometry_quality not in (None, *vocab.GEOMETRY_QUALITIES):
            raise InvalidParameter(
                f"geometry_quality '{self.geometry_quality}' is unknown; use one of "
                + ", ".join(vocab.GEOMETRY_QUALITIES)
            )
        if self.filter_lang not in ("cql2-text", "cql2-json"):
            raise InvalidParameter("filter-lang must be cql2-text or cql2-json")
        if self.filter_crs is not None and parse_crs(self.filter_crs, "filter-crs").uri != CRS84:
            raise InvalidParameter("filter-crs: only CRS84 geometries are accepted in filters")
        parse_bbox(self.bbox, self.bbox_crs)
        return self

    @property
    def box(self) -> tuple[list[float], OutputCrs] | None:
        return parse_bbox(self.bbox, self.bbox_crs)

    def selection(self) -> dict[str, Any]:
        """The filters alone, without whatever else a request carries (paging, paper …)."""
        return self.model_dump(include=set(Filters.model_fields))

    def given(self) -> dict[str, Any]:
        """The filters given that select something, by parameter name: not the year (AsOf's),
        nor mode and filter-lang/-crs, which only say how to read the others."""
        return {
            Filters.model_fields[name].alias or name: value
            for name, value in self.selection().items()
            if value not in (None, [])
            and name not in (*AsOf.model_fields, "mode", "filter_lang", "filter_crs")
        }


class Shape(Parameters):
    """How the features are written: their CRS, properties and format."""

    crs: str | None = Field(None, json_schema_extra=one_of(*CRS_NAMES))
    properties: str | None = Field(
        None,
        json_schema_extra={"pattern": "^([a-z_]+(,[a-z_]+)*)?$"},
        description="Comma-separated property names",
    )
    f: str | None = Field(
        None,
        json_schema_extra=one_of(*OUTPUT_FORMATS),
        description="json (GeoJSON), html (a page) or a download of the filtered set",
    )

    @model_validator(mode="after")
    def _check_shape(self) -> Self:
        for name in self.property_names or []:
            if not re.fullmatch("[a-z_]+", name):
                raise InvalidParameter(f"properties: '{name}' is not a property name")
        parse_crs(self.crs)
        return self

    @property
    def output_crs(self) -> OutputCrs:
        return parse_crs(self.crs)

    @property
    def property_names(self) -> list[str] | None:
        return split_list([self.properties]) if self.properties is not None else None

    @property
    def shaped(self) -> bool:
        """Does the answer differ from the stored features (other CRS, fewer properties)?"""
        return self.properties is not None or self.output_crs != DEFAULT_CRS


class ItemParameters(AsOf, Shape):
    """One feature."""


class ItemsParameters(Filters, Shape):
    """A page of features (or the whole filtered set as a download, f=csv …)."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=2**31)
    sortby: str | None = Field(
        None,
        json_schema_extra={"pattern": "^([+-]?[a-z_]+(,[+-]?[a-z_]+)*)?$"},
        description="Comma-separated property names, each with - for descending order",
    )

    @model_validator(mode="after")
    def _check_items(self) -> Self:
        if self.f is not None and self.f not in OUTPUT_FORMATS:
            raise InvalidParameter(
                f"f: unknown format {self.f!r}: use one of json (GeoJSON), html (a page), or a "
                "download: " + ", ".join(EXPORT_FORMATS)
            )
        parse_sortby(self.sortby)
        return self

    @property
    def sort_keys(self) -> list[SortKey]:
        return parse_sortby(self.sortby)


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
    return check_year(year, parameter)


def check_year(year: int, parameter: str) -> int:
    if not vocab.YEAR_MIN <= year <= vocab.YEAR_MAX:
        raise InvalidParameter(
            f"{parameter} {year} is out of range {vocab.YEAR_MIN}–{vocab.YEAR_MAX}"
        )
    return year


def parse_year(year: int | None, datetime: str | None, default: int) -> YearRange:
    if year is not None and datetime is not None:
        raise InvalidParameter("give either year or datetime, not both")
    if year is not None:
        return YearRange(check_year(year, "year"))
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


def parse_sortby(value: str | None) -> list[SortKey]:
    keys = []
    for part in split_list([value] if value else []):
        descending = part.startswith("-")
        name = part.lstrip("+-").strip()
        if not re.fullmatch(r"[a-z_]+", name):
            raise InvalidParameter(f"sortby '{part}' is not a property name")
        keys.append(SortKey(name, descending))
    return keys
