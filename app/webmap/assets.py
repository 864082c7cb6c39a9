"""Where the pages' scripts and stylesheets are: the server mounts them at start, without Folium."""

from app.settings import REPO_ROOT

STATIC_DIR = REPO_ROOT / "static"
LEAFLET_DIR = REPO_ROOT / "node_modules" / "leaflet" / "dist"
# The geometry editor (Leaflet-Geoman), loaded by static/edit.js when a planner edits a shape.
GEOMAN_DIR = REPO_ROOT / "node_modules" / "@geoman-io" / "leaflet-geoman-free" / "dist"
