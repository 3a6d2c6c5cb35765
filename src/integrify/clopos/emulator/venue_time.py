"""Venue local time in the emulator (independent of the client's own module).

Clopos writes ``YYYY-MM-DD HH:MM:SS`` fields (receipts' ``created_at``, ``closed_at``, ``shift_date`` ...)
in the venue's zone and reads ``date[0]``/``date[1]`` as local days; Unix-ms and ISO-``Z`` fields are UTC.
Seed 002: ``created_at: "2025-11-20 11:13:03"`` beside ``meta.terminal_updated_at: 1763622813078``
(07:13:33 UTC) and ``meta.lastAddedProductTime: "2025-11-20T07:13:33.394Z"``: UTC+4, ``Asia/Baku``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from .config import EmulatorConfig
    from .context import Ctx

DEFAULT_ZONE = "Asia/Baku"
ONE_SECOND = timedelta(seconds=1)


@functools.lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ``ValueError`` naming it when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (give an IANA name such as 'Asia/Baku')") from None


@dataclass(frozen=True)
class VenueZones:
    """Each venue's zone: ``venues[id]`` where given, else ``default``."""

    default: str = DEFAULT_ZONE
    venues: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in (self.default, *self.venues.values()):
            zone(name)

    def of(self, venue_id: int | str | None) -> ZoneInfo:
        try:
            name = self.venues.get(int(venue_id), self.default) if venue_id is not None else self.default
        except ValueError:
            name = self.default
        return zone(name)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(moment: datetime) -> datetime:
    """An instant in UTC (a naive datetime is taken as UTC, never as the machine's zone)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def local_text(moment: datetime, tz: tzinfo) -> str:
    """An aware instant as the venue's wall clock, ``YYYY-MM-DD HH:MM:SS``."""
    return _utc(moment).astimezone(tz).isoformat(sep=" ", timespec="seconds")[:19]


def iso_micro(moment: datetime) -> str:
    """UTC ISO with microseconds zeroed, as orders and users carry them: ``2026-02-02T13:45:53.000000Z``."""
    return _utc(moment).isoformat(timespec="seconds")[:19] + ".000000Z"


def iso_millis(moment: datetime) -> str:
    """UTC ISO with milliseconds, as ``meta.lastAddedProductTime``: ``2025-11-20T07:13:33.394Z``."""
    return _utc(moment).isoformat(timespec="milliseconds")[:23] + "Z"


def unix_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def parse_local(text: str, tz: tzinfo) -> datetime:
    """``YYYY-MM-DD HH:MM:SS`` on the venue's wall clock as an aware instant (``ValueError`` otherwise)."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)


def from_client(value: object, tz: tzinfo) -> datetime:
    """A time a client sent: Unix ms or seconds (number or digits; UTC) or venue-local text.

    ``ValueError`` for anything else.
    """
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(value)
    text = str(value).strip()
    if text.isascii() and text.isdigit():
        number = int(text)
        return datetime.fromtimestamp(number / 1000 if number > 1e11 else number, tz=timezone.utc)
    return parse_local(text, tz)


def day_start(day: date, tz: tzinfo) -> datetime:
    """Local midnight of ``day`` as an aware instant."""
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def venue_zones(config: EmulatorConfig) -> VenueZones:
    """The zones an emulator's settings give (``timezone``, ``venue_timezones``)."""
    return VenueZones(config.timezone, dict(config.venue_timezones))


def zone_of(ctx: Ctx) -> ZoneInfo:
    """The zone of the venue a request acts for (its ``x-venue``, else the token's venue)."""
    return venue_zones(ctx.state.config).of(ctx.venue_id)
