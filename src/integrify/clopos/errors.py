"""The exceptions the client raises. Texts never carry secrets (client_secret, tokens)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .schemas.common.response import ErrorResponse


class CloposError(Exception):
    """Base of every error raised by this package."""


class CloposConfigError(CloposError):
    """A setting needed for the call is missing (e.g. credentials for automatic auth)."""


class CloposValidationError(CloposError, ValueError):
    """An argument was refused before anything was sent; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class UnsupportedOperationError(CloposError):
    """The operation does not exist in the selected API generation; nothing was sent."""


class APIConnectionError(CloposError):
    """The server could not be reached, or the connection broke before a full answer arrived.

    ``request_sent`` tells whether the request may have reached the server (and been applied).
    """

    def __init__(self, message: str, *, method: str, path: str, request_sent: bool) -> None:
        super().__init__(f"{method} {path}: {message}")
        self.method = method
        self.path = path
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """The server did not answer in time."""


class ResponseDecodeError(CloposError):
    """A 2xx answer whose body is not the documented JSON (an HTML page, a truncated body)."""

    def __init__(self, message: str, *, method: str, path: str, status_code: int) -> None:
        super().__init__(f"{method} {path} -> {status_code}: {message}")
        self.method = method
        self.path = path
        self.status_code = status_code


class APIStatusError(CloposError):
    """The API answered with an error. Carries the status, the API's ``error`` code and message."""

    def __init__(
        self,
        *,
        status_code: int,
        method: str,
        path: str,
        body: ErrorResponse,
        retry_after: float | None = None,
    ) -> None:
        self.status_code = status_code
        self.method = method
        self.path = path
        self.body = body
        self.code = body.code
        self.message = body.text
        self.retry_after = retry_after
        detail = f" ({self.code})" if self.code else ""
        super().__init__(f"{method} {path} -> {status_code}{detail}: {self.message}")


class BadRequestError(APIStatusError):
    """400 or 422: the API refused the arguments (``validation_failed``, ``invalid_parameter``)."""


class AuthenticationError(APIStatusError):
    """401: missing, invalid or expired token, or wrong credentials."""


class PermissionDeniedError(APIStatusError):
    """403: the brand lacks the module or the integrator the scope."""


class NotFoundError(APIStatusError):
    """404: no such resource in this brand and venue."""


class ConflictError(APIStatusError):
    """409: a unique key (receipt ``cid``; customer ``code``, ``phone``, ``cid``) is taken."""


class ReceiptConflictError(ConflictError):
    """409 on ``create_receipt``: the ``cid`` is taken by a stored receipt that differs from this one.

    ``stored_receipt_id`` names it; ``differences`` lists what differs (total, payments, product lines).
    """

    def __init__(self, *, stored_receipt_id: int | None, differences: list[str], **kwargs: Any) -> None:
        self.stored_receipt_id = stored_receipt_id
        self.differences = differences
        super().__init__(**kwargs)
        self.args = (
            f"{self.args[0]}; the cid belongs to receipt id={stored_receipt_id}, which differs in "
            + ", ".join(differences),
        )


class ResponseTooLargeError(CloposError):
    """The answer's body was larger than the client's ``max_response_bytes``; it was not read further."""

    def __init__(self, message: str, *, method: str, path: str, limit: int) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.limit = limit


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` holds the wait the server asked for, in seconds."""


class InternalServerError(APIStatusError):
    """5xx from the API or a proxy in front of it."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    422: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an HTTP status (or for a 200 answer with ``success: false``)."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)
