"""The data a standalone map file embeds: what the page would fetch, for the chosen filters."""

import json
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection, func, select

from app import readmodel, vocab
from app.crs import DEFAULT_CRS
from app.extract.sentences import section_of
from app.filters import MAX_LIMIT, Filters
from app.layers import LAYERS, select_features
from app.models import District, Document
from app.queries.features import Page, feature_page
from app.queries.filters import order_by
from app.queries.timeline import timeline
from app.settings import REPO_ROOT


def _collection(conn: Connection, layer_id: str, query: Filters, year: int) -> dict[str, Any]:
    layer = LAYERS[layer_id]
    asked = query.as_of(year)
    selection = select_features(conn, layer, asked)
    statement = feature_page(
        selection.rows,
        selection.where,
        order_by(selection.queryables, []),
        Page(MAX_LIMIT, 0),
        layer.properties,
        DEFAULT_CRS,
        layer.has_geometry,
    )
    result = conn.execute(statement).one()
    return {"type": "FeatureCollection", "features": json.loads(result.features)}


def timeline_rows(conn: Connection, project_id: str) -> list[dict[str, Any]]:
    """The project's events and targets, each with its evidence and the section it stands in."""
    rows = [dict(row._mapping) for row in conn.execute(timeline(project_id))]
    texts: dict[str, str | None] = {}
    for row in rows:
        document = row["document"]
        if document not in texts:
            texts[document] = conn.execute(
                select(Document.text).where(Document.id == document)
            ).scalar()
        text = texts[document]
        row["section"] = section_of(text, row["start"]) if text else None
    return rows


BASEMAP_FILE = REPO_ROOT / "geodata" / "basemap.geojson"


def basemap_collection(conn: Connection) -> dict[str, Any]:
    """The district outline from the database, then the rivers and roads of geodata/ (drawn
    approximately, for orientation; absent if the file is)."""
    row = conn.execute(
        select(District.name, func.ST_AsGeoJSON(District.geom, 6), District.boundary_quality)
    ).first()
    features = []
    if row is not None:
        features.append({
            "type": "Feature",
            "id": "district",
            "geometry": json.loads(row[1]),
            "properties": {"name": row[0], "kind": "district", "rank": 1, "quality": row[2]},
        })  # fmt: skip
    if BASEMAP_FILE.exists():
        features += json.loads(BASEMAP_FILE.read_text("utf-8"))["features"]
    return {"type": "FeatureCollection", "features": features}


# What the page's URL says in its own words (behind=1), or does not keep (q, bbox, filter).
PAGE_OWN_FILTERS = {
    "township", "status", "category", "programme", "behind_plan", "q", "bbox", "filter",
}  # fmt: skip


def _view(conn: Connection, query: Filters) -> str:
    """The page's URL query for the view the file was made from, which it opens in."""
    view: dict[str, str] = {"mode": query.mode}
    if query.year is not None:
        view["year"] = str(query.year)
    codes = select_features(conn, LAYERS["projects"], query).township_codes
    if len(codes) == 1:
        view["township"] = codes[0]
    if query.status:
        view["status"] = ",".join(query.status)
    if query.category:
        view["category"] = ",".join(query.category)
    if len(query.programme) == 1:
        view["programme"] = query.programme[0]
    if query.behind_plan:
        view["behind"] = "1"
    # The filters the page has no control of its own for keep their parameter names.
    for name, value in query.given().items():
        if name not in PAGE_OWN_FILTERS:
            view[name] = ",".join(value) if isinstance(value, list) else str(value)
    return urlencode(view)


def embedded_data(conn: Connection, query: Filters) -> dict[str, Any]:
    """Keys are what static/map.js asks for: projects:YEAR, townships:YEAR, programmes,
    timeline:ID, reported (the latest year a report covers) and view (the page's URL query it
    opens with). The project filters of `query` apply; townships and programmes are whole."""
    unfiltered = Filters()
    data: dict[str, Any] = {}
    ids: set[str] = set()
    for year in vocab.PLAN_YEARS:
        projects = _collection(conn, "projects", query, year)
        ids |= {f["id"] for f in projects["features"]}
        data[f"projects:{year}"] = projects
        data[f"townships:{year}"] = _collection(conn, "townships", unfiltered, year)
    data["programmes"] = _collection(conn, "programmes", unfiltered, vocab.PLAN_YEARS[-1])
    data["basemap"] = basemap_collection(conn)
    data["reported"] = readmodel.state(conn).reported_year
    data["view"] = _view(conn, query)
    for project_id in sorted(ids):
        data[f"timeline:{project_id}"] = timeline_rows(conn, project_id)
    return data
