"""What one endpoint call is (``Call``), and what comes back (``APIResponse``, ``DryRequest``)."""

from __future__ import annotations

import email.utils
import enum
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Literal, TypeVar

import httpx
from pydantic import MISSING, BaseModel

from ..env import ApiVersion
from ..errors import APIStatusError, status_error_class
from ..schemas.common.response import ErrorResponse
from .query import Params
from .tokens import Credentials
from .wire import HeaderLookup

T = TypeVar("T", bound=BaseModel)
Headers = Mapping[str, str]


class Retry(enum.Enum):
    """How a call may be retried after a failure that may have reached the server."""

    #: GET, PUT, PATCH, DELETE: repeating them cannot do harm.
    IDEMPOTENT = "idempotent"
    #: POST without a key (create_order, create_customer): only retried when surely not applied.
    NEVER_AFTER_SEND = "never-after-send"
    #: create_receipt: retried, and a 409 on its unique ``cid`` is resolved by looking the receipt up.
    CID_RECOVERY = "cid-recovery"


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One request to the API, described once and sent by the sync or the async client."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str
    response: type[T]
    params: Params = field(default_factory=list)
    json: Any = MISSING
    headers: Any = MISSING
    retry: Retry = Retry.IDEMPOTENT
    #: The generations that have this operation; ``None`` means both.
    only: ApiVersion | None = None
    #: False for the auth call itself.
    needs_token: bool = True
    #: Path under the v2 prefix when it differs from ``path`` (``None``: same path).
    v2_path: str | None = None
    #: The receipt ``cid`` of a create_receipt call (for the lost-answer recovery).
    cid: str | None = None
    #: For the auth call: the credential set whose token cache the answer fills.
    issues_token: Credentials | None = None

    def with_page(self, page: int) -> Call[T]:
        """The same call for another page."""
        params = [(key, value) for key, value in self.params if key != "page"]
        return replace(self, params=[("page", str(page)), *params])

    def page_size(self) -> int | None:
        return next((int(value) for key, value in self.params if key == "limit"), None)

    def first_page(self) -> int:
        return next((int(value) for key, value in self.params if key == "page"), 1)


@dataclass(frozen=True, slots=True)
class DryRequest:
    """The request a ``dry=True`` client would send: nothing is sent, secrets are redacted."""

    method: str
    url: str
    params: Params
    headers: dict[str, str]
    json: Any = None


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The last rate-limit headers seen (``RateLimit-*`` on v2, ``X-RateLimit-*`` on v1)."""

    limit: int | None
    remaining: int | None
    reset: float | None


@dataclass(slots=True)
class APIResponse(Generic[T]):
    """An answer: ``ok``, ``status_code``, ``headers`` and ``body`` (the documented model, or ErrorResponse)."""

    status_code: int
    #: The answer's headers as the sender got them (case-insensitive); ``headers`` is the httpx view.
    raw_headers: HeaderLookup
    body: T | ErrorResponse
    method: str
    path: str
    #: True when the answer of an earlier attempt was lost and the outcome was recovered: a create_receipt
    #: found by its cid, or a DELETE whose retry met 404 because the first attempt had deleted it.
    recovered: bool = False
    #: The typed error for this answer when the flow knows more than its status (ReceiptConflictError).
    known_error: APIStatusError | None = field(default=None, repr=False)
    _headers: httpx.Headers | None = field(default=None, repr=False)

    @property
    def headers(self) -> httpx.Headers:
        """The answer's headers (made on first use: most callers never look)."""
        if self._headers is None:
            raw = self.raw_headers
            self._headers = raw if isinstance(raw, httpx.Headers) else httpx.Headers(list(raw.items()))
        return self._headers

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300 and not isinstance(self.body, ErrorResponse)

    @property
    def rate_limit(self) -> RateLimit | None:
        return rate_limit_from(self.raw_headers)

    def raise_for_status(self) -> APIResponse[T]:
        """Raise the typed error for an error answer; return self otherwise."""
        if isinstance(self.body, ErrorResponse):
            raise self.error()
        return self

    def unwrap(self) -> T:
        """The success body, or the typed error raised."""
        if isinstance(self.body, ErrorResponse):
            raise self.error()
        return self.body

    def error(self) -> APIStatusError:
        if self.known_error is not None:
            return self.known_error
        body = self.body if isinstance(self.body, ErrorResponse) else ErrorResponse()
        cls = status_error_class(self.status_code if self.status_code >= 300 else 400)
        return cls(
            status_code=self.status_code,
            method=self.method,
            path=self.path,
            body=body,
            retry_after=retry_after_from(self.raw_headers),
        )

    def __repr__(self) -> str:
        return f"<APIResponse {self.method} {self.path} {self.status_code} ok={self.ok}>"


def _number(value: str | None) -> float | None:
    """A finite number from a header, else ``None`` (``nan``, ``inf`` and junk count as absent)."""
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def rate_limit_from(headers: HeaderLookup) -> RateLimit | None:
    if "ratelimit-limit" in headers:
        prefix = "ratelimit-"
    elif "x-ratelimit-limit" in headers:
        prefix = "x-ratelimit-"
    else:
        return None
    limit, remaining = _number(headers.get(prefix + "limit")), _number(headers.get(prefix + "remaining"))
    return RateLimit(
        limit=int(limit) if limit is not None else None,
        remaining=int(remaining) if remaining is not None else None,
        reset=_number(headers.get(prefix + "reset")),
    )


def retry_after_from(headers: HeaderLookup, now_epoch: float | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date), ``RateLimit-Reset`` (seconds)
    or ``X-RateLimit-Reset`` (epoch seconds)."""
    value = headers.get("retry-after")
    if value is not None:
        seconds = _number(value)
        if seconds is not None:
            return max(0.0, seconds)
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            return max(0.0, moment.timestamp() - (now_epoch if now_epoch is not None else time.time()))
    seconds = _number(headers.get("ratelimit-reset"))
    if seconds is not None:
        return max(0.0, seconds)
    epoch = _number(headers.get("x-ratelimit-reset"))
    if epoch is not None:
        return max(0.0, epoch - (now_epoch if now_epoch is not None else time.time()))
    return None
