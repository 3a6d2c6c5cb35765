"""Query-string building in the API's PHP bracket notation, and argument checks done before sending."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import MISSING

from ..errors import CloposValidationError

Params = list[tuple[str, str]]


def scalar(value: Any) -> str:
    """One query value as the API expects it (enums by value, booleans as true/false, dates ISO)."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Query:
    """A builder of ``(name, value)`` pairs; UNSET and None values are left out."""

    def __init__(self) -> None:
        self.params: Params = []

    def add(self, name: str, value: Any) -> Query:
        if value is not MISSING and value is not None:
            self.params.append((name, scalar(value)))
        return self

    def indexed(self, name: str, values: Any) -> Query:
        """``with[0]=a&with[1]=b`` from a list (a single string is one value)."""
        if values is MISSING or values is None:
            return self
        items = [values] if isinstance(values, (str, Enum)) else list(values)
        for index, item in enumerate(items):
            self.add(f"{name}[{index}]", item)
        return self

    def pair(self, name: str, first: Any, second: Any) -> Query:
        """``date[0]=a&date[1]=b`` / ``sort[0]=f&sort[1]=-1``; either half may be UNSET."""
        self.add(f"{name}[0]", first)
        self.add(f"{name}[1]", second)
        return self

    def filters(self, tuples: Iterable[tuple[str, Any]], name: str = "filters") -> Query:
        """``filters[N][0]=field&filters[N][1]=value``; list values become ``filters[N][1][M]``."""
        for index, (field, value) in enumerate(tuples):
            self.params.append((f"{name}[{index}][0]", field))
            if isinstance(value, (list, tuple, set, frozenset)):
                for position, item in enumerate(value):
                    self.params.append((f"{name}[{index}][1][{position}]", scalar(item)))
            else:
                self.params.append((f"{name}[{index}][1]", scalar(value)))
        return self


def filter_tuples(filters: Any, *, value_key: str = "value") -> list[tuple[str, Any]]:
    """Normalise the forms the documentation uses for filters into ``(field, value)`` tuples.

    Accepted: ``[{'by': 'name', 'value': 'John'}]``, ``[('name', 'John')]`` and ``{'name': 'John'}``.
    """
    if filters is MISSING or filters is None:
        return []
    if isinstance(filters, Mapping):
        return [(str(key), value) for key, value in filters.items()]
    result: list[tuple[str, Any]] = []
    for index, item in enumerate(filters):
        if isinstance(item, Mapping):
            if "by" not in item:
                raise CloposValidationError(f"filters[{index}]", "each filter needs a 'by' key")
            result.append((str(item["by"]), item.get(value_key)))
        elif isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2:
            result.append((str(item[0]), item[1]))
        else:
            raise CloposValidationError(f"filters[{index}]", f"expected a dict or a (field, value) pair, not {item!r}")
    return result


def comma_list(value: Any) -> Any:
    """``selects`` as one comma-separated string, from a string or a list."""
    if value is MISSING or value is None or isinstance(value, str):
        return value
    return ",".join(scalar(item) for item in value)


def check_page(page: Any, limit: Any, max_limit: int) -> None:
    """Refuse page < 1 and a limit outside 1..max_limit before sending (decisions.md §7)."""
    if page is not MISSING and page is not None:
        check_int("page", page, 1, None)
    if limit is not MISSING and limit is not None:
        check_int("limit", limit, 1, max_limit)


def check_int(field: str, value: Any, low: int | None, high: int | None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CloposValidationError(field, f"must be an integer, not {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise CloposValidationError(field, f"must be {bounds}, not {value}")


def check_choice(field: str, value: Any, allowed: Iterable[Any]) -> None:
    """Refuse a value outside the documented set (enums are compared by value)."""
    if value is MISSING or value is None:
        return
    raw = value.value if isinstance(value, Enum) else value
    allowed_values = [item.value if isinstance(item, Enum) else item for item in allowed]
    if raw not in allowed_values:
        raise CloposValidationError(field, f"must be one of {', '.join(map(str, allowed_values))}, not {raw!r}")
