"""Venue local time: Clopos writes ``YYYY-MM-DD HH:MM:SS`` times and reads date filters in the venue's zone.

Evidence (seed 002): a receipt's ``created_at: "2025-11-20 11:13:03"`` beside ``meta.terminal_updated_at:
1763622813078`` (07:13:33 UTC): local strings are UTC+4, ``Asia/Baku``. Unix-ms and ISO-``Z`` fields are UTC.

Aware ``datetime`` values are converted to the venue zone; naive ones are taken as already venue-local.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .env import DEFAULT_TIMEZONE, ENV_TIMEZONE, env
from .errors import CloposConfigError

LOCAL_FORMAT = "%Y-%m-%d %H:%M:%S"
_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$")

Zone = str | ZoneInfo


@functools.lru_cache(maxsize=32)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CloposConfigError(
            f"unknown time zone {name!r}: give an IANA name such as 'Asia/Baku' (the timezone setting "
            f"or {ENV_TIMEZONE})"
        ) from None


def venue_zone(zone: Zone | None = None) -> ZoneInfo:
    """The zone given (an IANA name or ``ZoneInfo``), else ``CLOPOS_TIMEZONE``, else ``Asia/Baku``.

    Raises ``CloposConfigError`` for an unknown name.
    """
    if isinstance(zone, ZoneInfo):
        return zone
    return _zone((zone or env(ENV_TIMEZONE) or DEFAULT_TIMEZONE).strip())


def zone_name(zone: Zone | None) -> str | None:
    """A zone setting checked and kept as its name (``None`` stays ``None``: resolved at call time)."""
    if zone is None:
        return None
    return venue_zone(zone).key


def zone_of(client: Any) -> ZoneInfo:
    """The venue zone of a client object (its ``timezone`` setting, else the environment)."""
    return venue_zone(client.config.resolve().timezone)


def local(value: datetime, zone: Zone | None = None) -> datetime:
    """A naive venue-local datetime: an aware one is converted to the zone, a naive one is kept."""
    if value.tzinfo is None:
        return value
    return value.astimezone(venue_zone(zone)).replace(tzinfo=None)


def now_text(zone: Zone | None = None) -> str:
    """Now in the venue zone, as ``YYYY-MM-DD HH:MM:SS``."""
    return datetime.now(venue_zone(zone)).strftime(LOCAL_FORMAT)


def local_text(value: Any, zone: Zone | None = None) -> Any:
    """A ``datetime`` as venue-local ``YYYY-MM-DD HH:MM:SS``; any other value is returned unchanged."""
    if isinstance(value, datetime):
        return local(value, zone).strftime(LOCAL_FORMAT)
    return value


def local_date(value: Any, zone: Zone | None = None) -> Any:
    """A date filter value: a ``datetime`` becomes its venue-local ``date`` (no time is sent); others unchanged."""
    if isinstance(value, datetime):
        return local(value, zone).date()
    return value


def needs_zone(*values: Any) -> bool:
    """Whether any value is an aware datetime (only those need the zone to be resolved)."""
    return any(isinstance(value, datetime) and value.tzinfo is not None for value in values)


def aware(value: Any, zone: Zone | None = None) -> datetime | None:
    """An aware datetime in the venue zone from any time form the API sends; ``None`` for null/empty/unset.

    ``YYYY-MM-DD HH:MM:SS`` and ``YYYY-MM-DD`` (and naive datetimes) are venue-local; ISO with an offset
    or ``Z`` and Unix seconds/milliseconds are UTC instants, shown in the venue zone. Other text raises
    ``ValueError``.
    """
    tz = venue_zone(zone)
    if value is None or value == "" or not isinstance(value, (str, int, float, Decimal, date)):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    if isinstance(value, str) and _LOCAL.match(value.strip()):
        return datetime.fromisoformat(value.strip()).replace(tzinfo=tz)
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not a timestamp: {value!r}") from None
        return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed.astimezone(tz)
    if isinstance(value, bool):
        return None
    number = float(value)
    return datetime.fromtimestamp(number / 1000 if abs(number) >= 1e11 else number, tz=timezone.utc).astimezone(tz)
