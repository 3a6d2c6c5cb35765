"""``clopos_source``: one dlt resource per kind of Clopos data, read with the public client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any, Optional

import dlt
from dlt.extract.incremental import Incremental
from dlt.extract.resource import DltResource

from integrify.clopos import CloposClientClass, CloposSyncClient
from integrify.clopos.env import BASE_URL

from .receipts import receipt_rows
from .rows import flat_categories, rows

#: Resources that mirror a list in full on every run (``replace``), with the page size each list allows.
CATALOG = (
    "venues",
    "users",
    "customer_groups",
    "customers",
    "categories",
    "stations",
    "products",
    "stop_list",
    "sale_types",
    "payment_methods",
)
#: Generation 2 only.
PRICE_LISTS = ("price_lists", "prices")


def day_text(value: str | date | None) -> str | None:
    """``YYYY-MM-DD`` from a date, a datetime (its own wall-clock date) or text."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)[:10]).isoformat()


def make_client(
    base_url: str | None,
    client_id: str | None,
    client_secret: str | None,
    brand: str | None,
    venue_id: str | None,
    integrator_id: str | None,
    api_version: str | None,
    timezone: str | None,
) -> CloposSyncClient:
    """A client from explicit settings; those left ``None`` fall back to ``CLOPOS_*`` at call time."""
    return CloposClientClass(
        base_url=base_url or BASE_URL,
        client_id=client_id,
        client_secret=client_secret,
        brand=brand,
        venue_id=venue_id,
        integrator_id=integrator_id,
        api_version=api_version,
        timezone=timezone,
    )


@dlt.source(name="clopos", section="clopos", max_table_nesting=2)
def clopos_source(
    client_id: Optional[str] = dlt.secrets.value,
    client_secret: Optional[str] = dlt.secrets.value,
    brand: Optional[str] = dlt.config.value,
    venue_id: Optional[str] = dlt.config.value,
    integrator_id: Optional[str] = dlt.config.value,
    base_url: Optional[str] = dlt.config.value,
    api_version: Optional[str] = dlt.config.value,
    timezone: Optional[str] = dlt.config.value,
    start_date: Optional[str] = None,
    end_date: Optional[str] = None,
    lookback_days: float = 3.0,
    page_size: int = 200,
    client: Optional[CloposSyncClient] = None,
) -> Iterator[DltResource]:
    """Clopos data for dlt: receipts incrementally (merged on ``id``), the rest mirrored in full.

    Settings come from arguments, dlt's config and secrets (``SOURCES__CLOPOS__CLIENT_SECRET``, or
    ``[sources.clopos]`` in ``.dlt/secrets.toml``), and then the client's own ``CLOPOS_*`` variables.
    ``client`` gives a ready client instead (its settings win).

    Receipts: from ``start_date`` (venue-local ``YYYY-MM-DD``; default: all history) up to ``end_date``
    (inclusive; default: open). Each later run re-reads the last ``lookback_days`` before the newest receipt
    loaded, so that late edits and deletions there are caught.
    """
    if client is None:
        client = make_client(
            base_url=base_url,
            client_id=client_id,
            client_secret=client_secret,
            brand=brand,
            venue_id=venue_id,
            integrator_id=integrator_id,
            api_version=api_version,
            timezone=timezone,
        )
    v2 = client.config.resolve().api_version == "v2"
    lookback = timedelta(days=lookback_days)
    first, last = day_text(start_date), day_text(end_date)
    end_value = datetime.fromisoformat(last) + timedelta(days=1) if last else None

    cursor: Incremental[datetime] = dlt.sources.incremental(
        "created_at",
        initial_value=datetime.fromisoformat(first) if first else None,
        end_value=end_value,
        lag=lookback.total_seconds(),
    )

    def receipts(created_at: Incremental[datetime] = cursor) -> Iterator[Any]:
        yield from receipt_rows(client, created_at, lookback, page_size, last, v2)

    yield dlt.resource(receipts, name="receipts", primary_key="id", write_disposition="merge")

    c = client
    lists: dict[str, Callable[[], Iterator[dict[str, Any]]]] = {
        "venues": lambda: rows(c.get_venues.iter(limit=100)),
        "users": lambda: rows(c.get_users.iter(limit=100)),
        "customer_groups": lambda: rows(c.get_customer_groups.iter(limit=100)),
        "customers": lambda: rows(c.get_customers.iter(limit=100)),
        "categories": lambda: flat_categories(c.get_categories.iter(limit=999, include_inactive=True)),
        "stations": lambda: rows(c.get_stations.iter(limit=200)),
        "products": lambda: rows(c.get_products.iter(limit=100, with_=["modificator_groups"])),
        "stop_list": lambda: rows(c.get_stop_list().unwrap().data),
        "sale_types": lambda: rows(c.get_sale_types.iter(limit=100)),
        "payment_methods": lambda: rows(c.get_payment_methods.iter(limit=100)),
    }
    if v2:
        lists["price_lists"] = lambda: rows(c.get_price_lists.iter(limit=999))
        lists["prices"] = lambda: rows(c.get_prices.iter(limit=999))
    for name, fetch in lists.items():
        yield dlt.resource(fetch, name=name, primary_key="id", write_disposition="replace")
    yield dlt.resource(
        lambda: rows(c.get_orders.iter(limit=100)), name="orders", primary_key="id", write_disposition="merge"
    )
