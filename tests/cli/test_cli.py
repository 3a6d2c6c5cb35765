"""The ``clopos`` command line, invoked as a user would, against the emulator."""

from __future__ import annotations

import csv
import io
import itertools
import json
import stat
from pathlib import Path

import pytest

from integrify.clopos import CloposSyncClient
from integrify.clopos.emulator import Emulator

from .conftest import run


def test_demo_runs_to_its_end(env: dict[str, str]) -> None:
    code, out, _ = run(env, "demo")
    assert code == 0, out
    for text in ("Authenticate", "POS clerk accepts", "closed: cash", "fiscal id FIS-", "written to", "Demo finished"):
        assert text in out


def test_demo_on_generation_2(env: dict[str, str]) -> None:
    code, out, _ = run(env, "demo", "--api", "v2")
    assert code == 0 and "Demo finished" in out
    assert "2 rows (one per receipt line)" in out


def test_auth_shows_brand_and_hides_secrets(env: dict[str, str], clopos_emulator: Emulator) -> None:
    code, out, _ = run(env, "auth")
    assert code == 0 and "brand openapitest" in out and "valid for 3600 s" in out
    assert clopos_emulator.credentials.client_secret not in out and "oauth_" not in out
    code, out, _ = run(env, "auth", "--show-token")
    assert code == 0 and "oauth_" in out


def test_wrong_secret_exits_3(env: dict[str, str]) -> None:
    code, _, err = run({**env, "CLOPOS_CLIENT_SECRET": "nope"}, "auth")
    assert code == 3
    assert "401" in err and "Invalid credentials" in err and "Traceback" not in err


def test_profiles(env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator) -> None:
    c = clopos_emulator.credentials
    bare = {"CLOPOS_CONFIG_DIR": env["CLOPOS_CONFIG_DIR"], "CLOPOS_API_VERSION": "v1"}
    code, out, _ = run(
        bare,
        "profile",
        "add",
        "main",
        "--client-id",
        c.client_id,
        "--client-secret",
        c.client_secret,
        "--brand",
        c.brand,
        "--venue",
        c.venue_id,
        "--base-url",
        clopos_emulator.base_url,
    )
    assert code == 0 and "in use" in out
    path = tmp_path / "config" / "profiles.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    code, out, _ = run(bare, "profile", "list")
    assert code == 0 and "* main" in out and c.client_secret not in out
    code, out, _ = run(bare, "venues", "list")
    assert code == 0 and "Port Baku" in out
    code, _, err = run(bare, "--profile", "other", "venues", "list")
    assert code == 2 and "no profile named 'other'" in err
    assert run(bare, "profile", "use", "main")[0] == 0


@pytest.mark.parametrize(
    ("resource", "method", "expected"),
    [
        ("venues", "get_venues", "Port Baku"),
        ("users", "get_users", "Cashier"),
        ("customers", "get_customers", "Rahid Akhundzada"),
        ("customer-groups", "get_customer_groups", "VIP"),
        ("categories", "get_categories", "Yeməklər"),
        ("stations", "get_stations", "Bar"),
        ("products", "get_products", "Lülə kabab"),
        ("stop-list", "get_stop_list", "1761202010781"),
        ("sale-types", "get_sale_types", "Çatdırılma"),
        ("payment-methods", "get_payment_methods", "Card"),
        ("orders", "get_orders", "PENDING"),
        ("receipts", "get_receipts", "Cash"),
    ],
)
def test_every_resource_lists(
    env: dict[str, str], clopos_client: CloposSyncClient, resource: str, method: str, expected: str
) -> None:
    code, out, err = run(env, resource, "list", "--json")
    assert code == 0, err
    listed = json.loads(out)
    api = getattr(clopos_client, method)
    first = api().unwrap().data if method == "get_stop_list" else list(itertools.islice(api.iter(), 50))
    assert listed == [item.model_dump(mode="json") for item in first]  # the first 50 the API has, every field
    if resource != "receipts":  # whose CSV has no payments
        code, out, err = run(env, resource, "list", "--csv")
        assert code == 0 and expected in out, err
    assert expected in json.dumps(listed, ensure_ascii=False)


