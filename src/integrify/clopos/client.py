"""``CloposClientClass`` and the ready objects ``CloposRequest`` (sync) and ``CloposAsyncRequest`` (async)."""

from __future__ import annotations

from typing import Any, Literal, overload

import httpx

from ._core.config import DEFAULT_TIMEOUT, Config
from ._core.modes import AsyncMode, ClientCore, DryMode, SyncMode
from ._core.transport import AsyncTransport, SyncTransport
from .endpoints.auth import AuthEndpoints
from .endpoints.categories import CategoryEndpoints
from .endpoints.customers import CustomerEndpoints
from .endpoints.orders import OrderEndpoints
from .endpoints.price_lists import PriceListEndpoints
from .endpoints.products import ProductEndpoints
from .endpoints.receipts import ReceiptEndpoints
from .endpoints.sales import SaleEndpoints
from .endpoints.stations import StationEndpoints
from .endpoints.users import UserEndpoints
from .endpoints.venues import VenueEndpoints
from .env import BASE_URL, ApiVersion, api_version_from


class CloposClientClass(
    ClientCore,
    AuthEndpoints,
    VenueEndpoints,
    UserEndpoints,
    CustomerEndpoints,
    CategoryEndpoints,
    StationEndpoints,
    ProductEndpoints,
    SaleEndpoints,
    OrderEndpoints,
    ReceiptEndpoints,
    PriceListEndpoints,
):
    """A Clopos Open API client. ``sync=False`` makes every method a coroutine; ``dry=True`` sends nothing
    and returns the request that would have been sent.

    Credentials (``client_id``, ``client_secret``, ``brand``, ``venue_id``; ``integrator_id`` on v2) and
    ``base_url`` fall back to the ``CLOPOS_*`` environment, read at call time. With credentials known,
    calls without ``x-token`` authenticate by themselves. ``default_handler`` is accepted for the
    documented signature and has no effect.
    """

    @overload
    def __new__(
        cls, name: str = ..., base_url: str = ..., default_handler: Any = ...,
        sync: Literal[True] = ..., dry: Literal[False] = ..., **options: Any,
    ) -> CloposSyncClient: ...
    @overload
    def __new__(
        cls, name: str = ..., base_url: str = ..., default_handler: Any = ...,
        *, sync: Literal[False], dry: Literal[False] = ..., **options: Any,
    ) -> CloposAsyncClient: ...
    @overload
    def __new__(
        cls, name: str, base_url: str, default_handler: Any, sync: Literal[False],
        dry: Literal[False] = ..., **options: Any,
    ) -> CloposAsyncClient: ...
    @overload
    def __new__(
        cls, name: str = ..., base_url: str = ..., default_handler: Any = ...,
        sync: bool = ..., *, dry: Literal[True], **options: Any,
    ) -> CloposDryClient: ...
    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is not CloposClientClass:
            return super().__new__(cls)
        sync = kwargs.get("sync", args[3] if len(args) > 3 else True)
        dry = kwargs.get("dry", args[4] if len(args) > 4 else False)
        mode = CloposDryClient if dry else CloposSyncClient if sync else CloposAsyncClient
        return super().__new__(mode)

    def __init__(
        self,
        name: str = "Clopos",
        base_url: str = BASE_URL,
        default_handler: Any = None,
        sync: bool = True,
        dry: bool = False,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        brand: str | None = None,
        venue_id: str | int | None = None,
        integrator_id: str | None = None,
        api_version: ApiVersion | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
        max_retry_wait: float = 60.0,
        raise_errors: bool = False,
        prefetch: int = 4,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
    ) -> None:
        self.name = name
        self.default_handler = default_handler
        config = Config(
            base_url=None if base_url == BASE_URL else base_url,
            client_id=client_id,
            client_secret=client_secret,
            brand=brand,
            venue_id=str(venue_id) if venue_id is not None else None,
            integrator_id=integrator_id,
            api_version=api_version_from(api_version) if api_version else None,
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            raise_errors=raise_errors,
            prefetch=prefetch,
        )
        self._http_client = http_client
        self._setup(config)


class CloposSyncClient(CloposClientClass, SyncMode):
    """The blocking client (``CloposClientClass(sync=True)``)."""

    def _new_transport(self) -> SyncTransport:
        given = self._http_client
        if given is not None and not isinstance(given, httpx.Client):
            raise TypeError("a sync client takes an httpx.Client")
        return SyncTransport(given)


class CloposAsyncClient(CloposClientClass, AsyncMode):
    """The asyncio client (``CloposClientClass(sync=False)``): same methods, awaited."""

    def _new_transport(self) -> AsyncTransport:
        given = self._http_client
        if given is not None and not isinstance(given, httpx.AsyncClient):
            raise TypeError("an async client takes an httpx.AsyncClient")
        return AsyncTransport(given)


class CloposDryClient(CloposClientClass, DryMode):
    """A client that sends nothing: each method returns the ``DryRequest`` it would send."""


CloposRequest = CloposClientClass(sync=True)
CloposAsyncRequest = CloposClientClass(sync=False)
