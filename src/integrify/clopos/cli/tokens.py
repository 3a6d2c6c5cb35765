"""The token kept between invocations: one per profile (or per environment), in a 0600 file, never printed.

The client caches tokens per object; this module seeds that cache from ``tokens.json`` before the
command and stores what it holds afterwards. A cached token is tied to a digest of the whole
credential set (URL, generation, client id, secret, brand, venue), so changed settings never reuse it.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING

from integrify.clopos import SavedToken
from integrify.clopos._core.tokens import Credentials

from .errors import CliError
from .settings import config_dir, read_private, write_private

if TYPE_CHECKING:
    from pathlib import Path

    from integrify.clopos import CloposSyncClient

    from .settings import Resolved


def cache_path() -> Path:
    return config_dir() / "tokens.json"


def _load() -> dict[str, object]:
    """The saved tokens; a damaged file is only a cache, so it counts as empty (and is rewritten)."""
    try:
        return read_private(cache_path()) or {}
    except CliError:
        return {}


def _credentials(resolved: Resolved) -> Credentials:
    s = resolved.values
    return Credentials(
        api_version="v2" if s["api_version"] == "v2" else "v1",
        base_url=(s["base_url"] or "").rstrip("/"),
        client_id=s["client_id"] or "",
        client_secret=s["client_secret"] or "",
        brand=s["brand"] or "",
        venue_id=s["venue_id"],
        integrator_id=s["integrator_id"],
    )


def _slot(resolved: Resolved) -> str:
    return f"profile:{resolved.profile}" if resolved.profile else "environment"


def _digest(credentials: Credentials) -> str:
    return hashlib.sha256("\0".join(credentials.key).encode()).hexdigest()


def restore(client: CloposSyncClient, resolved: Resolved) -> None:
    """Put the saved token for these settings, if still fresh, in the client's cache."""
    entry = _load().get(_slot(resolved))
    credentials = _credentials(resolved)
    if not isinstance(entry, dict) or entry.get("digest") != _digest(credentials):
        return
    renew_at = float(entry.get("renew_at", 0))
    if renew_at > time.time() and isinstance(entry.get("token"), str):
        client.use_token(SavedToken(entry["token"], renew_at))


def keep(client: CloposSyncClient, resolved: Resolved) -> None:
    """Save the client's token for these settings when it changed."""
    saved = client.saved_token()
    if saved is None:
        return
    data = _load()
    entry = {
        "digest": _digest(_credentials(resolved)),
        "token": str(saved.value),
        "renew_at": round(saved.renew_at, 3),
    }
    old = data.get(_slot(resolved))
    if isinstance(old, dict) and old.get("token") == entry["token"]:
        return
    data[_slot(resolved)] = entry
    write_private(cache_path(), data)


def forget(profile: str) -> None:
    """Drop a profile's saved token (``profile remove``)."""
    data = _load()
    if data.pop(f"profile:{profile}", None) is not None:
        write_private(cache_path(), data)
