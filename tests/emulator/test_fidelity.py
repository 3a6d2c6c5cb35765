"""The emulator is as strict as the documents (issue 11), over real HTTP: venue local time, seed 002's receipt
rules, seed 003/004's generation-2 error bodies, orders RECEIVED only with their receipt, the documented keys,
the stop list's filters as a Laravel server reads them, and money as numbers or numeric strings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from integrify.clopos import CloposSyncClient
from integrify.clopos.emulator import DEMO, Emulator, run_emulator
from integrify.clopos.schemas.common.response import ErrorResponse

from ..helpers import auth_token, sync_client

DATA = Path(__file__).parents[1] / "data"
SEEDS: dict[str, Any] = json.loads((DATA / "seed_bodies.json").read_text(encoding="utf-8"))
RECORDED_DISH: dict[str, Any] = json.loads((DATA / "recorded" / "clopos_product_dish_with_modifiers.json").read_text())
BAKU = ZoneInfo("Asia/Baku")
LOCAL = "%Y-%m-%d %H:%M:%S"
PAYMENT = [{"id": 1, "name": "Cash", "amount": 10}]


def login(emu: Emulator, generation: str = "v1") -> dict[str, str]:
    token = auth_token(emu, generation)
    return {"x-token": token} if generation == "v2" else {"x-token": token, "x-brand": DEMO.brand, "x-venue": "1"}


class Api:
    """Plain httpx on one generation of one emulator, with a token."""

    def __init__(self, emu: Emulator, generation: str = "v1") -> None:
        self.base = emu.base_url + ("/v2" if generation == "v2" else "")
        self.headers = login(emu, generation)

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, self.base + path, headers=self.headers, timeout=30, **kwargs)

    def data(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self(method, path, **kwargs)
        assert answer.status_code < 300, answer.text
        return answer.json()["data"]


@pytest.fixture
def v1(clopos_emulator: Emulator) -> Api:
    return Api(clopos_emulator)


@pytest.fixture
def v2(clopos_emulator: Emulator) -> Api:
    return Api(clopos_emulator, "v2")


def utc_of_ms(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)


def local(moment: datetime, tz: ZoneInfo = BAKU) -> str:
    return moment.astimezone(tz).strftime(LOCAL)


def all_receipts(api: Api, pages: int = 2) -> Iterator[dict[str, Any]]:
    for page in range(1, pages + 1):
        yield from api.data("GET", "/receipts", params={"limit": 200, "page": page, "sort[0]": "id", "sort[1]": 1})


def open_receipt(emu: Emulator, api: Api, order_id: int = 2) -> dict[str, Any]:
    """A receipt opened by the POS clerk accepting an order (the documented way to get an open one)."""
    receipt_id = emu.accept_order(order_id)["receipt_id"]
    receipt: dict[str, Any] = api.data("GET", f"/receipts/{receipt_id}")
    assert receipt["status"] == 1 and receipt["closed_at"] is None
    return receipt


# -- venue time -------------------------------------------------------------------------------------------


def test_local_fields_are_baku_time_beside_utc_ones_as_in_seed_002(v1: Api) -> None:
    receipt = v1.data("GET", "/receipts/5")
    meta = receipt["meta"]
    closed = utc_of_ms(meta["terminal_updated_at"])
    assert receipt["closed_at"] == local(closed) == receipt["terminal_updated_at"]
    assert meta["lastAddedProductTime"] == closed.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    opened = datetime.strptime(receipt["created_at"], LOCAL).replace(tzinfo=BAKU)
    first_line = utc_of_ms(receipt["receipt_products"][0]["created_at"])
    assert first_line - opened == timedelta(seconds=15)  # the line's Unix ms is 15 s after the local created_at
    assert opened.utcoffset() == timedelta(hours=4) and receipt["shift_date"] == receipt["created_at"][:10]


def test_each_venue_has_its_own_configurable_zone() -> None:
    with run_emulator(receipts=14, timezone="America/New_York", venue_timezones={2: "UTC"}) as emu:
        api = Api(emu)
        zones = {1: ZoneInfo("America/New_York"), 2: ZoneInfo("UTC")}
        seen = set()
        for receipt in all_receipts(api):
            closed = utc_of_ms(receipt["meta"]["terminal_updated_at"])
            assert receipt["closed_at"] == local(closed, zones[receipt["venue_id"]])
            seen.add(receipt["venue_id"])
        assert seen == {1, 2}
    with pytest.raises(ValueError, match="Mars/Olympus"), run_emulator(timezone="Mars/Olympus"):
        pass


def test_date_filters_select_by_local_day() -> None:
    with run_emulator(receipts=1000) as emu:  # one every 2.88 hours: some fall before 04:00 in Baku
        api = Api(emu)
        receipts = list(all_receipts(api, pages=5))
        late = next(r for r in receipts if r["created_at"][11:13] < "04")
        local_day = late["created_at"][:10]
        utc_day = (date.fromisoformat(local_day) - timedelta(days=1)).isoformat()  # the same instant's UTC date
        for day, included in ((local_day, True), (utc_day, False)):
            answer = api("GET", "/receipts", params={"date[0]": day, "date[1]": day, "limit": 200}).json()
            assert (late["id"] in {r["id"] for r in answer["data"]}) is included
            assert answer["total"] == sum(r["created_at"].startswith(day) for r in receipts)
        made = {"cid": "night-1", "payment_methods": PAYMENT, "user_id": 1, "created_at": "2025-11-20 02:00:00"}
        api.data("POST", "/receipts", json=made)
        for day, count in (("2025-11-20", 1), ("2025-11-19", 0)):
            assert api("GET", "/receipts", params={"date[0]": day, "date[1]": day}).json()["total"] == count
        # Orders carry UTC ISO times; their local day decides. Order 3 was made at 21:00 UTC: 01:00 the next day.
        order = api.data("GET", "/orders/3")
        made_at = datetime.fromisoformat(order["created_at"].replace("Z", "+00:00"))
        assert order["created_at"].endswith(".000000Z") and made_at.hour == 21
        for day, included in ((local(made_at)[:10], True), (made_at.date().isoformat(), False)):
            ids = {o["id"] for o in api.data("GET", "/orders", params={"date[0]": day, "date[1]": day})}
            assert (3 in ids) is included


def test_utc_now_as_closed_at_is_refused_as_live(clopos_emulator: Emulator, v1: Api) -> None:
    receipt = open_receipt(clopos_emulator, v1)
    body = {"id": receipt["id"], "cid": receipt["cid"], "payment_methods": PAYMENT}
    utc_now = datetime.now(timezone.utc).strftime(LOCAL)
    refused = v1("PUT", f"/receipts/{receipt['id']}", json={**body, "closed_at": utc_now})
    assert refused.status_code == 400
    assert refused.json() == {
        "success": False,
        "error": "validation_failed",
        "message": "closed_at must be greater than created_at",
    }
    venue_now = local(datetime.now(timezone.utc) + timedelta(seconds=2))
    closed = v1("PUT", f"/receipts/{receipt['id']}", json={**body, "closed_at": venue_now})
    assert closed.status_code == 200 and closed.json()["data"]["closed_at"] == venue_now


def test_the_client_closes_an_accepted_receipt_with_its_default(clopos_emulator: Emulator) -> None:
    for generation in ("v1", "v2"):
        clopos_emulator.reset()
        client = sync_client(clopos_emulator, api_version=generation)
        receipt_id = clopos_emulator.accept_order(2)["receipt_id"]
        receipt = client.get_receipt_by_id(receipt_id).unwrap().data
        closed = client.close_receipt(receipt_id, str(receipt.cid), PAYMENT)
        assert closed.ok, (generation, closed.body)
        assert str(client.get_receipt_by_id(receipt_id).unwrap().data.closed_at) > str(receipt.created_at)


# -- seed 002's receipt rules ------------------------------------------------------------------------------


def test_closed_at_equal_to_created_at_is_refused(clopos_emulator: Emulator, v1: Api, v2: Api) -> None:
    made = {"cid": "equal-1", "payment_methods": PAYMENT, "user_id": 1, "created_at": "2025-11-20 11:13:03"}
    same = v1("POST", "/receipts", json={**made, "closed_at": "2025-11-20 11:13:03"})
    assert same.status_code == 400 and same.json()["message"] == "closed_at must be greater than created_at"
    later = v1("POST", "/receipts", json={**made, "closed_at": "2025-11-20 11:13:04"})
    assert later.status_code == 201 and later.json()["data"]["closed_at"] == "2025-11-20 11:13:04"
    defaulted = v1.data("POST", "/receipts", json={"cid": "equal-2", "payment_methods": PAYMENT, "user_id": 1})
    assert defaulted["closed_at"] > defaulted["created_at"]  # the server's own defaults keep the rule
    receipt = open_receipt(clopos_emulator, v1)
    put = {"id": receipt["id"], "cid": receipt["cid"], "payment_methods": PAYMENT, "closed_at": receipt["created_at"]}
    assert v1("PUT", f"/receipts/{receipt['id']}", json=put).status_code == 400
    close = {"payment_methods": PAYMENT, "closed_at": receipt["created_at"]}
    assert v2("POST", f"/receipts/{receipt['id']}/close", json=close).status_code == 400
    assert v2.data("POST", f"/receipts/{receipt['id']}/close", json={"payment_methods": PAYMENT})["status"] == 2


def test_post_with_an_empty_closed_at_keeps_the_receipt_open(v1: Api) -> None:
    body = {"cid": "open-1", "payment_methods": PAYMENT, "user_id": 1, "closed_at": ""}
    made = v1.data("POST", "/receipts", json=body)
    assert made["status"] == 1 and made["closed_at"] is None and "check_close_event" not in made["meta"]
    body = {"id": made["id"], "cid": "open-1", "guests": 3}
    assert v1.data("PUT", f"/receipts/{made['id']}", json=body)["guests"] == 3
    closed = v1.data("POST", "/receipts", json={"cid": "closed-1", "payment_methods": PAYMENT, "user_id": 1})
    assert closed["status"] == 2 and closed["closed_at"] and "check_close_event" in closed["meta"]


def test_put_refuses_a_closed_receipt_and_patch_still_updates_it(clopos_emulator: Emulator, v1: Api, v2: Api) -> None:
    receipt = open_receipt(clopos_emulator, v1)
    path = f"/receipts/{receipt['id']}"
    body = {"id": receipt["id"], "cid": receipt["cid"], "description": "Qapıda"}
    assert v1("PUT", path, json=body).status_code == 200
    soon = local(datetime.now(timezone.utc) + timedelta(minutes=1))
    closing = {**body, "payment_methods": PAYMENT, "closed_at": soon}
    assert v1("PUT", path, json=closing).json()["data"]["status"] == 2
    refused = v1("PUT", path, json={**body, "description": "later"})
    assert refused.status_code == 400 and refused.json()["error"] == "validation_failed"
    assert "closed" in refused.json()["message"] and "PATCH" in refused.json()["message"]
    assert v1.data("GET", path)["description"] == "Qapıda"
    patched = v2.data("PATCH", path, json={"fiscal_id": "FIS-1", "order_status": "COMPLETED"})
    assert patched["fiscal_id"] == "FIS-1" and patched["closed_at"] is not None
    assert v1.data("PATCH", path, json={"lock": True})["lock"] is True
    historic = v1.data("GET", "/receipts/3")
    assert v1("PUT", "/receipts/3", json={"id": 3, "cid": historic["cid"], "guests": 2}).status_code == 400


# -- generation 2's error bodies ---------------------------------------------------------------------------


def test_v2_errors_are_the_bodies_seeds_003_and_004_print(clopos_emulator: Emulator, v2: Api) -> None:
    assert v2("PATCH", "/receipts/999999", json={"lock": True}).json() == SEEDS["seed003_2"]
    assert v2("PATCH", "/receipts/1", json={"lock": "maybe"}).json() == SEEDS["seed003_3"]
    for headers in ({}, {"x-token": "not-a-token"}):
        answer = httpx.get(clopos_emulator.base_url + "/v2/orders", headers=headers)
        assert answer.status_code == 401 and answer.json() == SEEDS["seed004_1"]
    client = sync_client(clopos_emulator, api_version="v2")
    missing = client.get_receipt_by_id(10**8)
    assert isinstance(missing.body, ErrorResponse) and missing.body.code == "not_found"
    anonymous = client.get_venues(headers={"x-token": ""})
    assert isinstance(anonymous.body, ErrorResponse) and anonymous.body.code == "unauthorized"


# -- orders ------------------------------------------------------------------------------------------------


def test_no_order_is_received_without_its_receipt(v1: Api) -> None:
    orders = v1.data("GET", "/orders", params={"limit": 100})
    accepted = [o for o in orders if o["status"] in ("RECEIVED", "DELIVERED")]
    assert {o["status"] for o in accepted} == {"RECEIVED", "DELIVERED"}
    for order in accepted:
        receipt = v1.data("GET", f"/receipts/{order['receipt_id']}")
        assert receipt["service_notification_id"] == order["id"] and receipt["customer_id"] == order["customer_id"]
        assert receipt["created_at"] > local(datetime.fromisoformat(order["created_at"].replace("Z", "+00:00")))
        ordered = {(p["product_id"], p["count"]) for p in order["payload"]["products"]}
        assert {(line["product_id"], line["count"]) for line in receipt["receipt_products"]} == ordered
    assert all(o["receipt_id"] is None for o in orders if o["status"] in ("PENDING", "IGNORE"))


def test_received_only_by_opening_a_receipt(clopos_emulator: Emulator, v1: Api) -> None:
    refused = v1("PUT", "/orders/2", json={"status": "RECEIVED"})
    assert refused.status_code == 400 and refused.json()["message"] == "Status is not allowed"
    accepted = clopos_emulator.accept_order(2)
    assert accepted["status"] == "RECEIVED" and accepted["receipt_id"]
    seen = v1.data("GET", "/orders/2", params={"with[0]": "receipt:id,service_notification_id,status"})
    assert seen["receipt"] == {"id": accepted["receipt_id"], "service_notification_id": 2, "status": 1}
    with run_emulator(receipts=20, strict_order_status=False) as relaxed:
        api = Api(relaxed)
        order = api.data("PUT", "/orders/5", json={"status": "RECEIVED"})
        assert order["status"] == "RECEIVED" and api.data("GET", f"/receipts/{order['receipt_id']}")["status"] == 1
        again = api("PUT", "/orders/5", json={"status": "RECEIVED"})
        assert again.status_code == 400 and "not PENDING" in again.json()["message"]


def test_auto_accepted_order_opens_its_receipt(v2: Api) -> None:
    body = {
        "sale_type_id": 2,
        "venue_id": 1,
        "customer": {"id": 9, "name": "Rahid Akhundzada", "phone": "+994705401040"},
        "products": [{"product_id": 7, "count": 2}],
        "auto_order_accept": True,
    }
    order = v2.data("POST", "/orders", json=body)
    assert order["status"] == "RECEIVED" and order["payload"]["auto_order_accept"] is True
    receipt = v2.data("GET", f"/receipts/{order['receipt_id']}", params={"with[0]": "receipt_products"})
    assert receipt["service_notification_id"] == order["id"] and receipt["total"] == 8.0
    manual = v2.data("POST", "/orders", json={**body, "auto_order_accept": False})
    assert manual["status"] == "PENDING" and manual["receipt_id"] is None


# -- the documented keys -----------------------------------------------------------------------------------

RECEIPT_KEYS = set(SEEDS["seed002_1"]["data"])
LINE_KEYS = set(SEEDS["seed002_1"]["data"]["receipt_products"][0])
META_KEYS = set(SEEDS["seed002_1"]["data"]["meta"]) - {"check_close_event"}  # written when it closes
ORDER_KEYS = set(SEEDS["seed004_0"]["data"][0])
PAYLOAD_KEYS = set(SEEDS["seed004_0"]["data"][0]["payload"])
RECIPE_KEYS = set(RECORDED_DISH["data"]["recipe"][0])


def check_receipt(receipt: dict[str, Any]) -> None:
    assert set(receipt) >= RECEIPT_KEYS, RECEIPT_KEYS - set(receipt)
    assert set(receipt["meta"]) >= META_KEYS, META_KEYS - set(receipt["meta"])
    assert receipt["receipt_products"]
    for line in receipt["receipt_products"]:
        assert set(line) >= LINE_KEYS, LINE_KEYS - set(line)


def test_receipts_carry_seed_002s_keys(clopos_emulator: Emulator, v1: Api) -> None:
    check_receipt(v1.data("GET", "/receipts/1"))
    assert "check_close_event" in v1.data("GET", "/receipts/1")["meta"]
    check_receipt(open_receipt(clopos_emulator, v1))
    line = {"product_id": 7, "count": 1, "price": 4, "total": 4}
    made = v1.data(
        "POST",
        "/receipts",
        json={"cid": "keys-1", "payment_methods": PAYMENT, "user_id": 1, "receipt_products": [line], "foo": 1},
    )
    check_receipt(made)
    assert "foo" not in made and made["printed"] is False and made["stock_operations"] == []
    client = sync_client(clopos_emulator)
    for receipt_id in (1, made["id"]):
        assert client.get_receipt_by_id(receipt_id).unwrap().data.total_cost is not None


def test_orders_carry_seed_004s_keys(clopos_emulator: Emulator, v1: Api, v2: Api) -> None:
    payload = {
        "service": {"sale_type_id": 2, "sale_type_name": "Çatdırılma", "venue_id": 1, "venue_name": "Main"},
        "customer": {"id": 9, "name": "Rahid Akhundzada"},
        "products": [{"product_id": 7, "count": 1}],
    }
    made = v1.data("POST", "/orders", json={"customer_id": 9, "payload": payload, "meta": {"comment": "x"}})
    for api in (v1, v2):
        for order in [*api.data("GET", "/orders", params={"limit": 100}), made]:
            assert set(order) >= ORDER_KEYS, ORDER_KEYS - set(order)
            assert set(order["payload"]) >= PAYLOAD_KEYS, PAYLOAD_KEYS - set(order["payload"])
    for generation in ("v1", "v2"):
        orders = sync_client(clopos_emulator, api_version=generation).get_orders(limit=100).unwrap().data
        assert len(orders) == 7 and all(o.status for o in orders)


def test_recipe_items_are_whole_products_as_recorded(clopos_emulator: Emulator, v1: Api) -> None:
    dish = v1.data("GET", "/products/1", params={"with[0]": "recipe"})
    for item in dish["recipe"]:
        assert set(item) >= RECIPE_KEYS, RECIPE_KEYS - set(item)
        assert isinstance(item["price"], float) and item["pivot"]["dish_id"] == 1
        assert item["pivot"]["gross"] == f"{float(item['pivot']['gross']):.3f}"  # decimal strings, as recorded
    parsed = sync_client(clopos_emulator).get_product_by_id(1, with_=["recipe"]).unwrap().data
    assert isinstance(parsed.recipe, list) and parsed.recipe
    assert all(item.price is not None for item in parsed.recipe)


# -- stop list and money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ({"filters[0][0]": "id", "filters[0][1][0]": "3", "filters[0][1][1]": "5"}, [3, 5]),
        ({"filters[0][0]": "id", "filters[0][1]": "5"}, [5]),
        ({"filters[0][0]": "id", "filters[0][1][0]": "0", "filters[0][1][1]": "100"}, []),  # not a range
        ({"filters[0][0]": "limit", "filters[0][1][0]": "0", "filters[0][1][1]": "10"}, [3]),
        ({}, [3, 5]),
    ],
)
def test_stop_list_filters_read_as_laravel_reads_them(v1: Api, query: dict[str, str], ids: list[int]) -> None:
    assert [e["id"] for e in v1.data("GET", "/products/stop-list", params=query)] == ids


def test_stop_list_seed_ranges_through_the_client(clopos_client: CloposSyncClient) -> None:
    wide = clopos_client.get_stop_list(filters=[{"by": "id", "from_": 0, "to": 100}]).unwrap()
    ends = clopos_client.get_stop_list(filters=[{"by": "id", "from_": 3, "to": 5}]).unwrap()
    assert wide.data == [] and [e.id for e in ends.data] == [3, 5]


@pytest.mark.parametrize(
    ("amount", "status", "stored"),
    [
        (12.5, 201, 12.5),
        ("12.50", 201, 12.5),
        ("12", 201, 12),
        (" 1e1", 201, 10.0),
        ("abc", 400, None),
        ("NaN", 400, None),
        ("", 400, None),
        (True, 400, None),
        ("1e999", 400, None),
    ],
)
def test_money_is_a_number_or_a_numeric_string(v1: Api, amount: Any, status: int, stored: Any) -> None:
    body = {"cid": f"money-{amount!r}", "user_id": 1, "payment_methods": [{"id": 1, "name": "Cash", "amount": amount}]}
    answer = v1("POST", "/receipts", json={**body, "total": amount})
    assert answer.status_code == status, answer.text
    if status == 201:
        data = answer.json()["data"]
        assert data["payment_methods"][0]["amount"] == stored and data["total"] == stored
        assert type(data["total"]) is type(stored)
    else:
        assert answer.json()["error"] == "validation_failed"
