"""A private PostGIS cluster for the project, used when no DATABASE_URL is given.

The cluster listens only on 127.0.0.1, on a port chosen when it is created, with a random password
kept in a state file readable only by its owner. PostgreSQL refuses to run as root, so when tzmap
runs as root the server runs as the `postgres` user and its data directory lives under
/var/lib/tzmap (a data directory inside /root would not be reachable by that user).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

DB_NAME = "tzmap"
DB_USER = "tzmap"  # owns the cluster and the schema; migrations and `tzmap load` use it
APP_ROLE = "tzmap_app"  # what the server connects as (its rights: the living-map migration)
ROOT_CLUSTERS_DIR = Path("/var/lib/tzmap")
PG_LIB = Path("/usr/lib/postgresql")
PG_SHARE = Path("/usr/share/postgresql")

log = logging.getLogger(__name__)


class ProvisioningError(RuntimeError):
    """The local cluster cannot be set up; the message says what to do."""


@dataclass(frozen=True)
class PostgresInstall:
    version: str
    bindir: Path

    def has_postgis(self) -> bool:
        return (PG_SHARE / self.version / "extension" / "postgis.control").exists()


def installed_postgres() -> list[PostgresInstall]:
    """Debian's PostgreSQL server installs, newest first."""
    found = [
        PostgresInstall(path.name, path / "bin")
        for path in PG_LIB.glob("*")
        if (path / "bin" / "initdb").exists() and path.name.isdigit()
    ]
    return sorted(found, key=lambda p: int(p.version), reverse=True)


def find_postgis_install() -> PostgresInstall | None:
    return next((p for p in installed_postgres() if p.has_postgis()), None)


def _apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", *packages], check=True, env=env)


