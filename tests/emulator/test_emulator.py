"""The emulator over real HTTP with plain httpx: auth, envelopes, rules, bad input, faults, persistence."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from integrify.clopos.emulator import DEMO, DEMO2, Emulator, run_emulator
from integrify.clopos.emulator.demo_data import HistoricReceipts
from integrify.clopos.emulator.server import free_port, wait_ready


def login_body(credentials: Any = DEMO) -> dict[str, str]:
    return {
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "brand": credentials.brand,
        "venue_id": credentials.venue_id,
    }


def login(emu: Emulator, credentials: Any = DEMO) -> dict[str, str]:
    body = login_body(credentials)
    answer = httpx.post(emu.base_url + "/auth", json=body).json()
    assert answer["success"] and answer["token"].startswith("oauth_") and len(answer["token"]) == 70
    return {"x-token": answer["token"], "x-brand": credentials.brand, "x-venue": credentials.venue_id}


def test_auth_rules(clopos_emulator: Emulator) -> None:
    base = clopos_emulator.base_url
    bad = httpx.post(
        base + "/auth",
        json={"client_id": DEMO.client_id, "client_secret": "x", "brand": DEMO.brand, "venue_id": DEMO.venue_id},
    )
    assert bad.status_code == 401 and bad.json() == {
        "success": False,
        "error": "authentication_failed",
        "message": "Invalid credentials",
    }
    headers = login(clopos_emulator)
    assert httpx.get(base + "/venues", headers=headers).status_code == 200
    for change, message in (
        ({"x-token": None}, "Missing authentication headers"),
        ({"x-brand": None}, "Missing authentication headers"),
        ({"x-token": "oauth_wrong"}, "Invalid token"),
        ({"x-brand": DEMO2.brand}, "Invalid token"),
        ({"x-venue": "2"}, "Invalid token"),
    ):
        sent = {k: v for k, v in {**headers, **change}.items() if v is not None}
        answer = httpx.get(base + "/venues", headers=sent)
        assert answer.status_code == 401 and answer.json()["message"] == message
    clopos_emulator.expire_tokens()
    assert httpx.get(base + "/venues", headers=headers).json()["message"] == "Token expired"


@pytest.mark.clopos_emulator(token_ttl=120)
def test_token_ttl_is_configurable(clopos_emulator: Emulator) -> None:
    """A token lives ``token_ttl`` seconds from its issue, bounded by the clock read around the login (no sleep)."""
    venues = clopos_emulator.base_url + "/venues"
    before = time.time()
    headers = login(clopos_emulator)
    after = time.time()
    expires_at = clopos_emulator.state.tokens[headers["x-token"]].expires_at
    assert before + 120 <= expires_at <= after + 120
    assert httpx.get(venues, headers=headers).status_code == 200
    clopos_emulator.configure(token_ttl=0)  # a token born expired: its first use is refused
    answer = httpx.post(clopos_emulator.base_url + "/auth", json=login_body()).json()
    assert answer["expires_in"] == 0
    stale = {**headers, "x-token": answer["token"]}
    assert httpx.get(venues, headers=stale).json()["message"] == "Token expired"
    assert httpx.get(venues, headers=headers).status_code == 200  # issued before the change: its own lifetime


def test_brands_are_isolated(clopos_emulator: Emulator) -> None:
    one, two = login(clopos_emulator), login(clopos_emulator, DEMO2)
    mixed = {**two, "x-brand": DEMO.brand}
    assert httpx.get(clopos_emulator.base_url + "/venues", headers=mixed).status_code == 401
    totals = [httpx.get(clopos_emulator.base_url + "/receipts", headers=h).json()["total"] for h in (one, two)]
    assert totals == [300, 50]


def test_envelope_and_list_bounds(clopos_emulator: Emulator) -> None:
    headers = login(clopos_emulator)
    body = httpx.get(clopos_emulator.base_url + "/customer-groups", headers=headers).json()
    assert set(body) == {"success", "data", "total", "sorts", "time", "timestamp", "unix"}
    for path, limit in (("/venues", 101), ("/receipts", 201), ("/categories", 1000), ("/stations", 201)):
        answer = httpx.get(clopos_emulator.base_url + path, params={"limit": limit}, headers=headers)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_parameter"
        assert "between 1 and" in answer.json()["message"]
    assert httpx.get(clopos_emulator.base_url + "/receipts", params={"page": "x"}, headers=headers).status_code == 400


def test_nested_set_is_consistent(clopos_emulator: Emulator) -> None:
    rows = list(clopos_emulator.state.brand("openapitest").table("categories").values())
    by_id = {r["id"]: r for r in rows}
    for row in rows:
        assert row["_lft"] < row["_rgt"]
        parent = by_id.get(row["parent_id"])
        if parent:
            assert parent["_lft"] < row["_lft"] and row["_rgt"] < parent["_rgt"]
            assert row["depth"] == parent["depth"] + 1
        else:
            assert row["depth"] == 0
        inner = [r for r in rows if row["_lft"] < r["_lft"] < row["_rgt"]]
        assert row["_rgt"] - row["_lft"] == 2 * len(inner) + 1


def test_demo_data_is_deterministic() -> None:
    with run_emulator(receipts=20, seed=5) as one, run_emulator(receipts=20, seed=5) as two:
        receipts = [emu.state.brand("openapitest").receipts.get(7) for emu in (one, two)]
        assert receipts[0] == receipts[1]
        types = {p["type"] for p in one.state.brand("openapitest").table("products").values()}
        assert types == {"DISH", "GOODS", "TIMER", "INGREDIENT", "PREPARATION"}


@pytest.mark.parametrize(
    ("method", "path", "content"),
    [
        ("POST", "/receipts", b"{not json"),
        ("POST", "/receipts", b'{"cid": 5, "payment_methods": "cash", "user_id": "me"}'),
        ("POST", "/receipts", b"[1, 2, 3]"),
        ("PUT", "/receipts/1", b'{"id": "x"}'),
        ("PATCH", "/receipts/1", b'{"lock": "maybe"}'),
        ("PATCH", "/receipts/abc", b'{"lock": true}'),
        ("POST", "/orders", b'{"customer_id": [1]}'),
        ("PUT", "/orders/1", b'{"status": "IGNORE", "extra": 1}'),
        ("POST", "/customers", b'{"name": 42}'),
        ("GET", "/nowhere", b""),
        ("DELETE", "/venues", b""),
        ("POST", "/receipts", b"x" * 1_100_000),
        ("GET", "/products/stop-list?filters[0][0]=id&filters[0][1]=abc", b""),
        ("GET", "/receipts?sort[0]=nonsense", b""),
        ("GET", "/receipts?date[0]=yesterday", b""),
    ],
)
def test_bad_input_gets_a_4xx_envelope(clopos_emulator: Emulator, method: str, path: str, content: bytes) -> None:
    headers = {**login(clopos_emulator), "content-type": "application/json"}
    answer = httpx.request(method, clopos_emulator.base_url + path, content=content, headers=headers)
    assert 400 <= answer.status_code < 500
    body = answer.json()
    assert body["success"] is False and isinstance(body["error"], str) and body["message"]


def test_receipt_rules(clopos_emulator: Emulator) -> None:
    base, headers = clopos_emulator.base_url, login(clopos_emulator)
    new = {
        "cid": "rule-1",
        "payment_methods": [{"id": 1, "name": "Cash", "amount": 5}],
        "user_id": 1,
        "created_at": 1763622801594,
    }
    made = httpx.post(base + "/receipts", json=new, headers=headers)
    assert made.status_code == 201 and made.json()["data"]["created_at"] == "2025-11-20 11:13:21"  # Baku
    assert httpx.post(base + "/receipts", json=new, headers=headers).json()["error"] == "conflict"
    rid = made.json()["data"]["id"]
    put = httpx.put(f"{base}/receipts/{rid}", json={"id": rid, "cid": "other"}, headers=headers).json()
    assert put["message"].startswith("CID and ID cannot be changed")
    early = httpx.put(
        f"{base}/receipts/{rid}", json={"id": rid, "cid": "rule-1", "closed_at": "2020-01-01 00:00:00"}, headers=headers
    ).json()
    assert early["message"] == "closed_at must be greater than created_at"
    patched = httpx.patch(f"{base}/receipts/{rid}", json={"fiscal_id": "F1", "lock": True}, headers=headers).json()
    assert patched["data"]["fiscal_id"] == "F1" and patched["message"] == "Operation completed successfully"
    assert httpx.delete(f"{base}/receipts/{rid}", headers=headers).json()["message"] == "Receipt removed successfully"
    assert httpx.get(f"{base}/receipts/{rid}", headers=headers).status_code == 404


def test_drop_after_applies_the_change(clopos_emulator: Emulator) -> None:
    headers = login(clopos_emulator)
    clopos_emulator.faults.add("drop_after", route="/open-api/receipts", method="POST")
    with pytest.raises(httpx.TransportError):
        httpx.post(
            clopos_emulator.base_url + "/receipts",
            headers=headers,
            json={"cid": "lost-1", "payment_methods": [{"id": 1, "name": "Cash", "amount": 1}], "user_id": 1},
        )
    assert clopos_emulator.state.brand("openapitest").receipts.by_cid("lost-1") is not None
    clopos_emulator.faults.add("drop_before", route="/open-api/receipts", method="POST")
    with pytest.raises(httpx.TransportError):
        httpx.post(
            clopos_emulator.base_url + "/receipts",
            headers=headers,
            json={"cid": "lost-2", "payment_methods": [{"id": 1, "name": "Cash", "amount": 1}], "user_id": 1},
        )
    assert clopos_emulator.state.brand("openapitest").receipts.by_cid("lost-2") is None


def test_control_routes(clopos_emulator: Emulator) -> None:
    root = clopos_emulator.root_url
    httpx.post(root + "/_emulator/faults", json="status:status=503,route=/open-api/venues,times=1")
    headers = login(clopos_emulator)
    assert httpx.get(clopos_emulator.base_url + "/venues", headers=headers).status_code == 503
    assert httpx.get(clopos_emulator.base_url + "/venues", headers=headers).status_code == 200
    assert httpx.get(root + "/_emulator/counters").json()["GET /open-api/venues"] == 2
    recorded = httpx.get(root + "/_emulator/requests").json()
    assert [r["status"] for r in recorded if r["route"] == "/open-api/venues"] == [503, 200]
    accepted = httpx.post(root + "/_emulator/orders/2/accept").json()["data"]
    assert accepted["status"] == "RECEIVED" and accepted["receipt_id"] == 301
    httpx.post(root + "/_emulator/tokens/revoke")
    assert httpx.get(clopos_emulator.base_url + "/venues", headers=headers).status_code == 401
    assert httpx.get(root + "/_emulator/state/summary").json()["openapitest"]["receipts"] == 301
    httpx.post(root + "/_emulator/reset")
    assert httpx.get(root + "/_emulator/state/summary").json()["openapitest"]["receipts"] == 300


def test_sqlite_state_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with run_emulator(db=db, receipts=10) as emu:
        headers = login(emu)
        httpx.post(
            emu.base_url + "/receipts",
            headers=headers,
            json={"cid": "kept", "payment_methods": [{"id": 1, "name": "Cash", "amount": 1}], "user_id": 1},
        )
        httpx.patch(emu.base_url + "/receipts/3", headers=headers, json={"fiscal_id": "KEPT-3"})
    with run_emulator(db=db, receipts=10) as emu:
        receipts = emu.state.brand("openapitest").receipts
        assert receipts.by_cid("kept") is not None and receipts.get(3)["fiscal_id"] == "KEPT-3"  # type: ignore[index]
        emu.reset()
        assert receipts is not emu.state.brand("openapitest").receipts
        assert emu.state.brand("openapitest").receipts.by_cid("kept") is None


def test_large_history_is_built_on_demand(monkeypatch: pytest.MonkeyPatch) -> None:
    """100,000 historic receipts cost nothing until read: none is built at start, a page builds its own."""
    built: Counter[int] = Counter()
    build = HistoricReceipts.build

    def counted(self: HistoricReceipts, index: int) -> dict[str, Any]:
        built[id(self)] += 1
        return build(self, index)

    monkeypatch.setattr(HistoricReceipts, "build", counted)
    with run_emulator(receipts=100_000) as emu:
        historic = emu.state.brand("openapitest").receipts.historic
        assert built[id(historic)] == 0
        headers = login(emu)
        page = httpx.get(emu.base_url + "/receipts", params={"page": 2000, "limit": 50}, headers=headers).json()
        assert page["total"] == 100_000 and [r["id"] for r in page["data"]] == list(range(50, 0, -1))  # newest first
        assert built[id(historic)] == 50


def test_module_entry_point_serves() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "integrify.clopos.emulator", "--port", str(port), "--receipts", "5"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}")
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/open-api" in banner
    finally:
        process.terminate()
        process.wait(10)


def test_openapi_document(clopos_emulator: Emulator) -> None:
    document = httpx.get(clopos_emulator.root_url + "/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert "/open-api/receipts/{id}" in paths and "/open-api/v2/receipts/{id}/close" in paths
    assert set(paths["/open-api/receipts/{id}"]) == {"get", "put", "patch", "delete"}


def test_module_entry_point_refuses_a_bad_or_busy_port_in_one_line() -> None:
    command = [sys.executable, "-m", "integrify.clopos.emulator"]
    bad = subprocess.run([*command, "--port", "99999"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "99999 is not a port" in bad.stderr and "Traceback" not in bad.stderr
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        taken = subprocess.run([*command, "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert taken.returncode == 4 and taken.stdout == ""  # no banner before the failure
    assert taken.stderr.strip().endswith("(Address already in use)") and "Traceback" not in taken.stderr
