"""Where the pages' scripts and stylesheets are: the server mounts them at start, without Folium."""

from app.settings import REPO_ROOT

STATIC_DIR = REPO_ROOT / "static"
_NODE_MODULES = REPO_ROOT / "node_modules"
LEAFLET_DIR = _NODE_MODULES / "leaflet" / "dist"
# The front-end libraries from the npm install (package-lock.json), served at
# /static/vendor/<name>/: Leaflet; Leaflet-Geoman, loaded by static/edit.js when a planner edits a
# shape; Swagger UI for /docs; Chart.js for the charts and write-excel-file for the table's .xlsx.
VENDOR_DIRS = {
    "leaflet": LEAFLET_DIR,
    "geoman": _NODE_MODULES / "@geoman-io" / "leaflet-geoman-free" / "dist",
    "swagger-ui": _NODE_MODULES / "swagger-ui-dist",
    "chartjs": _NODE_MODULES / "chart.js" / "dist",
    "write-excel-file": _NODE_MODULES / "write-excel-file" / "bundle",
}
