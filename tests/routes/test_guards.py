"""The host check on its own, in front of a bare app (no database needed)."""

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.routes.guards import AllowedHosts
from app.routes.problems import PROBLEM_JSON


def guarded(hosts: list[str]) -> TestClient:
    app = Starlette(routes=[Route("/", lambda request: PlainTextResponse("ok"))])
    return TestClient(AllowedHosts(app, hosts=hosts))


@pytest.mark.parametrize(
    "host",
    ["map.example.gov.cn", "MAP.example.gov.cn:8443", "a.intra.example", "127.0.0.1:8000", "[::1]"],
)
def test_named_hosts_are_answered(host: str) -> None:
    client = guarded(["map.example.gov.cn", "*.intra.example", "127.0.0.1", "::1"])
    assert client.get("/", headers={"Host": host}).text == "ok"


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "intra.example",  # *.intra.example names its subdomains only
        "map.example.gov.cn.evil.example",
        "evil.example@map.example.gov.cn",
        "map.example.gov.cn/evil",
        "map.example.gov.cn:port",
        "",
    ],
)
def test_other_hosts_are_a_400_problem(host: str) -> None:
    client = guarded(["map.example.gov.cn", "*.intra.example"])
    response = client.get("/", headers={"Host": host})
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == 400 and body["title"] == "Invalid host" and body["detail"]


def test_a_star_answers_every_host() -> None:
    assert guarded(["*"]).get("/", headers={"Host": "anything.example"}).text == "ok"
