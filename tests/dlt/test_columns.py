"""Model fields as declared dlt columns, and decimals rounded to the column scale (no network)."""

from __future__ import annotations

from decimal import Decimal

from integrify.clopos.dlt.columns import PRECISION, SCALE, exact, shape
from integrify.clopos.schemas.categories.object import Category
from integrify.clopos.schemas.receipts.object import Receipt


def test_receipt_columns_and_child_tables() -> None:
    receipt = shape(Receipt)
    assert receipt.columns["id"] == {"name": "id", "data_type": "bigint", "nullable": False}
    assert receipt.columns["total"] == {
        "name": "total",
        "data_type": "decimal",
        "nullable": True,
        "precision": PRECISION,
        "scale": SCALE,
    }
    assert receipt.columns["fiscal_id"]["data_type"] == "text"
    assert receipt.columns["printed"]["data_type"] == "bool"
    assert "discount_type" not in receipt.columns  # a lenient enum: left to dlt's inference
    assert "meta" not in receipt.columns  # a dict: flattened by dlt
    hints = receipt.nested_hints()
    assert set(hints) == {("receipt_products",), ("payment_methods",)}
    assert hints[("payment_methods",)]["columns"]["amount"]["data_type"] == "decimal"  # type: ignore[index]


def test_recursive_models_stop_at_the_nesting_depth() -> None:
    assert set(shape(Category).nested_hints()) == {
        ("media",),
        ("children",),
        ("children", "media"),
        ("children", "children"),
    }


def test_decimals_rounded_half_even_to_the_scale_in_children_too() -> None:
    row = {
        "total": Decimal("123.89999999999999"),  # 3 * 41.3 in floating point
        "subtotal": Decimal("0.0000000005"),
        "fiscal_id": "1.23456789012345",  # text is left alone
        "receipt_products": [{"price": Decimal("2.675000000000000266")}, "not a line"],
        "payment_methods": None,
    }
    exact(row, shape(Receipt))
    assert row["total"] == Decimal("123.9") and row["total"].as_tuple().exponent == -SCALE
    assert row["subtotal"] == Decimal("0")  # half-even
    assert row["fiscal_id"] == "1.23456789012345"
    assert row["receipt_products"] == [{"price": Decimal("2.675")}, "not a line"]
