"""Settings from the ``CLOPOS_*`` environment, read when a client is made or a call is sent (never at import)."""

from __future__ import annotations

import os
from typing import Literal

BASE_URL = "https://integrations.clopos.com/open-api"

ApiVersion = Literal["v1", "v2"]

ENV_BASE_URL = "CLOPOS_BASE_URL"
ENV_CLIENT_ID = "CLOPOS_CLIENT_ID"
ENV_CLIENT_SECRET = "CLOPOS_CLIENT_SECRET"
ENV_BRAND = "CLOPOS_BRAND"
ENV_VENUE_ID = "CLOPOS_VENUE_ID"
ENV_INTEGRATOR_ID = "CLOPOS_INTEGRATOR_ID"
ENV_API_VERSION = "CLOPOS_API_VERSION"
ENV_LOG = "CLOPOS_LOG"
ENV_TIMEZONE = "CLOPOS_TIMEZONE"

#: The venue's IANA time zone, in which Clopos writes ``YYYY-MM-DD HH:MM:SS`` times and reads date filters.
DEFAULT_TIMEZONE = "Asia/Baku"


def env(name: str) -> str | None:
    """One setting from the environment; empty strings count as unset."""
    return os.environ.get(name) or None


def api_version_from(value: str | None) -> ApiVersion:
    """Validate an API generation name (``v1`` or ``v2``)."""
    text = (value or "v1").strip().lower()
    if text in ("v1", "1"):
        return "v1"
    if text in ("v2", "2"):
        return "v2"
    raise ValueError(f"api_version must be 'v1' or 'v2', not {value!r}")
