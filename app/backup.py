"""`tzmap dump` / `tzmap restore`: one file holding a consistent snapshot of the database (data,
documents, users, changes and the audit) and the uploaded evidence files.

The file is a tar archive: `database.dump` (pg_dump's custom format, taken in one snapshot) and
`uploads/<sha256>.<ext>`. A restore goes into a database with no tables of ours yet (a new one,
with PostGIS), so that nothing of what is there is silently mixed or overwritten.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from app.cluster import APP_ROLE
from app.edits.uploads import STORED_NAME

DUMP_MEMBER = "database.dump"
UPLOADS_MEMBER = "uploads"


class BackupError(RuntimeError):
    """The dump or the restore cannot be done; the message says why."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    uploads: int

    def __str__(self) -> str:
        return f"{self.path}: the database and {self.uploads} uploaded file(s)"


def _without_password(database_url: str) -> tuple[str, str | None]:
    url = make_url(database_url)
    return url.set(password=None).render_as_string(hide_password=False), url.password


def _tool(name: str, bindir: Path | None) -> str:
    """pg_dump / pg_restore of the server's version when the private cluster names it."""
    candidate = bindir / name if bindir else None
    if candidate and candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(*args: str, password: str | None = None) -> None:
    # The password through the environment: a command line is visible to every local user.
    env = {**os.environ, "PGPASSWORD": password} if password else None
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def dump(database_url: str, uploads: Path, path: Path, bindir: Path | None = None) -> BackupReport:
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / DUMP_MEMBER
        # Custom format, one snapshot; the PostGIS extension is the server's, not the backup's.
        url, password = _without_password(database_url)
        _run(_tool("pg_dump", bindir), "--format=custom", "--no-owner",
             "--exclude-table=spatial_ref_sys", f"--file={database}", url,
             password=password)  # fmt: skip
        files = sorted(p for p in uploads.glob("*") if STORED_NAME.fullmatch(p.name))
        partial = path.with_name(path.name + ".part")
        # Password hashes and every fact: readable by its owner only.
        partial.touch(mode=0o600)
        partial.chmod(0o600)
        with tarfile.open(partial, "w") as archive:
            archive.add(database, DUMP_MEMBER)
            for file in files:
                archive.add(file, f"{UPLOADS_MEMBER}/{file.name}")
        partial.replace(path)
    return BackupReport(path, len(files))


def _ensure_app_role(database_url: str) -> None:
    """The dump grants the app role its rights: the role must exist on this server too."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(APP_ROLE)))


def restore(
    database_url: str, uploads: Path, path: Path, bindir: Path | None = None
) -> BackupReport:
    if not tarfile.is_tarfile(path):
        raise BackupError(f"{path} is not a tzmap dump")
    with psycopg.connect(database_url) as conn:
        ours = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'spatial_ref_sys'"
        ).fetchone()
    if ours and ours[0]:
        raise BackupError(
            "the database has tables already; restore into a new database (with PostGIS) and "
            "point DATABASE_URL at it"
        )
    with tarfile.open(path, "r") as archive, tempfile.TemporaryDirectory() as work:
        names = archive.getnames()
        if DUMP_MEMBER not in names:
            raise BackupError(f"{path} is not a tzmap dump: it holds no {DUMP_MEMBER}")
        members = [n for n in names if n.startswith(f"{UPLOADS_MEMBER}/")]
        bad = [
            n
            for n in members
            if not STORED_NAME.fullmatch(n.removeprefix(f"{UPLOADS_MEMBER}/"))
            or not archive.getmember(n).isfile()
        ]
        if bad or not archive.getmember(DUMP_MEMBER).isfile():
            raise BackupError(f"{path} holds files that are no uploads: {', '.join(bad[:5])}")
        # Read, not extracted: nothing in the archive chooses a path (and Debian 12's Python
        # predates tarfile's extraction filters).
        database = str(Path(work) / DUMP_MEMBER)
        source = archive.extractfile(DUMP_MEMBER)
        assert source is not None  # a regular file, checked above
        with open(database, "wb") as dump_file:
            shutil.copyfileobj(source, dump_file)
        _ensure_app_role(database_url)
        restore_tool = _tool("pg_restore", bindir)
        url, password = _without_password(database_url)
        _run(restore_tool, "--no-owner", "--single-transaction", "--exit-on-error",
             f"--dbname={url}", database, password=password)  # fmt: skip
        uploads.mkdir(parents=True, exist_ok=True, mode=0o750)
        for name in members:
            source = archive.extractfile(name)
            target = uploads / name.removeprefix(f"{UPLOADS_MEMBER}/")
            if source is not None and not target.exists():
                target.write_bytes(source.read())
                target.chmod(0o640)
    return BackupReport(path, len(members))
