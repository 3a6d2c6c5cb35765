"""Venues: the brand's branches."""

from __future__ import annotations

from typing import Any

from ..schemas.common.response import ObjectListResponse
from ..schemas.venues.object import Venue
from ._shared import UNSET, Call, Headers, UnsetField, list_endpoint, paged


class VenueEndpoints:
    @list_endpoint
    def get_venues(
        self: Any, page: UnsetField[int] = UNSET, limit: UnsetField[int] = UNSET, *, headers: Headers = UNSET
    ) -> Call[ObjectListResponse[Venue]]:
        """Active branches of the brand (``GET /venues``); limit 1–100."""
        params = paged(page, limit, 100).params
        return Call("GET", "/venues", ObjectListResponse[Venue], params=params, headers=headers)
