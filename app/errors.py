"""The project's errors, each with the HTTP status it maps to (see routes/problems.py)."""

from typing import Any


class TzmapError(Exception):
    status_code = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InvalidParameter(TzmapError):
    title = "Invalid parameter"


class NotFound(TzmapError):
    status_code = 404
    title = "Not found"


class ServiceUnavailable(TzmapError):
    status_code = 503
    title = "Service unavailable"
