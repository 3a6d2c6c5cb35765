"""Preparation and service stations."""

from __future__ import annotations

from typing import Any

from ..schemas.common.response import ObjectListResponse, ObjectResponse
from ..schemas.stations.object import Station
from ._shared import UNSET, Call, Headers, UnsetField, check_choice, endpoint, list_endpoint, paged


class StationEndpoints:
    @list_endpoint
    def get_stations(
        self: Any,
        page: int = 1,
        limit: int = 50,
        status: UnsetField[int] = UNSET,
        can_print: UnsetField[bool] = UNSET,
        *,
        headers: Headers = UNSET,
    ) -> Call[ObjectListResponse[Station]]:
        """Stations (``GET /stations``); limit 1–200; ``status`` 1 active / 0 inactive."""
        check_choice("status", status, (0, 1))
        query = paged(page, limit, 200).add("status", status).add("can_print", can_print)
        return Call("GET", "/stations", ObjectListResponse[Station], params=query.params, headers=headers)

    @endpoint
    def get_station_by_id(self: Any, id: int, *, headers: Headers = UNSET) -> Call[ObjectResponse[Station]]:
        """One station (``GET /stations/{id}``)."""
        return Call("GET", f"/stations/{id}", ObjectResponse[Station], headers=headers)
