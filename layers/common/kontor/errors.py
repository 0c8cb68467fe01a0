"""Domain errors. Each carries a stable code and its HTTP status; `kontor.api` maps them once."""

from __future__ import annotations

from typing import Any, ClassVar


class KontorError(Exception):
    status: ClassVar[int] = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class BadRequest(KontorError):
    status = 400
    code = "bad_request"


class Unauthorized(KontorError):
    status = 401
    code = "unauthorized"


class Forbidden(KontorError):
    status = 403
    code = "forbidden"


class NotFound(KontorError):
    status = 404
    code = "not_found"


class Conflict(KontorError):
    status = 409
    code = "conflict"


class Gone(KontorError):
    status = 410
    code = "gone"


class PreconditionFailed(KontorError):
    status = 412
    code = "precondition_failed"


class PayloadTooLarge(KontorError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(KontorError):
    status = 415
    code = "unsupported_media_type"


class Locked(KontorError):
    status = 423
    code = "locked"


class PreconditionRequired(KontorError):
    status = 428
    code = "precondition_required"


class Unprocessable(KontorError):
    status = 422
    code = "unprocessable"


class TooManyRequests(KontorError):
    status = 429
    code = "too_many_requests"


def quota_exceeded(quota: str, limit: int, message: str) -> Conflict:
    """A configured limit (`kontor.settings`) is reached; the body names it and its value."""
    return Conflict(message, code="quota_exceeded", details={"quota": quota, "limit": limit})


def allowance_used_up(quota: str, limit: int, message: str) -> TooManyRequests:
    """A configured daily allowance is used up: 429 with the quota's name and value."""
    return TooManyRequests(
        message, code="quota_exceeded", details={"quota": quota, "limit": limit, "per": "day"}
    )
