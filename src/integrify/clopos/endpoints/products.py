"""Products (the catalog) and the stop list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..schemas.common.response import ObjectListResponse, ObjectResponse
from ..schemas.products.object import Product, StopList
from ._shared import (
    UNSET,
    Call,
    CloposValidationError,
    Headers,
    Query,
    UnsetField,
    comma_list,
    endpoint,
    filter_tuples,
    list_endpoint,
    paged,
)


class ProductEndpoints:
    @list_endpoint
    def get_products(
        self: Any,
        page: int = 1,
        limit: int = 50,
        selects: UnsetField[str | list[str]] = UNSET,
        filters: UnsetField[Any] = UNSET,
        *,
        with_: UnsetField[list[str] | str] = UNSET,
        headers: Headers = UNSET,
    ) -> Call[ObjectListResponse[Product]]:
        """The catalog (``GET /products``); limit 1–100.

        ``selects``: fields to return (``id``, ``name``, ``type`` always are), a list or ``"a,b"``.
        ``filters``: ``{'type': 'DISH', 'category_id': [1, 2], 'giftable': 1}`` or ``[('type', 'DISH')]``.
        """
        query = paged(page, limit, 100).add("selects", comma_list(selects)).indexed("with", with_)
        query.filters(filter_tuples(filters))
        return Call("GET", "/products", ObjectListResponse[Product], params=query.params, headers=headers)

    @endpoint
    def get_product_by_id(
        self: Any, id: int | str, with_: UnsetField[list[str] | str] = UNSET, *, headers: Headers = UNSET
    ) -> Call[ObjectResponse[Product]]:
        """One product with type-specific details (``GET /products/{id}``).

        ``with_``: taxes, unit, modifications, modificator_groups, recipe, packages, media, tags, setting.
        """
        params = Query().indexed("with", with_).params
        return Call("GET", f"/products/{id}", ObjectResponse[Product], params=params, headers=headers)

    @endpoint
    def get_stop_list(
        self: Any,
        filters: UnsetField[list[dict[str, Any]]] = UNSET,
        *,
        product_ids: UnsetField[Iterable[int]] = UNSET,
        headers: Headers = UNSET,
    ) -> Call[ObjectListResponse[StopList]]:
        """Sales limits of products (``GET /products/stop-list``); no paging. A product absent has no limit.

        ``product_ids=[1, 332]`` asks for those products (the documented server filter).
        ``filters=[{'by': 'id', 'from_': 0, 'to': 100}]`` keeps the seed's range form working.
        """
        query = Query()
        tuples: list[tuple[str, Any]] = []
        if product_ids is not UNSET:
            tuples.append(("id", [int(pid) for pid in product_ids]))
        for index, item in enumerate(filters if filters is not UNSET else []):
            if not isinstance(item, dict) or "by" not in item or "from_" not in item:
                raise CloposValidationError(f"filters[{index}]", "expected {'by': ..., 'from_': ..., 'to': ...}")
            bounds = [item["from_"]] + ([item["to"]] if item.get("to") is not None else [])
            tuples.append((str(item["by"]), bounds))
        query.filters(tuples)
        return Call("GET", "/products/stop-list", ObjectListResponse[StopList], params=query.params, headers=headers)
