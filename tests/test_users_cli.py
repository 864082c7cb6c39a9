"""tzmap user: accounts from the command line; passwords never on the command line."""

from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from app.cli import main
from app.settings import get_settings

Tzmap = Callable[..., Result]


@pytest.fixture
def tzmap(loaded_db: str) -> Iterator[Tzmap]:
    def run(*args: str, stdin: str | None = None) -> Result:
        return CliRunner().invoke(
            main, ["user", *args], input=stdin, env={"DATABASE_URL": loaded_db}
        )

    get_settings.cache_clear()
    try:
        yield run
    finally:
        get_settings.cache_clear()


def test_add_list_disable_reset(tzmap: Tzmap, client: TestClient) -> None:
    added = tzmap("add", "cli.song", "--role", "township_editor", "--township", "宋庄镇",
                  stdin="a-long-password\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "cli.song: township_editor for 110112104000" in added.output
    listed = tzmap("list")
    assert "cli.song: township_editor" in listed.output

    def sign_in(password: str) -> int:
        response = client.post("/auth/token", data={"username": "cli.song", "password": password})
        return int(response.status_code)

    assert sign_in("a-long-password") == 200
    assert tzmap("reset-password", "cli.song", stdin="another-password\n").exit_code == 0
    assert sign_in("a-long-password") == 401
    assert sign_in("another-password") == 200
    assert tzmap("disable", "cli.song").exit_code == 0
    assert "(disabled)" in tzmap("list").output
    assert sign_in("another-password") == 401
    assert tzmap("enable", "cli.song").exit_code == 0
    assert sign_in("another-password") == 200


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "cli.x", "--role", "god"], "a-long-password\n", "role must be one of"),
        (["add", "cli.x", "--role", "township_editor"], "a-long-password\n", "at least one"),
        (["add", "cli.x", "--role", "planner", "--township", "宋庄镇"], "a-long-password\n",
         "only a township editor"),
        (["add", "cli.x", "--role", "viewer", "--township", "火星镇"], "a-long-password\n",
         "unknown township"),
        (["add", "cli.x", "--role", "viewer"], "short\n", "at least 10"),
        (["add", "Bad Name", "--role", "viewer"], "a-long-password\n", "user name"),
        (["disable", "nobody"], None, "no user"),
    ],
)  # fmt: skip
def test_bad_accounts_are_refused(
    tzmap: Tzmap, args: list[str], stdin: str | None, message: str
) -> None:
    result = tzmap(*args, stdin=stdin)
    assert result.exit_code != 0
    assert message in result.output


def test_a_password_is_not_an_option(tzmap: Tzmap) -> None:
    result = tzmap("add", "cli.y", "--role", "viewer", "--password", "a-long-password")
    assert result.exit_code == 2
    assert "No such option" in result.output
