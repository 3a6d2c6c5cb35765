"""``POST /auth`` (generation 1) and ``POST /v2/auth`` (generation 2)."""

from __future__ import annotations

import secrets
import string
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .config import TEST_MODE_INTEGRATOR, Credentials
from .context import SlidingWindow, generation_of, make_jwt, parse_body
from .responses import ApiError, error_response
from .state import State, TokenInfo

ALPHANUMERIC = string.ascii_letters + string.digits


def _match(state: State, client_id: object, secret: object, brand: object) -> Credentials | None:
    for credentials in state.credentials():
        if (credentials.client_id, credentials.client_secret, credentials.brand) == (client_id, secret, brand):
            return credentials
    return None


async def auth(request: Request) -> Response:
    state: State = request.app.state.emulator
    generation = generation_of(request.url.path)
    try:
        body = parse_body(await request.body())
        if not isinstance(body, dict):
            body = {}
        with state.lock:
            return _auth(request, state, generation, body)
    except ApiError as error:
        return error_response(error)


def _auth(request: Request, state: State, generation: str, body: dict[str, object]) -> Response:
    now = time.time()
    ttl = state.config.token_ttl
    oauth = "oauth_" + "".join(secrets.choice(ALPHANUMERIC) for _ in range(64))
    if generation == "v1":
        credentials = _match(state, body.get("client_id"), body.get("client_secret"), body.get("brand"))
        venue = str(body.get("venue_id") or "")
        if credentials is None or venue not in {str(v) for v in state.brand(credentials.brand).table("venues")}:
            raise ApiError(401, "authentication_failed", "Invalid credentials")
        state.tokens[oauth] = TokenInfo(credentials.brand, venue, "v1", None, now + ttl)
        return JSONResponse(
            {
                "success": True,
                "token": oauth,
                "token_type": "Bearer",
                "expires_in": int(ttl),
                "message": "Authentication successful",
            }
        )
    limit = state.config.rate_limits.auth_per_ip
    windows: SlidingWindow = request.app.state.rate_windows
    ip = request.client.host if request.client else "?"
    window = state.config.rate_limits.window_seconds
    if limit is not None:
        if windows.count(f"auth:{ip}", window) >= limit:
            error = ApiError(429, "rate_limited", "Too many requests. Retry later.")
            error.headers = {
                "RateLimit-Limit": str(limit),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(windows.reset_in(f"auth:{ip}", window)),
            }
            raise error
        windows.add(f"auth:{ip}", window)
    if any(not body.get(k) for k in ("client_id", "client_secret", "brand", "integrator_id")):
        raise ApiError(400, "validation_failed", "Missing client_id, client_secret, brand, or integrator_id")
    integrator = str(body["integrator_id"])
    if integrator == TEST_MODE_INTEGRATOR:
        return JSONResponse(
            {
                "success": False,
                "error": "Integrator is in test mode. But brand is not in test mode",
                "message": "Integrator is in test mode. But brand is not in test mode",
            }
        )
    if integrator not in {c.integrator_id for c in state.credentials()}:
        raise ApiError(400, "validation_failed", "Invalid integrator_id")
    credentials = _match(state, body["client_id"], body["client_secret"], body["brand"])
    if credentials is None:
        raise ApiError(401, "authentication_failed", "Invalid credentials")
    expires_at = int(now + ttl)
    claims = {
        "token": oauth,
        "brand": credentials.brand,
        "stage": "beta",
        "venue_id": int(credentials.venue_id),
        "integrator_id": integrator,
        "iat": int(now),
        "exp": expires_at,
    }
    token = make_jwt(claims)
    state.tokens[token] = TokenInfo(credentials.brand, credentials.venue_id, "v2", integrator, now + ttl)
    return JSONResponse(
        {
            "success": True,
            "token": token,
            "token_type": "Bearer",
            "expires_in": int(ttl),
            "expires_at": expires_at,
            "message": "Authentication successful",
        }
    )
