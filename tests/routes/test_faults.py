"""Faults a district service meets: a database down, a lock held, a connection killed mid-write,
and hostile values; each a clear answer, nothing half-written."""

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from app.cluster import free_port
from app.main import create_app
from app.settings import Settings
from tests.routes.conftest import PNG, Living

ITEMS = "/collections/projects/items"


def _problem(response: object, status: int) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def down() -> Iterator[TestClient]:
    """The app on a database that is not there."""
    url = f"postgresql://nobody:secret@127.0.0.1:{free_port()}/nothing"
    with TestClient(create_app(Settings(), url), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/collections"),
        ("GET", f"{ITEMS}?limit=5"),
        ("GET", f"{ITEMS}/x"),
        ("GET", "/collections/projects/tiles/WebMercatorQuad/10/843/387"),
        ("GET", "/api/projects/x/timeline"),
        ("GET", "/collections/changes/items"),
        ("POST", "/auth/token"),
    ],
)
def test_a_database_down_is_503_with_retry_after(down: TestClient, method: str, path: str) -> None:
    data = {"username": "a", "password": "b"} if method == "POST" else None
    response = down.request(method, path, data=data)
    _problem(response, 503)
    assert int(response.headers["retry-after"]) > 0
    assert "127.0.0.1" not in response.text and "nobody" not in response.text


def test_health_says_why_without_naming_the_host(down: TestClient) -> None:
    response = down.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert "127.0.0.1" not in response.text and "port" not in response.text
    assert down.get("/livez").status_code == 200
    assert down.head("/healthz").status_code == 503


@pytest.fixture
def held_lock(living: Living) -> Iterator[None]:
    """Another session holding an exclusive lock on the table the feeds read."""
    with psycopg.connect(living.url) as conn:
        conn.execute("LOCK TABLE project_feature IN ACCESS EXCLUSIVE MODE")
        yield
        conn.rollback()


def test_a_held_lock_is_a_timely_503_and_the_rest_still_answers(
    living: Living, held_lock: None
) -> None:
    settings = Settings(statement_timeout_seconds=3, lock_timeout_seconds=1)
    with TestClient(create_app(settings, living.url)) as client:
        started = time.monotonic()
        _problem(client.get(ITEMS, params={"limit": 5}), 503)
        assert time.monotonic() - started < 20  # given up, not hung
        assert client.get("/healthz").status_code == 200
        assert client.get("/livez").status_code == 200


def test_a_connection_killed_mid_write_leaves_nothing(living: Living) -> None:
    """Approval writes the event, then is killed before it commits: all of it or nothing."""
    evidence = living.upload(data=PNG + b"killed")
    body = {"year": 2001, "status": "completed", "evidence": {"document": evidence}}
    change = living.write("song", "POST", f"{ITEMS}/{living.own_project}/events", body).json()
    with psycopg.connect(living.url, autocommit=True) as admin:
        # Stall every insert of an event so that the approval is caught in the middle.
        admin.execute(
            "CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$"
        )
        admin.execute(
            "CREATE TRIGGER stall BEFORE INSERT ON status_event"
            " FOR EACH ROW EXECUTE FUNCTION stall()"
        )
        audit_before = living.sql("SELECT count(*) FROM audit_log")
        answers: list[int] = []
        headers = living.auth("planner")

        def approve() -> None:
            answers.append(
                living.client.post(f"/changes/{change['id']}/approve", headers=headers).status_code
            )

        thread = threading.Thread(target=approve)
        thread.start()
        try:
            deadline = time.monotonic() + 20
            killed = 0
            while not killed and time.monotonic() < deadline:
                time.sleep(0.2)
                killed = len(
                    admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event = 'PgSleep'"
                    ).fetchall()
                )
            thread.join(timeout=30)
        finally:
            admin.execute("DROP TRIGGER stall ON status_event")
            admin.execute("DROP FUNCTION stall()")
    assert killed and answers == [503]
    state = living.sql("SELECT state FROM change_request WHERE id = %(i)s", i=change["id"])
    assert state == [("submitted",)]
    assert living.sql("SELECT count(*) FROM audit_log") == audit_before
    written = living.sql(
        "SELECT count(*) FROM status_event WHERE project_id = %(p)s AND year = 2001",
        p=living.own_project,
    )
    assert written == [(0,)]
    # The service carries on: the same approval now goes through.
    again = living.client.post(f"/changes/{change['id']}/approve", headers=headers)
    assert again.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"{ITEMS}?q=a%00b",
        f"{ITEMS}?programme=a%00b",
        f"{ITEMS}/a%00b",
        "/api/projects/a%00b/timeline",
        "/collections/projects/tiles/WebMercatorQuad/10/843/387?q=%00",
        "/changes?project=%00",
    ],
)
def test_nul_characters_are_400(living: Living, path: str) -> None:
    _problem(living.client.get(path), 400)


