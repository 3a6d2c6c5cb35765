"""``POST /auth``: exchange client credentials for a one-hour token."""

from __future__ import annotations

from typing import Any

from .._core.tokens import Credentials
from ..schemas.auth.response import AuthResponse
from ._shared import UNSET, Call, Headers, UnsetField, endpoint, given, require


class AuthEndpoints:
    @endpoint
    def auth(
        self: Any,
        client_id: UnsetField[str] = UNSET,
        client_secret: UnsetField[str] = UNSET,
        brand: UnsetField[str] = UNSET,
        venue_id: UnsetField[str | int] = UNSET,
        *,
        integrator_id: UnsetField[str] = UNSET,
        headers: Headers = UNSET,
    ) -> Call[AuthResponse]:
        """Get a token (valid one hour). Missing arguments come from the client's settings or ``CLOPOS_*``.

        On generation 2 the body carries ``integrator_id`` instead of ``venue_id``. The token is also
        cached, so later calls without ``x-token`` use it.
        """
        settings = self.config.resolve()
        credentials = Credentials(
            api_version=settings.api_version,
            base_url=settings.base_url,
            client_id=given(client_id, settings.client_id) or "",
            client_secret=given(client_secret, settings.client_secret) or "",
            brand=given(brand, settings.brand) or "",
            venue_id=str(venue_id) if venue_id is not UNSET else settings.venue_id,
            integrator_id=given(integrator_id, settings.integrator_id),
        )
        for field in ("client_id", "client_secret", "brand"):
            require(field, getattr(credentials, field))
        require(
            *(
                ("integrator_id", credentials.integrator_id)
                if settings.api_version == "v2"
                else ("venue_id", credentials.venue_id)
            )
        )
        return Call(
            "POST",
            "/auth",
            AuthResponse,
            json=credentials.auth_body(),
            headers=headers,
            needs_token=False,
            issues_token=credentials,
        )
