"""The `tzmap` command: a thin shell over the same functions the app and the tests use."""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Connection

from app import revisions
from app.asgi import UVICORN_OPTIONS, limit_malloc_arenas, server_database_url
from app.cluster import LocalCluster, ProvisioningError, port_in_use, redact
from app.db import make_engine
from app.geodata.boundaries import BoundaryError, import_boundaries
from app.geodata.load import load_catalogue
from app.geodata.validate import CatalogueError
from app.settings import Settings, get_settings

WORKERS_HELP = "Server processes (default: TZMAP_WORKERS, else one per CPU)."


def _settings() -> Settings:
    return get_settings()


def database_url(settings: Settings, *, start_local: bool = True) -> str:
    """DATABASE_URL when given; otherwise the private cluster's URL, started if asked."""
    if settings.database_url:
        return settings.database_url
    cluster = LocalCluster(settings.data_dir)
    if start_local:
        cluster.start()
    return cluster.url()


def _server_url_or_fail(settings: Settings) -> str:
    try:
        return server_database_url(settings)
    except ProvisioningError as exc:
        raise click.ClickException(str(exc)) from exc


def _database_url_or_fail(settings: Settings) -> str:
    try:
        return database_url(settings)
    except ProvisioningError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Project map of Beijing's city sub-centre (北京城市副中心, Tongzhou)."""


