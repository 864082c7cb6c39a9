"""ASGI middleware that guards every route alike, before any of them runs."""

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
