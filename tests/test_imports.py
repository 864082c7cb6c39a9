"""A server worker starts without the libraries only some routes need (prints, OGR downloads, the
map page): each costs tens of MB in every worker process."""

import json
import subprocess
import sys

from app.settings import REPO_ROOT

# alembic and its templates: only `tzmap migrate` needs them (the schema heads are read without).
HEAVY = ("matplotlib", "geopandas", "pandas", "pyogrio", "folium", "alembic", "mako")

# `tzmap serve` with one worker builds the app in the CLI's own process, so app.cli counts too.
SCRIPT = f"""
import json, sys
import app.cli, app.main
from app.settings import Settings
app.main.create_app(Settings(), "postgresql://nobody@127.0.0.1:1/nothing")
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""


def test_app_starts_without_heavy_libraries() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == []
