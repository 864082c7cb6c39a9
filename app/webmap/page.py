"""The web map page: Folium builds the map, its base layers and controls; static/map.js does the
interactive parts from the project's own API. Every script and stylesheet comes from this server,
or is inlined for the standalone export; nothing is fetched from a CDN."""

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium

from app import vocab
from app.filters import Filters
from app.webmap.assets import LEAFLET_DIR, STATIC_DIR, VENDOR_DIRS

CENTRE = (39.80, 116.72)


class OfflineMap(folium.Map):
    """Folium's map with Leaflet from our own server instead of its CDN defaults (which also pull
    jQuery, Bootstrap and Font Awesome the page does not need)."""

    default_js = [("leaflet", "/static/vendor/leaflet/leaflet.js")]  # noqa: RUF012
    default_css = [("leaflet_css", "/static/vendor/leaflet/leaflet.css")]  # noqa: RUF012


@dataclass(frozen=True)
class BaseLayer:
    key: str
    name_zh: str
    name_en: str
    url: str
    attribution: str
    gcj02: bool = False  # Chinese web maps are drawn in GCJ-02: overlays must be shifted
    subdomains: str = "abc"


def base_layers(tianditu_key: str | None) -> list[BaseLayer]:
    layers = [
        BaseLayer(
            "osm",
            "OpenStreetMap",
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "© OpenStreetMap contributors",
        ),
        BaseLayer(
            "amap",
            "高德地图",
            "AMap",
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            "© 高德地图 AMap",
            gcj02=True,
            subdomains="1234",
        ),
        BaseLayer(
            "tencent",
            "腾讯地图",
            "Tencent Maps",
            "https://rt{s}.map.gtimg.com/realtimerender?z={z}&x={x}&y={-y}&type=vector&style=0",
            "© 腾讯地图 Tencent",
            gcj02=True,
            subdomains="0123",
        ),
    ]
    if tianditu_key:
        layers.append(
            BaseLayer(
                "tianditu",
                "天地图",
                "Tianditu",
                "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={tianditu_key}",
                "© 天地图 Tianditu",
                subdomains="01234567",
            )
        )
    return layers


