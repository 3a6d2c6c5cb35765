"""Paging, sorting and filtering shared by every list route."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from starlette.responses import JSONResponse

from .context import Ctx
from .demo_data import Record
from .query import as_list, filter_pairs
from .responses import ApiError, ok


def int_param(ctx: Ctx, name: str, default: int | None, low: int, high: int | None) -> int | None:
    """An integer query parameter within bounds; anything else is 400 invalid_parameter naming the range."""
    raw = ctx.query.get(name)
    if raw is None:
        return default
    bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
    try:
        value = int(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        raise ApiError(400, "invalid_parameter", f"The '{name}' parameter must be {bounds}")
    return value


#: The highest page number accepted (it is echoed in answers, which hold 64-bit integers at most).
MAX_PAGE = 2**31 - 1


def page_window(ctx: Ctx, max_limit: int, default_limit: int) -> tuple[int, int]:
    page = int_param(ctx, "page", 1, 1, MAX_PAGE) or 1
    limit = int_param(ctx, "limit", default_limit, 1, max_limit) or default_limit
    return page, limit


def matches(record: Record, field: str, value: Any) -> bool:
    """A filter: lists mean "one of"; strings compare case-insensitively; ``name`` matches a part."""
    actual = record.get(field)
    if isinstance(value, list):
        return any(matches(record, field, item) for item in value)
    if field == "name" and isinstance(actual, str) and isinstance(value, str):
        return value.lower() in actual.lower()
    if field == "phones" and isinstance(actual, list):
        return any(str(value) in str(phone) for phone in actual)
    if isinstance(actual, bool) or value in ("true", "false"):
        return str(actual).lower() in (str(value).lower(), {"true": "1", "false": "0"}.get(str(value).lower(), ""))
    return str(actual) == str(value) or (isinstance(actual, str) and actual.lower() == str(value).lower())


def apply_filters(ctx: Ctx, records: Iterable[Record], allowed: Sequence[str] | None = None) -> list[Record]:
    pairs = filter_pairs(ctx.query)
    if "filters" in ctx.query and not pairs:
        raise ApiError(400, "invalid_parameter", "Invalid filter parameters")
    for field, _ in pairs:
        if allowed is not None and field not in allowed:
            raise ApiError(400, "invalid_parameter", f"Unknown filter field '{field}'")
    return [r for r in records if all(matches(r, field, value) for field, value in pairs)]


def sort_records(ctx: Ctx, records: list[Record], sorts: Sequence[str]) -> list[Record]:
    """``sort[0]=field&sort[1]=1|-1`` (or price lists' ``sort[0][0]``/``sort[0][1]`` with asc/desc)."""
    spec = as_list(ctx.query.get("sort"))
    if not spec:
        return records
    if isinstance(spec[0], list):
        spec = spec[0]
    field = str(spec[0])
    direction = str(spec[1]) if len(spec) > 1 else "1"
    if field not in sorts or direction not in ("1", "-1", "asc", "desc"):
        raise ApiError(400, "invalid_parameter", f"sort must be one of {', '.join(sorts)} with 1 or -1")
    reverse = direction in ("-1", "desc")
    return sorted(records, key=lambda r: (r.get(field) is None, str(r.get(field)).zfill(20)), reverse=reverse)


def page_of(
    ctx: Ctx,
    records: Sequence[Record],
    *,
    max_limit: int,
    default_limit: int = 50,
    sorts: Sequence[str] = (),
    pagination: bool = False,
) -> JSONResponse:
    page, limit = page_window(ctx, max_limit, default_limit)
    start = (page - 1) * limit
    data = list(records[start : start + limit])
    if pagination:
        total_pages = -(-len(records) // limit)
        meta = {"page": page, "per_page": limit, "total": len(records), "total_pages": total_pages}
        return ok(data, pagination=meta)
    return ok(data, total=len(records), sorts=list(sorts))


def select_fields(records: Iterable[Record], selects: str | None) -> list[Record]:
    if not selects:
        return list(records)
    fields = {"id", "name", "type", *(part.strip() for part in selects.split(",") if part.strip())}
    return [{key: value for key, value in record.items() if key in fields} for record in records]
