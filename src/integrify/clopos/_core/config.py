"""A client's settings, and their resolution against the environment at call time."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import httpx

from ..env import (
    BASE_URL,
    ENV_API_VERSION,
    ENV_BASE_URL,
    ENV_BRAND,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_INTEGRATOR_ID,
    ENV_VENUE_ID,
    ApiVersion,
    api_version_from,
    env,
)
from ..errors import CloposConfigError
from ..venue_time import venue_zone
from .tokens import secret

#: Connect fast, wait for slow answers: Clopos's own gateway gives up on its upstream after 8 s.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


@dataclass(frozen=True, slots=True)
class Config:
    """What a client object was given; ``None`` means "from the environment, else the default"."""

    base_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    brand: str | None = None
    venue_id: str | None = None
    integrator_id: str | None = None
    api_version: ApiVersion | None = None
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    max_retries: int = 2
    #: Longest ``Retry-After`` honoured; a longer one raises at once with the wait attached.
    max_retry_wait: float = 60.0
    #: First backoff delay in seconds (doubled each attempt, with jitter, capped at 8 s).
    backoff: float = 0.5
    raise_errors: bool = False
    #: Pages in flight at once in async iteration.
    prefetch: int = 4
    #: Seconds a whole call may take, retries and waits included (``None``: no limit).
    total_timeout: float | None = 120.0
    #: Largest answer body read, in bytes; a larger one raises ``ResponseTooLargeError``.
    max_response_bytes: int = 64 * 1024 * 1024
    #: Raise ``ResponseDecodeError`` when a 2xx body does not match its model, instead of keeping the value.
    strict_validation: bool = False
    #: The venue's IANA time zone (``None``: ``CLOPOS_TIMEZONE``, else ``Asia/Baku``); see venue_time.py.
    timezone: str | None = None

    def __post_init__(self) -> None:
        total = self.total_timeout
        if total is not None and (
            isinstance(total, bool) or not isinstance(total, (int, float)) or not 0 < total < math.inf
        ):
            raise CloposConfigError(f"total_timeout must be a number of seconds above 0, or None; got {total!r}")
        size = self.max_response_bytes
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise CloposConfigError(f"max_response_bytes must be a whole number of bytes, at least 1; got {size!r}")

    def resolve(self) -> Settings:
        """Read the environment now for what was not given."""
        return Settings(
            base_url=(self.base_url or env(ENV_BASE_URL) or BASE_URL).rstrip("/"),
            client_id=self.client_id or env(ENV_CLIENT_ID),
            client_secret=secret(self.client_secret or env(ENV_CLIENT_SECRET)),
            brand=self.brand or env(ENV_BRAND),
            venue_id=self.venue_id or env(ENV_VENUE_ID),
            integrator_id=self.integrator_id or env(ENV_INTEGRATOR_ID),
            api_version=self.api_version or api_version_from(env(ENV_API_VERSION)),
            timezone=venue_zone(self.timezone).key,
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Config resolved against the environment, for one call."""

    base_url: str
    client_id: str | None
    client_secret: str | None = field(repr=False)
    brand: str | None
    venue_id: str | None
    integrator_id: str | None
    api_version: ApiVersion
    #: The venue's IANA time zone name, checked.
    timezone: str


def as_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    """A timeout setting as ``httpx.Timeout`` (``None``: the default)."""
    if value is None:
        return DEFAULT_TIMEOUT
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value, connect=min(5.0, value))
