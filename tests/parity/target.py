"""Where the parity scenarios run: the emulator (always) or a live Clopos account (``CLOPOS_LIVE=1``).

Live settings: ``CLOPOS_CLIENT_ID``, ``CLOPOS_CLIENT_SECRET``, ``CLOPOS_BRAND``, ``CLOPOS_VENUE_ID`` (and
``CLOPOS_INTEGRATOR_ID`` for the generation-2 scenarios; ``CLOPOS_BASE_URL`` optional). Writes run only when
``CLOPOS_LIVE_SANDBOX_BRAND`` equals ``CLOPOS_BRAND``. ``CLOPOS_LIVE_CLERK_WAIT=<seconds>`` waits that long for
someone to accept, on the sandbox POS, the orders whose comment is "parity: please accept".
``CLOPOS_RECORD=<dir>`` saves every answer, scrubbed, as a fixture (``<dir>/<name>.json``).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from integrify.clopos import CloposClientClass, CloposSyncClient
from integrify.clopos.emulator import Emulator

from ..helpers import client_options
from .shapes import scrub

LIVE_SETTINGS = ("CLOPOS_CLIENT_ID", "CLOPOS_CLIENT_SECRET", "CLOPOS_BRAND", "CLOPOS_VENUE_ID")
FIXTURES = Path(__file__).parent / "recorded"


def live_skip_reason() -> str | None:
    """Why the live target cannot run (``None``: it can)."""
    if os.environ.get("CLOPOS_LIVE") != "1":
        return "live parity is off: set CLOPOS_LIVE=1 and " + ", ".join(LIVE_SETTINGS) + " (see docs/emulator.md)"
    missing = [name for name in LIVE_SETTINGS if not os.environ.get(name)]
    if missing:
        return "CLOPOS_LIVE=1 but " + ", ".join(missing) + " not set"
    return None


@dataclass
class Answer:
    method: str
    route: str
    status: int
    body: Any


@dataclass
class Target:
    """One place the scenarios run, with its clients and the raw answers they received."""

    name: str
    options: dict[str, Any]
    emulator: Emulator | None = None
    record_dir: Path | None = None
    last: Answer | None = None
    _http: list[httpx.Client] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.name == "live"

    def client(self, **options: Any) -> CloposSyncClient:
        """A client for this target; its raw answers are kept for ``observe``."""
        http = httpx.Client(event_hooks={"response": [self._keep]}, timeout=30)
        self._http.append(http)
        return CloposClientClass(http_client=http, **{**self.options, **options})

    def _keep(self, response: httpx.Response) -> None:
        response.read()
        try:
            body = response.json()
        except ValueError:
            body = None
        self.last = Answer(response.request.method, response.request.url.path, response.status_code, body)

    def raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request outside the client (to send what the client refuses); ``path`` under the base URL."""
        base = (self.options.get("base_url") or os.environ.get("CLOPOS_BASE_URL") or "").rstrip("/")
        with httpx.Client(timeout=30) as http:
            response = http.request(method, (base or "https://integrations.clopos.com/open-api") + path, **kwargs)
        self._keep(response)
        return response

    def observe(self, name: str) -> Any:
        """The last raw answer's body; recorded (scrubbed) as ``<name>.json`` when ``CLOPOS_RECORD`` is set."""
        assert self.last is not None, "no answer yet"
        if self.record_dir is not None:
            secrets = tuple(str(self.options.get(key) or os.environ.get(env) or "") for key, env in SECRETS)
            fixture = {
                "name": name,
                "target": self.name,
                "method": self.last.method,
                "path": self.last.route,
                "status": self.last.status,
                "body": scrub(self.last.body, secrets),
            }
            self.record_dir.mkdir(parents=True, exist_ok=True)
            path = self.record_dir / f"{name}.json"
            path.write_text(json.dumps(fixture, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        return self.last.body

    def require_writes(self) -> None:
        """Skip unless writes are allowed here (always on the emulator; live only on the named sandbox brand)."""
        if not self.live:
            return
        brand, sandbox = os.environ.get("CLOPOS_BRAND"), os.environ.get("CLOPOS_LIVE_SANDBOX_BRAND")
        if not sandbox or sandbox != brand:
            pytest.skip(
                f"live writes run only on a sandbox brand: set CLOPOS_LIVE_SANDBOX_BRAND={brand} "
                "if that brand is a sandbox you may write to"
            )

    def require_v2(self) -> None:
        if self.live and not os.environ.get("CLOPOS_INTEGRATOR_ID"):
            pytest.skip("generation-2 scenarios need CLOPOS_INTEGRATOR_ID")

    def accept_order(self, order_id: int) -> None:
        """The POS clerk accepts the order: the emulator's control route, or a person on the live sandbox POS."""
        if self.emulator is not None:
            response = httpx.post(f"{self.emulator.root_url}/_emulator/orders/{order_id}/accept", timeout=30)
            assert response.status_code == 200, response.text
            return
        wait = float(os.environ.get("CLOPOS_LIVE_CLERK_WAIT") or 0)
        if wait <= 0:
            pytest.skip(
                f"order {order_id} must be accepted on the POS: set CLOPOS_LIVE_CLERK_WAIT=<seconds> and accept it"
            )
        client = self.client()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if client.get_order_by_id(order_id).unwrap().data.status != "PENDING":
                return
            time.sleep(3)
        pytest.fail(f"order {order_id} was not accepted within {wait:.0f} s")

    def close(self) -> None:
        for http in self._http:
            http.close()


#: Settings whose values never reach a fixture: (client option, environment variable).
SECRETS = (("client_secret", "CLOPOS_CLIENT_SECRET"), ("client_id", "CLOPOS_CLIENT_ID"))


def emulator_target(emulator: Emulator) -> Target:
    """Never recorded: fixtures hold live answers only."""
    return Target("emulator", client_options(emulator, {}), emulator=emulator)


def live_target(record_dir: Path | None) -> Target:
    """Settings from ``CLOPOS_*``: nothing is passed, so the client reads the environment as users' code does."""
    return Target("live", {"max_retries": 3}, record_dir=record_dir)
