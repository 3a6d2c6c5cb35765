"""The one request flow, shared by the sync and the async client.

Each flow is a generator that yields actions (``Send``, ``Sleep``, ``Locked``) and receives their
results; ``transport.py`` runs it with blocking or with asyncio I/O. Auth, retries, the lost-answer
recovery and parsing are therefore written once.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, TypeVar, Union, cast

import httpx
from pydantic import MISSING, BaseModel

from ..errors import (
    APIConnectionError,
    APITimeoutError,
    CloposConfigError,
    InternalServerError,
    RateLimitError,
    ReceiptConflictError,
    ResponseDecodeError,
    ResponseTooLargeError,
    UnsupportedOperationError,
)
from ..schemas.auth.response import AuthResponse
from ..schemas.common.response import ErrorResponse, ObjectListResponse
from ..schemas.receipts.object import Receipt
from .call import APIResponse, Call, DryRequest, RateLimit, Retry, rate_limit_from, retry_after_from
from .config import Config, Settings
from .decode import decode_success, error_body
from .receipts import receipt_differences
from .tokens import Credentials, Secret, Token
from .wire import Answer, Body, Send, TooLarge, with_query

log = logging.getLogger("integrify.clopos")

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Locked:
    """Run ``flow`` while holding the lock named ``key`` (one auth in flight per credential set)."""

    key: tuple[str, ...]
    flow: Flow[Any]


Action = Union[Send, Sleep, Locked]
Flow = Generator[Action, Any, R]

#: Failures raised before the request left this machine: always safe to retry.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
RETRY_STATUSES = frozenset({502, 503, 504})
REDACTED = "***"
BASE_HEADERS = {"accept": "application/json", "user-agent": "integrify-clopos"}
SECRET_HEADERS = frozenset({"x-token", "authorization"})
SECRET_FIELDS = frozenset({"client_secret", "token"})


@dataclass(slots=True)
class SharedState:
    """What the client objects made by ``with_options`` share: the token cache."""

    tokens: dict[tuple[str, ...], Token] = field(default_factory=dict)
    last_rate_limit: RateLimit | None = None


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def encode_json(body: Any) -> bytes:
    return json.dumps(body, default=_json_default, ensure_ascii=False, separators=(",", ":")).encode()


def _in_time(deadline: float | None, wait: float) -> bool:
    """Whether waiting ``wait`` seconds still leaves the call before its deadline."""
    return deadline is None or time.monotonic() + wait < deadline


def redact(value: Any) -> Any:
    """A copy of a JSON body or a header dict with secrets replaced."""
    if isinstance(value, dict):
        return {
            key: REDACTED if key.lower() in SECRET_FIELDS | SECRET_HEADERS else redact(v) for key, v in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


class Flows:
    """The flows of one client object (its config and its shared token cache)."""

    def __init__(self, config: Config, shared: SharedState) -> None:
        self.config = config
        self.shared = shared
        #: Credential sets already built, by (settings, brand, venue): each costs a digest of the secret.
        self._known_credentials: dict[tuple[Settings, str | None, str | None], Credentials] = {}

    # -- building ---------------------------------------------------------------------------

    def _url(self, settings: Settings, call: Call[Any]) -> str:
        if call.only is not None and call.only != settings.api_version:
            other = "generation 1 (api_version='v1')" if call.only == "v1" else "generation 2 (api_version='v2')"
            raise UnsupportedOperationError(
                f"{call.method} {call.path} exists only in Clopos Open API {other}; "
                f"this client uses {settings.api_version}"
            )
        path = "/v2" + (call.v2_path or call.path) if settings.api_version == "v2" else call.path
        return settings.base_url + path

    def _headers(self, settings: Settings, call: Call[Any]) -> dict[str, str]:
        given = (
            {key.lower(): str(value) for key, value in (call.headers or {}).items()}
            if call.headers is not MISSING
            else {}
        )
        headers = dict(BASE_HEADERS)
        if settings.api_version == "v1" and call.needs_token:
            if settings.brand:
                headers["x-brand"] = settings.brand
            if settings.venue_id:
                headers["x-venue"] = str(settings.venue_id)
        elif settings.venue_id and call.needs_token:
            headers["x-venue"] = str(settings.venue_id)
        headers.update(given)
        for name in SECRET_HEADERS & headers.keys():
            headers[name] = Secret(headers[name])
        if call.json is not MISSING:
            headers["content-type"] = "application/json"
        return headers

    def _credentials(self, settings: Settings, headers: dict[str, str]) -> Credentials:
        """The credential set for automatic auth; brand/venue given in headers select another set."""
        brand = headers.get("x-brand") or settings.brand
        venue = headers.get("x-venue") or settings.venue_id
        known = self._known_credentials.get((settings, brand, venue))
        if known is not None:
            return known
        scope_name, scope = (
            ("integrator_id", settings.integrator_id) if settings.api_version == "v2" else ("venue_id", venue)
        )
        missing = [
            name
            for name, value in (
                ("client_id", settings.client_id),
                ("client_secret", settings.client_secret),
                ("brand", brand),
                (scope_name, scope),
            )
            if not value
        ]
        if missing:
            raise CloposConfigError(
                "no x-token was given and automatic auth lacks "
                + ", ".join(missing)
                + " (pass them to the client or set CLOPOS_"
                + ", CLOPOS_".join(name.upper() for name in missing)
                + ")"
            )
        assert settings.client_id and settings.client_secret and brand
        credentials = Credentials(
            api_version=settings.api_version,
            base_url=settings.base_url,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            brand=brand,
            venue_id=venue,
            integrator_id=settings.integrator_id,
        )
        if len(self._known_credentials) < 64:  # a few sets per client; never grows without bound
            self._known_credentials[(settings, brand, venue)] = credentials
        return credentials

    def own_credentials(self) -> Credentials:
        """The credential set of this client's settings (what automatic auth uses without header overrides)."""
        return self._credentials(self.config.resolve(), {})

    def dry(self, call: Call[Any]) -> DryRequest:
        """The request that would be sent, secrets redacted; nothing is sent."""
        settings = self.config.resolve()
        url = self._url(settings, call)
        headers = self._headers(settings, call)
        return DryRequest(
            method=call.method,
            url=url,
            params=list(call.params),
            headers=redact(headers),
            json=redact(call.json) if call.json is not MISSING else None,
        )

    # -- the flows --------------------------------------------------------------------------

    def call(self, call: Call[T], *, decode: bool = True) -> Flow[APIResponse[T]]:
        """Send one call: automatic auth, retries, one replay after a 401 on a cached token.

        ``decode=False`` (a page fetched ahead): a 2xx body is left as bytes until ``decoded``, so pages waiting
        their turn hold bytes, not the thousands of objects the cycle collector would scan again and again.
        """
        settings = self.config.resolve()
        url = self._url(settings, call)
        headers = self._headers(settings, call)
        total = self.config.total_timeout
        deadline = time.monotonic() + total if total is not None else None
        credentials: Credentials | None = None
        if call.needs_token and "x-token" not in headers:
            credentials = self._credentials(settings, headers)
            headers["x-token"] = yield from self.token(credentials, None, deadline)
        response = yield from self.attempts(call, url, headers, deadline, decode)
        if call.issues_token is not None and response.ok:
            self.store_token(call.issues_token, response.body)
        if response.status_code == 401 and credentials is not None:
            log.info("%s %s: token refused, renewing it and replaying once", call.method, call.path)
            headers["x-token"] = yield from self.token(credentials, headers["x-token"], deadline)
            response = yield from self.attempts(call, url, headers, deadline, decode)
        if self.config.raise_errors:
            response.raise_for_status()
        return response

    def token(self, credentials: Credentials, stale: str | None, deadline: float | None) -> Flow[str]:
        """A fresh token for the set; ``stale`` is one the server refused."""
        cached = self.shared.tokens.get(credentials.key)
        if cached is not None and cached.fresh() and cached.value != stale:
            return cached.value
        value: str = yield Locked(credentials.key, self._renew(credentials, stale, deadline))
        return value

    def _renew(self, credentials: Credentials, stale: str | None, deadline: float | None) -> Flow[str]:
        cached = self.shared.tokens.get(credentials.key)
        if cached is not None and cached.fresh() and cached.value != stale:
            return cached.value  # another caller renewed it while we waited for the lock
        auth = Call("POST", "/auth", AuthResponse, json=credentials.auth_body(), needs_token=False)
        url = credentials.base_url + ("/v2/auth" if credentials.api_version == "v2" else "/auth")
        response = yield from self.attempts(auth, url, {**BASE_HEADERS, "content-type": "application/json"}, deadline)
        body = response.unwrap()  # a refused auth raises its typed error, whatever raise_errors says
        token = self.store_token(credentials, body)
        return token.value

    def store_token(self, credentials: Credentials, body: Any) -> Token:
        expires_at = getattr(body, "expires_at", MISSING)
        expires_in = getattr(body, "expires_in", MISSING)
        token = Token.issued(
            body.token,
            expires_in=float(expires_in) if expires_in not in (MISSING, None) else None,
            expires_at=float(expires_at) if expires_at not in (MISSING, None) else None,
        )
        self.shared.tokens[credentials.key] = token
        return token

    def attempts(
        self, call: Call[T], url: str, headers: dict[str, str], deadline: float | None, decode: bool = True
    ) -> Flow[APIResponse[T]]:
        """Send with retries; see docs/resilience.md for the table of what is retried."""
        send = Send(
            call.method,
            with_query(url, call.params),
            headers,
            Body(encode_json(call.json)) if call.json is not MISSING else None,
            self.config.timeout,
            deadline,
            self.config.max_response_bytes,
        )
        maybe_applied = False  # an earlier attempt may have reached the server
        attempt = 0
        while True:
            started = time.monotonic()
            outcome = yield send
            elapsed = time.monotonic() - started
            if isinstance(outcome, BaseException):
                if isinstance(outcome, TooLarge):
                    raise ResponseTooLargeError(
                        f"{call.method} {call.path}: the answer is larger than max_response_bytes "
                        f"({self.config.max_response_bytes}); it was not read",
                        method=call.method,
                        path=call.path,
                        limit=self.config.max_response_bytes,
                    )
                sent = not isinstance(outcome, NOT_SENT)
                retryable = not sent or call.retry is not Retry.NEVER_AFTER_SEND
                wait = self._backoff(attempt)
                if retryable and attempt < self.config.max_retries and _in_time(deadline, wait):
                    maybe_applied = maybe_applied or sent
                    self._log_retry(call, attempt, f"{type(outcome).__name__}", wait, elapsed)
                    yield Sleep(wait)
                    attempt += 1
                    continue
                raise self._transport_error(call, outcome, sent, attempt + 1)
            status = outcome.status_code
            limits = rate_limit_from(outcome.headers)
            if limits is not None:
                self.shared.last_rate_limit = limits
            log.debug("%s %s -> %s attempt=%d elapsed=%.3fs", call.method, call.path, status, attempt + 1, elapsed)
            if status == 409 and call.retry is Retry.CID_RECOVERY and call.cid:
                conflict = yield from self._resolve_conflict(call, url, headers, outcome, deadline)
                if conflict is not None:
                    return conflict
            if status == 404 and call.method == "DELETE" and maybe_applied:
                log.info("DELETE %s: 404 after an attempt whose answer was lost: it was deleted then", call.path)
                deleted = call.response.model_validate({"success": True})
                return APIResponse(200, outcome.headers, deleted, call.method, call.path, recovered=True)
            if status == 429 or self._retry_status(call, status):
                asked = retry_after_from(outcome.headers)
                wait = self._backoff(attempt) if asked is None else asked
                if asked is not None and asked > self.config.max_retry_wait:
                    error_class = RateLimitError if status == 429 else InternalServerError
                    raise error_class(
                        status_code=status,
                        method=call.method,
                        path=call.path,
                        body=error_body(outcome),
                        retry_after=asked,
                    )
                if attempt < self.config.max_retries and _in_time(deadline, wait):
                    maybe_applied = maybe_applied or status != 429
                    self._log_retry(call, attempt, f"status {status}", wait, elapsed)
                    yield Sleep(wait)
                    attempt += 1
                    continue
            if not decode and 200 <= status < 300:
                return APIResponse(status, outcome.headers, cast(Any, outcome), call.method, call.path)
            try:
                body = self.parse(call, outcome)
            except ResponseDecodeError as error:
                wait = self._backoff(attempt)
                if (
                    call.retry is not Retry.NEVER_AFTER_SEND
                    and attempt < self.config.max_retries
                    and _in_time(deadline, wait)
                ):
                    maybe_applied = True
                    self._log_retry(call, attempt, "unreadable body", wait, elapsed)
                    yield Sleep(wait)
                    attempt += 1
                    continue
                if call.retry is Retry.NEVER_AFTER_SEND:
                    raise ResponseDecodeError(
                        f"{error.args[0]}; the request was probably applied and was not retried "
                        f"({call.method} {call.path} is not idempotent)",
                        method=call.method,
                        path=call.path,
                        status_code=status,
                    ) from None
                raise
            return APIResponse(status, outcome.headers, body, call.method, call.path)

    def _retry_status(self, call: Call[Any], status: int) -> bool:
        if call.retry is Retry.NEVER_AFTER_SEND:
            return False
        if call.retry is Retry.CID_RECOVERY:
            return status >= 500
        return status in RETRY_STATUSES

    def _backoff(self, attempt: int) -> float:
        delay = min(8.0, self.config.backoff * (2.0**attempt))
        return delay * (0.5 + random.random() / 2)

    def _log_retry(self, call: Call[Any], attempt: int, reason: str, wait: float, elapsed: float) -> None:
        log.info(
            "%s %s: %s on attempt %d after %.3fs, retrying in %.2fs",
            call.method,
            call.path,
            reason,
            attempt + 1,
            elapsed,
            wait,
        )

    def _transport_error(self, call: Call[Any], error: BaseException, sent: bool, attempts: int) -> APIConnectionError:
        kind = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
        message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        if sent and call.retry is Retry.NEVER_AFTER_SEND:
            message += (
                f"; the request may have reached the server and been applied, so it was not retried "
                f"({call.method} {call.path} has no idempotency key): check before sending it again"
            )
        elif sent:
            message += f" (after {attempts} attempt{'s' if attempts > 1 else ''})"
        return kind(message, method=call.method, path=call.path, request_sent=sent)

    def _resolve_conflict(
        self, call: Call[T], url: str, headers: dict[str, str], answer: Answer, deadline: float | None
    ) -> Flow[APIResponse[T] | None]:
        """A 409 on create_receipt's cid: the stored receipt is this one (a lost answer) or another.

        This one: returned as the success it was (``recovered=True``), in this call or a later one with
        the same cid. Another: the 409 with a :class:`ReceiptConflictError` naming it. Not found: ``None``.
        """
        lookup = Call(
            "GET",
            "/receipts",
            ObjectListResponse[Receipt],
            params=[
                ("filters[0][0]", "cid"),
                ("filters[0][1]", str(call.cid)),
                ("limit", "200"),
                ("sort[0]", "created_at"),
                ("sort[1]", "-1"),
            ],
        )
        get_headers = {key: value for key, value in headers.items() if key != "content-type"}
        found = yield from self.attempts(lookup, url, get_headers, deadline)
        if not found.ok or isinstance(found.body, ErrorResponse):
            return None
        stored = next((receipt for receipt in found.body.data if receipt.cid == call.cid), None)
        if stored is None:
            return None
        differences = receipt_differences(call.json, stored)
        if not differences:
            log.info("POST %s: receipt cid=%s is stored as id=%s: returned as created", call.path, call.cid, stored.id)
            body = call.response.model_validate({"success": True, "data": stored})
            return APIResponse(200, found.headers, body, call.method, call.path, recovered=True)
        refused = error_body(answer)
        conflict = ReceiptConflictError(
            stored_receipt_id=stored.id if isinstance(stored.id, int) else None,
            differences=differences,
            status_code=409,
            method=call.method,
            path=call.path,
            body=refused,
        )
        return APIResponse(409, answer.headers, refused, call.method, call.path, known_error=conflict)

    # -- parsing ----------------------------------------------------------------------------

    def decoded(self, call: Call[T], response: APIResponse[T]) -> APIResponse[T]:
        """A response from ``call(decode=False)`` with its body decoded (``ResponseDecodeError`` if unreadable)."""
        if isinstance(response.body, Answer):
            return replace(response, body=self.parse(call, response.body))
        return response

    def parse(self, call: Call[T], response: Answer) -> T | ErrorResponse:
        """The documented model for a success, ErrorResponse for an error (see decode.py)."""
        if 200 <= response.status_code < 300:
            return decode_success(call, response, strict=self.config.strict_validation)
        return error_body(response)
