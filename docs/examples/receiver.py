"""A webhook receiver for ``clopos events forward``: verifies each Standard Webhooks signature and
handles each event once, deduplicating on ``webhook-id`` (delivery is at least once).

Run it:  CLOPOS_WEBHOOK_SECRET=whsec_... uvicorn receiver:app --port 9000
Then:    clopos events forward --to http://127.0.0.1:9000/webhooks --secret whsec_...
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def handle(event: dict[str, Any]) -> None:
    """Your code: called once per event, in order per venue."""
    print(event["type"], event["venue"], event["object_id"])


def create_app(secret: str, on_event: Any = handle, db: str = ":memory:") -> Starlette:
    webhook = Webhook(secret)
    seen = sqlite3.connect(db, check_same_thread=False)
    seen.execute("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY)")

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        try:
            event = webhook.verify(body, dict(request.headers))  # signature and timestamp (5 min tolerance)
        except WebhookVerificationError:
            return JSONResponse({"error": "bad signature"}, status_code=400)
        with seen:  # one transaction: handled and remembered together
            if seen.execute("INSERT OR IGNORE INTO seen VALUES (?)", (request.headers["webhook-id"],)).rowcount:
                on_event(event)
        return JSONResponse({"ok": True})  # a 2xx for a duplicate too, or it is sent again

    return Starlette(routes=[Route("/webhooks", receive, methods=["POST"])])


if os.environ.get("CLOPOS_WEBHOOK_SECRET"):
    app = create_app(os.environ["CLOPOS_WEBHOOK_SECRET"])