def test_list_formats_and_paging(env: dict[str, str]) -> None:
    code, out, _ = run(env, "receipts", "list", "--all", "--jsonl")
    assert code == 0 and len(out.splitlines()) == 300
    code, out, _ = run(env, "receipts", "list", "--limit", "7", "--json")
    assert code == 0 and len(json.loads(out)) == 7
    code, out, _ = run(env, "customers", "list", "--csv", "--filter", "name=Rahid")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == ["Rahid Akhundzada"]
    code, out, _ = run(env, "products", "list", "--json", "--filter", "type=DISH")
    assert code == 0 and {p["type"] for p in json.loads(out)} == {"DISH"}
    code, out, _ = run(env, "orders", "list", "--status", "pending", "--json")
    assert [o["id"] for o in json.loads(out)] == [2, 5]
    code, out, _ = run(env, "venues", "list")
    assert code == 0 and "┃ id" in out


def test_get_and_tree(env: dict[str, str]) -> None:
    code, out, _ = run(env, "products", "get", "12", "--json")
    assert code == 0 and json.loads(out)["name"] == "Fanta"
    code, out, _ = run(env, "categories", "list", "--tree")
    assert code == 0 and "Şorbalar" in out and "└──" in out
    code, _, err = run(env, "receipts", "get", "999999")
    assert code == 1 and "404 not_found Receipt not found" in err