PANEL = """
<div id="tz-panel" class="tz-panel" role="complementary">
  <button id="tz-skip" type="button" class="tz-skip" data-i18n="skipToTable"></button>
  <header class="tz-head">
    <h1 id="tz-title" data-i18n="title"></h1>
    <button id="tz-lang" type="button" class="tz-small" aria-label="English / 中文"></button>
    <button id="tz-collapse" type="button" class="tz-small" data-i18n-label="collapse">☰</button>
  </header>
  <section id="tz-account" class="tz-block tz-account" aria-live="polite" hidden></section>
  <section id="tz-queue" class="tz-block tz-queue" aria-live="polite" hidden></section>
  <section id="tz-project" class="tz-block tz-project" aria-live="polite" hidden></section>
  <section class="tz-block" aria-labelledby="tz-year-label">
    <label id="tz-year-label" for="tz-year" data-i18n="year"></label>
    <div class="tz-row">
      <button id="tz-play" type="button" class="tz-small" data-i18n-label="play">▶</button>
      <input id="tz-year" type="range" step="1">
      <output id="tz-year-value" for="tz-year"></output>
    </div>
    <div class="tz-row" role="radiogroup" aria-labelledby="tz-mode-label">
      <span id="tz-mode-label" data-i18n="mode"></span>
      <label><input type="radio" name="tz-mode" value="actual">
        <span data-i18n="actual"></span></label>
      <label><input type="radio" name="tz-mode" value="plan">
        <span data-i18n="plan"></span></label>
    </div>
    <label class="tz-row"><input id="tz-behind" type="checkbox">
      <span data-i18n="behindOnly"></span></label>
    <div id="tz-behind-note" class="tz-note" aria-live="polite"></div>
  </section>
  <section class="tz-block">
    <label for="tz-township" data-i18n="township"></label>
    <select id="tz-township"></select>
    <div id="tz-township-note" class="tz-note" role="status"></div>
    <div id="tz-township-summary" class="tz-summary" aria-live="polite"></div>
  </section>
  <section class="tz-block">
    <label for="tz-search" data-i18n="search"></label>
    <div class="tz-row">
      <input id="tz-search" type="search" autocomplete="off" list="tz-search-list">
      <datalist id="tz-search-list"></datalist>
    </div>
    <div id="tz-search-result" class="tz-note" aria-live="polite"></div>
  </section>
  <section class="tz-block">
    <fieldset id="tz-status-filter"><legend data-i18n="status"></legend></fieldset>
    <fieldset id="tz-category-filter"><legend data-i18n="category"></legend></fieldset>
    <label for="tz-programme" data-i18n="programme"></label>
    <select id="tz-programme"></select>
    <div id="tz-programme-note" class="tz-note" aria-live="polite"></div>
    <div id="tz-more-filters"></div>
  </section>
  <footer class="tz-block tz-foot">
    <div id="tz-count" class="tz-note"></div>
    <button id="tz-print-open" type="button" class="tz-small" aria-haspopup="dialog"
      aria-controls="tz-print-dialog" data-i18n="printOrExport"></button>
    <a id="tz-share" href="#" data-i18n="share"></a>
    <a id="tz-extract" href="/extract" data-i18n="readReport"></a>
  </footer>
</div>
<section id="tz-drawer" class="tz-drawer">
  <div class="tz-tabs"><div class="tz-tablist" role="tablist">
    <button id="tz-tab-table" type="button" role="tab" aria-controls="tz-table-pane"
      aria-selected="false" data-tab="table" data-i18n="tableTab"></button>
    <button id="tz-tab-charts" type="button" role="tab" aria-controls="tz-charts-pane"
      aria-selected="false" data-tab="charts" data-i18n="chartsTab"></button>
    <button id="tz-tab-changes" type="button" role="tab" aria-controls="tz-changes-pane"
      aria-selected="false" data-tab="changes" data-i18n="changesTab"></button></div>
    <button id="tz-drawer-close" type="button" class="tz-drawer-close" data-i18n="closeDrawer"
      aria-controls="tz-drawer"></button>
  </div>
  <div id="tz-table-pane" class="tz-pane" role="tabpanel" aria-labelledby="tz-tab-table"
    tabindex="-1" hidden></div>
  <div id="tz-charts-pane" class="tz-pane" role="tabpanel" aria-labelledby="tz-tab-charts"
    hidden></div>
  <div id="tz-changes-pane" class="tz-pane" role="tabpanel" aria-labelledby="tz-tab-changes"
    hidden></div>
</section>
<div id="tz-legend" class="tz-legend leaflet-control" aria-label="legend"></div>
<div id="tz-banner" class="tz-banner" role="status" hidden></div>
<div id="tz-base-note" class="tz-banner tz-base-note" role="alert" hidden></div>
<dialog id="tz-print-dialog" class="tz-dialog" aria-labelledby="tz-print-heading">
  <form id="tz-print-form" class="tz-print-form">
    <h2 id="tz-print-heading" data-i18n="printDialog"></h2>
    <h3 data-i18n="sheetHeading"></h3>
    <p id="tz-print-scope" class="tz-note"></p>
    <fieldset class="tz-print-choice">
      <legend data-i18n="paper"></legend>
      <label><input type="radio" name="tz-print-size" value="A4" checked> A4</label>
      <label><input type="radio" name="tz-print-size" value="A3"> A3</label>
    </fieldset>
    <fieldset class="tz-print-choice">
      <legend data-i18n="orientation"></legend>
      <label><input type="radio" name="tz-print-orientation" value="portrait" checked>
        <span data-i18n="portrait"></span></label>
      <label><input type="radio" name="tz-print-orientation" value="landscape">
        <span data-i18n="landscape"></span></label>
    </fieldset>
    <fieldset class="tz-print-choice">
      <legend data-i18n="printFormat"></legend>
      <label><input type="radio" name="tz-print-format" value="pdf" checked> PDF</label>
      <label><input type="radio" name="tz-print-format" value="png"> PNG</label>
    </fieldset>
    <fieldset class="tz-print-choice">
      <legend data-i18n="printLang"></legend>
      <label><input type="radio" name="tz-print-lang" value="zh" checked>
        <span lang="zh-CN">中文</span></label>
      <label><input type="radio" name="tz-print-lang" value="en">
        <span lang="en">English</span></label>
    </fieldset>
    <label class="tz-print-atlas"><input id="tz-print-atlas" type="checkbox">
      <span data-i18n="atlasOption"></span></label>
    <label for="tz-print-title" class="tz-print-title-label" data-i18n="printTitle"></label>
    <input id="tz-print-title" type="text" maxlength="80" autocomplete="off"
      aria-describedby="tz-print-title-note">
    <div id="tz-print-title-note" class="tz-note" data-i18n="printTitleNote"></div>
    <div class="tz-print-actions">
      <a id="tz-print" class="tz-button tz-button-main" href="/print"></a>
      <div id="tz-print-progress" class="tz-print-progress" role="status" hidden>
        <progress></progress> <span data-i18n="making"></span>
      </div>
    </div>
    <div id="tz-print-done" class="tz-note" aria-live="polite"></div>
    <div id="tz-print-error" class="tz-print-error" role="alert" hidden></div>
    <h3 data-i18n="offlineHeading"></h3>
    <p class="tz-note" data-i18n="exportNote"></p>
    <div class="tz-print-actions">
      <a id="tz-export" class="tz-button" href="#" data-i18n="exportHtml"></a>
    </div>
    <div class="tz-print-close">
      <button id="tz-print-close" type="button" class="tz-small" data-i18n="close"></button>
    </div>
  </form>
</dialog>
"""


