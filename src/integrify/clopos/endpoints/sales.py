"""Sale types and payment methods."""

from __future__ import annotations

from typing import Any

from ..schemas.common.response import ObjectListResponse
from ..schemas.sales.object import PaymentMethod, SaleType
from ._shared import UNSET, Call, Headers, list_endpoint, paged


class SaleEndpoints:
    @list_endpoint
    def get_sale_types(
        self: Any, page: int = 1, limit: int = 20, *, headers: Headers = UNSET
    ) -> Call[ObjectListResponse[SaleType]]:
        """Sale types (``GET /sale-types``): in-store, delivery, takeaway; limit 1–100."""
        params = paged(page, limit, 100).params
        return Call("GET", "/sale-types", ObjectListResponse[SaleType], params=params, headers=headers)

    @list_endpoint
    def get_payment_methods(
        self: Any, page: int = 1, limit: int = 20, *, headers: Headers = UNSET
    ) -> Call[ObjectListResponse[PaymentMethod]]:
        """Configured payment methods (``GET /payment-methods``); limit 1–100."""
        params = paged(page, limit, 100).params
        return Call("GET", "/payment-methods", ObjectListResponse[PaymentMethod], params=params, headers=headers)
