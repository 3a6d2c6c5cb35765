"""Input checks shared by the API and the control routes: JSON the state can hold, date bounds, numbers."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

from .responses import ApiError

#: Deepest nesting accepted in a request body (the API's deepest documented body has 6 levels).
MAX_DEPTH = 32
#: Integers are 64-bit signed, as in the API's database and in JSON encoders.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def invalid(message: str) -> ApiError:
    return ApiError(400, "validation_failed", message)


def parse_json(raw: bytes) -> Any:
    """A request body as JSON the state can store and every answer can encode, or 400 naming what is wrong."""
    if not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except RecursionError:
        raise invalid(f"The JSON body is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        raise invalid("Malformed JSON body") from None
    check_json(value, "body", 0)
    return value


def check_json(value: Any, path: str, depth: int) -> None:
    """Refuse nesting deeper than ``MAX_DEPTH``, integers outside 64 bits, non-finite numbers, lone surrogates."""
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            raise invalid(f"The JSON body is nested deeper than {MAX_DEPTH} levels")
        for key, item in value.items():
            _check_text(key, path)
            check_json(item, f"{path}.{key}" if path != "body" else key, depth + 1)
    elif isinstance(value, list):
        if depth >= MAX_DEPTH:
            raise invalid(f"The JSON body is nested deeper than {MAX_DEPTH} levels")
        for index, item in enumerate(value):
            check_json(item, f"{path}[{index}]", depth + 1)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise invalid(f"{path} must be an integer between -2^63 and 2^63-1")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise invalid(f"{path} must be a finite number")
    elif isinstance(value, str):
        _check_text(value, path)


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(f"{path} holds an unpaired UTF-16 surrogate") from None


def day_bounds(node: Any) -> tuple[date | None, date | None]:
    """``date[0]`` (first day) and ``date[1]`` (last day, inclusive), each optional and read by its position.

    A plain ``date=D`` is a first day. The first and the last day there are leave their side open (no
    instant before or after them exists in every time zone). Anything but ``YYYY-MM-DD`` (a time after it
    is ignored) is 400.
    """
    if node is None:
        return None, None
    items: dict[str, Any] = node if isinstance(node, dict) else {"0": node}
    unknown = set(items) - {"0", "1"}
    if unknown:
        raise ApiError(400, "invalid_parameter", "date takes date[0] (from) and date[1] (to)")
    bounds: list[date | None] = []
    for key in ("0", "1"):
        value = items.get(key)
        if value in (None, ""):
            bounds.append(None)
            continue
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            bounds.append(date.fromisoformat(value[:10]))
        except ValueError:
            raise ApiError(400, "invalid_parameter", "date must be YYYY-MM-DD") from None
    first, last = bounds
    return (None if first == date.min else first), (None if last == date.max else last)
