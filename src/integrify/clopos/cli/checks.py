"""Checks of command-line values before anything is sent; each failure names its flag (exit code 2)."""

from __future__ import annotations

import re
from datetime import date

from .errors import CliError

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def day(value: str | None, flag: str) -> str | None:
    """A ``YYYY-MM-DD`` date, as given; ``None`` stays ``None``."""
    if value is None:
        return None
    try:
        if not _DAY.fullmatch(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{flag}: expected a date YYYY-MM-DD, not {value!r}") from None
    return value


def day_range(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """``--from`` and ``--to``, each optional, the first not after the second."""
    first, last = day(date_from, "--from"), day(date_to, "--to")
    if first and last and first > last:
        raise CliError(f"--from {first} is after --to {last}")
    return first, last