@main.command()
@click.option("--host", default=None, help="Address to serve on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to serve on (default 8000).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help=WORKERS_HELP)
def up(host: str | None, port: int | None, workers: int | None) -> None:
    """Bring the whole app up: database, migrations, data load, server.

    Without DATABASE_URL a private PostGIS cluster is provisioned first.
    """
    settings = _settings()
    host, port = host or settings.host, port or settings.port
    if settings.database_url:
        click.echo(f"Using the database at {redact(settings.database_url)}")
    else:
        click.echo(f"Starting the private PostGIS cluster (state in {settings.data_dir}) …")
    url = _database_url_or_fail(settings)
    from app import migrate  # alembic: not in the server's workers

    migrate.upgrade(url)
    click.echo("Schema migrated to head.")
    _load(url, settings.geodata_dir, settings.documents_dir)
    server = _server_url_or_fail(settings)
    if port_in_use(port):
        if _healthy(host, port):
            click.echo(f"tzmap is already serving at http://{host}:{port}/ ; nothing more to do.")
            return
        raise click.ClickException(
            f"port {port} on {host} is taken by another program; choose one with --port"
        )
    _serve(settings, server, host, port, workers)


def _healthy(host: str, port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=3) as response:
            return bool(json.load(response).get("status") == "ok")
    except (OSError, ValueError):
        return False


def _serve(settings: Settings, url: str, host: str, port: int, workers: int | None = None) -> None:
    import uvicorn

    from app.main import create_app

    count = workers or settings.workers or os.cpu_count() or 1
    limit_malloc_arenas()
    click.echo(f"Serving on http://{host}:{port}/ with {count} worker(s) (health: /healthz)")
    # Several workers each build their own app, from the same environment (app/asgi.py).
    target: Any = create_app(settings, url) if count == 1 else "app.asgi:app"
    uvicorn.run(
        target,
        factory=count > 1,
        workers=count if count > 1 else None,
        host=host,
        port=port,
        log_level=settings.log_level,
        **UVICORN_OPTIONS,
        # X-Forwarded-* only from the proxies named in the settings (uvicorn trusts 127.0.0.1).
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
    )


@main.command()
@click.option("--host", default=None, help="Address to serve on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to serve on (default 8000).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help=WORKERS_HELP)
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the app (the database must be migrated)."""
    settings = _settings()
    _database_url_or_fail(settings)  # starts the private cluster when it is used
    server = _server_url_or_fail(settings)
    _serve(settings, server, host or settings.host, port or settings.port, workers)


@main.command("migrate")
@click.argument("revision", default="head")
def migrate_command(revision: str) -> None:
    """Upgrade the database schema to REVISION (default: head)."""
    from app import migrate

    migrate.upgrade(_database_url_or_fail(_settings()), revision)
    click.echo(f"Schema at {revision}.")


def _load(url: str, root: Path, documents_dir: Path | None) -> None:
    engine = make_engine(url)
    try:
        report = load_catalogue(engine, root, documents_dir)
    except CatalogueError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    click.echo(str(report))
    if report.documents_with_text:
        click.echo(f"Document texts registered: {', '.join(report.documents_with_text)}")


@main.command()
@click.argument(
    "path", type=click.Path(exists=True, file_okay=False, path_type=Path), required=False
)
@click.option(
    "--documents",
    "documents_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder with the source documents' text files (matched by sha256).",
)
def load(path: Path | None, documents_dir: Path | None) -> None:
    """Validate the catalogue in PATH (default: geodata/) and load it; nothing on any error."""
    settings = _settings()
    url = _database_url_or_fail(settings)
    _load(url, path or settings.geodata_dir, documents_dir or settings.documents_dir)


@main.command("import-boundaries")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--layer", help="Layer to read, for files with several (GeoPackage, …).")
@click.option("--name-field", help="Field with the township name.")
@click.option("--code-field", help="Field with the 12-digit (or 9-digit) township code.")
def import_boundaries_command(
    file: Path, layer: str | None, name_field: str | None, code_field: str | None
) -> None:
    """Replace township polygons with an official FILE (any CRS, SHP/GPKG/GeoJSON/…)."""
    engine = make_engine(_database_url_or_fail(_settings()))
    try:
        report = import_boundaries(engine, file, layer, name_field, code_field)
    except BoundaryError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    click.echo(str(report))
    click.echo("Projects reassigned to townships.")


@main.command()
def rebuild() -> None:
    """Recompute the read model (what the feeds, tiles and prints show) from the data tables:
    after writing to them in SQL, a bulk import or a repair. Every write made through tzmap or
    the app keeps it current by itself."""
    from app import readmodel

    engine = make_engine(_database_url_or_fail(_settings()))
    try:
        with engine.begin() as conn:
            if revisions.current_revisions(conn) != revisions.head_revisions():
                raise click.ClickException("the schema is not at the latest migration: run migrate")
            rows = readmodel.rebuild(conn)
        readmodel.vacuum(engine)
    finally:
        engine.dispose()
    click.echo(f"Read model rebuilt: {rows} rows (a project over the years it does not change).")


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """One option per filter of app.filters.Filters, named as the URLs name it (--bbox-crs,
    --behind-plan/--no-behind-plan); the command gets them by field name."""
    import typing

    from app.filters import Filters

    for name, field in reversed(Filters.model_fields.items()):
        option = "--" + (field.alias or name).replace("_", "-")
        kinds = set(typing.get_args(field.annotation)) - {type(None)} or {field.annotation}
        help_text = field.description or ""
        if typing.get_origin(field.annotation) is list:
            command = click.option(option, name, multiple=True, help=help_text + " (repeatable)")(
                command
            )
        elif kinds == {bool}:
            negative = "--no-" + option[2:]
            command = click.option(f"{option}/{negative}", name, default=None, help=help_text)(
                command
            )
        else:
            kind = int if kinds == {int} else str
            command = click.option(option, name, type=kind, help=help_text)(command)
    return command


def given_filters(options: dict[str, Any]) -> dict[str, Any]:
    """The filter options given, as Filters takes them (the rest keep the model's defaults)."""
    from app.filters import Filters

    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in options.items()
        if name in Filters.model_fields and value not in (None, ())
    }


@main.command("export-html")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@filter_options
def export_html_command(output: Path, **filters: Any) -> None:
    """Write the map of a filtered view as one self-contained HTML file that opens offline."""
    from app.errors import TzmapError
    from app.filters import Filters
    from app.webmap.export import embedded_data
    from app.webmap.page import map_page

    engine = make_engine(_database_url_or_fail(_settings()))
    try:
        query = Filters.model_validate(given_filters(filters))
        with engine.connect() as conn:
            data = embedded_data(conn, query)
    except TzmapError as exc:
        raise click.ClickException(exc.detail) from exc
    finally:
        engine.dispose()
    output.write_text(map_page(embedded=data), encoding="utf-8")
    click.echo(f"Wrote {output} ({output.stat().st_size // 1024} KiB); it opens with no server.")


@main.command("extract")
@click.argument("report", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report-year", type=int, help="Year the report reviews (default: read from it).")
@click.option("--json", "output", flag_value="json", help="Print the proposals as a JSON list.")
@click.option("--csv", "output", flag_value="csv", help="Print the proposals as CSV.")
@click.option(
    "--apply", "apply_", is_flag=True, help="Write the accepted proposals as approved changes."
)
@click.option(
    "--as",
    "username",
    metavar="USERNAME",
    help="With --apply: the planner or admin who approves them (named in the audit).",
)
def extract_command(
    report: Path, report_year: int | None, output: str | None, apply_: bool, username: str | None
) -> None:
    """Propose status updates from a new annual REPORT (plain text) against the catalogue."""
    import getpass

    from app.accounts import get_user
    from app.edits.changes import Actor
    from app.errors import TzmapError
    from app.extract import output as formats
    from app.extract.document import ExtractError
    from app.extract.service import apply_run, run_extract

    if apply_ and not username:
        raise click.UsageError("--apply needs --as USERNAME: the planner or admin who approves")
    if username and not apply_:
        raise click.UsageError("--as is for --apply")
    engine = make_engine(_database_url_or_fail(_settings()))
    try:
        run = run_extract(engine, report.read_bytes(), report.name, report_year)
        if username:
            with engine.connect() as conn:
                user = get_user(conn, username)
            apply_run(engine, run, Actor(user, f"tzmap extract ({getpass.getuser()})"))
    except ExtractError as exc:
        raise click.ClickException(str(exc)) from exc
    except TzmapError as exc:
        raise click.ClickException(exc.detail) from exc
    finally:
        engine.dispose()
    if output is None:
        click.echo(formats.as_table(run))
        return
    click.echo(formats.as_json(run) if output == "json" else formats.as_csv(run), nl=False)
    click.echo(formats.summary(run), err=True)


@main.command("print")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write (.pdf or .png).",
)
@filter_options
@click.option("--format", "format_", help="pdf or png (default: from the file name).")
@click.option("--size", default="A4", help="A4 or A3.")
@click.option("--orientation", default="portrait", help="portrait or landscape.")
@click.option("--dpi", type=int, help="PNG resolution (50–300, default 150).")
@click.option("--page", type=int, help="The page a PNG shows (default 1).")
@click.option("--lang", default="zh", help="zh or en, for the sheet's own words.")
@click.option("--atlas", is_flag=True, help="Cover and one sheet per township.")
@click.option("--title", help="The sheet's heading in place of the default subject.")
@click.option(
    "--since", type=int, help="Compare with this earlier year: the projects whose status moved."
)
def print_command(
    output: Path,
    format_: str | None,
    size: str,
    orientation: str,
    dpi: int | None,
    page: int | None,
    lang: str,
    atlas: bool,
    title: str | None,
    since: int | None,
    **filters: Any,
) -> None:
    """Print the map offline to a PDF or PNG: the same sheets as GET /print."""
    from app.errors import TzmapError
    from app.printing.context import Marking
    from app.printing.data import fetch
    from app.printing.fonts import cjk_font
    from app.printing.render import render
    from app.printing.request import print_request

    settings = _settings()
    fmt = format_ or ("png" if output.suffix.lower() == ".png" else "pdf")
    try:
        request = print_request(
            **given_filters(filters),
            format=fmt,
            size=size,
            orientation=orientation,
            dpi=dpi,
            lang=lang,
            atlas="township" if atlas else None,
            page=page,
            title=title,
            since=since,
        )
        cjk_font()
        engine = make_engine(_database_url_or_fail(settings))
        try:
            with engine.connect() as conn:
                data = fetch(conn, request)
        finally:
            engine.dispose()
        marking = Marking(settings.print_approval_number, settings.print_internal_use)
        rendered = render(request, data, marking)
    except TzmapError as exc:
        raise click.ClickException(exc.detail) from exc
    output.write_bytes(rendered.content)
    pages = (
        f"page {request.page} of {rendered.pages}" if fmt == "png" else f"{rendered.pages} pages"
    )
    click.echo(f"Wrote {output} ({pages}, {len(rendered.content) // 1024} KiB).")


@main.group()
def db() -> None:
    """The private local PostGIS cluster (used when DATABASE_URL is not set)."""


def _local_cluster() -> LocalCluster:
    settings = _settings()
    if settings.database_url:
        raise click.ClickException(
            "DATABASE_URL is set, so no local cluster is used; unset it to manage the local one"
        )
    return LocalCluster(settings.data_dir)


@db.command("start")
def db_start() -> None:
    """Create the cluster if needed and start it."""
    cluster = _local_cluster()
    try:
        cluster.start()
    except ProvisioningError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"PostGIS running on 127.0.0.1:{cluster.port} (data in {cluster.pgdata})")


@db.command("stop")
def db_stop() -> None:
    """Stop the cluster; its data is kept."""
    cluster = _local_cluster()
    cluster.stop()
    click.echo("PostGIS stopped." if cluster.exists() else "There is no local cluster.")


@db.command("status")
def db_status() -> None:
    """Say whether the cluster exists and runs; exit 3 when it does not run."""
    status = _local_cluster().status()
    click.echo(json.dumps(status, indent=2))
    if not status["running"]:
        sys.exit(3)


@db.command("url")
def db_url() -> None:
    """Print the cluster's connection URL (libpq form, with its password)."""
    try:
        click.echo(_local_cluster().url())
    except ProvisioningError as exc:
        raise click.ClickException(str(exc)) from exc


@main.group()
def user() -> None:
    """Accounts: admin, planner, township_editor (bound to townships), viewer."""


def _actor() -> str:
    import getpass

    return f"tzmap user ({getpass.getuser()})"


def _password(confirm: bool = True) -> str:
    """From a hidden prompt on a terminal, else one line of standard input; never an argument."""
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=confirm))
    return sys.stdin.readline().rstrip("\r\n")