def ensure_postgis_packages() -> PostgresInstall:
    """Find PostgreSQL with PostGIS; as root on Debian, install the packages when missing."""
    found = find_postgis_install()
    if found:
        return found
    servers = installed_postgres()
    version = servers[0].version if servers else None
    needed = f"postgresql-{version}-postgis-3" if version else "postgresql postgresql-15-postgis-3"
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ProvisioningError(
            "PostgreSQL with PostGIS is not installed. Install it with\n"
            f"    sudo apt-get install {needed}\n"
            "or set DATABASE_URL=postgresql://user:pass@host:port/db to use an existing server."
        )
    print(f"Installing Debian packages: {needed}", flush=True)
    if version is None:
        _apt_install("postgresql")
        version = installed_postgres()[0].version
        needed = f"postgresql-{version}-postgis-3"
    _apt_install(needed)
    found = find_postgis_install()
    if found is None:
        raise ProvisioningError(f"installed {needed} but PostGIS is still not found")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class LocalCluster:
    """The private cluster whose state lives in `state_dir` (settings.data_dir)."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir.resolve()
        self.state_file = self.state_dir / "cluster.json"

    # --- state -------------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.state_file.exists() and (self.pgdata / "PG_VERSION").exists()

    @property
    def state(self) -> dict[str, object]:
        if not self.state_file.exists():
            raise ProvisioningError(
                f"no local database cluster in {self.state_dir}; run `tzmap db start` or `tzmap up`"
            )
        data: dict[str, object] = json.loads(self.state_file.read_text())
        return data

    @property
    def pgdata(self) -> Path:
        if self.state_file.exists():
            return Path(str(self.state["pgdata"]))
        return self._default_pgdata()

    @property
    def port(self) -> int:
        return int(str(self.state["port"]))

    def url(self, database: str = DB_NAME) -> str:
        state = self.state
        return f"postgresql://{DB_USER}:{state['password']}@127.0.0.1:{state['port']}/{database}"

    def app_url(self) -> str:
        """The server's URL: the app role, which may not alter the schema or the audit."""
        state = self.state
        password = state.get("app_password")
        if not password:
            raise ProvisioningError("the cluster has no app role yet; run `tzmap db start`")
        return f"postgresql://{APP_ROLE}:{password}@127.0.0.1:{state['port']}/{DB_NAME}"

    def _default_pgdata(self) -> Path:
        if os.geteuid() == 0:
            key = hashlib.sha256(str(self.state_dir).encode()).hexdigest()[:12]
            return ROOT_CLUSTERS_DIR / key / "pgdata"
        return self.state_dir / "pgdata"

    def _write_state(self, state: dict[str, object]) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2))
        tmp.chmod(0o600)
        tmp.replace(self.state_file)

    # --- running commands as the cluster's owner ----------------------------------------------

    def _owner(self) -> pwd.struct_passwd:
        if os.geteuid() != 0:
            return pwd.getpwuid(os.geteuid())
        try:
            return pwd.getpwnam("postgres")
        except KeyError as exc:
            raise ProvisioningError(
                "running as root needs the unprivileged `postgres` user (created by Debian's "
                "postgresql package) to own the database server"
            ) from exc

    def _run_as_owner(
        self, *args: str | Path, check: bool = True, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        owner = self._owner()
        kwargs: dict[str, object] = {}
        if os.geteuid() == 0:
            kwargs = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": owner.pw_dir}
        result = subprocess.run(
            [str(a) for a in args],
            cwd="/",
            env=env,
            capture_output=True,
            text=True,
            input=input,
            **kwargs,  # type: ignore[call-overload]
        )
        if check and result.returncode != 0:
            raise ProvisioningError(
                f"{Path(str(args[0])).name} failed:\n{result.stdout}{result.stderr}".strip()
            )
        return result

    def _bin(self, name: str) -> Path:
        return Path(str(self.state["bindir"])) / name

    # --- lifecycle ---------------------------------------------------------------------------

    def init(self) -> None:
        """Create the cluster once; a second call does nothing."""
        if self.exists():
            return
        install = ensure_postgis_packages()
        owner = self._owner()
        pgdata = self._default_pgdata()
        if pgdata.exists() and any(pgdata.iterdir()):
            self._adopt(pgdata)
            return
        pgdata.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            for path in (pgdata.parent, pgdata):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        pgdata.chmod(0o700)
        password = secrets.token_urlsafe(24)
        with tempfile.NamedTemporaryFile("w", dir=pgdata.parent, delete=False) as pwfile:
            pwfile.write(password + "\n")
        os.chown(pwfile.name, owner.pw_uid, owner.pw_gid)
        try:
            self._run_as_owner(
                install.bindir / "initdb",
                "-D", pgdata,
                "-U", DB_USER,
                f"--pwfile={pwfile.name}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            )  # fmt: skip
        finally:
            os.unlink(pwfile.name)
        with (pgdata / "postgresql.conf").open("a") as conf:
            conf.write("\n# tzmap: private cluster settings\ninclude_if_exists = 'tzmap.conf'\n")
        self._settle(pgdata, install, password)

    def _adopt(self, pgdata: Path) -> None:
        """Take back the cluster of this state directory whose state file was lost.

        Under root the data directory lives outside the checkout, so a fresh checkout in the same
        place (CI, `git clean -x`) finds it: the data stay, the server gets a new password and port.
        """
        version_file = pgdata / "PG_VERSION"
        version = version_file.read_text().strip() if version_file.exists() else None
        install = next((p for p in installed_postgres() if p.version == version), None)
        if install is None or not install.has_postgis():
            raise ProvisioningError(
                f"{pgdata} is not empty but {self.state_file} is missing, and it is not a "
                "PostgreSQL cluster with PostGIS this machine can run; remove the directory"
            )
        pg_ctl = install.bindir / "pg_ctl"
        if self._run_as_owner(pg_ctl, "status", "-D", pgdata, check=False).returncode == 0:
            self._run_as_owner(pg_ctl, "stop", "-D", pgdata, "-m", "fast", "-w")
        password = secrets.token_urlsafe(24)  # letters, digits, - and _: safe inside quotes
        self._run_as_owner(
            install.bindir / "postgres", "--single", "-D", pgdata, "postgres",
            input=f"ALTER ROLE {DB_USER} PASSWORD '{password}';\n",
        )  # fmt: skip
        self._settle(pgdata, install, password)
        log.warning("took back the cluster in %s (its state file was missing)", pgdata)

    def _settle(self, pgdata: Path, install: PostgresInstall, password: str) -> None:
        """Record the cluster in the state file, on a free port, with its server settings."""
        state: dict[str, object] = {
            "pgdata": str(pgdata),
            "bindir": str(install.bindir),
            "postgres_version": install.version,
            "port": free_port(),
            "password": password,
        }
        self._write_state(state)
        self._write_server_conf()

    def _write_server_conf(self) -> None:
        conf = self.pgdata / "tzmap.conf"
        conf.write_text(
            "listen_addresses = '127.0.0.1'\n"
            f"port = {self.port}\n"
            # Socket inside the data directory: /var/run/postgresql may not be writable by us.
            f"unix_socket_directories = '{self.pgdata}'\n"
        )
        owner = self._owner()
        os.chown(conf, owner.pw_uid, owner.pw_gid)

    def is_running(self) -> bool:
        if not self.exists():
            return False
        return (
            self._run_as_owner(
                self._bin("pg_ctl"), "status", "-D", self.pgdata, check=False
            ).returncode
            == 0
        )

    def start(self) -> None:
        """Start the server, creating the cluster first if needed, and ensure the database."""
        self.init()
        if not self.is_running():
            if port_in_use(self.port):
                # Another program took the port while the cluster was stopped: move to a free one.
                self._write_state({**self.state, "port": free_port()})
                self._write_server_conf()
            log = self.pgdata / "server.log"
            self._run_as_owner(
                self._bin("pg_ctl"), "start", "-D", self.pgdata, "-l", log, "-w", "-t", "60"
            )
        self._ensure_database()

    def stop(self) -> None:
        if self.is_running():
            self._run_as_owner(self._bin("pg_ctl"), "stop", "-D", self.pgdata, "-m", "fast", "-w")

    def _ensure_database(self) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
            self._ensure_app_role(conn)
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    def _ensure_app_role(self, conn: psycopg.Connection[Any]) -> None:
        """The server's login role; the migrations grant it its rights in the database."""
        password = self.state.get("app_password") or secrets.token_urlsafe(24)
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(
            sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
                sql.SQL(verb), sql.Identifier(APP_ROLE), sql.Literal(password)
            )
        )
        if self.state.get("app_password") != password:
            self._write_state({**self.state, "app_password": password})

    def status(self) -> dict[str, object]:
        if not self.exists():
            return {"exists": False, "running": False, "state_dir": str(self.state_dir)}
        return {
            "exists": True,
            "running": self.is_running(),
            "port": self.port,
            "pgdata": str(self.pgdata),
            "postgres_version": self.state.get("postgres_version"),
            "state_dir": str(self.state_dir),
        }


def redact(url: str) -> str:
    """The URL with its password hidden, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)
