"""Which schema revision the code expects and which one a database is at, known without importing
alembic: a server process asks both (/healthz), and alembic would cost each worker about 8 MB of
memory that only `tzmap migrate` needs (app.migrate)."""

import ast
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from app.settings import REPO_ROOT

VERSIONS = REPO_ROOT / "migrations" / "versions"


def head_revisions(versions: Path = VERSIONS) -> tuple[str, ...]:
    """The revisions no other revision builds on, read from the migration scripts'
    `revision` and `down_revision` assignments (a merge revises several)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in versions.glob("*.py"):
        values = _assignments(script)
        revisions.add(values["revision"])
        down = values.get("down_revision")
        revised.update([down] if isinstance(down, str) else down or ())
    return tuple(sorted(revisions - revised))


def _assignments(script: Path) -> dict[str, Any]:
    values = {}
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    values[target.id] = ast.literal_eval(node.value)
    return values


def current_revisions(connection: Connection) -> tuple[str, ...]:
    """The revisions the database is at, as alembic records them (none before the first)."""
    if connection.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
        return ()
    rows = connection.execute(text("SELECT version_num FROM alembic_version ORDER BY 1"))
    return tuple(rows.scalars())
