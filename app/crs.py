"""Coordinate reference systems the feeds speak (OGC API – Features Part 2)."""

from dataclasses import dataclass

from app.errors import InvalidParameter

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


@dataclass(frozen=True)
class OutputCrs:
    uri: str
    srid: int
    lat_lon: bool  # axis order latitude first, as EPSG defines for geographic CRSs
    decimals: int  # enough for ~1 cm


def _epsg(code: int, lat_lon: bool, decimals: int) -> OutputCrs:
    return OutputCrs(f"http://www.opengis.net/def/crs/EPSG/0/{code}", code, lat_lon, decimals)


SUPPORTED_CRS = {
    c.uri: c
    for c in (
        OutputCrs(CRS84, 4326, False, 7),
        _epsg(4326, True, 7),
        _epsg(4490, True, 7),  # CGCS2000, China's geodetic datum
        _epsg(3857, False, 2),  # web Mercator
        _epsg(4548, False, 3),  # CGCS2000 / Gauss-Krüger CM 117E: Beijing's metric grid
        _epsg(4547, False, 3),  # CGCS2000 / Gauss-Krüger CM 114E, used by some Beijing data
    )
}
DEFAULT_CRS = SUPPORTED_CRS[CRS84]


def parse_crs(value: str | None, parameter: str = "crs") -> OutputCrs:
    if value is None:
        return DEFAULT_CRS
    key = value.strip().strip("[]")  # safe CURIE form [EPSG:4326] is accepted too
    if key.upper().startswith("EPSG:"):
        key = f"http://www.opengis.net/def/crs/EPSG/0/{key[5:]}"
    elif key.upper() in ("OGC:CRS84", "CRS84"):
        key = CRS84
    crs = SUPPORTED_CRS.get(key)
    if crs is None:
        raise InvalidParameter(
            f"{parameter} '{value}' is not supported; use one of: {', '.join(SUPPORTED_CRS)}"
        )
    return crs
