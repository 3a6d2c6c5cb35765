"""Delivery: each event POSTed as a Standard Webhook (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``, signed with the maintained ``standardwebhooks`` package), and the retry policy.

The consumer loop that calls a sender in order per venue, retries and dead-letters lives in ``feed.py``;
a sender only says whether one delivery worked.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

import httpx
from standardwebhooks import Webhook

from .model import BaseEvent


class DeliveryError(Exception):
    """The receiver did not take the event (network error or a non-2xx answer)."""


def signed_headers(webhook: Webhook, event_id: str, body: str, moment: datetime | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body`` (the timestamp is now, in whole seconds)."""
    moment = moment or datetime.now(timezone.utc)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": webhook.sign(event_id, moment, body),
        "content-type": "application/json",
    }


class WebhookSender:
    """POST one event to ``url``. The secret is ``whsec_`` and base64 (what the receiver verifies with)."""

    def __init__(self, url: str, secret: str, timeout: float = 10.0, client: httpx.Client | None = None) -> None:
        self.url = url
        self._webhook = Webhook(secret)
        self._client = client or httpx.Client(timeout=timeout)

    def __call__(self, event: BaseEvent) -> None:
        body = event.to_json()
        try:
            response = self._client.post(self.url, content=body, headers=signed_headers(self._webhook, event.id, body))
        except httpx.HTTPError as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"HTTP {response.status_code}")

    def close(self) -> None:
        self._client.close()

    def __repr__(self) -> str:
        return f"<WebhookSender {self.url}>"


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds before attempt ``attempts + 1``: doubling from ``base``, capped, with ±25 % jitter."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return float(delay * random.uniform(0.75, 1.25))
