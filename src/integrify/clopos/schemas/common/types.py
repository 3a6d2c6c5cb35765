"""Field types shared by every model: the UNSET sentinel, lenient timestamps and enums."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, TypeVar, Union
from zoneinfo import ZoneInfo

from pydantic import MISSING, BaseModel, ConfigDict, Field

from ...venue_time import aware

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

#: A value that was not given (absent from the JSON, or an argument left out).
#: It is pydantic's ``MISSING`` sentinel, so unset fields are also left out when a model is dumped.
UNSET = MISSING
Unset = MISSING

#: A field that may be absent from the JSON (``UnsetField`` in the documentation).
UnsetField = Union[T, MISSING]
#: A field that may be absent or ``null`` (``UnsetOrNoneField`` in the documentation).
UnsetOrNoneField = Union[T, None, MISSING]


def parse_timestamp(value: Any) -> datetime:
    """Parse any timestamp form the API uses into an aware ``datetime`` (UTC when no zone is given).

    Accepts ``YYYY-MM-DD HH:MM:SS``, ISO 8601 (with microseconds and ``Z``), ``YYYY-MM-DD``,
    and Unix time as int or digit string (milliseconds when it has 13 digits or more, else seconds).
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = float(value)
        return datetime.fromtimestamp(number / 1000 if abs(number) >= 1e11 else number, tz=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return parse_timestamp(int(text))
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not a timestamp: {value!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    raise ValueError(f"not a timestamp: {value!r}")


#: A timestamp in any of the API's formats, parsed natively by pydantic (in Rust): ISO 8601,
#: ``YYYY-MM-DD HH:MM:SS`` (naive, as the API sends it) and Unix seconds or milliseconds, as numbers or digit strings.
IsoDateTime = datetime

#: A timestamp parsed to ``datetime`` when it is one; any other text the server sends is kept as is.
LenientDateTime = Annotated[Union[IsoDateTime, str], Field(union_mode="left_to_right")]

#: An enum field that keeps a value the documentation does not list (as a plain string or int).
Lenient = Annotated[Union[E, str, int], Field(union_mode="left_to_right")]


class CloposModel(BaseModel):
    """Base of every model: unknown fields are kept, numbers are accepted where strings are documented."""

    model_config = ConfigDict(
        extra="allow",
        coerce_numbers_to_str=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        arbitrary_types_allowed=False,
    )

    def local_time(self, field: str, zone: str | ZoneInfo | None = None) -> datetime | None:
        """A time field as an aware ``datetime`` in the venue zone (``None`` when null or absent).

        The wire value is kept as sent; ``YYYY-MM-DD HH:MM:SS`` is read as venue-local, ISO-``Z`` and Unix
        ms as UTC. ``zone``: an IANA name or ``ZoneInfo``, else ``CLOPOS_TIMEZONE``, else ``Asia/Baku``;
        pass ``client.venue_zone`` to use a client's setting.
        """
        return aware(getattr(self, field), zone)