def _accounts(action: Callable[[Connection], str]) -> None:
    from app.errors import TzmapError

    engine = make_engine(_database_url_or_fail(_settings()))
    try:
        with engine.begin() as conn:
            message = action(conn)
    except TzmapError as exc:
        raise click.ClickException(exc.detail) from exc
    finally:
        engine.dispose()
    click.echo(message)


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, help="admin, planner, township_editor or viewer.")
@click.option("--township", multiple=True, help="Township name or code (repeatable).")
@click.option("--name", "display_name", default="", help="The person's name, for the log.")
def user_add(username: str, role: str, township: tuple[str, ...], display_name: str) -> None:
    """Add a user; the password is asked for (or read from one line of standard input)."""
    from app.accounts import create_user

    password = _password()

    def add(conn: Connection) -> str:
        townships = list(township)
        made = create_user(conn, username, role, password, townships, display_name, _actor())
        return f"Added {_describe(made)}"

    _accounts(add)


def _describe(account: Any) -> str:
    scope = f" for {', '.join(account.townships)}" if account.townships else ""
    state = "" if account.is_active else " (disabled)"
    return f"{account.username}: {account.role}{scope}{state}"


@user.command("list")
def user_list() -> None:
    """List the users with their roles and townships."""
    from app.accounts import list_users

    _accounts(lambda conn: "\n".join(_describe(u) for u in list_users(conn)) or "No users.")