def test_order_writes(env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator) -> None:
    order = {
        "customer_id": 9,
        "payload": {
            "service": {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"},
            "products": [{"product_id": 4, "count": 2}],
        },
        "meta": {"comment": "CLI"},
    }
    path = tmp_path / "order.json"
    path.write_text(json.dumps(order))
    code, out, err = run(env, "orders", "create", "--file", str(path), "--json")
    assert code == 0, err
    order_id = json.loads(out)["id"]
    assert json.loads(out)["status"] == "PENDING"
    orders = clopos_emulator.state.brand("openapitest").table("orders")
    assert (orders[order_id]["customer_id"], orders[order_id]["payload"]["meta"]) == (9, {"comment": "CLI"})
    code, out, _ = run(env, "orders", "set-status", str(order_id), "ignore")
    assert code == 0 and f"order {order_id}: IGNORE" in out
    assert orders[order_id]["status"] == "IGNORE"
    code, _, err = run(env, "orders", "set-status", str(order_id), "RECEIVED")
    assert code == 1 and "Status is not allowed" in err
    assert orders[order_id]["status"] == "IGNORE"
    count = len(orders)
    path.write_text(json.dumps({**order, "payload": {**order["payload"], "products": []}}))
    code, _, err = run(env, "orders", "create", "--file", str(path))
    assert code == 2 and "payload.products" in err
    path.write_text("{not json")
    code, _, err = run(env, "orders", "create", "--file", str(path))
    assert code == 2 and "not valid JSON" in err
    assert len(orders) == count  # neither refused order was stored


def test_receipt_writes(env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator) -> None:
    path = tmp_path / "receipt.json"
    path.write_text(
        json.dumps(
            {
                "cid": "cli-receipt-1",
                "payment_methods": [{"id": 1, "name": "Cash", "amount": 5}],
                "user_id": 1,
                "total": 5,
            }
        )
    )
    code, out, err = run(env, "receipts", "create", "--file", str(path), "--json")
    assert code == 0, err
    receipt_id = json.loads(out)["id"]
    receipts = clopos_emulator.state.brand("openapitest").receipts
    stored = receipts.get(receipt_id)
    assert (stored["cid"], stored["total"], stored["payment_methods"][0]["amount"]) == ("cli-receipt-1", 5, 5)
    path.write_text(json.dumps({"cid": "cli-receipt-2", "user_id": 1}))
    code, _, err = run(env, "receipts", "create", "--file", str(path))
    assert code == 2 and "payment_methods" in err
    assert receipts.by_cid("cli-receipt-2") is None
    order = clopos_emulator.accept_order(2)
    total = receipts.get(order["receipt_id"])["total"]
    cash = round(total - 2.5, 2)
    receipt = str(order["receipt_id"])
    code, out, err = run(env, "receipts", "close", receipt, "--pay", f"cash={cash}", "--pay", "CARD=2.50")
    assert code == 0, err
    assert f"Cash {cash:.2f}, Card 2.50" in out
    closed = receipts.get(order["receipt_id"])
    assert closed["status"] == 2 and closed["closed_at"]
    assert sorted((p["name"], p["amount"]) for p in closed["payment_methods"]) == [("Card", 2.5), ("Cash", cash)]
    code, _, err = run(env, "receipts", "close", str(order["receipt_id"]), "--pay", "bitcoin=1")
    assert code == 2 and "no payment method 'bitcoin'" in err
    code, out, _ = run(env, "receipts", "patch", str(receipt_id), "--fiscal-id", "F-77", "--lock")
    assert code == 0 and "fiscal_id=F-77" in out and "lock=True" in out
    assert (receipts.get(receipt_id)["fiscal_id"], receipts.get(receipt_id)["lock"]) == ("F-77", True)
    code, _, err = run(env, "receipts", "delete", str(receipt_id), input="y\n")
    assert code == 2 and "pass --yes" in err
    assert receipts.get(receipt_id) is not None
    code, out, _ = run(env, "receipts", "delete", str(receipt_id), "--yes")
    assert code == 0 and receipts.get(receipt_id) is None


def test_export_resumes_after_an_interruption(env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator) -> None:
    out_file = tmp_path / "receipts.csv"
    clopos_emulator.faults.add("status", route="/open-api/receipts", status=500, after=1, times=1)
    code, _, err = run(env, "receipts", "export", "--out", str(out_file), "--format", "csv")
    assert code == 1 and "500" in err
    state = json.loads((tmp_path / "receipts.csv.state.json").read_text())
    assert state["page"] == 1 and state["items"] == 200
    code, out, err = run(env, "receipts", "export", "--out", str(out_file), "--format", "csv")
    assert code == 0, err
    assert "rows written" in out
    assert not (tmp_path / "receipts.csv.state.json").exists()
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    receipts = clopos_emulator.state.brand("openapitest").receipts
    expected = [r for r in receipts.records(range(1, 301))]
    assert len(rows) == sum(len(r["receipt_products"]) for r in expected)
    assert sorted({int(r["receipt_id"]) for r in rows}) == list(range(1, 301))
    pairs = [(r["receipt_id"], r["line_id"]) for r in rows]
    assert len(pairs) == len(set(pairs))
    first = next(r for r in rows if r["receipt_id"] == "1")
    assert first["payments"].startswith(("Cash:", "Card:"))


def test_export_jsonl_other_resources(env: dict[str, str], tmp_path: Path) -> None:
    for resource, count in (("customers", 12), ("orders", 6), ("products", 17)):
        target = tmp_path / f"{resource}.jsonl"
        code, _out, err = run(env, resource, "export", "--out", str(target), "--format", "jsonl")
        assert code == 0, err
        assert len(target.read_text().splitlines()) == count


def test_generation_2_from_the_command_line(env: dict[str, str], clopos_emulator: Emulator) -> None:
    code, out, err = run(env, "--api", "v2", "receipts", "list", "--limit", "3", "--json")
    assert code == 0, err
    assert len(json.loads(out)) == 3
    assert {r.path for r in clopos_emulator.requests} >= {"/open-api/v2/auth", "/open-api/v2/receipts"}
    code, _, err = run(env, "--api", "v2", "receipts", "delete", "5", "--yes")
    assert code == 2 and "generation 1" in err
    assert clopos_emulator.state.brand("openapitest").receipts.get(5) is not None
