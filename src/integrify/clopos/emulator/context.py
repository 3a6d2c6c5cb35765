"""What every API handler gets: the caller's brand and venue after auth, the query, the JSON body."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .query import parse_query
from .responses import V2_UNAUTHORIZED, ApiError, error_response
from .state import BrandData, Saving, State, TokenInfo
from .validation import parse_json

JWT_KEY = b"clopos-emulator-demo-signing-key"


@dataclass
class Ctx:
    request: Request
    state: State
    generation: str
    brand: BrandData
    venue_id: str
    query: dict[str, Any]
    body: Any
    path: dict[str, Any]

    def param(self, name: str) -> Any:
        return self.path[name]


def generation_of(path: str) -> str:
    return "v2" if path.startswith("/open-api/v2/") else "v1"


def parse_body(raw: bytes) -> Any:
    """A request body as JSON the state can hold and every answer can encode (see ``validation``), or 400."""
    return parse_json(raw)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims: dict[str, Any]) -> str:
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(JWT_KEY, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def jwt_valid(token: str) -> bool:
    parts = token.split(".")
    if len(parts) != 3:
        return False
    expected = _b64(hmac.new(JWT_KEY, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
    return hmac.compare_digest(expected, parts[2])


class SlidingWindow:
    """Counts events per key over the last ``window`` seconds."""

    def __init__(self) -> None:
        self.events: dict[str, deque[float]] = {}

    def _trim(self, key: str, window: float) -> deque[float]:
        events = self.events.setdefault(key, deque())
        now = time.monotonic()
        while events and events[0] <= now - window:
            events.popleft()
        return events

    def count(self, key: str, window: float) -> int:
        return len(self._trim(key, window))

    def add(self, key: str, window: float) -> None:
        self._trim(key, window).append(time.monotonic())

    def reset_in(self, key: str, window: float) -> int:
        events = self._trim(key, window)
        return max(1, int(events[0] + window - time.monotonic() + 0.999)) if events else int(window)


def authenticate(state: State, request: Request, generation: str) -> tuple[BrandData, str, TokenInfo]:
    headers = request.headers
    token = headers.get("x-token")
    if generation == "v1" and not (token and headers.get("x-brand") and headers.get("x-venue")):
        raise ApiError(401, "unauthorized", "Missing authentication headers")
    if not token:
        raise ApiError(401, "unauthorized", V2_UNAUTHORIZED)
    info = state.tokens.get(token)
    if info is None or info.revoked or info.generation != generation or (generation == "v2" and not jwt_valid(token)):
        raise ApiError(401, "unauthorized", "Invalid token" if generation == "v1" else V2_UNAUTHORIZED)
    if time.time() >= info.expires_at:
        extra = {"expires_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(info.expires_at))}
        raise ApiError(401, "unauthorized", "Token expired", **(extra if generation == "v2" else {}))
    venue = headers.get("x-venue") or info.venue_id
    if generation == "v1" and (headers.get("x-brand") != info.brand or venue != info.venue_id):
        raise ApiError(401, "unauthorized", "Invalid token")
    brand = state.brand(info.brand)
    if not any(str(v) == venue for v in brand.table("venues")):
        raise ApiError(401, "unauthorized", "Invalid venue")
    return brand, venue, info


Handler = Callable[[Ctx], Response]


def api(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler: auth, query and body parsing, the state lock, error bodies, rate limits (v2).

    A handler of a method other than GET runs as one ``State.write()``: undone whole if it fails, and
    answered once its rows are committed to the SQLite file (awaited off the lock and off the event loop).
    """

    async def endpoint(request: Request) -> Response:
        state: State = request.app.state.emulator
        generation = generation_of(request.url.path)
        saving = Saving()
        try:
            body = parse_body(await request.body()) if request.method in ("POST", "PUT", "PATCH") else None
            with state.lock:
                brand, venue, info = authenticate(state, request, generation)
                limits = state_limits(request, state, generation, info)
                ctx = Ctx(
                    request,
                    state,
                    generation,
                    brand,
                    venue,
                    parse_query(request.url.query),
                    body,
                    dict(request.path_params),
                )
                if request.method == "GET":
                    response = handler(ctx)
                else:
                    with state.write() as saving:
                        response = handler(ctx)
            await saving.wait_async()
        except ApiError as error:
            response = error_response(error)
            limits = {}
        response.headers.update(limits)
        return response

    return endpoint


def state_limits(request: Request, state: State, generation: str, info: TokenInfo) -> dict[str, str]:
    """Tier 3 of generation 2: per integrator and brand. Returns the RateLimit-* headers."""
    limit = state.config.rate_limits.per_integrator_brand
    if generation != "v2" or limit is None:
        return {}
    window = state.config.rate_limits.window_seconds
    key = f"{info.integrator_id}:{info.brand}"
    windows: SlidingWindow = request.app.state.rate_windows
    used = windows.count(key, window)
    headers = {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(max(0, limit - used - 1)),
        "RateLimit-Reset": str(windows.reset_in(key, window)),
    }
    if used >= limit:
        error = ApiError(429, "rate_limited", "Too many requests. Retry later.")
        headers["RateLimit-Remaining"] = "0"
        error.headers = headers
        raise error
    windows.add(key, window)
    return headers
