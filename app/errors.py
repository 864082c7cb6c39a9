"""The project's errors, each with the HTTP status it maps to (see routes/problems.py)."""

from typing import Any, ClassVar


class TzmapError(Exception):
    status_code = 400
    title = "Bad request"
    default_headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or dict(self.default_headers)
        self.extra = extra


class InvalidParameter(TzmapError):
    title = "Invalid parameter"


class NotFound(TzmapError):
    status_code = 404
    title = "Not found"


class ServiceUnavailable(TzmapError):
    status_code = 503
    title = "Service unavailable"


class Unauthorized(TzmapError):
    status_code = 401
    title = "Sign-in required"
    default_headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": "Bearer"}


class Forbidden(TzmapError):
    status_code = 403
    title = "Not allowed"


class Conflict(TzmapError):
    status_code = 409
    title = "Conflict"


class PreconditionFailed(TzmapError):
    status_code = 412
    title = "Changed since you read it"


class PreconditionRequired(TzmapError):
    status_code = 428
    title = "If-Match required"


class PayloadTooLarge(TzmapError):
    status_code = 413
    title = "File too large"


class UnsupportedMediaType(TzmapError):
    status_code = 415
    title = "Unsupported file type"


class TooManyRequests(TzmapError):
    status_code = 429
    title = "Too many attempts"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})
