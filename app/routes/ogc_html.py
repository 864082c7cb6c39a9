"""The OGC API pages as HTML, for people with a browser: built from the same dicts (and the same
feature JSON text) the JSON answers are, every value escaped on its way into the markup."""

import json
from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from fastapi import Request
from fastapi.responses import HTMLResponse

from app import vocab

HTML = "text/html"
JSON_TYPES = ("application/json", "application/geo+json")
# Parameters a page shows as the request's filters (the rest steer the page itself).
NOT_FILTERS = {"f", "offset", "limit"}
CELL_CHARS = 80  # a table cell shows this much of a structured value; the item page all of it


def wanted(request: Request) -> bool:
    """f=html; or no f and an Accept that ranks text/html above JSON, as browsers send it. GIS
    clients (and curl's */*) get JSON."""
    f = request.query_params.get("f")
    if f is not None:
        return f == "html"
    return prefers_html(request.headers.get("accept", ""))


def prefers_html(accept: str) -> bool:
    """Whether text/html comes first among the HTML and JSON types Accept names: by q, then by
    the order listed. Wildcards do not count: `*/*` asks for nothing in particular."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        if q > 0 and (media == HTML or media in JSON_TYPES):
            ranked.append((-q, index, media))
    return bool(ranked) and min(ranked)[2] == HTML


def with_query(href: str, **changes: str | None) -> str:
    """`href` with query parameters set (a value) or removed (None)."""
    parts = urlsplit(href)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in changes]
    params += [(k, v) for k, v in changes.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(params)))


# --- the markup --------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _anchor(href: str, text: Any) -> str:
    return f'<a href="{_e(href)}">{_e(text)}</a>'


def _links(links: Iterable[dict[str, Any]]) -> str:
    items = "".join(
        f"<li>{_anchor(link['href'], link.get('title') or link['href'])}"
        f' <span class="tz-rel">{_e(link.get("rel", ""))} · {_e(link.get("type", ""))}</span></li>'
        for link in links
    )
    return f'<h2>链接 Links</h2><ul class="tz-links">{items}</ul>'


def _self(links: Iterable[dict[str, Any]]) -> str | None:
    return next((link["href"] for link in links if link.get("rel") == "self"), None)


def _page(
    title: str, body: str, json_href: str | None, features: str | None = None
) -> HTMLResponse:
    """A whole page. With `features` (GeoJSON text in CRS84), a map of them too; the data rides
    in a JSON block, which the browser does not run."""
    head = ""
    if features is not None:
        head = (
            '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">'
            '<script src="/static/vendor/leaflet/leaflet.js"></script>'
            '<script src="/static/ogc.js"></script>'
        )
        # "<" only occurs inside JSON strings, where \u003c means the same: no "</script>".
        data = features.replace("<", "\\u003c")
        body = (
            '<div id="tz-ogc-map" aria-label="地图 Map"></div>'
            f'<script type="application/geo+json" id="tz-ogc-features">{data}</script>{body}'
        )
    alternate = f" · {_anchor(json_href, 'JSON')}" if json_href else ""
    document = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{_e(title)} · 通州副中心项目地图</title>
<link rel="stylesheet" href="/static/ogc.css">
{head}
</head>
<body>
<header><h1>{_e(title)}</h1>
<nav><a href="/">地图 Map</a> · <a href="/?f=html">API</a> · <a href="/collections?f=html">集合
Collections</a> · <a href="/docs">API 文档 Docs</a>{alternate}</nav></header>
<main>
{body}
</main>
</body>
</html>
"""
    return HTMLResponse(document, headers={"Vary": "Accept"})


