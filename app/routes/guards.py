"""ASGI middleware that guards every route alike, before any of them runs."""

import re

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.routes.problems import problem


class RejectNulBytes:
    """A NUL character in the path or the query string is a 400 before any route sees it:
    PostgreSQL text cannot hold one, and no parameter needs one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"").lower()
        ):
            response = problem(400, "Invalid parameter", "the request contains a NUL character")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


HOST_HEADER = re.compile(
    r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[^\s:/?#@\[\]\\]+))(?::\d{1,5})?"
)


class AllowedHosts:
    """Answer only requests whose Host header names one of `hosts` (`*.example.gov.cn` matches
    its subdomains, `*` any host); others get a 400 problem. Starlette's TrustedHostMiddleware
    does the same with a plain-text answer, which no client of this API expects."""

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        self.app = app
        self.any = "*" in hosts
        self.names = {h.strip("[]").lower() for h in hosts if not h.startswith("*")}
        self.suffixes = tuple(h[1:].lower() for h in hosts if h.startswith("*."))

    def allows(self, host_header: str | None) -> bool:
        # A name or a bracketed IPv6 address, and an optional port: nothing a link built from
        # the header could carry further (a path, user info).
        match = HOST_HEADER.fullmatch(host_header or "")
        if match is None:
            return False
        host = (match["ipv6"] or match["name"]).lower()
        return host in self.names or host.endswith(self.suffixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.any or scope["type"] != "http"
                or self.allows(Headers(scope=scope).get("host"))):  # fmt: skip
            await self.app(scope, receive, send)
            return
        response = problem(
            400, "Invalid host", "this server does not answer to the host the request names"
        )
        await response(scope, receive, send)


class HeadAsGet:
    """HEAD answers what GET would, without the body (load balancers and `curl -I` ask with
    HEAD; FastAPI's GET routes would answer 405)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


# What the pages may load: their own scripts and styles (Folium writes some inline), images from
# anywhere over https (the optional online base maps), data from this server only.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        # The table's Excel writer compresses large sheets in a worker it starts from a blob.
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # Online tile servers (OpenStreetMap's above all) ask to know the site their tiles serve.
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)


class SecurityHeaders:
    """The same protective headers on every response: pages, static files, the API."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyTooLarge(HTTPException):
    """Raised while the body is read; an HTTP exception, so that routes pass it on as a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"this request may carry {limit} bytes")


class BodyLimit:
    """Refuse (413) a request body larger than its route can use, before it is stored anywhere:
    by its Content-Length when it says one, else by counting what arrives."""

    def __init__(self, app: ASGIApp, limits: dict[str, int], default: int) -> None:
        self.app = app
        self.limits = limits  # path prefix → bytes
        self.default = default

    def limit(self, path: str) -> int:
        return next((n for prefix, n in self.limits.items() if path.startswith(prefix)),
                    self.default)  # fmt: skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await _too_large(limit)(scope, receive, send)


def _too_large(limit: int) -> Response:
    return problem(413, "Request too large", f"this request may carry {limit} bytes")
