"""The change feed Clopos does not send: events detected by polling, stored durably, delivered as signed
Standard Webhooks (see docs/events.md). Needs the ``events`` extra for webhooks and PostgreSQL.

>>> from integrify.clopos.events import EventFeed, Source       # doctest: +SKIP
>>> feed = EventFeed([Source(client)], "events.db")
>>> for event in feed.events():
...     print(event.type, event.object_id); feed.ack(event)
"""

from .feed import EventFeed, webhook_consumer
from .model import (
    EVENT_TYPES,
    PAYLOAD_VERSION,
    BaseEvent,
    Event,
    OrderCreated,
    OrderStatusChanged,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    ReceiptClosed,
    ReceiptCreated,
    ReceiptDeleted,
    ReceiptUpdated,
    StopListChanged,
    event_id,
    parse_event,
)
from .poller import FeedSettings, Source
from .store import SQLStore, Store, open_store

__all__ = [
    "EVENT_TYPES",
    "PAYLOAD_VERSION",
    "BaseEvent",
    "Event",
    "EventFeed",
    "FeedSettings",
    "OrderCreated",
    "OrderStatusChanged",
    "ProductCreated",
    "ProductDeleted",
    "ProductUpdated",
    "ReceiptClosed",
    "ReceiptCreated",
    "ReceiptDeleted",
    "ReceiptUpdated",
    "SQLStore",
    "Source",
    "StopListChanged",
    "Store",
    "event_id",
    "open_store",
    "parse_event",
    "webhook_consumer",
]
