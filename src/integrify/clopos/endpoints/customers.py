"""Customers and customer groups."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..schemas.common.response import ObjectListResponse, ObjectResponse
from ..schemas.customers.object import Customer, Group
from ._shared import (
    UNSET,
    Call,
    Headers,
    Retry,
    UnsetField,
    UnsetOrNoneField,
    body,
    check_choice,
    endpoint,
    filter_tuples,
    list_endpoint,
    paged,
    require,
)

CUSTOMER_FILTERS = ("name", "phones", "group_id")


class CustomerEndpoints:
    @list_endpoint
    def get_customers(
        self: Any,
        page: int = 1,
        limit: int = 20,
        with_: UnsetField[list[str] | str] = UNSET,
        filters: UnsetField[Any] = UNSET,
        *,
        headers: Headers = UNSET,
    ) -> Call[ObjectListResponse[Customer]]:
        """Customers (``GET /customers``); limit 1–100 (1–999 on v2).

        ``with_``: ``group``, ``balance``, ``cashback_balance``. ``filters``: ``[{'by': 'name'|'phones'|'group_id',
        'value': ...}]``, ``[('name', 'John')]`` or ``{'name': 'John'}``.
        """
        tuples = filter_tuples(filters)
        for index, (field, _) in enumerate(tuples):
            check_choice(f"filters[{index}].by", field, CUSTOMER_FILTERS)
        query = paged(page, limit, 999 if self._api_version() == "v2" else 100).indexed("with", with_).filters(tuples)
        return Call("GET", "/customers", ObjectListResponse[Customer], params=query.params, headers=headers)

    @endpoint
    def get_customer_by_id(self: Any, id: int, *, headers: Headers = UNSET) -> Call[ObjectResponse[Customer]]:
        """One customer (``GET /customers/{id}``)."""
        return Call("GET", f"/customers/{id}", ObjectResponse[Customer], headers=headers)

    @endpoint
    def create_customer(
        self: Any,
        name: str,
        email: UnsetField[str] = UNSET,
        phone: UnsetField[str] = UNSET,
        code: UnsetField[str] = UNSET,
        cid: UnsetField[str] = UNSET,
        description: UnsetField[str] = UNSET,
        group_id: UnsetField[int] = UNSET,
        gender: UnsetOrNoneField[int] = UNSET,
        date_of_birth: UnsetField[str | date] = UNSET,
        *,
        headers: Headers = UNSET,
    ) -> Call[ObjectResponse[Customer]]:
        """Create a customer (``POST /customers``). ``code``, ``phone`` and ``cid`` are unique (409 on a repeat)."""
        require("name", name)
        check_choice("gender", gender, (1, 2))
        if isinstance(date_of_birth, date):
            date_of_birth = date_of_birth.isoformat()
        payload = body(
            name=name,
            email=email,
            phone=phone,
            code=code,
            cid=cid,
            description=description,
            group_id=group_id,
            gender=gender,
            date_of_birth=date_of_birth,
        )
        return Call(
            "POST",
            "/customers",
            ObjectResponse[Customer],
            json=payload,
            headers=headers,
            retry=Retry.NEVER_AFTER_SEND,
        )

    @list_endpoint
    def get_customer_groups(
        self: Any, page: UnsetField[int] = UNSET, limit: UnsetField[int] = UNSET, *, headers: Headers = UNSET
    ) -> Call[ObjectListResponse[Group]]:
        """Customer groups (``GET /customer-groups``); limit 1–100 (1–200 on v2)."""
        params = paged(page, limit, 200 if self._api_version() == "v2" else 100).params
        return Call("GET", "/customer-groups", ObjectListResponse[Group], params=params, headers=headers)
