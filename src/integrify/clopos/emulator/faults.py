"""Fault injection and the request log: an outer ASGI middleware that sees uvicorn's own connection."""

from __future__ import annotations

import asyncio
import fnmatch
import json
import math
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .responses import ApiError, error_body

KINDS = ("latency", "status", "html", "truncate", "drop_before", "drop_after", "revoke_token", "gather")


@dataclass
class Fault:
    """One fault rule: ``kind`` on requests matching ``method`` and ``route`` (a template or a glob).

    Fires for the next ``times`` matches, or (``times=None``) with ``probability`` from a seeded generator.
    """

    kind: str
    route: str = "*"
    method: str = "*"
    times: int | None = 1
    probability: float = 1.0
    seed: int | None = None
    #: Let this many matching requests through before the fault starts firing.
    after: int = 0
    #: The answer's status: 503 by default for ``status``, 502 for ``html``.
    status: int | None = None
    retry_after: float | None = None
    #: ``latency``: the wait; ``gather``: the longest a request waits for the others (0: 30 s).
    ms: float = 0.0
    #: ``gather``: how many matching requests wait for each other before all go on.
    count: int = 2
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    _gate: asyncio.Event | None = field(default=None, repr=False)
    #: ``gather``: requests that came to wait (only until the gate opened).
    _waiting: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        """Refuse what would break the emulator later (a string count, a status HTTP cannot send, ...)."""
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {', '.join(KINDS)}")
        for name in ("route", "method"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a string")
        _number(self, "times", int, 1, None, optional=True)
        _number(self, "probability", float, 0, 1)
        _number(self, "seed", int, None, None, optional=True)
        _number(self, "after", int, 0, None)
        _number(self, "status", int, 200, 599, optional=True)
        _number(self, "retry_after", float, 0, None, optional=True)
        _number(self, "ms", float, 0, 600_000)
        _number(self, "count", int, 1, 10_000)
        self._rng = random.Random(self.seed)

    def matches(self, method: str, route: str, path: str) -> bool:
        return fnmatch.fnmatchcase(method, self.method.upper()) and (
            fnmatch.fnmatchcase(route, self.route) or fnmatch.fnmatchcase(path, self.route)
        )

    def public(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    @property
    def gathered(self) -> bool:
        """``gather``: ``count`` requests waited together (rather than the wait running out)."""
        return self._waiting >= self.count

    async def gather(self) -> None:
        """Wait until ``count`` requests wait here, or ``ms`` (30 s when 0) passed; then every one goes on."""
        gate = self._gate = self._gate or asyncio.Event()  # made in the emulator's event loop
        if gate.is_set():
            return
        self._waiting += 1
        if self._waiting >= self.count:
            gate.set()
            return
        try:
            await asyncio.wait_for(gate.wait(), (self.ms or 30_000) / 1000)
        except asyncio.TimeoutError:
            gate.set()


def _number(fault: Fault, name: str, kind: type, low: float | None, high: float | None, optional: bool = False) -> None:
    """``fault.name`` is an int (or, for ``float``, any finite number) within bounds, or None when optional."""
    value = getattr(fault, name)
    if value is None and optional:
        return
    kinds = (int, float) if kind is float else (int,)
    what = "an integer" if kind is int else "a number"
    if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value):
        raise ValueError(f"{name} must be {what}{' or null' if optional else ''}, not {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ValueError(f"{name} must be {bounds}, not {value!r}")


@dataclass
class RecordedRequest:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes
    route: str
    status: int = 0
    #: The kinds of the faults that fired on it, and the time from its arrival to its answer.
    faults: tuple[str, ...] = ()
    duration_ms: float = 0.0

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def public(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query_string": self.query_string,
            "headers": self.headers,
            "body": self.body.decode("utf-8", "replace"),
            "route": self.route,
            "status": self.status,
        }


#: What a fault spec may set.
OPTIONS = {f.name for f in fields(Fault) if not f.name.startswith("_")} - {"kind"}


class FaultController:
    """The fault rules, changeable at run time (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rules: list[Fault] = []

    def add(self, kind: str, **options: Any) -> Fault:
        unknown = set(options) - OPTIONS
        if unknown:
            raise ValueError(f"unknown fault option(s): {', '.join(sorted(map(str, unknown)))}")
        fault = Fault(kind, **options)
        if kind == "gather" and "times" not in options:
            fault.times = fault.count  # one gathering of ``count`` requests
        with self._lock:
            self.rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def pick(self, method: str, route: str, path: str) -> list[Fault]:
        """The faults that fire for this request (consuming their counts)."""
        fired = []
        with self._lock:
            for fault in list(self.rules):
                if not fault.matches(method, route, path):
                    continue
                if fault.after > 0:
                    fault.after -= 1
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.rules.remove(fault)
                    fired.append(fault)
                elif fault._rng.random() < fault.probability:
                    fired.append(fault)
        return fired


def parse_fault_spec(spec: str) -> dict[str, Any]:
    """``kind[:key=value,...]``, e.g. ``status:status=503,route=/open-api/receipts,times=2``."""
    kind, _, rest = spec.partition(":")
    options: dict[str, Any] = {"kind": kind}
    for part in filter(None, rest.split(",")):
        key, _, value = part.partition("=")
        try:
            if key in ("times", "status", "seed", "after", "count"):
                options[key] = None if value == "none" else int(value)
            elif key in ("probability", "ms", "retry_after"):
                options[key] = float(value)
            else:
                options[key] = value
        except ValueError:
            raise ValueError(f"{key} must be a number, not {value!r}") from None
    return options


def _tier_two(record: RecordedRequest) -> bool:
    return record.path.startswith("/open-api/v2/") and not record.route.endswith("/auth")


def _failure_key(scope: Scope) -> str:
    client = scope.get("client") or ("?", 0)
    return f"failed:{client[0]}"


def drop_connection(send: Send) -> None:
    """Close the client's connection without an answer.

    Uvicorn passes its request/response cycle's bound ``send``; the cycle holds the asyncio transport.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None:
        transport.abort()


class Recorder:
    """Records API requests, counts them per route, applies latency and faults."""

    def __init__(self, app: ASGIApp, routes: list[Route], emulator: Any, log_size: int) -> None:
        self.app = app
        self.routes = routes
        self.emulator = emulator
        #: The last ``log_size`` requests (a ring buffer); ``counters`` count every request ever received.
        self.requests: deque[RecordedRequest] = deque(maxlen=log_size)
        self.counters: Counter[str] = Counter()
        #: API requests being handled now, and the most seen at once (to check client concurrency).
        self.in_flight = 0
        self.max_in_flight = 0
        #: Called with each recorded request once it is answered, in the server's event loop (the console's log).
        self.listeners: list[Callable[[RecordedRequest], None]] = []

    def route_of(self, scope: Scope) -> str:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return route.path
        return str(scope["path"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/open-api"):
            await self.app(scope, receive, send)
            return
        config = self.emulator.config
        started = time.perf_counter()
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > config.max_body_bytes:
                await self._answer(
                    send,
                    413,
                    {"success": False, "error": "payload_too_large", "message": "The request body is too large"},
                )
                return
        method = scope["method"]
        route = self.route_of(scope)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        record = RecordedRequest(method, path, scope.get("query_string", b"").decode("latin-1"), headers, body, route)
        self.requests.append(record)
        self.counters[f"{method} {route}"] += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self._handle(scope, send, record, body, headers)
        finally:
            self.in_flight -= 1
            if record.status >= 400 and _tier_two(record):
                self.emulator.rate_windows.add(_failure_key(scope), config.rate_limits.window_seconds)
            record.duration_ms = (time.perf_counter() - started) * 1000
            for listener in list(self.listeners):
                listener(record)

    async def _handle(
        self, scope: Scope, send: Send, record: RecordedRequest, body: bytes, headers: dict[str, str]
    ) -> None:
        config = self.emulator.config
        path, method, route = record.path, record.method, record.route
        if await self._failed_too_often(scope, send, record):
            return
        faults = self.emulator.faults.pick(method, route, path)
        record.faults = tuple(f.kind for f in faults)
        delay = config.latency_ms + sum(f.ms for f in faults if f.kind == "latency")
        if delay:
            await asyncio.sleep(delay / 1000)
        kinds = {f.kind: f for f in faults}
        if "gather" in kinds:
            await kinds["gather"].gather()
        if "drop_before" in kinds:
            drop_connection(send)
            return
        if "status" in kinds:
            fault = kinds["status"]
            status = fault.status or 503
            extra = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            code = "rate_limited" if status == 429 else "server_error"
            text = "Too many requests. Retry later." if status == 429 else "Service unavailable"
            record.status = status
            await self._answer(send, status, error_body(ApiError(status, code, text)), extra)
            return
        if "html" in kinds:
            record.status = kinds["html"].status or 502
            page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
            await self._raw(send, record.status, page, b"text/html")
            return
        if "revoke_token" in kinds and headers.get("x-token") in self.emulator.state.tokens:
            self.emulator.state.tokens[headers["x-token"]].revoked = True
        messages: list[Message] = []

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            messages.append(message)

        await self.app(scope, replay, capture)
        start = next((m for m in messages if m["type"] == "http.response.start"), None)
        record.status = int(start["status"]) if start else 0
        if "drop_after" in kinds or start is None:
            drop_connection(send)
            return
        content = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        if "truncate" in kinds:
            await send(start)
            await send({"type": "http.response.body", "body": content[: len(content) // 2], "more_body": True})
            drop_connection(send)
            return
        await send(start)
        await send({"type": "http.response.body", "body": content, "more_body": False})

    async def _failed_too_often(self, scope: Scope, send: Send, record: RecordedRequest) -> bool:
        """Generation 2's second tier: failed (≥ 400) requests per client IP, checked before the token."""
        limit = self.emulator.config.rate_limits.failed_per_ip
        if limit is None or not _tier_two(record):
            return False
        window = self.emulator.config.rate_limits.window_seconds
        key = _failure_key(scope)
        windows = self.emulator.rate_windows
        if windows.count(key, window) < limit:
            return False
        record.status = 429
        headers = {
            "Retry-After": str(windows.reset_in(key, window)),
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(windows.reset_in(key, window)),
        }
        await self._answer(
            send, 429, error_body(ApiError(429, "rate_limited", "Too many requests. Retry later.")), headers
        )
        return True

    async def _answer(
        self, send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        await self._raw(send, status, json.dumps(body).encode(), b"application/json", raw)

    @staticmethod
    async def _raw(
        send: Send, status: int, content: bytes, kind: bytes, extra: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        headers = [(b"content-type", kind), (b"content-length", str(len(content)).encode()), *(extra or [])]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content, "more_body": False})
