"""What the feature, tile and other data routes share: links, data versions, boundaries."""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import Connection, func, select

from app import readmodel, vocab
from app.models import District

V = TypeVar("V")


class Recent(Generic[V]):
    """The values of the most recently used keys. The keys the routes use carry the data
    version: a write makes the old ones unreachable, and they age out."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
            return self._values.get(key)

    def put(self, key: str, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)

    def get_or_build(self, key: str, build: Callable[[], V]) -> V:
        value = self.get(key)
        if value is None:
            value = build()
            self.put(key, value)
        return value


def base_url(request: Request) -> str:
    """Where links point: the configured public address, else the address the request used."""
    public: str | None = request.app.state.settings.public_url
    return (public or str(request.base_url)).rstrip("/")


def link(href: str, rel: str, type_: str, title: str | None = None) -> dict[str, str]:
    result = {"href": href, "rel": rel, "type": type_}
    if title:
        result["title"] = title
    return result


def etag_for(request: Request, version: int) -> str:
    key = f"{version}|{request.url.path}?{request.url.query}|{request.headers.get('accept', '')}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def not_modified(request: Request, etag: str) -> bool:
    tags = {t.strip() for t in request.headers.get("if-none-match", "").split(",")}
    return etag in tags or "*" in tags


class NotModified(Exception):
    """The client holds the answer already (If-None-Match): a 304 (routes/problems.py)."""

    def __init__(self, etag: str) -> None:
        super().__init__(etag)
        self.etag = etag


def read_model_state(request: Request) -> readmodel.State:
    """The read model's state, as this server process keeps it (readmodel.StateWatch)."""
    watch: readmodel.StateWatch = request.app.state.read_model
    return watch.current()


def versioned(request: Request) -> tuple[readmodel.State, str]:
    """The read model's state and the ETag of the answer; NotModified if the client has it,
    before any connection is taken."""
    state = read_model_state(request)
    etag = etag_for(request, state.version)
    if not_modified(request, etag):
        raise NotModified(etag)
    return state, etag


def cached(request: Request, etag: str, response: Response) -> Response:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"  # may be stored, but revalidated each time
    return response


def township_membership(quality: str | None) -> dict[str, str]:
    """The members a feed's answer gets when it depends on township membership: whether it is
    estimated and from boundaries of what quality (nothing while no township is loaded)."""
    if quality is None:
        return {}
    estimated = vocab.membership_estimated([quality])
    return {
        "township_membership": "estimated" if estimated else "official",
        "township_boundary_quality": quality,
    }


def district_bbox(conn: Connection) -> list[float]:
    extent = conn.execute(
        select(
            func.ST_XMin(func.ST_Extent(District.geom)),
            func.ST_YMin(func.ST_Extent(District.geom)),
            func.ST_XMax(func.ST_Extent(District.geom)),
            func.ST_YMax(func.ST_Extent(District.geom)),
        )
    ).one()
    return [round(v, 6) for v in extent] if extent[0] is not None else [-180, -90, 180, 90]
