"""tzmap dump / restore: a database with edits, accounts, audit and uploads comes back identical."""

import tarfile
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import Engine

from app.cli import main
from app.db import make_engine
from app.scratch import scratch_database
from app.settings import get_settings
from tests.conftest import fingerprint
from tests.routes.conftest import PNG, Living

ITEMS = "/collections/projects/items"


def _tzmap(*args: str, database: str, uploads: Path) -> Result:
    get_settings.cache_clear()
    try:
        env = {"DATABASE_URL": database, "TZMAP_UPLOADS_DIR": str(uploads)}
        return CliRunner().invoke(main, list(args), env=env)
    finally:
        get_settings.cache_clear()


def test_dump_then_restore_is_identical(living: Living, server_url: str, tmp_path: Path) -> None:
    evidence = living.upload("song", data=PNG + b"backup")
    body = {"year": 2019, "status": "completed", "evidence": {"document": evidence}}
    submitted = living.write("song", "POST", f"{ITEMS}/{living.own_project}/events", body)
    living.client.post(f"/changes/{submitted.json()['id']}/approve", headers=living.auth("planner"))
    uploads = living.settings.uploads_path()
    backup = tmp_path / "tzmap.dump"

    dumped = _tzmap("dump", str(backup), database=living.url, uploads=uploads)
    assert dumped.exit_code == 0, dumped.output
    with tarfile.open(backup) as archive:
        assert "database.dump" in archive.getnames()
    assert backup.stat().st_mode & 0o777 == 0o600

    restored_uploads = tmp_path / "restored-uploads"
    with scratch_database(server_url) as target:
        restored = _tzmap("restore", str(backup), database=target, uploads=restored_uploads)
        assert restored.exit_code == 0, restored.output
        engine: Engine = make_engine(target)
        try:
            assert fingerprint(engine) == fingerprint(living.engine)
        finally:
            engine.dispose()
        again = _tzmap("restore", str(backup), database=target, uploads=restored_uploads)
        assert again.exit_code != 0 and "has tables already" in again.output
    assert sorted(p.name for p in restored_uploads.iterdir()) == sorted(
        p.name for p in uploads.iterdir() if not p.name.startswith(".")
    )
    assert (restored_uploads / next(uploads.glob("*.png")).name).read_bytes().startswith(PNG[:8])


def test_restore_refuses_what_is_no_dump(living: Living, tmp_path: Path) -> None:
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not an archive")
    result = _tzmap("restore", str(junk), database=living.url, uploads=tmp_path)
    assert result.exit_code != 0 and "not a tzmap dump" in result.output
