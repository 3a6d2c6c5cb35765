"""Writes from the command line: close checks, full receipt update, customers, price lists."""

from __future__ import annotations

import json
from pathlib import Path

from integrify.clopos.emulator import Emulator

from .conftest import run


def open_receipt(emulator: Emulator) -> tuple[str, float]:
    order = emulator.accept_order(2)
    receipt = emulator.state.brand("openapitest").receipts.get(order["receipt_id"])
    return str(order["receipt_id"]), float(receipt["total"])


def test_close_refuses_payments_that_do_not_add_up(env: dict[str, str], clopos_emulator: Emulator) -> None:
    receipt_id, total = open_receipt(clopos_emulator)
    code, _, err = run(env, "receipts", "close", receipt_id, "--pay", "cash=1")
    assert code == 2 and f"the payments add up to 1.00, the receipt's total is {total:.2f}" in err
    assert "--partial" in err
    code, _, err = run(env, "receipts", "close", receipt_id, "--pay", f"cash={total + 1}")
    assert code == 2 and "add up to" in err
    assert clopos_emulator.count("PUT", "/open-api/receipts/{id}") == 0
    code, out, err = run(env, "receipts", "close", receipt_id, "--pay", f"cash={total}", "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == 2
    code, _, err = run(env, "receipts", "close", receipt_id, "--pay", f"cash={total}")
    assert code == 2 and f"receipt {receipt_id} is already closed" in err
    assert clopos_emulator.count("PUT", "/open-api/receipts/{id}") == 1


def test_close_partial(env: dict[str, str], clopos_emulator: Emulator) -> None:
    receipt_id, _ = open_receipt(clopos_emulator)
    code, out, err = run(env, "receipts", "close", receipt_id, "--pay", "card=1", "--partial")
    assert code == 0, err
    assert "Card 1.00" in out
    stored = clopos_emulator.state.brand("openapitest").receipts.get(int(receipt_id))
    assert stored["status"] == 2 and [(p["name"], p["amount"]) for p in stored["payment_methods"]] == [("Card", 1)]


def test_full_receipt_update(env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator) -> None:
    receipt_id, _ = open_receipt(clopos_emulator)
    path = tmp_path / "update.json"
    path.write_text(json.dumps({"description": "by the window", "guests": 3, "order_status": "IN_PROGRESS"}))
    code, out, err = run(env, "receipts", "update", receipt_id, "--file", str(path))
    assert code == 0, err
    assert "updated: description, guests, order_status" in out
    stored = clopos_emulator.state.brand("openapitest").receipts.get(int(receipt_id))
    assert (stored["description"], stored["guests"], stored["order_status"]) == ("by the window", 3, "IN_PROGRESS")
    path.write_text(json.dumps({"colour": "red"}))
    code, _, err = run(env, "receipts", "update", receipt_id, "--file", str(path))
    assert code == 2 and "unknown field 'colour'" in err


def test_create_customer(env: dict[str, str], clopos_emulator: Emulator) -> None:
    args = ["customers", "create", "--name", "Aysel", "--phone", "+994551234567", "--gender", "female"]
    code, out, err = run(env, *args, "--date-of-birth", "1990-04-01")
    assert code == 0, err
    assert "created: Aysel" in out
    customers = clopos_emulator.state.brand("openapitest").table("customers")
    stored = [c for c in customers.values() if c["phone"] == "+994551234567"]
    assert [(c["name"], c["gender"], c["date_of_birth"]) for c in stored] == [("Aysel", 2, "1990-04-01")]
    code, _, err = run(env, *args)
    assert code == 1 and "409" in err  # the phone is unique
    assert len([c for c in customers.values() if c["phone"] == "+994551234567"]) == 1


def test_price_lists_on_generation_2(env: dict[str, str]) -> None:
    code, out, err = run(env, "--api", "v2", "price-lists", "list", "--json")
    assert code == 0, err
    lists = json.loads(out)
    assert lists and {"id", "name"} <= set(lists[0])
    code, out, err = run(env, "--api", "v2", "price-lists", "prices", "--filter", f"list_id={lists[0]['id']}", "--json")
    assert code == 0, err
    assert {p["list_id"] for p in json.loads(out)} == {lists[0]["id"]}
    code, _, err = run(env, "price-lists", "list")
    assert code == 2 and "generation 2" in err
