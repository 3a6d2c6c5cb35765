"""Clients pointed at a test's emulator, with fast backoff."""

from __future__ import annotations

from typing import Any

import httpx

from integrify.clopos import CloposAsyncClient, CloposClientClass, CloposSyncClient
from integrify.clopos.emulator import Emulator

#: "default", or "httpx": clients get an httpx client of their own passed in (set by tests/conftest.py).
SENDER = "default"
_given: list[httpx.Client | httpx.AsyncClient] = []


def close_given() -> None:
    """Close the httpx clients handed out for the "httpx" sender (async ones are left to the GC)."""
    for http in _given:
        if isinstance(http, httpx.Client):
            http.close()
    _given.clear()


def client_options(emu: Emulator, options: dict[str, Any]) -> dict[str, Any]:
    """Client options pointing at ``emu`` with the demo credentials and a short backoff, then ``options``."""
    return {"base_url": emu.base_url, **auth_body(emu), "backoff": 0.01, **options}


def sync_client(emu: Emulator, **options: Any) -> CloposSyncClient:
    if SENDER == "httpx" and "http_client" not in options:
        options["http_client"] = httpx.Client()
        _given.append(options["http_client"])
    return CloposClientClass(**client_options(emu, options))


def async_client(emu: Emulator, **options: Any) -> CloposAsyncClient:
    if SENDER == "httpx" and "http_client" not in options:
        options["http_client"] = httpx.AsyncClient()
        _given.append(options["http_client"])
    return CloposClientClass(sync=False, **client_options(emu, options))


def auth_body(emu: Emulator) -> dict[str, Any]:
    """The demo credentials as an auth request's body (either generation takes the same keys)."""
    c = emu.credentials
    return {
        "client_id": c.client_id,
        "client_secret": c.client_secret,
        "brand": c.brand,
        "venue_id": c.venue_id,
        "integrator_id": c.integrator_id,
    }


def auth_token(emu: Emulator, generation: str = "v1") -> str:
    """A token from the emulator's own auth route, with the demo credentials (plain httpx, no client)."""
    body = auth_body(emu)
    answer = httpx.post(emu.base_url + ("/v2/auth" if generation == "v2" else "/auth"), json=body)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])
