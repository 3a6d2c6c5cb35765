"""Names every endpoint module uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import MISSING

from .._core.call import Call, Retry
from .._core.endpoint import endpoint, list_endpoint
from .._core.query import Query, check_choice, check_int, check_page, comma_list, filter_tuples
from ..errors import CloposValidationError
from ..schemas.common.types import UNSET, UnsetField, UnsetOrNoneField

#: Extra request headers (``x-token``, ``x-brand``, ``x-venue``); they win over settings and environment.
Headers = UnsetField[Mapping[str, str]]


def paged(page: Any, limit: Any, max_limit: int) -> Query:
    """A query starting with ``page`` and ``limit``, checked against the endpoint's bound."""
    check_page(page, limit, max_limit)
    return Query().add("page", page).add("limit", limit)


def body(**fields: Any) -> dict[str, Any]:
    """A JSON body from keyword arguments, leaving UNSET ones out (``None`` is sent as null)."""
    return {key: value for key, value in fields.items() if value is not MISSING}


def given(value: UnsetField[str], fallback: str | None) -> str | None:
    """The argument, or the fallback when it was left UNSET."""
    return fallback if value is MISSING else value


def require(field: str, value: Any) -> None:
    """Refuse a missing or empty required value before sending."""
    if value is MISSING or value is None or value == "" or value == []:
        raise CloposValidationError(field, "is required")


def check_payment_methods(payment_methods: Any, field: str = "payment_methods") -> None:
    """At least one payment method, each with id, name and amount."""
    if not isinstance(payment_methods, (list, tuple)) or not payment_methods:
        raise CloposValidationError(field, "at least one payment method is required")
    for index, method in enumerate(payment_methods):
        data = method.model_dump() if hasattr(method, "model_dump") else method
        if not isinstance(data, Mapping):
            raise CloposValidationError(f"{field}[{index}]", "must be an object with id, name and amount")
        for key in ("id", "name", "amount"):
            if data.get(key) in (None, ""):
                raise CloposValidationError(f"{field}[{index}].{key}", "is required")


__all__ = [
    "UNSET",
    "Call",
    "CloposValidationError",
    "Headers",
    "Query",
    "Retry",
    "UnsetField",
    "UnsetOrNoneField",
    "body",
    "check_choice",
    "check_int",
    "check_page",
    "check_payment_methods",
    "comma_list",
    "endpoint",
    "filter_tuples",
    "given",
    "list_endpoint",
    "paged",
    "require",
]