def _value(value: Any, limit: int | None = None) -> str:
    """A property's value as text: lists of plain values joined, structures as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        text = str(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return _e(text)


def _filters(self_href: str | None) -> str:
    """What the request asked for, as the user sent it (escaped like everything else)."""
    if self_href is None:
        return ""
    asked = [
        (k, v)
        for k, v in parse_qsl(urlsplit(self_href).query, keep_blank_values=True)
        if k not in NOT_FILTERS
    ]
    if not asked:
        return ""
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in asked)
    return f'<h2>查询条件 Filters</h2><dl class="tz-filters">{rows}</dl>'


# --- the pages ---------------------------------------------------------------------------------


def landing_page(body: dict[str, Any]) -> HTMLResponse:
    self_href = _self(body["links"])
    content = f"<p>{_e(body.get('description', ''))}</p>{_links(body['links'])}"
    return _page(body["title"], content, self_href and with_query(self_href, f="json"))


def conformance_page(body: dict[str, Any], self_href: str) -> HTMLResponse:
    classes = "".join(f"<li>{_anchor(uri, uri)}</li>" for uri in body["conformsTo"])
    content = f"<h2>符合的标准 Conformance classes</h2><ul>{classes}</ul>"
    return _page("Conformance", content, with_query(self_href, f="json"))


def _items_anchor(links: list[dict[str, Any]]) -> str:
    items = next((link["href"] for link in links if link.get("rel") == "items"), None)
    return _anchor(with_query(items, f="html"), "要素 Items") if items else ""


def _collection_summary(collection: dict[str, Any]) -> str:
    links = collection["links"]
    self_href = _self(links) or ""
    items = _items_anchor(links)
    return (
        f"<li>{_anchor(with_query(self_href, f='html'), collection['title'])}"
        f"{' · ' + items if items else ''}"
        f'<br><span class="tz-note">{_e(collection.get("description", ""))}</span></li>'
    )


def collections_page(body: dict[str, Any]) -> HTMLResponse:
    summaries = "".join(_collection_summary(c) for c in body["collections"])
    content = f'<ul class="tz-collections">{summaries}</ul>{_links(body["links"])}'
    self_href = _self(body["links"])
    return _page("集合 Collections", content, self_href and with_query(self_href, f="json"))


def collection_page(collection: dict[str, Any]) -> HTMLResponse:
    facts = [("id", collection["id"]), ("description", collection.get("description", ""))]
    facts.append(("keywords", ", ".join(collection.get("keywords", []))))
    extent = collection.get("extent", {})
    if "spatial" in extent:
        facts.append(("bbox", ", ".join(str(v) for v in extent["spatial"]["bbox"][0])))
    if "temporal" in extent:
        facts.append(
            ("interval", " / ".join(str(v or "..") for v in extent["temporal"]["interval"][0]))
        )
    if "crs" in collection:
        facts.append(("crs", ", ".join(collection["crs"])))
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    items = _items_anchor(collection["links"])
    content = f"<dl>{rows}</dl><p>{items}</p>{_links(collection['links'])}"
    self_href = _self(collection["links"])
    return _page(collection["title"], content, self_href and with_query(self_href, f="json"))


def _membership(head: dict[str, Any]) -> str:
    """The note that township membership is estimated, when the answer says it is."""
    quality = head.get("township_boundary_quality")
    if head.get("township_membership") != "estimated" or quality is None:
        return ""
    notes = " ".join(vocab.TOWNSHIP_MEMBERSHIP_NOTES[lang][quality] for lang in ("zh", "en"))
    return f'<p class="tz-note tz-membership">{_e(notes)}</p>'


def items_page(head: dict[str, Any], features: str, title: str, draw_map: bool) -> HTMLResponse:
    """A page of features: `head` is the FeatureCollection without its features, `features` the
    JSON array of them as the database wrote it. `draw_map` when they are in CRS84."""
    parsed: list[dict[str, Any]] = json.loads(features)
    links = head["links"]
    self_href = _self(links) or ""
    items_url = urlunsplit(urlsplit(self_href)._replace(query=""))
    # An item page keeps the year the list was asked for.
    kept = {k: v for k, v in parse_qsl(urlsplit(self_href).query) if k in ("year", "datetime")}
    columns = list(dict.fromkeys(k for f in parsed for k in (f.get("properties") or {})))
    header = "".join(f"<th>{_e(c)}</th>" for c in ["id", *columns])
    rows = []
    for feature in parsed:
        href = f"{items_url}/{quote(str(feature['id']), safe='')}?" + urlencode(
            {**kept, "f": "html"}
        )
        properties = feature.get("properties") or {}
        cells = "".join(f"<td>{_value(properties.get(c), CELL_CHARS)}</td>" for c in columns)
        rows.append(f"<tr><td>{_anchor(href, feature['id'])}</td>{cells}</tr>")
    offset = int(dict(parse_qsl(urlsplit(self_href).query)).get("offset", 0))
    returned, matched = head["numberReturned"], head["numberMatched"]
    shown = f"{offset + 1}–{offset + returned}" if returned else "0"
    pager = "".join(
        f' <a rel="{rel}" href="{_e(with_query(link["href"], f="html"))}">{label}</a>'
        for rel, label in (("prev", "← 上一页 Previous"), ("next", "下一页 Next →"))
        for link in links
        if link.get("rel") == rel
    )
    content = (
        f'<p class="tz-count">{shown} / {_e(matched)} · 年份 year {_e(head.get("year", ""))}'
        f"{pager}</p>{_membership(head)}{_filters(self_href)}"
        f'<div class="tz-table"><table><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{_links(links)}"
    )
    data = f'{{"type":"FeatureCollection","features":{features}}}'
    return _page(title, content, with_query(self_href, f="json"), data if draw_map else None)


def item_page(feature_text: str, title: str, draw_map: bool) -> HTMLResponse:
    """One feature as the item route answers it (links included), its properties listed."""
    feature = json.loads(feature_text)
    properties = feature.get("properties") or {}
    name = properties.get("name") or feature["id"]
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_value(v)}</dd>" for k, v in properties.items())
    geometry = feature.get("geometry")
    kind = geometry["type"] if geometry else "—"
    content = (
        f'<p class="tz-note">{_e(title)} · id {_e(feature["id"])} · geometry {_e(kind)}</p>'
        f'<dl class="tz-properties">{rows}</dl>{_links(feature.get("links", []))}'
    )
    self_href = _self(feature.get("links", []))
    data = f'{{"type":"FeatureCollection","features":[{feature_text}]}}'
    return _page(
        str(name),
        content,
        self_href and with_query(self_href, f="json"),
        data if draw_map and geometry else None,
    )