@user.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    """Disable a user; their tokens stop working at once."""
    _set_active(username, False)


@user.command("enable")
@click.argument("username")
def user_enable(username: str) -> None:
    """Enable a disabled user again."""
    _set_active(username, True)


def _set_active(username: str, active: bool) -> None:
    from app.accounts import set_active

    def change(conn: Connection) -> str:
        set_active(conn, username, active, _actor())
        return f"{'Enabled' if active else 'Disabled'} {username}."

    _accounts(change)


@user.command("reset-password")
@click.argument("username")
def user_reset_password(username: str) -> None:
    """Set a new password; tokens issued before stop working."""
    from app.accounts import set_password

    password = _password()

    def reset(conn: Connection) -> str:
        set_password(conn, username, password, _actor())
        return f"New password set for {username}."

    _accounts(reset)


def _backup_paths(settings: Settings) -> tuple[str, Path | None]:
    """The owner's database URL, and the private cluster's tools when it is the one used."""
    url = _database_url_or_fail(settings)
    if settings.database_url:
        return url, None
    return url, Path(str(LocalCluster(settings.data_dir).state["bindir"]))


@main.command("dump")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def dump_command(file: Path) -> None:
    """Write a consistent snapshot (data, documents, users, changes, audit, uploads) to FILE."""
    from app.backup import BackupError, dump

    settings = _settings()
    url, bindir = _backup_paths(settings)
    try:
        click.echo(f"Dumped {dump(url, settings.uploads_path(), file, bindir)}.")
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Restore a dump into the configured database, which must have no tables yet."""
    from app.backup import BackupError, restore

    settings = _settings()
    url, bindir = _backup_paths(settings)
    try:
        click.echo(f"Restored {restore(url, settings.uploads_path(), file, bindir)}.")
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
