"""Running the emulator: in a background thread (``run_emulator``), with a handle on its state."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

import httpx
import uvicorn

from .app import EmulatorApp, create_app
from .config import DEMO, Credentials, EmulatorConfig
from .faults import FaultController, RecordedRequest
from .routes_orders import accept_order
from .state import State


class Emulator:
    """A running emulator: its URLs, demo credentials, live state, faults and request log."""

    def __init__(self, app: EmulatorApp, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.credentials: Credentials = DEMO

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What a client takes as ``base_url``."""
        return self.root_url + "/open-api"

    @property
    def config(self) -> EmulatorConfig:
        return self.app.core.config

    @property
    def state(self) -> State:
        return self.app.core.state

    @property
    def faults(self) -> FaultController:
        return self.app.core.faults

    @property
    def requests(self) -> list[RecordedRequest]:
        """The last ``log_size`` requests received (a copy), oldest first."""
        return list(self.app.recorder.requests)

    def count(self, method: str, route: str) -> int:
        """Requests received on a route template, e.g. ``count("POST", "/open-api/auth")``."""
        return self.app.recorder.counters[f"{method.upper()} {route}"]

    @property
    def max_in_flight(self) -> int:
        """The most API requests handled at once since the last ``clear_requests``."""
        return self.app.recorder.max_in_flight

    def clear_requests(self) -> None:
        self.app.recorder.requests.clear()
        self.app.recorder.counters.clear()
        self.app.recorder.max_in_flight = 0

    def reset(self) -> None:
        """Settings, demo data, tokens, faults, rate-limit windows and the request log back to the start."""
        self.credentials = DEMO
        self.app.core.reset().wait()

    def configure(self, **settings: Any) -> None:
        """Change settings while running: ``EmulatorConfig`` fields (``token_ttl=1.0``, ``latency_ms``,
        ``rate_limits``, ``faults`` to add, ``receipts``, ...) but ``db``, ``activity``, ``log_size``.
        ``reset`` restores them."""
        self.app.core.configure(**settings).wait()

    def env(self) -> dict[str, str]:
        """The ``CLOPOS_*`` settings that point a client at this emulator."""
        c = self.credentials
        return {
            "CLOPOS_BASE_URL": self.base_url,
            "CLOPOS_CLIENT_ID": c.client_id,
            "CLOPOS_CLIENT_SECRET": c.client_secret,
            "CLOPOS_BRAND": c.brand,
            "CLOPOS_VENUE_ID": c.venue_id,
            "CLOPOS_INTEGRATOR_ID": c.integrator_id,
        }

    def accept_order(self, order_id: int, brand: str | None = None) -> dict[str, Any]:
        """Play the POS clerk accepting an order: PENDING → RECEIVED, with a new open receipt."""
        with self.state.write() as saving:
            order = accept_order(self.state.brand(brand or self.credentials.brand), order_id)
        saving.wait()
        return order

    def revoke_tokens(self) -> None:
        with self.state.lock:
            for info in self.state.tokens.values():
                info.revoked = True

    def expire_tokens(self) -> None:
        with self.state.lock:
            for info in self.state.tokens.values():
                info.expires_at = 0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def run_emulator(host: str = "127.0.0.1", port: int = 0, **config: Any) -> Iterator[Emulator]:
    """Serve an emulator in a background thread (on a free port by default) while the block runs.

    Keyword arguments are ``EmulatorConfig`` fields: ``receipts``, ``seed``, ``token_ttl``, ``latency_ms``,
    ``db``, ``strict_order_status``, ``max_body_bytes``, ``log_size``, ``rate_limits``, ``faults``.
    Leaving the block stops the server and closes the SQLite file (everything acknowledged is committed).
    """
    known = {f.name for f in fields(EmulatorConfig)}
    unknown = set(config) - known
    if unknown:
        raise TypeError(f"unknown emulator option(s): {', '.join(sorted(unknown))}")
    app = create_app(EmulatorConfig(**config))
    port = port or free_port(host)
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, name=f"clopos-emulator-{port}", daemon=True)
    thread.start()
    emulator = Emulator(app, host, port)
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the emulator did not start on {host}:{port}")
        time.sleep(0.01)
    try:
        yield emulator
    finally:
        server.should_exit = True
        thread.join(10)
        app.core.close()


def wait_ready(root_url: str, timeout: float = 30) -> None:
    """Block until an emulator at ``root_url`` answers (for one started in another process)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(root_url + "/_emulator/state/summary", timeout=1)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