def vocabulary() -> dict[str, Any]:
    """The words and colours the page shares with the prints and the feeds (app.vocab)."""

    def status_key(status: str | None) -> str:
        return status or "not_reported"

    return {
        "years": list(vocab.PLAN_YEARS),
        "statuses": list(vocab.STATUSES),
        "statusNames": {
            lang: {status_key(s): name for s, name in names.items()}
            for lang, names in vocab.STATUS_LABELS.items()
        },
        "planNone": vocab.PLAN_NONE_LABELS,
        "categoryNames": vocab.CATEGORY_LABELS,
        "qualityNames": vocab.GEOMETRY_QUALITY_LABELS,
        "programmeStages": vocab.PROGRAMME_STAGE_LABELS,
        "colours": {status_key(s): colour for s, colour in vocab.STATUS_COLOURS.items()},
        "behind": vocab.BEHIND_PLAN_COLOUR,
        # Said wherever the page answers by township while the boundaries are not official.
        "boundaryQualityNames": vocab.BOUNDARY_QUALITY_LABELS,
        "membershipNotes": vocab.TOWNSHIP_MEMBERSHIP_NOTES,
        "boundaryQualities": list(vocab.BOUNDARY_QUALITIES),  # best first
        "moves": list(vocab.MOVES),
        "moveNames": vocab.MOVE_LABELS,
        "moveColours": vocab.MOVE_COLOURS,
    }