def test_nul_in_bodies_and_numbers_out_of_range_are_400(living: Living) -> None:
    before = living.sql("SELECT count(*) FROM change_request")
    body = {
        "year": 2002,
        "status": "planned",
        "milestone": "a\u0000b",
        "evidence": {"document": living.upload(data=PNG + b"nul")},
    }
    _problem(living.write("planner", "POST", f"{ITEMS}/{living.own_project}/events", body), 400)
    assert living.sql("SELECT count(*) FROM change_request") == before
    _problem(living.client.post("/auth/token", data={"username": "a\x00", "password": "b"}), 400)
    _problem(living.client.get(ITEMS, params={"offset": 2**63}), 400)


def test_head_answers_like_get_without_a_body(living: Living) -> None:
    for path in ("/healthz", "/livez", f"{ITEMS}/{living.own_project}", f"{ITEMS}?limit=500"):
        got, head = living.client.get(path), living.client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        assert head.headers.get("etag") == got.headers.get("etag")
    assert living.client.head(f"{ITEMS}/no-such").status_code == 404


def test_one_report_is_read_at_a_time(living: Living) -> None:
    from app.routes import extract

    report = {"file": ("r.txt", "关于2023年计划执行情况的报告\n城市绿心森林公园开园。".encode())}
    headers = living.auth("viewer")
    year = {"report_year": "99999"}
    _problem(living.client.post("/extract", files=report, data=year, headers=headers), 400)
    assert extract.READERS.acquire(timeout=5)  # a report being read meanwhile
    try:
        busy = living.client.post("/extract", files=report, headers=headers)
    finally:
        extract.READERS.release()
    _problem(busy, 503)
    assert busy.headers["retry-after"]
    assert living.client.post("/extract", files=report, headers=headers).status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/extract", "/static/map.js", "/collections", "/no-such-page", f"{ITEMS}?q=%00"]
)
def test_every_response_carries_the_security_headers(living: Living, path: str) -> None:
    response = living.client.get(path, headers={"Accept": "text/html"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "connect-src 'self'" in policy


def test_links_use_the_public_address_not_the_host_header(living: Living) -> None:
    spoofed = {"Host": "evil.example"}
    assert "evil.example" in living.client.get("/", headers=spoofed).text  # unset: as asked
    settings = Settings(public_url="https://map.example.gov.cn/", allowed_hosts=["testserver"])
    with TestClient(create_app(settings, living.url)) as client:
        page = client.get(ITEMS, params={"limit": 1})
        hrefs = [link["href"] for link in page.json()["links"]]
        assert hrefs and all(h.startswith("https://map.example.gov.cn/") for h in hrefs)
        refused = client.get(ITEMS, params={"limit": 1}, headers=spoofed)
        assert refused.status_code == 400
        assert refused.headers["content-type"] == "application/problem+json"


def test_a_wrong_method_says_which_are_allowed(living: Living) -> None:
    response = living.client.delete("/collections")
    _problem(response, 405)
    assert "GET" in response.headers["allow"]


def test_bodies_larger_than_a_route_uses_are_413(living: Living) -> None:
    big = b"x" * (2 * 1024 * 1024)
    events = f"{ITEMS}/{living.own_project}/events"
    _problem(living.client.post(events, content=big, headers=living.auth("song")), 413)
    _problem(living.client.post("/auth/token", content=big), 413)
    upload = living.client.post(
        "/uploads", files={"file": ("x.png", PNG + big)}, headers=living.auth("song")
    )
    _problem(upload, 413)  # the 64 KiB limit of this app's settings, plus the form's margin

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"y" * 65536

    headers = living.auth("song") | {"Content-Type": "application/json"}
    _problem(living.client.post(events, content=chunks(), headers=headers), 413)


@pytest.mark.parametrize("size", [70_000, 300_000])
def test_a_request_too_large_to_parse_is_a_problem_too(live_server: str, size: int) -> None:
    """Beyond what the HTTP parser takes (about 64 KB of request line and headers), the server's
    own 400 is problem+json as well, not plain text."""
    import json
    import socket
    from urllib.parse import urlsplit

    address = urlsplit(live_server)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        path = f"{ITEMS}?q={'a' * size}"
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {address.netloc}\r\n\r\n".encode())
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"content-type: application/problem+json" in head.lower()
    problem = json.loads(body)
    assert problem["status"] == 400 and "64 KB" in problem["detail"]
