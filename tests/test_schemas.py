"""Every JSON body printed in seeds 002–004 and every recorded live answer parses into its documented model."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from integrify.clopos import UNSET
from integrify.clopos.schemas.auth.response import AuthResponse
from integrify.clopos.schemas.categories.object import Category
from integrify.clopos.schemas.common.response import ErrorResponse, ObjectListResponse, ObjectResponse
from integrify.clopos.schemas.common.types import parse_timestamp
from integrify.clopos.schemas.enums import OrderStatus, ProductType
from integrify.clopos.schemas.orders.object import Order
from integrify.clopos.schemas.price_lists.object import PriceList
from integrify.clopos.schemas.products.object import Product, StopList
from integrify.clopos.schemas.receipts.object import Receipt, ReceiptProduct, StockOperation
from integrify.clopos.schemas.users.object import User

DATA = Path(__file__).parent / "data"
#: Copies of ../shared/fixtures/recorded (answers recorded from the live server).
RECORDED = DATA / "recorded"
SEEDS = json.loads((DATA / "seed_bodies.json").read_text(encoding="utf-8"))


def raw(name: str) -> bytes:
    return json.dumps(SEEDS[name]).encode()


def test_seed_002_receipt_answers() -> None:
    full = ObjectResponse[Receipt].model_validate_json(raw("seed002_1"))
    assert full.data.total_cost == Decimal(123)  # from the wire key totalCost
    assert isinstance(full.data.receipt_products, list)
    product = full.data.receipt_products[0]
    assert isinstance(product, ReceiptProduct) and product.receipt_discount == Decimal(123)
    assert full.model_extra == {} and full.data.model_extra is not None and "stock_operations" in full.data.model_extra
    short = ObjectResponse[Receipt].model_validate_json(raw("seed002_5"))
    assert short.data.order_status == OrderStatus.IN_PROGRESS and short.time is UNSET
    assert short.data.created_at is UNSET  # absent, not null
    assert short.data.meta == {"customer": SEEDS["seed002_2"]}


def test_seed_002_complete_update_schema_parses_as_a_receipt() -> None:
    receipt = Receipt.model_validate_json(raw("seed002_4"))
    assert receipt.terminal_version == "3253"  # a number on the wire, a string in the model
    line = receipt.receipt_products[0]  # type: ignore[index]
    assert line.is_gift is False  # 0 on the wire
    assert line.created_at == datetime(2025, 11, 20, 7, 13, 21, 594000, tzinfo=timezone.utc)  # Unix ms string


def test_seed_003_patch_answer() -> None:
    body = ObjectResponse[Receipt].model_validate_json(raw("seed003_1"))
    assert body.message == "Operation completed successfully"
    assert body.data.fiscal_id == "Twrewr89fnscvj22" and body.data.customer_id is None
    assert body.data.payment_methods[0].amount == Decimal(30000)  # type: ignore[index]


def test_seed_004_orders_list() -> None:
    body = ObjectListResponse[Order].model_validate_json(raw("seed004_0"))
    assert body.total == 4
    order = body.data[0]
    assert order.status == OrderStatus.RECEIVED and order.payload.customer.name == "Rahid Akhundzada"  # type: ignore[union-attr]
    assert order.payload.products[0].meta.order_product.product_hash == "abc123"  # type: ignore[union-attr,index]
    assert order.payload.model_extra["delivery_fee"] == 2.5  # type: ignore[union-attr,index]
    delivered = ObjectListResponse[Order].model_validate(
        {**SEEDS["seed004_0"], "data": [{**SEEDS["seed004_0"]["data"][0], "status": "DELIVERED", "integration_id": 77}]}
    )
    assert delivered.data[0].status == OrderStatus.DELIVERED and delivered.data[0].integration_id == "77"


@pytest.mark.parametrize("name", ["seed002_6", "seed002_7", "seed002_8", "seed003_2", "seed003_3", "seed004_1"])
def test_seed_error_bodies(name: str) -> None:
    error = ErrorResponse.model_validate_json(raw(name))
    assert error.success is False and error.code in ("validation_failed", "not_found", "unauthorized")
    assert error.text == SEEDS[name]["message"]


@pytest.mark.parametrize(
    ("body", "code", "text"),
    [
        ({"success": False, "error": "not_found", "message": "Receipt not found"}, "not_found", "Receipt not found"),
        ({"success": False, "error": "Token expired", "expires_at": "2026-01-01T00:00:00.000Z"}, None, "Token expired"),
        (
            {
                "error": "invalid_parameter",
                "message": "The 'limit' parameter must be between 1 and 100",
                "details": {"parameter": "limit", "provided_value": 150},
            },
            "invalid_parameter",
            "The 'limit' parameter must be between 1 and 100",
        ),
        (
            {
                "success": False,
                "error": [
                    {
                        "message": "No query results for model [App\\Models\\Client\\Receipt] 1",
                        "type": "server_side",
                        "exception": "NotFoundHttpException",
                        "http_code": 404,
                    }
                ],
            },
            "NotFoundHttpException",
            "No query results for model [App\\Models\\Client\\Receipt] 1",
        ),
    ],
    ids=["E1", "E2", "E3", "E4"],
)
def test_four_error_shapes(body: dict[str, Any], code: str | None, text: str) -> None:
    error = ErrorResponse.model_validate_json(json.dumps(body))
    assert (error.code, error.text) == (code, text)


def test_recorded_live_products() -> None:
    dish_bytes = (RECORDED / "clopos_product_dish_with_modifiers.json").read_bytes()
    dish = ObjectResponse[Product].model_validate_json(dish_bytes)
    assert dish.data.type == ProductType.DISH and dish.data.hidden is False
    groups = dish.data.modificator_groups
    assert isinstance(groups, list) and groups and isinstance(groups[0].modifiers, list)  # from "modificators"
    assert dish.data.image.original_large  # type: ignore[union-attr]
    goods = ObjectResponse[Product].model_validate_json(
        (RECORDED / "clopos_product_goods_with_variations_response.json").read_bytes()
    )
    assert goods.data.modifications and all(v.type == "MODIFICATION" for v in goods.data.modifications)
    timer = ObjectResponse[Product].model_validate_json((RECORDED / "clopos_product_timer_response.json").read_bytes())
    assert timer.data.setting.interval == 60 and timer.data.setting.prices[0].from_ == 120  # type: ignore[union-attr,index]
    listing = ObjectListResponse[Product].model_validate_json((RECORDED / "products_list.json").read_bytes())
    assert listing.data and all(isinstance(p.price, Decimal) for p in listing.data if p.price is not UNSET)


def test_tolerant_shapes() -> None:
    bare = ObjectListResponse[StopList].model_validate_json(b'[{"id": 54, "limit": 0, "timestamp": 1761202010781}]')
    assert bare.data[0].limit == 0 and bare.success is True
    paged = ObjectListResponse[PriceList].model_validate_json(
        b'{"data": [{"id": 1, "name": "A", "status": 1}], "pagination": {"page": 1, "per_page": 50, "total": 7}}'
    )
    assert paged.total == 7 and paged.data[0].status is True
    operations = ObjectListResponse[StockOperation].model_validate_json(b'{"data": [{"id": 1, "quantity": 2}]}')
    assert operations.data[0].quantity == 2
    user = ObjectResponse[User].model_validate_json(b'{"id": 3, "username": "Waiter"}')  # bare object, no pin/hide
    assert user.data.pin is UNSET
    category = Category.model_validate(
        {
            "id": 1,
            "name": "A",
            "_lft": 1,
            "_rgt": 4,
            "depth": 0,
            "type": "FOOD",
            "children": [{"id": 2, "name": "B", "_lft": 2, "_rgt": 3}],
        }
    )
    assert (category.lft, category.rgt, category.children[0].rgt) == (1, 4, 3)  # type: ignore[index]
    assert category.type == "FOOD"  # an unknown enum value is kept
    auth = AuthResponse.model_validate_json(b'{"success": true, "token": "oauth_x", "expires_in": 3600, "new": 1}')
    assert auth.model_extra == {"new": 1} and "oauth_x" not in repr(auth)


def test_unset_and_null_are_different() -> None:
    receipt = Receipt.model_validate({"id": 1, "fiscal_id": None})
    assert receipt.fiscal_id is None and receipt.order_number is UNSET
    dumped = receipt.model_dump()
    assert "order_number" not in dumped and dumped["fiscal_id"] is None and dumped["id"] == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-11-20 11:13:03", datetime(2025, 11, 20, 11, 13, 3, tzinfo=timezone.utc)),
        ("2026-02-02T13:45:53.000000Z", datetime(2026, 2, 2, 13, 45, 53, tzinfo=timezone.utc)),
        ("1763622801594", datetime(2025, 11, 20, 7, 13, 21, 594000, tzinfo=timezone.utc)),
        (1761202010781, datetime(2025, 10, 23, 6, 46, 50, 781000, tzinfo=timezone.utc)),
        ("2026-01-19", datetime(2026, 1, 19, tzinfo=timezone.utc)),
        (1767852332, datetime(2026, 1, 8, 6, 5, 32, tzinfo=timezone.utc)),
    ],
)
def test_timestamps(value: Any, expected: datetime) -> None:
    assert parse_timestamp(value) == expected


def test_bad_timestamp_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not a timestamp"):
        parse_timestamp("yesterday")


def test_list_defaults_are_a_new_list_per_object() -> None:
    """Absent list fields default to an empty list of their own (a factory, not a deep copy per object)."""
    from integrify.clopos.schemas.customers.object import Customer
    from integrify.clopos.schemas.products.object import Product

    one, two = Product.model_validate({"id": 1, "name": "a"}), Product.model_validate({"id": 2, "name": "b"})
    one.variants.append(two)  # type: ignore[union-attr]
    assert two.variants == [] and one.variants == [two]
    first, second = Customer.model_validate({"id": 1, "name": "a"}), Customer.model_validate({"id": 2, "name": "b"})
    first.phones.append("+994")  # type: ignore[union-attr]
    assert second.phones == [] and "variants" not in one.model_fields_set