def _script_json(value: Any) -> str:
    """JSON inside a <script> element: '</' is escaped so data cannot close the element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def map_page(
    *,
    tianditu_key: str | None = None,
    print_url: str | None = None,
    embedded: dict[str, Any] | None = None,
    anonymous_read: bool = True,
) -> str:
    """The page as HTML. With `embedded` (API responses by URL), the page reads its data from
    itself and every asset is inlined: one file that opens with no server and no network.
    Without `anonymous_read` the page asks for a sign-in before it reads any data."""
    fmap = OfflineMap(
        location=CENTRE, zoom_start=11, tiles=None, control_scale=True, prefer_canvas=True
    )
    # A standalone file is for where there is no network: online base maps would not load.
    layers = base_layers(tianditu_key) if embedded is None else []
    names = {}
    for layer in layers:
        tile = folium.TileLayer(
            layer.url,
            attr=layer.attribution,
            name=layer.name_zh,
            show=False,
            subdomains=layer.subdomains,
            max_zoom=18,
        )
        tile.add_to(fmap)
        names[layer.key] = tile.get_name()
    root: Any = fmap.get_root()  # a branca Figure: header, html and script sections
    root.header.add_child(
        folium.Element(
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="data:,">'
            '<link rel="stylesheet" href="/static/map.css">'
            '<link rel="stylesheet" href="/static/table.css">'
            '<link rel="stylesheet" href="/static/charts.css">'
        )
    )
    root.html.add_child(folium.Element(PANEL))
    config = {
        "map": fmap.get_name(),
        "baseLayers": [
            {"key": b.key, "var": names[b.key], "zh": b.name_zh, "en": b.name_en, "gcj02": b.gcj02}
            for b in layers
        ],
        "printUrl": print_url,
        "embedded": embedded is not None,
        "anonymousRead": anonymous_read,
        "vocabulary": vocabulary(),
        # The selection the feeds, tiles and prints take (app.filters.Filters), by parameter
        # name: the page offers a control for each filter with a value list it has none for.
        "filters": Filters.model_json_schema(by_alias=True)["properties"],
    }
    script = f"window.TZMAP_CONFIG = {_script_json(config)};"
    if embedded is not None:
        script += f"\nwindow.TZMAP_DATA = {_script_json(embedded)};"
    root.script.add_child(folium.Element(script))
    if embedded is None:
        # Signing in and editing need the server: a standalone file has neither. The session
        # script comes first, so that the map's first requests already carry the token.
        root.header.add_child(folium.Element('<link rel="stylesheet" href="/static/edit.css">'))
        root.html.add_child(folium.Element('<script src="/static/auth.js" defer></script>'))
    root.html.add_child(folium.Element('<script src="/static/map.js" defer></script>'))
    # The project table under the map reads what map.js draws (tzmap:drawn): it comes after it.
    root.html.add_child(folium.Element('<script src="/static/table.js" defer></script>'))
    # The charts and what changed, likewise; Chart.js is loaded when the charts tab opens.
    root.html.add_child(folium.Element('<script src="/static/charts.js" defer></script>'))
    if embedded is None:
        root.html.add_child(folium.Element('<script src="/static/edit.js" defer></script>'))
    # Folium's own viewport tag forbids zooming the page, which phone users need to read it.
    html = re.sub(r'<meta name="viewport"[^>]*user-scalable=no[^>]*>', "", root.render())
    return _inline_assets(html) if embedded is not None else html


def _base64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _asset(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _chartjs() -> str:
    """Chart.js for inlining, without the pointer to its source map (a file has none beside it)."""
    script = _asset(VENDOR_DIRS["chartjs"] / "chart.umd.min.js")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", script)


def _inline_assets(html: str) -> str:
    """Replace the links to our scripts and stylesheets with their contents."""
    # Leaflet's stylesheet points at its images by relative URL: embed them as data URLs.
    leaflet_css = re.sub(
        r"url\(images/([\w.-]+)\)",
        lambda m: f"url(data:image/png;base64,{_base64(LEAFLET_DIR / 'images' / m.group(1))})",
        _asset(LEAFLET_DIR / "leaflet.css"),
    )
    replacements = {
        '<script src="/static/vendor/leaflet/leaflet.js"></script>': (
            f"<script>{_asset(LEAFLET_DIR / 'leaflet.js')}</script>"
        ),
        '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css"/>': (
            f"<style>{leaflet_css}</style>"
        ),
        '<link rel="stylesheet" href="/static/map.css">': (
            f"<style>{_asset(STATIC_DIR / 'map.css')}</style>"
        ),
        '<link rel="stylesheet" href="/static/table.css">': (
            f"<style>{_asset(STATIC_DIR / 'table.css')}</style>"
        ),
        '<link rel="stylesheet" href="/static/charts.css">': (
            f"<style>{_asset(STATIC_DIR / 'charts.css')}</style>"
        ),
        '<script src="/static/map.js" defer></script>': (
            # Inline scripts cannot be deferred: run it once the document has been parsed.
            "<script>document.addEventListener('DOMContentLoaded', function () {"
            f"{_asset(STATIC_DIR / 'map.js')}"
            "});</script>"
        ),
        # After map.js's, so it runs after it as the deferred script does. It offers the CSV
        # only: the Excel writer is loaded from the server when asked for, and a file has none.
        '<script src="/static/table.js" defer></script>': (
            "<script>document.addEventListener('DOMContentLoaded', function () {"
            f"{_asset(STATIC_DIR / 'table.js')}"
            "});</script>"
        ),
        # A file cannot load Chart.js when the charts tab opens: it comes with it.
        '<script src="/static/charts.js" defer></script>': (
            f"<script>{_chartjs()}</script>"
            "<script>document.addEventListener('DOMContentLoaded', function () {"
            f"{_asset(STATIC_DIR / 'charts.js')}"
            "});</script>"
        ),
    }
    for link, inline in replacements.items():
        if link not in html:
            raise RuntimeError(f"asset link not found in the page: {link}")
        html = html.replace(link, inline)
    return html
