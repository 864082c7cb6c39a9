"""The OGC API pages as HTML: asked with f=html or a browser's Accept, linked from the JSON as
alternates, every value escaped (the request's and the data's alike)."""

import re
from typing import Any

import pytest

from app.routes.ogc_html import prefers_html
from tests.routes.conftest import Living

ITEMS = "/collections/projects/items"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
GDAL = "application/geo+json, application/json"
EVIL_NAME = "<script>window.pwned=1</script>测试项目"
EVIL_ID = "test-evil-name"


@pytest.fixture(scope="module")
def evil(living: Living) -> str:
    """A project whose name is markup, made the way a planner makes one."""
    body = {
        "id": EVIL_ID,
        "name": EVIL_NAME,
        "category": "education",
        "aliases": ['"><img src=x onerror=alert(1)>'],
        "geometry": {"type": "Point", "coordinates": [116.73, 39.96]},
        "geometry_quality": "approximate",
        "description": "</script><script>window.pwned=2</script>",
    }
    created = living.write("planner", "POST", ITEMS, body)
    assert created.status_code == 201, created.text
    return EVIL_ID


def html(living: Living, path: str, **params: Any) -> str:
    response = living.client.get(path, params=params, headers={"Accept": BROWSER})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"]
    assert "default-src 'self'" in response.headers["content-security-policy"]
    return response.text


def hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', page)


def alternates(links: list[dict[str, str]]) -> list[str]:
    return [link["href"] for link in links if link["rel"] == "alternate"]


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/conformance", "Conformance"),
        ("/collections", "集合 Collections"),
        ("/collections/projects", "重点项目 Projects"),
        ("/collections/townships/items", "乡镇"),
        (ITEMS, "重点项目 Projects"),
    ],
)
def test_a_browser_gets_html(living: Living, path: str, title: str) -> None:
    page = html(living, path)
    assert page.startswith("<!DOCTYPE html>") and f"<title>{title}" in page
    assert "/static/ogc.css" in page
    if path == "/collections/projects":
        assert f'href="http://testserver{ITEMS}?f=html"' in page


def test_the_landing_page_stays_the_map_and_answers_html_when_asked(living: Living) -> None:
    assert "TZMAP_CONFIG" in living.client.get("/", headers={"Accept": BROWSER}).text
    page = html(living, "/", f="html")
    assert "TZMAP_CONFIG" not in page
    assert "http://testserver/docs" in hrefs(page) and "service-doc" in page
    assert "http://testserver/?f=json" in hrefs(page)  # the JSON of the same document


@pytest.mark.parametrize("accept", [GDAL, "*/*", "", "application/json;q=1, text/html;q=0.5"])
def test_clients_that_do_not_prefer_html_get_json(living: Living, accept: str) -> None:
    for path in ("/collections", "/collections/projects", f"{ITEMS}?limit=2"):
        response = living.client.get(path, headers={"Accept": accept})
        assert response.status_code == 200
        assert "json" in response.headers["content-type"]
    response = living.client.get(ITEMS, params={"f": "json"}, headers={"Accept": BROWSER})
    assert response.headers["content-type"] == "application/geo+json"


def test_accept_ranking() -> None:
    assert prefers_html(BROWSER)
    assert prefers_html("application/json;q=0.5, text/html")
    assert prefers_html("text/html, application/json")
    assert not prefers_html("application/json, text/html")
    assert not prefers_html("text/html;q=0, */*")
    assert not prefers_html("text/html;q=bogus, application/json;q=0.1")


def test_json_answers_link_their_html_alternates(living: Living) -> None:
    landing = living.client.get("/").json()["links"]
    assert alternates(landing) == ["http://testserver/?f=html"]
    assert {"service-doc": "http://testserver/docs"}.items() <= {
        link["rel"]: link["href"] for link in landing
    }.items()
    collections = living.client.get("/collections").json()
    assert alternates(collections["links"]) == ["http://testserver/collections?f=html"]
    projects = next(c for c in collections["collections"] if c["id"] == "projects")
    assert alternates(projects["links"]) == ["http://testserver/collections/projects?f=html"]
    assert [link["type"] for link in projects["links"] if link["rel"] == "items"] == [
        "application/geo+json"  # one items link: clients that take the first or last agree
    ]
    page = living.client.get(ITEMS, params={"limit": 2, "category": "education"}).json()
    html_links = [link for link in page["links"] if link["type"] == "text/html"]
    assert [link["rel"] for link in html_links] == ["alternate"]
    assert "f=html" in html_links[0]["href"] and "category=" in html_links[0]["href"]
    assert all("f=html" not in link["href"] for link in page["links"] if link not in html_links)
    feature = living.client.get(f"{ITEMS}/{living.own_project}").json()
    assert alternates(feature["links"]) == [f"http://testserver{ITEMS}/{living.own_project}?f=html"]


