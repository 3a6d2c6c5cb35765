"""Clients pointed at a test's emulator, with fast backoff."""

from __future__ import annotations

from typing import Any

from integrify.clopos import CloposAsyncClient, CloposClientClass, CloposSyncClient
from integrify.clopos.emulator import Emulator


def _options(emu: Emulator, options: dict[str, Any]) -> dict[str, Any]:
    c = emu.credentials
    return {
        "base_url": emu.base_url,
        "client_id": c.client_id,
        "client_secret": c.client_secret,
        "brand": c.brand,
        "venue_id": c.venue_id,
        "integrator_id": c.integrator_id,
        "backoff": 0.01,
        **options,
    }


def sync_client(emu: Emulator, **options: Any) -> CloposSyncClient:
    return CloposClientClass(**_options(emu, options))


def async_client(emu: Emulator, **options: Any) -> CloposAsyncClient:
    return CloposClientClass(sync=False, **_options(emu, options))
