"""The events of the change feed: one pydantic model per type, with a stable id.

An event's id is a hash of its type, brand, venue, object id and the change itself, so the same change
detected twice (by a worker that crashed before saving, or by two workers) carries the same id: it is the
``webhook-id`` a receiver deduplicates on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

#: Bumped when a payload changes incompatibly; receivers switch on ``version``.
PAYLOAD_VERSION = 1

EventType = Literal[
    "order.created",
    "order.status_changed",
    "receipt.created",
    "receipt.closed",
    "receipt.updated",
    "receipt.deleted",
    "stop_list.changed",
    "product.created",
    "product.updated",
    "product.deleted",
]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]


def event_id(type: str, brand: str, venue: str, object_id: str, change: Any = None) -> str:
    """``evt_`` and 32 hex digits of SHA-256 over the type, brand, venue, object id and the change."""
    text = json.dumps([type, brand, venue, object_id, change], sort_keys=True, separators=(",", ":"), default=str)
    return "evt_" + hashlib.sha256(text.encode()).hexdigest()[:32]


class BaseEvent(BaseModel):
    """What every event has. ``data`` is the full current object as the API returned it."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    id: str = Field(description="Stable: the same change detected twice has the same id (the webhook-id).")
    type: str
    version: int = Field(PAYLOAD_VERSION, description="Payload version.")
    brand: str
    venue: str = Field(description="The venue id, as a string.")
    object_id: str = Field(description="Id of the receipt, order or product the event is about.")
    occurred_at: datetime | None = Field(
        description="When it happened, from the object, in venue time with its UTC offset; null when the API "
        "does not say (deletions)."
    )
    detected_at: datetime = Field(description="When the poller noticed it (UTC).")
    data: dict[str, Any] = Field(description="The full current object (the last one seen, for deletions).")

    @property
    def feed(self) -> str:
        return feed_key(self.brand, self.venue)

    def to_json(self) -> str:
        """The webhook body: compact JSON, keys in a fixed order."""
        return self.model_dump_json(by_alias=True)


class OrderCreated(BaseEvent):
    type: Literal["order.created"] = "order.created"


class OrderStatusChanged(BaseEvent):
    type: Literal["order.status_changed"] = "order.status_changed"
    from_: str | None = Field(alias="from", description="The status before (PENDING, RECEIVED, IGNORE, DELIVERED).")
    to: str = Field(description="The status now.")


class ReceiptCreated(BaseEvent):
    type: Literal["receipt.created"] = "receipt.created"


class ReceiptClosed(BaseEvent):
    type: Literal["receipt.closed"] = "receipt.closed"


class ReceiptUpdated(BaseEvent):
    type: Literal["receipt.updated"] = "receipt.updated"
    changed: list[str] = Field(description="Top-level fields whose value changed (updated_at aside).")


class ReceiptDeleted(BaseEvent):
    type: Literal["receipt.deleted"] = "receipt.deleted"


class StopListChanged(BaseEvent):
    type: Literal["stop_list.changed"] = "stop_list.changed"
    product_id: int
    limit_before: float | None = Field(description="null: no limit; 0: out of stock; >0: that many left.")
    limit_after: float | None
    state: Literal["out_of_stock", "limited", "available"] = Field(description="What limit_after means.")


class ProductCreated(BaseEvent):
    type: Literal["product.created"] = "product.created"


class ProductUpdated(BaseEvent):
    type: Literal["product.updated"] = "product.updated"
    changed: list[str] = Field(description="Top-level fields whose value changed (e.g. price, name, hidden).")


class ProductDeleted(BaseEvent):
    type: Literal["product.deleted"] = "product.deleted"


Event = Annotated[
    Union[
        OrderCreated,
        OrderStatusChanged,
        ReceiptCreated,
        ReceiptClosed,
        ReceiptUpdated,
        ReceiptDeleted,
        StopListChanged,
        ProductCreated,
        ProductUpdated,
        ProductDeleted,
    ],
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
MODELS: dict[str, type[BaseEvent]] = {
    cls.model_fields["type"].default: cls
    for cls in (
        OrderCreated,
        OrderStatusChanged,
        ReceiptCreated,
        ReceiptClosed,
        ReceiptUpdated,
        ReceiptDeleted,
        StopListChanged,
        ProductCreated,
        ProductUpdated,
        ProductDeleted,
    )
}


def parse_event(text: str | bytes) -> Event:
    """An event from its JSON (a webhook body, a stored row)."""
    return EVENT_ADAPTER.validate_json(text)


def feed_key(brand: str, venue: str) -> str:
    """One venue's feed: ``brand/venue``."""
    return f"{brand}/{venue}"


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON schema of each event type's payload (what docs/events/*.json hold)."""
    return {name: model.model_json_schema(by_alias=True) for name, model in MODELS.items()}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
