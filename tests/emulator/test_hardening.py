"""The emulator under hostile input and long runs (issue 10, items 9-14), over real HTTP with plain httpx.

Nothing a caller sends may break it for the next caller: bad writes are refused before they are stored,
control input is validated like API input, the SQLite file takes rows, and the request log is bounded.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from integrify.clopos import CloposSyncClient
from integrify.clopos.emulator import DEMO, Emulator, run_emulator
from integrify.clopos.emulator.__main__ import parser
from integrify.clopos.emulator.config import EmulatorConfig

from ..helpers import auth_token

PAYMENT = [{"id": 1, "name": "Cash", "amount": 10}]


def login(emu: Emulator, generation: str = "v1") -> dict[str, str]:
    return {"x-token": auth_token(emu, generation), "x-brand": DEMO.brand, "x-venue": DEMO.venue_id}


def receipt(cid: str, **extra: Any) -> dict[str, Any]:
    return {"cid": cid, "payment_methods": PAYMENT, "user_id": 1, "total": 10, "subtotal": 10, **extra}


def post_raw(emu: Emulator, path: str, text: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(emu.base_url + path, content=text, headers={**headers, "content-type": "application/json"})


# -- 9: validate before storing ---------------------------------------------------------------------------

NESTED_300 = "[" * 300 + "]" * 300


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('"total": 1000000000000000000000000000000', "total must be an integer between -2^63 and 2^63-1"),
        ('"guests": 10000000000000000000000000', "guests must be an integer between -2^63 and 2^63-1"),
        ('"guests": -9223372036854775809', "guests must be an integer between -2^63 and 2^63-1"),
        ('"total": 1e400', "total must be a finite number"),
        ('"total": NaN', "total must be a finite number"),
        ('"description": "\\ud800"', "description holds an unpaired UTF-16 surrogate"),
        ('"meta": ' + NESTED_300, "nested deeper than 32 levels"),
        ('"meta": ' + "[" * 40 + "]" * 40, "nested deeper than 32 levels"),
        ('"meta": ' + "[" * 100_000 + "]" * 100_000, "nested deeper than 32 levels"),
    ],
)
def test_unstorable_receipts_are_refused_and_nothing_breaks(
    clopos_emulator: Emulator, extra: str, message: str
) -> None:
    headers = login(clopos_emulator)
    before = clopos_emulator.state.summary()
    text = json.dumps(receipt("bad-1"))[:-1] + ", " + extra + "}"
    answer = post_raw(clopos_emulator, "/receipts", text, headers)
    assert answer.status_code == 400
    assert answer.json()["error"] == "validation_failed" and message in answer.json()["message"]
    assert clopos_emulator.state.summary() == before
    listed = httpx.get(clopos_emulator.base_url + "/receipts", headers=headers)
    assert listed.status_code == 200 and listed.json()["total"] == 300
    assert httpx.get(clopos_emulator.base_url + "/receipts/300", headers=headers).status_code == 200


def test_every_write_route_refuses_unstorable_values(clopos_emulator: Emulator) -> None:
    headers = login(clopos_emulator)
    huge = 10**30
    writes = [
        ("PUT", "/receipts/1", {"id": 1, "cid": "x", "guests": huge}),
        ("PATCH", "/receipts/1", {"order_number": "7", "lock": False, "x": huge}),
        ("POST", "/customers", {"name": "Ada", "description": [[[[huge]]]]}),
        ("POST", "/orders", {"customer_id": 1, "payload": {"service": {"venue_id": huge}}}),
        ("PUT", "/orders/1", {"status": "IGNORE", "x": huge}),
    ]
    for method, path, body in writes:
        answer = httpx.request(method, clopos_emulator.base_url + path, content=json.dumps(body), headers=headers)
        assert answer.status_code == 400, (method, path, answer.text)
        assert "2^63" in answer.json()["message"]
    for path in ("/receipts", "/receipts/1", "/customers", "/orders", "/orders/1"):
        assert httpx.get(clopos_emulator.base_url + path, headers=headers).status_code == 200, path


def test_a_write_that_fails_half_way_is_undone(clopos_emulator: Emulator) -> None:
    state = clopos_emulator.state
    brand = state.brand(DEMO.brand)
    order_before = json.dumps(brand.table("orders")[1], sort_keys=True)
    receipts_before = state.summary()
    with pytest.raises(RuntimeError), state.write():
        brand.table("orders")[1]["status"] = "HALF"
        brand.table("orders")[999] = {"id": 999}
        brand.receipts.delete(5)
        brand.receipts.save({**receipt("half"), "id": brand.receipts.next_id})
        raise RuntimeError("the handler failed after changing things")
    assert json.dumps(brand.table("orders")[1], sort_keys=True) == order_before
    assert 999 not in brand.table("orders")
    assert state.summary() == receipts_before
    assert brand.receipts.get(5) is not None and brand.receipts.by_cid("half") is None


# -- 10: other 500s ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("created_at", ["²", "99999999999999999999", 10**17, "١٧٠٠٠٠٠٠٠٠٠٠٠"])
def test_impossible_created_at_is_a_400(clopos_emulator: Emulator, created_at: Any) -> None:
    headers = login(clopos_emulator)
    answer = httpx.post(
        clopos_emulator.base_url + "/receipts", json=receipt("t-1", created_at=created_at), headers=headers
    )
    assert answer.status_code == 400 and answer.json()["error"] == "validation_failed"
    assert "created_at" in answer.json()["message"]


@pytest.mark.parametrize("path", ["/receipts", "/orders", "/v2/receipts", "/v2/orders"])
def test_the_last_day_there_is_is_a_valid_date(clopos_emulator: Emulator, path: str) -> None:
    headers = login(clopos_emulator, "v2" if path.startswith("/v2") else "v1")
    params = {"date[0]": "9999-12-31", "date[1]": "9999-12-31"}
    answer = httpx.get(clopos_emulator.base_url + path, params=params, headers=headers)
    assert answer.status_code == 200 and answer.json()["data"] == []
    params = {"date[0]": "0001-01-01", "date[1]": "9999-12-31"}
    answer = httpx.get(clopos_emulator.base_url + path, params=params, headers=headers)
    assert answer.status_code == 200 and answer.json()["total"] > 0


def test_page_numbers_beyond_64_bits_are_a_400(clopos_emulator: Emulator) -> None:
    headers = login(clopos_emulator, "v2")
    for path in ("/v2/price-lists", "/v2/price-lists/prices", "/v2/receipts", "/v2/customers"):
        for page in (str(2**63), str(2**64), "9" * 5000):
            answer = httpx.get(clopos_emulator.base_url + path, params={"page": page}, headers=headers)
            assert answer.status_code == 400, (path, page)
            assert "between 1 and 2147483647" in answer.json()["message"]
    last = httpx.get(clopos_emulator.base_url + "/v2/price-lists", params={"page": 2**31 - 1}, headers=headers)
    assert last.status_code == 200 and last.json()["data"] == []


def test_accepting_an_order_checks_its_id_and_brand(clopos_emulator: Emulator) -> None:
    root = clopos_emulator.root_url + "/_emulator/orders/"
    huge = httpx.post(root + "9" * 5000 + "/accept")
    assert huge.status_code == 404 and huge.json()["message"] == "Order not found"
    assert httpx.post(root + "99999/accept").status_code == 404
    for bad in ("abc", "-1", "1.5", "²"):
        answer = httpx.post(root + bad + "/accept")
        assert answer.status_code == 400 and "positive integer" in answer.json()["message"], bad
    other = httpx.post(root + "1/accept", params={"brand": "nobody"})
    assert other.status_code == 400 and "brand must be one of" in other.json()["message"]


# -- 11: each date bound alone -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/receipts", "/orders"])
def test_each_date_bound_alone_means_what_it_says(clopos_emulator: Emulator, path: str) -> None:
    headers = login(clopos_emulator)

    def total(**params: str) -> int:
        answer = httpx.get(clopos_emulator.base_url + path, params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["total"])

    everything = total()
    assert everything > 0
    assert total(**{"date[1]": "2000-01-01"}) == 0
    assert total(**{"date[0]": "2000-01-01"}) == everything
    assert total(**{"date[0]": "9000-01-01"}) == 0
    assert total(**{"date[1]": "9000-01-01"}) == everything
    assert total(**{"date[0]": "", "date[1]": "2000-01-01"}) == 0


def test_the_clients_date_to_alone_is_an_end(clopos_client: CloposSyncClient) -> None:
    assert clopos_client.get_receipts(date_to="2000-01-01").unwrap().data == []
    assert clopos_client.get_receipts(date_from="9000-01-01").unwrap().data == []
    assert len(clopos_client.get_receipts(date_to="9000-01-01").unwrap().data) == 50


def test_malformed_date_bounds_are_a_400(clopos_emulator: Emulator) -> None:
    headers = login(clopos_emulator)
    for params in ({"date[1]": "yesterday"}, {"date[2]": "2020-01-01"}, {"date[0][x]": "2020-01-01"}):
        answer = httpx.get(clopos_emulator.base_url + "/receipts", params=params, headers=headers)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_parameter", params


# -- 12: control routes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "status", "times": "x"}, "times must be an integer or null"),
        ({"kind": "status", "times": True}, "times must be an integer or null"),
        ({"kind": "status", "times": 0}, "times must be at least 1"),
        ({"kind": "latency", "ms": "5"}, "ms must be a number"),
        ({"kind": "latency", "ms": -1}, "ms must be between 0 and 600000"),
        ({"kind": "status", "times": None, "probability": "0.5"}, "probability must be a number"),
        ({"kind": "status", "times": None, "probability": 2}, "probability must be between 0 and 1"),
        ({"kind": "status", "route": 5}, "route must be a string"),
        ({"kind": "status", "method": ["GET"]}, "method must be a string"),
        ({"kind": "status", "status": 99}, "status must be between 200 and 599"),
        ({"kind": "status", "status": 1000000}, "status must be between 200 and 599"),
        ({"kind": "status", "status": "abc"}, "status must be an integer"),
        ({"kind": "status", "retry_after": "soon"}, "retry_after must be a number"),
        ({"kind": "status", "after": -1}, "after must be at least 0"),
        ({"kind": "status", "_rng": 1}, "unknown fault option(s): _rng"),
        ({"kind": "status", "colour": "red"}, "unknown fault option(s): colour"),
        ({"kind": "nope"}, "unknown fault kind 'nope'"),
        ({"kind": 5}, 'a JSON object with a "kind"'),
        ([1, 2], 'a JSON object with a "kind"'),
        ("status:times=x", "times must be a number, not 'x'"),
        ("status:status=99", "status must be between 200 and 599"),
    ],
)
def test_bad_faults_are_refused_and_the_api_keeps_working(clopos_emulator: Emulator, spec: Any, message: str) -> None:
    headers = login(clopos_emulator)
    answer = httpx.post(clopos_emulator.root_url + "/_emulator/faults", json=spec)
    assert answer.status_code == 400 and answer.json()["error"] == "validation_failed"
    assert message in answer.json()["message"]
    assert httpx.get(clopos_emulator.root_url + "/_emulator/faults").json() == []
    for _ in range(3):
        assert httpx.get(clopos_emulator.base_url + "/venues", headers=headers).status_code == 200


def test_malformed_fault_bodies_are_a_400(clopos_emulator: Emulator) -> None:
    url = clopos_emulator.root_url + "/_emulator/faults"
    for text in ("", "{", '{"kind": "latency", "ms": 1e999}'):
        answer = httpx.post(url, content=text)
        assert answer.status_code == 400 and answer.json()["error"] == "validation_failed", text


def test_a_valid_status_fault_still_fires(clopos_emulator: Emulator) -> None:
    headers = login(clopos_emulator)
    spec = {"kind": "status", "status": 599, "route": "/open-api/venues", "times": 1}
    assert httpx.post(clopos_emulator.root_url + "/_emulator/faults", json=spec).status_code == 200
    assert httpx.get(clopos_emulator.base_url + "/venues", headers=headers).status_code == 599
    assert httpx.get(clopos_emulator.base_url + "/venues", headers=headers).status_code == 200


def test_unknown_token_actions_are_refused_and_expire_nothing(clopos_emulator: Emulator) -> None:
    headers = login(clopos_emulator)
    for action in ("anything", "Revoke", "expire-all"):
        answer = httpx.post(clopos_emulator.root_url + "/_emulator/tokens/" + action)
        assert answer.status_code == 400 and "revoke or expire" in answer.json()["message"]
    assert httpx.get(clopos_emulator.base_url + "/venues", headers=headers).status_code == 200
    assert httpx.post(clopos_emulator.root_url + "/_emulator/tokens/expire").status_code == 200
    assert httpx.get(clopos_emulator.base_url + "/venues", headers=headers).json()["message"] == "Token expired"


def test_the_command_line_refuses_a_bad_fault() -> None:
    command = [sys.executable, "-m", "integrify.clopos.emulator", "--port", "1", "--fault", "status:status=99"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "status must be between 200 and 599" in result.stderr


def test_run_emulator_refuses_a_bad_fault() -> None:
    with pytest.raises(ValueError, match="times must be"), run_emulator(faults=[{"kind": "status", "times": "x"}]):
        pass


# -- 13: the SQLite file holds rows, written off the event loop ---------------------------------------------


def _count_inserts(db: str) -> None:
    """A trigger counting the rows the emulator writes (``INSERT OR REPLACE`` fires it once per row)."""
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE inserted (n INTEGER)")
        connection.execute("INSERT INTO inserted VALUES (0)")
        connection.execute("CREATE TRIGGER counting AFTER INSERT ON rows BEGIN UPDATE inserted SET n = n + 1; END")


def _inserted(db: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT n FROM inserted").fetchone()[0])


def test_a_write_stores_the_rows_it_changed_however_much_is_stored(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with run_emulator(db=db, receipts=20) as emu:
        headers = login(emu)
        _count_inserts(db)
        with httpx.Client(base_url=emu.base_url, headers=headers) as client:
            for index in range(120):
                assert client.post("/receipts", json=receipt(f"r-{index}")).status_code == 201
                if index in (9, 119):
                    assert _inserted(db) == index + 1  # one row per create, however many are stored
        assert httpx.put(emu.base_url + "/orders/1", json={"status": "IGNORE"}, headers=headers).status_code == 200
        assert httpx.delete(emu.base_url + "/receipts/3", headers=headers).status_code == 200
        assert httpx.get(emu.base_url + "/receipts", headers=headers).status_code == 200
        refused = httpx.post(emu.base_url + "/receipts", json=receipt("r-0"), headers=headers)
        assert refused.status_code == 409
        assert _inserted(db) == 122  # the order and the deletion; nothing for a read or a refused write
    with sqlite3.connect(db) as connection:
        kinds = dict(connection.execute("SELECT kind, count(*) FROM rows GROUP BY kind").fetchall())
    assert kinds == {"receipts": 121, "orders": 1}
    with run_emulator(db=db, receipts=20) as emu:
        headers = login(emu)
        assert httpx.get(emu.base_url + "/receipts", headers=headers).json()["total"] == 20 + 120 - 1
        assert httpx.get(emu.base_url + "/orders/1", headers=headers).json()["data"]["status"] == "IGNORE"
        assert httpx.get(emu.base_url + "/receipts/3", headers=headers).status_code == 404
        again = httpx.post(emu.base_url + "/receipts", json=receipt("r-0"), headers=headers)
        assert again.status_code == 409  # the cid index came back too


def test_a_slow_disk_write_does_not_hold_up_other_requests(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with run_emulator(db=db, receipts=10) as emu:
        headers = login(emu)
        blocker = sqlite3.connect(db, timeout=60, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # holds the write lock: the emulator's commit has to wait
        answers: list[httpx.Response] = []
        writer = threading.Thread(
            target=lambda: answers.append(
                httpx.post(emu.base_url + "/receipts", json=receipt("slow"), headers=headers, timeout=120)
            )
        )
        try:
            writer.start()
            for _ in range(5):
                assert httpx.get(emu.base_url + "/venues", headers=headers, timeout=30).status_code == 200
                assert httpx.get(emu.base_url + "/receipts/1", headers=headers, timeout=30).status_code == 200
            assert writer.is_alive() and answers == []  # the write is still waiting for the disk
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        writer.join(120)
    assert answers and answers[0].status_code == 201  # answered once committed
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM rows WHERE kind = 'receipts'").fetchone()[0] == 1


def test_a_file_of_the_earlier_format_is_read_and_converted(tmp_path: Path) -> None:
    db = str(tmp_path / "old.db")
    created = {**receipt("old-cid"), "id": 11, "created_at": "2020-01-01 10:00:00", "closed_at": None}
    blob = {
        "receipts": {"overrides": {}, "deleted": [2], "created": {"11": created}},
        "tables": {"orders": {"1": {"id": 1, "status": "IGNORE", "_created": "2020-01-01 00:00:00"}}},
    }
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE brand_state (brand TEXT PRIMARY KEY, data TEXT NOT NULL)")
        connection.execute("INSERT INTO brand_state VALUES (?, ?)", (DEMO.brand, json.dumps(blob)))
    with run_emulator(db=db, receipts=10) as emu:
        headers = login(emu)
        assert httpx.get(emu.base_url + "/receipts/11", headers=headers).json()["data"]["cid"] == "old-cid"
        assert httpx.get(emu.base_url + "/receipts/2", headers=headers).status_code == 404
        assert emu.state.brand(DEMO.brand).table("orders")[1]["status"] == "IGNORE"
    with sqlite3.connect(db) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "brand_state" not in tables


def test_reset_empties_the_file(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with run_emulator(db=db, receipts=10) as emu:
        headers = login(emu)
        assert httpx.post(emu.base_url + "/receipts", json=receipt("gone"), headers=headers).status_code == 201
        assert httpx.post(emu.root_url + "/_emulator/reset").status_code == 200
        with sqlite3.connect(db) as connection:
            assert connection.execute("SELECT count(*) FROM rows").fetchone()[0] == 0
        emu.accept_order(2)  # the Python handle's writes are stored too
    with run_emulator(db=db, receipts=10) as emu:
        assert emu.state.brand(DEMO.brand).table("orders")[2]["status"] == "RECEIVED"
        assert emu.state.summary()[DEMO.brand]["receipts"] == 11


# -- 14: the request log is bounded ----------------------------------------------------------------------------


def test_the_request_log_keeps_the_last_n_and_counters_stay_exact() -> None:
    with run_emulator(receipts=10, log_size=5) as emu:
        headers = login(emu)
        for index in range(1, 13):
            httpx.get(emu.base_url + "/receipts/1", params={"n": index}, headers=headers)
        assert [r.query_string for r in emu.requests] == [f"n={n}" for n in range(8, 13)]
        assert emu.count("GET", "/open-api/receipts/{id}") == 12
        assert emu.count("POST", "/open-api/auth") == 1
        logged = httpx.get(emu.root_url + "/_emulator/requests").json()
        assert len(logged) == 5 and logged[-1]["query_string"] == "n=12"
        assert httpx.get(emu.root_url + "/_emulator/counters").json()["GET /open-api/receipts/{id}"] == 12


def test_the_log_size_is_an_option() -> None:
    assert EmulatorConfig().log_size == 10_000
    assert parser().parse_args(["--log-size", "50"]).log_size == 50
    with run_emulator(receipts=10, log_size=0) as emu:
        login(emu)
        assert emu.requests == [] and emu.count("POST", "/open-api/auth") == 1
    command = [sys.executable, "-m", "integrify.clopos.emulator", "--port", "1", "--log-size", "-1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--log-size" in result.stderr
