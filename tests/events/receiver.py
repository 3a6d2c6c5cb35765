"""A webhook receiver for tests, served over real HTTP in a thread: records every delivery, checks its
Standard Webhooks signature, and can be told to be down (503) for a while."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from integrify.clopos.emulator.server import free_port

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@dataclass
class Delivery:
    webhook_id: str
    event: dict[str, Any]
    verified: bool


@dataclass
class Receiver:
    url: str = ""
    down: bool = False
    deliveries: list[Delivery] = field(default_factory=list)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ids(self) -> list[str]:
        with self.lock:
            return [d.webhook_id for d in self.deliveries]

    def first_seen(self) -> list[Delivery]:
        """Deliveries with duplicates (same webhook-id) dropped, in arrival order."""
        seen: set[str] = set()
        result = []
        with self.lock:
            for delivery in self.deliveries:
                if delivery.webhook_id not in seen:
                    seen.add(delivery.webhook_id)
                    result.append(delivery)
        return result

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.first_seen()) < count:
            assert time.monotonic() < deadline, f"{len(self.first_seen())} of {count} events arrived"
            time.sleep(0.05)


@contextmanager
def serve_receiver(secret: str = SECRET) -> Iterator[Receiver]:
    receiver = Receiver()
    webhook = Webhook(secret)

    async def receive(request: Request) -> Response:
        body = await request.body()
        if receiver.down:
            with receiver.lock:
                receiver.refused += 1
            return Response(status_code=503)
        try:
            webhook.verify(body, dict(request.headers))
            verified = True
        except WebhookVerificationError:
            verified = False
        with receiver.lock:
            receiver.deliveries.append(Delivery(request.headers.get("webhook-id", ""), json.loads(body), verified))
        return Response(status_code=204)

    with serve_app(Starlette(routes=[Route("/hooks", receive, methods=["POST"])])) as root:
        receiver.url = root + "/hooks"
        yield receiver


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """Serve an ASGI app on a free port of 127.0.0.1 in a thread; yields its root URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
