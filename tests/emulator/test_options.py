"""The emulator's start-up options and control routes as docs/emulator.md describes them, over HTTP.

``--latency-ms``, ``--relaxed-order-status`` and ``--fault`` are checked twice: on the real command line
(``python -m integrify.clopos.emulator`` in a subprocess) and as ``run_emulator`` keyword arguments.
Latency is checked with a lower bound only: a loaded machine can only make a request slower.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from integrify.clopos.emulator import DEMO, Emulator, run_emulator
from integrify.clopos.emulator.server import free_port, wait_ready

from ..helpers import auth_body, auth_token

LATENCY_MS = 150
#: Only the fault test calls this route, so its one-shot fault fires whatever the order of the tests.
FAULTY = "/open-api/stations"
FAULT = {"kind": "status", "status": 503, "route": FAULTY, "times": 1}
ORDER = {
    "customer_id": 9,
    "payload": {
        "service": {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"},
        "products": [{"product_id": 1, "count": 1}],
    },
}


@dataclass
class Started:
    """An emulator started with the options under test: where it is, and a logged-in HTTP client."""

    root_url: str
    http: httpx.Client

    @property
    def base_url(self) -> str:
        return self.root_url + "/open-api"


def login(base_url: str) -> dict[str, str]:
    body = {"client_id": DEMO.client_id, "client_secret": DEMO.client_secret, "brand": DEMO.brand, "venue_id": "1"}
    answer = httpx.post(base_url + "/auth", json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    return {"x-token": answer.json()["token"], "x-brand": DEMO.brand, "x-venue": "1"}


@pytest.fixture(scope="module", params=["command line", "run_emulator"])
def started(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Started]:
    """One emulator per way of starting it, with latency, relaxed order status and one fault."""
    if request.param == "command line":
        port = free_port()
        spec = f"status:status=503,route={FAULTY},times=1"
        command = [sys.executable, "-m", "integrify.clopos.emulator", "--port", str(port), "--receipts", "20"]
        command += ["--latency-ms", str(LATENCY_MS), "--relaxed-order-status", "--fault", spec]
        errors = tmp_path_factory.mktemp("emulator") / "stderr.txt"
        with errors.open("w") as stderr:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            root = f"http://127.0.0.1:{port}"
            try:
                wait_ready(root, timeout=60)
            except httpx.HTTPError:
                pytest.fail(f"the emulator did not start: {errors.read_text()}")
            with httpx.Client(headers=login(root + "/open-api"), timeout=30) as http:
                yield Started(root, http)
        finally:
            process.terminate()
            process.wait(30)
    else:
        with (
            run_emulator(receipts=20, latency_ms=LATENCY_MS, strict_order_status=False, faults=[dict(FAULT)]) as emu,
            httpx.Client(headers=login(emu.base_url), timeout=30) as http,
        ):
            yield Started(emu.root_url, http)


def test_latency_ms_delays_every_api_request(started: Started) -> None:
    began = time.monotonic()
    assert started.http.get(started.base_url + "/venues").status_code == 200
    assert time.monotonic() - began >= LATENCY_MS / 1000


def test_relaxed_order_status_allows_the_whole_lifecycle(started: Started) -> None:
    order = started.http.post(started.base_url + "/orders", json=ORDER).json()["data"]
    delivered = started.http.put(started.base_url + f"/orders/{order['id']}", json={"status": "DELIVERED"})
    assert delivered.status_code == 200, delivered.text
    assert started.http.get(started.base_url + f"/orders/{order['id']}").json()["data"]["status"] == "DELIVERED"


def test_the_default_order_status_is_strict(clopos_emulator: Emulator) -> None:
    headers = {"x-token": auth_token(clopos_emulator), "x-brand": DEMO.brand, "x-venue": DEMO.venue_id}
    order = httpx.post(clopos_emulator.base_url + "/orders", json=ORDER, headers=headers).json()["data"]
    refused = httpx.put(
        clopos_emulator.base_url + f"/orders/{order['id']}", json={"status": "DELIVERED"}, headers=headers
    )
    assert refused.status_code == 400 and refused.json()["message"] == "Status is not allowed"


def test_the_fault_option_is_installed_and_fires_as_specified(started: Started) -> None:
    assert httpx.get(started.root_url + "/_emulator/faults").json() == [
        {
            **FAULT,
            "method": "*",
            "probability": 1.0,
            "seed": None,
            "after": 0,
            "retry_after": None,
            "ms": 0.0,
            "count": 2,
        }
    ]
    assert started.http.get(started.base_url + "/stations").status_code == 503
    assert started.http.get(started.base_url + "/stations").status_code == 200
    assert httpx.get(started.root_url + "/_emulator/faults").json() == []


# -- control routes -----------------------------------------------------------------------------


@pytest.mark.parametrize("generation", ["v1", "v2"])
def test_tokens_expire_refuses_every_token_issued_before_it(clopos_emulator: Emulator, generation: str) -> None:
    base = clopos_emulator.base_url + ("/v2" if generation == "v2" else "")
    headers = {"x-brand": DEMO.brand, "x-venue": DEMO.venue_id}
    tokens = [auth_token(clopos_emulator, generation) for _ in range(2)]
    for token in tokens:
        assert httpx.get(base + "/venues", headers={**headers, "x-token": token}).status_code == 200
    assert httpx.post(clopos_emulator.root_url + "/_emulator/tokens/expire").json() == {"success": True}
    for token in tokens:
        refused = httpx.get(base + "/venues", headers={**headers, "x-token": token})
        assert refused.status_code == 401 and refused.json()["message"] == "Token expired"
    fresh = auth_token(clopos_emulator, generation)  # tokens issued afterwards work
    assert httpx.get(base + "/venues", headers={**headers, "x-token": fresh}).status_code == 200


def test_sixty_generation_2_auths_per_ip_a_minute(clopos_emulator: Emulator) -> None:
    body = auth_body(clopos_emulator)
    with httpx.Client(base_url=clopos_emulator.base_url, timeout=30) as http:
        answers = [http.post("/v2/auth", json=body) for _ in range(60)]
        assert [a.status_code for a in answers] == [200] * 60
        refused = http.post("/v2/auth", json=body)
        assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
        assert refused.headers["RateLimit-Limit"] == "60" and refused.headers["RateLimit-Remaining"] == "0"
        assert 0 < float(refused.headers["RateLimit-Reset"]) <= 60
        token = answers[-1].json()["token"]  # tokens already issued keep working
        assert http.get("/v2/venues", headers={"x-token": token}).status_code == 200
        v1 = body  # the same keys; generation 1 reads venue_id and ignores integrator_id
        assert http.post("/auth", json=v1).status_code == 200  # generation 1 has no such tier
        assert httpx.post(clopos_emulator.root_url + "/_emulator/reset").status_code == 200
        assert http.post("/v2/auth", json=body).status_code == 200  # reset empties the window
