"""The private cluster: idempotent provisioning, data kept across stop/start, and `tzmap up`."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from app.cli import main
from app.cluster import LocalCluster, ProvisioningError, free_port


def _remove(cluster: LocalCluster) -> None:
    if cluster.exists():
        cluster.stop()
        shutil.rmtree(cluster.pgdata.parent if os.geteuid() == 0 else cluster.pgdata)
    shutil.rmtree(cluster.state_dir, ignore_errors=True)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LocalCluster]:
    local = LocalCluster(tmp_path / "state")
    yield local
    _remove(local)


def test_start_is_idempotent_and_stop_start_keeps_data(cluster: LocalCluster) -> None:
    cluster.start()
    first_state = json.loads(cluster.state_file.read_text())
    assert oct(cluster.state_file.stat().st_mode & 0o777) == "0o600"
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (v text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")
        assert conn.execute("SELECT PostGIS_Lib_Version()").fetchone() is not None

    cluster.start()  # running already: nothing changes
    cluster.init()  # exists already: nothing changes
    assert json.loads(cluster.state_file.read_text()) == first_state

    cluster.stop()
    assert not cluster.is_running()
    cluster.stop()  # stopping a stopped cluster is harmless
    cluster.start()
    assert cluster.is_running()
    with psycopg.connect(cluster.url()) as conn:
        assert conn.execute("SELECT v FROM kept").fetchall() == [("still here",)]


@pytest.mark.parametrize("running", [True, False], ids=["running", "stopped"])
def test_a_lost_state_file_takes_back_the_cluster_with_its_data(
    cluster: LocalCluster, running: bool
) -> None:
    """A fresh checkout where an old one was (CI, `git clean -x`) finds the cluster it left."""
    cluster.start()
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (v text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")
    old = json.loads(cluster.state_file.read_text())
    if not running:
        cluster.stop()
    cluster.state_file.unlink()

    cluster.start()

    new = json.loads(cluster.state_file.read_text())
    assert new["pgdata"] == old["pgdata"] and new["password"] != old["password"]
    with psycopg.connect(cluster.url()) as conn:
        assert conn.execute("SELECT v FROM kept").fetchall() == [("still here",)]
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(cluster.url().replace(str(new["password"]), str(old["password"])))
    with psycopg.connect(cluster.app_url()) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("tzmap_app",)


def test_a_foreign_directory_in_the_clusters_place_is_refused(cluster: LocalCluster) -> None:
    pgdata = cluster.pgdata
    pgdata.mkdir(parents=True)
    (pgdata / "notes.txt").write_text("not a database")
    try:
        with pytest.raises(ProvisioningError, match=r"not empty but .* remove the directory"):
            cluster.start()
        assert (pgdata / "notes.txt").exists()
    finally:
        shutil.rmtree(pgdata.parent if os.geteuid() == 0 else pgdata)


def test_listens_only_on_loopback(cluster: LocalCluster) -> None:
    cluster.start()
    with psycopg.connect(cluster.url()) as conn:
        listen = conn.execute("SHOW listen_addresses").fetchone()
    assert listen == ("127.0.0.1",)


def test_moves_to_a_free_port_when_its_port_was_taken(cluster: LocalCluster) -> None:
    import socket

    cluster.start()
    cluster.stop()
    with socket.socket() as squatter:
        # The stopped server's connections may linger in TIME_WAIT on that port.
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", cluster.port))
        squatter.listen()
        old_port = cluster.port
        cluster.start()
    assert cluster.port != old_port
    with psycopg.connect(cluster.url()) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_db_commands(cluster: LocalCluster) -> None:
    runner = CliRunner()
    env = {"TZMAP_DATA_DIR": str(cluster.state_dir), "DATABASE_URL": ""}
    from app.settings import get_settings

    get_settings.cache_clear()
    try:
        status = runner.invoke(main, ["db", "status"], env=env)
        assert status.exit_code == 3
        assert json.loads(status.output)["exists"] is False
        assert runner.invoke(main, ["db", "start"], env=env).exit_code == 0
        status = runner.invoke(main, ["db", "status"], env=env)
        assert status.exit_code == 0 and json.loads(status.output)["running"] is True
        url = runner.invoke(main, ["db", "url"], env=env).output.strip()
        assert url == cluster.url()
        assert runner.invoke(main, ["db", "stop"], env=env).exit_code == 0
        assert runner.invoke(main, ["db", "status"], env=env).exit_code == 3
    finally:
        get_settings.cache_clear()


def _wait_healthy(port: int, process: subprocess.Popen[str], seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"tzmap up exited early:\n{process.stdout.read()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return json.load(r)
        except OSError:
            time.sleep(0.5)
    raise AssertionError("tzmap up did not become healthy")


def _tzmap(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def test_up_twice_is_harmless(cluster: LocalCluster) -> None:
    port = free_port()
    env = {"TZMAP_DATA_DIR": str(cluster.state_dir), "DATABASE_URL": ""}
    server = _tzmap("up", "--port", str(port), env=env)
    try:
        health = _wait_healthy(port, server)
        assert health["status"] == "ok"
        # The server is not the superuser that owns the cluster: it runs as the app role.
        assert health["database_role"] == {"name": "tzmap_app", "superuser": False}
        second = _tzmap("up", "--port", str(port), env=env)
        output, _ = second.communicate(timeout=120)
        assert second.returncode == 0, output
        assert "already serving" in output
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_up_with_database_url_provisions_nothing(tmp_path: Path, empty_db: str) -> None:
    port = free_port()
    state_dir = tmp_path / "never-created"
    env = {"TZMAP_DATA_DIR": str(state_dir), "DATABASE_URL": empty_db}
    server = _tzmap("up", "--port", str(port), env=env)
    try:
        assert _wait_healthy(port, server)["status"] == "ok"
        assert not (state_dir / "cluster.json").exists()
        # Only the key that signs sign-in tokens is kept there, readable by its owner alone.
        assert sorted(p.name for p in state_dir.iterdir()) == ["signing-key"]
        assert (state_dir / "signing-key").stat().st_mode & 0o777 == 0o600
        with psycopg.connect(empty_db) as conn:
            loaded = conn.execute("SELECT count(*) FROM project").fetchone()
        assert loaded is not None and loaded[0] > 100, "tzmap up loads the catalogue"
    finally:
        server.terminate()
        server.wait(timeout=30)
