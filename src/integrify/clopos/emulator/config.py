"""Emulator settings and the demo credential sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Credentials:
    """One credential set of a demo brand (demo values, not secrets)."""

    client_id: str
    client_secret: str
    brand: str
    venue_id: str
    integrator_id: str


#: The seed's own example values, so that the documentation's examples run against the emulator.
DEMO = Credentials(
    client_id="eNUKI04aYJRU6TBhh5bwUrvmEORgQoxM",
    client_secret="dqYkWUpDjzvKOgbP3ar8tSNKJbwMyYe1V5R7DHClfSNYkap5C5XxRA6PmzoPv1I2",
    brand="openapitest",
    venue_id="1",
    integrator_id="emulator-integrator",
)
#: A second brand, to show tokens and data never cross brands.
DEMO2 = Credentials(
    client_id="demo2-client",
    client_secret="demo2-secret-0123456789",
    brand="demobrand2",
    venue_id="1",
    integrator_id="emulator-integrator",
)
#: An integrator in test mode: its auth against a production brand answers 200 with success false.
TEST_MODE_INTEGRATOR = "emulator-test-integrator"


@dataclass
class RateLimits:
    """Generation-2 limits per 1-minute sliding window (None: not enforced)."""

    auth_per_ip: int | None = 60
    failed_per_ip: int | None = 600
    per_integrator_brand: int | None = 300
    window_seconds: float = 60.0


@dataclass
class EmulatorConfig:
    """How the emulator starts. ``receipts`` historic receipts are generated on demand, not stored."""

    receipts: int = 300
    seed: int = 42
    token_ttl: float = 3600.0
    latency_ms: float = 0.0
    db: str | None = None
    strict_order_status: bool = True
    max_body_bytes: int = 1_000_000
    #: How many requests the request log keeps (the oldest are dropped; counters stay exact).
    log_size: int = 10_000
    rate_limits: RateLimits = field(default_factory=RateLimits)
    faults: list[dict[str, Any]] = field(default_factory=list)
    #: Random POS actions per second (receipts, orders, stop list, prices; seeded by ``seed``); 0: none.
    activity: float = 0.0
    #: The venues' IANA time zone (local-time fields, date filters); ``venue_timezones`` overrides per venue id.
    timezone: str = "Asia/Baku"
    venue_timezones: dict[int, str] = field(default_factory=dict)
