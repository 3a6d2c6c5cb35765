"""Price lists and their prices (generation 2 only)."""

from __future__ import annotations

from typing import Any

from ..schemas.common.response import ObjectListResponse
from ..schemas.price_lists.object import PriceList, PriceListPrice
from ._shared import (
    UNSET,
    Call,
    Headers,
    UnsetField,
    check_choice,
    comma_list,
    filter_tuples,
    list_endpoint,
    paged,
)


class PriceListEndpoints:
    @list_endpoint
    def get_price_lists(
        self: Any,
        page: int = 1,
        limit: int = 50,
        with_: UnsetField[list[str] | str] = UNSET,
        sort_by: UnsetField[str] = UNSET,
        sort_order: UnsetField[str] = UNSET,
        selects: UnsetField[str | list[str]] = UNSET,
        *,
        headers: Headers = UNSET,
    ) -> Call[ObjectListResponse[PriceList]]:
        """Price lists (``GET /v2/price-lists``); limit 1–999; sort by id, name or created_at, ``asc``/``desc``."""
        check_choice("sort_by", sort_by, ("id", "name", "created_at"))
        check_choice("sort_order", sort_order, ("asc", "desc"))
        query = paged(page, limit, 999).indexed("with", with_)
        query.add("sort[0][0]", sort_by).add("sort[0][1]", sort_order).add("selects", comma_list(selects))
        return Call(
            "GET",
            "/price-lists",
            ObjectListResponse[PriceList],
            params=query.params,
            headers=headers,
            only="v2",
        )

    @list_endpoint
    def get_prices(
        self: Any,
        page: int = 1,
        limit: int = 50,
        filters: UnsetField[Any] = UNSET,
        with_: UnsetField[list[str] | str] = UNSET,
        *,
        headers: Headers = UNSET,
    ) -> Call[ObjectListResponse[PriceListPrice]]:
        """Prices of products in price lists (``GET /v2/price-lists/prices``); filters on id, product_id, list_id."""
        tuples = filter_tuples(filters)
        for index, (field, _) in enumerate(tuples):
            check_choice(f"filters[{index}].by", field, ("id", "product_id", "list_id"))
        query = paged(page, limit, 999).filters(tuples).indexed("with", with_)
        return Call(
            "GET",
            "/price-lists/prices",
            ObjectListResponse[PriceListPrice],
            params=query.params,
            headers=headers,
            only="v2",
        )
