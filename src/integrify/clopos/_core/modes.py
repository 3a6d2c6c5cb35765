"""The three ways a client object sends its calls: blocking, asyncio, or not at all (dry run)."""

from __future__ import annotations

import dataclasses
import logging
import os
from types import TracebackType
from typing import Any, TypeVar

from ..env import ENV_LOG, api_version_from
from .call import RateLimit
from .config import Config, as_timeout
from .endpoint import (
    AsyncListMethod,
    AsyncMethod,
    DryMethod,
    Endpoint,
    ListEndpoint,
    SyncListMethod,
    SyncMethod,
)
from .flow import Flows, SharedState
from .tokens import SavedToken
from .transport import AsyncTransport, SyncTransport

Self = TypeVar("Self", bound="ClientCore")


def _configure_logging() -> None:
    """``CLOPOS_LOG=debug|info`` switches the ``integrify.clopos`` logger on (to stderr)."""
    level = os.environ.get(ENV_LOG, "").upper()
    logger = logging.getLogger("integrify.clopos")
    if level in ("DEBUG", "INFO", "WARNING") and not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(level)


class ClientCore:
    """State every client object has: its config, token cache and transport."""

    _transport: Any
    _flows: Flows

    def _setup(self, config: Config, shared: SharedState | None = None, transport: Any = None) -> None:
        _configure_logging()
        self._flows = Flows(config, shared or SharedState())
        self._transport = transport if transport is not None else self._new_transport()

    def _new_transport(self) -> Any:
        return None

    @property
    def config(self) -> Config:
        return self._flows.config

    def with_options(self: Self, **changes: Any) -> Self:
        """A client that shares this one's connections and tokens, with some settings changed.

        E.g. ``client.with_options(timeout=5, max_retries=0, api_version="v2", raise_errors=True)``.
        """
        if "timeout" in changes:
            changes["timeout"] = as_timeout(changes["timeout"])
        if "api_version" in changes:
            changes["api_version"] = api_version_from(changes["api_version"])
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._setup(dataclasses.replace(self.config, **changes), self._flows.shared, self._transport)
        return clone

    def saved_token(self) -> SavedToken | None:
        """This client's cached token for its own credential set, to reuse in a later process.

        ``None`` when it has none that is still fresh. See :meth:`use_token`.
        """
        token = self._flows.shared.tokens.get(self._flows.own_credentials().key)
        return SavedToken.of(token) if token is not None and token.fresh() else None

    def use_token(self, saved: SavedToken) -> None:
        """Start from a token saved by :meth:`saved_token` (ignored once it is due for renewal)."""
        token = saved.token()
        if token.fresh():
            self._flows.shared.tokens[self._flows.own_credentials().key] = token

    @property
    def last_rate_limit(self) -> RateLimit | None:
        """The rate-limit headers of the last answer that carried them."""
        return self._flows.shared.last_rate_limit

    def _api_version(self) -> str:
        return self.config.resolve().api_version

    def __repr__(self) -> str:
        settings = self.config.resolve()
        return (
            f"<{type(self).__name__} {settings.base_url} api={settings.api_version} "
            f"brand={settings.brand!r} venue={settings.venue_id!r}>"
        )


class SyncMode(ClientCore):
    _transport: SyncTransport

    def _bind(self, endpoint: Endpoint[Any, Any]) -> SyncMethod[Any, Any]:
        return SyncMethod(self, endpoint.build)

    def _bind_list(self, endpoint: ListEndpoint[Any, Any]) -> SyncListMethod[Any, Any]:
        return SyncListMethod(self, endpoint.build)

    def close(self) -> None:
        """Close the connection pool (not a pool you passed in)."""
        self._transport.close()

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


class AsyncMode(ClientCore):
    _transport: AsyncTransport

    def _bind(self, endpoint: Endpoint[Any, Any]) -> AsyncMethod[Any, Any]:
        return AsyncMethod(self, endpoint.build)

    def _bind_list(self, endpoint: ListEndpoint[Any, Any]) -> AsyncListMethod[Any, Any]:
        return AsyncListMethod(self, endpoint.build)

    async def aclose(self) -> None:
        """Close this event loop's connection pool (not a client you passed in)."""
        await self._transport.aclose()

    async def __aenter__(self: Self) -> Self:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.aclose()


class DryMode(ClientCore):
    def _bind(self, endpoint: Endpoint[Any, Any]) -> DryMethod[Any]:
        return DryMethod(self, endpoint.build)

    def _bind_list(self, endpoint: ListEndpoint[Any, Any]) -> DryMethod[Any]:
        return DryMethod(self, endpoint.build)