def test_items_page_has_a_table_item_links_and_paging(living: Living) -> None:
    page = html(living, ITEMS, f="html", limit=5, offset=5, year=2022)
    assert page.count("<tr><td><a href=") == 5
    item_links = [h for h in hrefs(page) if re.search(r"/items/[^/?]+\?", h)]
    assert len(item_links) == 5
    assert all("year=2022" in h and h.endswith("f=html") for h in item_links)
    assert 'rel="next"' in page and 'rel="prev"' in page
    nxt = re.search(r'rel="next" href="([^"]*)"', page)
    assert nxt and "offset=10" in nxt[1] and "f=html" in nxt[1]
    assert "6–10 /" in page
    assert 'id="tz-ogc-map"' in page and "/static/vendor/leaflet/leaflet.js" in page
    # Followed, a page link answers HTML again.
    assert "<table>" in html(living, nxt[1].replace("&amp;", "&").replace("http://testserver", ""))


def test_items_page_in_another_crs_has_no_map(living: Living) -> None:
    page = html(living, ITEMS, f="html", limit=2, crs="http://www.opengis.net/def/crs/EPSG/0/4548")
    assert "<table>" in page and 'id="tz-ogc-map"' not in page


def test_item_page_lists_the_properties(living: Living) -> None:
    page = html(living, f"{ITEMS}/{living.own_project}", f="html")
    assert '<dl class="tz-properties">' in page
    for name in ("<dt>name</dt>", "<dt>status</dt>", "<dt>townships</dt>", "<dd>宋庄镇"):
        assert name in page
    assert 'id="tz-ogc-features"' in page


def test_html_is_not_an_export_and_bad_f_says_html(living: Living) -> None:
    response = living.client.get(ITEMS, params={"f": "docx"})
    assert response.status_code == 400
    assert "html" in response.json()["detail"]


def test_html_pages_revalidate_apart_from_json(living: Living) -> None:
    page = living.client.get(ITEMS, params={"limit": 1}, headers={"Accept": BROWSER})
    data = living.client.get(ITEMS, params={"limit": 1}, headers={"Accept": GDAL})
    assert page.headers["etag"] != data.headers["etag"]
    again = living.client.get(
        ITEMS,
        params={"limit": 1},
        headers={"Accept": BROWSER, "If-None-Match": page.headers["etag"]},
    )
    assert again.status_code == 304


def test_a_hostile_query_value_stays_text(living: Living) -> None:
    hostile = '"><script>window.pwned=1</script>'
    page = html(living, ITEMS, f="html", q=hostile, category="education")
    assert "<script>window.pwned" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page  # shown among the filters
    assert all('"' not in h and "<" not in h for h in hrefs(page))
    landing = html(living, "/", f="html", q=hostile)  # GDAL's repeated parameters: ignored
    assert "<script>window.pwned" not in landing


def test_a_project_named_with_markup_stays_text(living: Living, evil: str) -> None:
    listed = html(living, ITEMS, f="html", q="测试项目")
    item = html(living, f"{ITEMS}/{evil}", f="html")
    for page in (listed, item):
        assert "<script>window.pwned" not in page and "<img src=x" not in page
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;测试项目" in page
        # The map's data block carries the name with "<" escaped, so it cannot end the block.
        block = re.search(r'id="tz-ogc-features">(.*?)</script>', page, re.S)
        assert block and "\\u003cscript>window.pwned=1\\u003c/script>" in block[1]
    assert "<title>&lt;script&gt;window.pwned=1&lt;/script&gt;测试项目 ·" in item


def test_the_api_documentation_is_served_from_this_server(living: Living) -> None:
    page = living.client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    sources = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert sources and all(s.startswith(("/", "data:")) for s in sources)
    for source in sources:
        if source.startswith("/static/"):
            assert living.client.get(source).status_code == 200, source
