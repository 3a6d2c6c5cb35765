"""``CloposClientClass`` and the ready objects ``CloposRequest`` (sync) and ``CloposAsyncRequest`` (async)."""

from __future__ import annotations

from typing import Any, Literal, TypedDict, overload
from zoneinfo import ZoneInfo

import httpx
from typing_extensions import Unpack

from ._core.config import Config, as_timeout
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
from .env import BASE_URL, api_version_from
from .venue_time import zone_name, zone_of


class ClientOptions(TypedDict, total=False):
    """Keyword options of ``CloposClientClass`` beyond the documented five."""

    client_id: str | None
    client_secret: str | None
    brand: str | None
    venue_id: str | int | None
    integrator_id: str | None
    #: ``"v1"`` (default, the seeds' generation) or ``"v2"``; else ``CLOPOS_API_VERSION``.
    api_version: str | None
    #: Seconds, or an ``httpx.Timeout``; default 5 s to connect, 30 s to read.
    timeout: float | httpx.Timeout | None
    max_retries: int
    #: Longest ``Retry-After`` honoured; longer waits raise at once with the wait attached.
    max_retry_wait: float
    #: First backoff delay in seconds (doubled per attempt, with jitter, capped at 8 s); default 0.5.
    backoff: float
    #: Raise typed errors instead of returning error bodies.
    raise_errors: bool
    #: Pages fetched at once by async ``.iter()`` / ``.pages()``.
    prefetch: int
    #: Seconds a whole call may take, retries and waits included; default 120, ``None`` for no limit.
    total_timeout: float | None
    #: Largest answer body read, in bytes (default 64 MiB); larger raises ``ResponseTooLargeError``.
    max_response_bytes: int
    #: Raise ``ResponseDecodeError`` when a 2xx body does not match its model (default: keep and warn).
    strict_validation: bool
    #: The venue's IANA time zone (default ``CLOPOS_TIMEZONE``, else ``Asia/Baku``); see docs/client.md.
    timezone: str | None
    #: Your own ``httpx.Client`` (sync) or ``httpx.AsyncClient`` (async); you close it.
    http_client: httpx.Client | httpx.AsyncClient | None


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

    name: str
    default_handler: Any
    _http_client: httpx.Client | httpx.AsyncClient | None

    @overload
    def __new__(
        cls,
        name: str = ...,
        base_url: str = ...,
        default_handler: Any = ...,
        sync: Literal[True] = ...,
        dry: Literal[False] = ...,
        **options: Unpack[ClientOptions],
    ) -> CloposSyncClient: ...
    @overload
    def __new__(
        cls,
        name: str = ...,
        base_url: str = ...,
        default_handler: Any = ...,
        *,
        sync: Literal[False],
        dry: Literal[False] = ...,
        **options: Unpack[ClientOptions],
    ) -> CloposAsyncClient: ...
    @overload
    def __new__(
        cls,
        name: str,
        base_url: str,
        default_handler: Any,
        sync: Literal[False],
        dry: Literal[False] = ...,
        **options: Unpack[ClientOptions],
    ) -> CloposAsyncClient: ...
    @overload
    def __new__(
        cls,
        name: str = ...,
        base_url: str = ...,
        default_handler: Any = ...,
        sync: bool = ...,
        *,
        dry: Literal[True],
        **options: Unpack[ClientOptions],
    ) -> CloposDryClient: ...
    def __new__(
        cls,
        name: str = "Clopos",
        base_url: str = BASE_URL,
        default_handler: Any = None,
        sync: bool = True,
        dry: bool = False,
        **options: Unpack[ClientOptions],
    ) -> Any:
        if cls is CloposClientClass:
            cls = CloposDryClient if dry else CloposSyncClient if sync else CloposAsyncClient
        self = super().__new__(cls)
        self.name = name
        self.default_handler = default_handler
        self._http_client = options.get("http_client")
        timeout = options.get("timeout")
        venue_id = options.get("venue_id")
        api_version = options.get("api_version")
        config = Config(
            base_url=None if base_url == BASE_URL else base_url,
            client_id=options.get("client_id"),
            client_secret=options.get("client_secret"),
            brand=options.get("brand"),
            venue_id=str(venue_id) if venue_id is not None else None,
            integrator_id=options.get("integrator_id"),
            api_version=api_version_from(api_version) if api_version else None,
            timeout=as_timeout(timeout),
            max_retries=options.get("max_retries", 2),
            max_retry_wait=options.get("max_retry_wait", 60.0),
            backoff=options.get("backoff", 0.5),
            raise_errors=options.get("raise_errors", False),
            prefetch=options.get("prefetch", 4),
            total_timeout=options.get("total_timeout", 120.0),
            max_response_bytes=options.get("max_response_bytes", 64 * 1024 * 1024),
            strict_validation=options.get("strict_validation", False),
            timezone=zone_name(options.get("timezone")),
        )
        self._setup(config)
        return self

    @property
    def venue_zone(self) -> ZoneInfo:
        """The venue's time zone, from the ``timezone`` setting, ``CLOPOS_TIMEZONE`` or ``Asia/Baku``."""
        return zone_of(self)


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
