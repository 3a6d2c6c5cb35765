"""Read routes of the brand's catalog and people: venues, users, customers, categories, stations,
products, stop list, sale types, payment methods, price lists; and ``POST /customers``."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .context import Ctx, api
from .demo_data import UNIT, Record, iso
from .listing import apply_filters, page_of, select_fields, sort_records
from .query import as_list, with_values
from .responses import ApiError, ok
from .state import clone

LABELS = {
    "users": "User",
    "customers": "Customer",
    "categories": "Category",
    "stations": "Station",
    "products": "Product",
}


def find(ctx: Ctx, table: str, raw_id: Any) -> Record:
    try:
        record = ctx.brand.table(table).get(int(raw_id))
    except (TypeError, ValueError):
        record = None
    if record is None:
        raise ApiError(404, "not_found", f"{LABELS.get(table, table.title())} not found")
    return clone(record)


def int_or_400(ctx: Ctx, name: str) -> int | None:
    raw = ctx.query.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ApiError(400, "invalid_parameter", f"The '{name}' parameter must be an integer") from None


def bool_param(ctx: Ctx, name: str, default: bool) -> bool:
    raw = ctx.query.get(name)
    if raw is None:
        return default
    if str(raw).lower() in ("1", "true"):
        return True
    if str(raw).lower() in ("0", "false"):
        return False
    raise ApiError(400, "invalid_parameter", f"The '{name}' parameter must be true or false")


def plain_list(table: str, default_limit: int) -> Callable[[Request], Awaitable[Response]]:
    """A list route without filters: ``page`` and ``limit`` (1–100) over one table."""

    @api
    def handler(ctx: Ctx) -> Response:
        return page_of(ctx, list(ctx.brand.table(table).values()), max_limit=100, default_limit=default_limit)

    return handler


list_venues = plain_list("venues", 50)
list_users = plain_list("users", 50)
list_sale_types = plain_list("sale_types", 20)
list_payment_methods = plain_list("payment_methods", 20)


@api
def get_user(ctx: Ctx) -> Response:
    return ok(find(ctx, "users", ctx.param("id")))


def customer_view(ctx: Ctx, record: Record, includes: list[str]) -> Record:
    view = clone(record)
    if "group" in includes:
        view["group"] = clone(ctx.brand.table("customer_groups").get(int(view.get("group_id") or 0)) or {}) or None
    if "balance" not in includes:
        view.pop("balance", None)
    if "cashback_balance" not in includes:
        view.pop("cashback_balance", None)
    return view


@api
def list_customers(ctx: Ctx) -> Response:
    includes = with_values(ctx.query)
    records = apply_filters(
        ctx, ctx.brand.table("customers").values(), ("name", "phones", "group_id", "phone", "email", "code", "cid")
    )
    data = [customer_view(ctx, record, includes) for record in records]
    return page_of(
        ctx,
        data,
        max_limit=999 if ctx.generation == "v2" else 100,
        default_limit=20,
        sorts=("id", "name", "created_at", "updated_at"),
    )


@api
def get_customer(ctx: Ctx) -> Response:
    record = find(ctx, "customers", ctx.param("id"))
    return ok(customer_view(ctx, record, ["group", "balance", "cashback_balance"]))


@api
def create_customer(ctx: Ctx) -> Response:
    body = ctx.body if isinstance(ctx.body, dict) else None
    if body is None or not isinstance(body.get("name"), str) or not body["name"].strip():
        raise ApiError(400, "validation_failed", "The name field is required")
    customers = ctx.brand.table("customers")
    for key in ("code", "phone", "cid"):
        value = body.get(key)
        if value not in (None, "") and any(str(c.get(key)) == str(value) for c in customers.values()):
            raise ApiError(409, "conflict", f"A customer with this {key} already exists")
    gender = body.get("gender")
    if gender not in (None, 1, 2):
        raise ApiError(400, "validation_failed", "gender must be 1, 2 or null")
    group_id = body.get("group_id", 1)
    if not isinstance(group_id, int) or group_id not in ctx.brand.table("customer_groups"):
        raise ApiError(400, "validation_failed", "group_id does not exist")
    dob = body.get("date_of_birth")
    if dob is not None:
        try:
            datetime.strptime(str(dob), "%Y-%m-%d")
        except ValueError:
            raise ApiError(400, "validation_failed", "date_of_birth must be YYYY-MM-DD") from None
    new_id = ctx.brand.next_id("customers")
    now = iso(datetime.now(timezone.utc))
    phone = body.get("phone")
    record: Record = {
        "id": new_id,
        "venue_id": int(ctx.venue_id),
        "cid": body.get("cid") or str(uuid.uuid4()),
        "group_id": group_id,
        "balance_id": 1000 + new_id,
        "name": body["name"].strip(),
        "discount": 0,
        "email": body.get("email"),
        "phone": phone,
        "phones": [phone] if phone else [],
        "address": None,
        "addresses": [],
        "description": body.get("description"),
        "address_data": [],
        "bonus_balance_id": None,
        "balance": {
            "id": 1000 + new_id,
            "type": "CUSTOMER",
            "amount": 0,
            "position": 0,
            "created_at": now,
            "updated_at": now,
        },
        "cashback_balance_id": None,
        "cashback_balance": None,
        "spent": 0,
        "total_discount": 0,
        "total_bonus": 0,
        "receipt_count": 0,
        "gender": gender,
        "date_of_birth": dob,
        "code": body.get("code"),
        "source": "OPEN_API",
        "reference_id": None,
        "phone_verified_at": None,
        "status": True,
        "can_use_loyalty_system": False,
        "is_verified": False,
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
    }
    customers[new_id] = record
    return ok(clone(record), message="Customer created successfully")


@api
def list_customer_groups(ctx: Ctx) -> Response:
    sorts = ("id", "name", "discount_type", "discount_value", "total_amount", "created_at", "updated_at", "deleted_at")
    records = sort_records(ctx, list(ctx.brand.table("customer_groups").values()), sorts)
    return page_of(ctx, records, max_limit=200 if ctx.generation == "v2" else 100, default_limit=50, sorts=sorts)


def category_tree(records: list[Record], parent: int | None) -> list[Record]:
    return [
        {**record, "children": category_tree(records, int(record["id"]))}
        for record in records
        if record.get("parent_id") == parent
    ]


@api
def list_categories(ctx: Ctx) -> Response:
    parent_id = int_or_400(ctx, "parent_id")
    include_children = bool_param(ctx, "include_children", True)
    include_inactive = bool_param(ctx, "include_inactive", False)
    kind = ctx.query.get("type")
    if kind is not None and kind not in ("PRODUCT", "INGREDIENT", "ACCOUNTING"):
        raise ApiError(400, "invalid_parameter", "type must be one of PRODUCT, INGREDIENT, ACCOUNTING")
    records = [clone(r) for r in ctx.brand.table("categories").values() if include_inactive or r.get("status") == 1]
    records = apply_filters(ctx, records, ("type", "parent_id", "name", "status"))
    if kind:
        records = [r for r in records if r["type"] == kind]
    if include_children:
        roots = category_tree(records, parent_id)
    else:
        roots = [r for r in records if r.get("parent_id") == parent_id]
    return page_of(ctx, roots, max_limit=999, default_limit=50, sorts=("id", "name", "position"))


@api
def get_category(ctx: Ctx) -> Response:
    record = find(ctx, "categories", ctx.param("id"))
    if bool_param(ctx, "include_children", True):
        record["children"] = category_tree([clone(r) for r in ctx.brand.table("categories").values()], record["id"])
    return ok(record)


@api
def list_stations(ctx: Ctx) -> Response:
    records = list(ctx.brand.table("stations").values())
    status = int_or_400(ctx, "status")
    if status is not None:
        records = [r for r in records if r.get("status") == status]
    if "can_print" in ctx.query:
        can_print = bool_param(ctx, "can_print", True)
        records = [r for r in records if bool(r.get("can_print")) == can_print]
    return page_of(ctx, records, max_limit=200, default_limit=50)


@api
def get_station(ctx: Ctx) -> Response:
    return ok(find(ctx, "stations", ctx.param("id")))


PRODUCT_FILTERS = (
    "type",
    "category_id",
    "station_id",
    "tags",
    "giftable",
    "discountable",
    "inventory_behavior",
    "have_ingredients",
    "haveIngredients",
    "sold_by_portion",
    "has_variants",
    "has_modifiers",
    "has_barcode",
    "has_service_charge",
    "id",
    "name",
    "status",
)
PRODUCT_INCLUDES = {
    "taxes",
    "unit",
    "modifications",
    "modificator_groups",
    "recipe",
    "packages",
    "media",
    "tags",
    "setting",
    "category",
    "station",
    "codes",
    "modifications.codes",
}


def product_view(ctx: Ctx, record: Record, includes: list[str], full: bool) -> Record:
    view = clone(record)
    if not full:
        for key in ("modificator_groups", "recipe", "packages"):
            if key not in includes:
                view.pop(key, None)
    if "category" in includes:
        view["category"] = clone(ctx.brand.table("categories").get(int(view.get("category_id") or 0)) or {}) or None
    if "station" in includes:
        view["station"] = clone(ctx.brand.table("stations").get(int(view.get("station_id") or 0)) or {}) or None
    if full or "unit" in includes:  # a product read by id carries its unit, as the recorded live answer
        view["unit"] = dict(UNIT)
    return view


def product_matches(record: Record, field: str, value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    flags = {
        "has_variants": bool(record.get("modifications")),
        "has_modifiers": bool(record.get("modificator_groups")),
        "has_barcode": bool(record.get("barcode")),
        "have_ingredients": bool(record.get("recipe")),
        "haveIngredients": bool(record.get("recipe")),
        "sold_by_portion": False,
        "has_service_charge": not record.get("ignore_service_charge"),
    }
    if field in flags:
        return any(flags[field] == (str(v).lower() in ("1", "true")) for v in values)
    actual = record.get(field)
    if isinstance(actual, bool):
        return any(actual == (str(v).lower() in ("1", "true")) for v in values)
    return any(str(actual) == str(v) for v in values)


@api
def list_products(ctx: Ctx) -> Response:
    from .query import filter_pairs

    pairs = filter_pairs(ctx.query)
    for field, _ in pairs:
        if field not in PRODUCT_FILTERS:
            raise ApiError(400, "invalid_parameter", f"Unknown filter field '{field}'")
    includes = with_values(ctx.query)
    records = [
        r
        for r in ctx.brand.table("products").values()
        if all(product_matches(r, field, value) for field, value in pairs)
    ]
    views = [product_view(ctx, r, includes, full=False) for r in records]
    selects = ctx.query.get("selects")
    return page_of(
        ctx, select_fields(views, selects if isinstance(selects, str) else None), max_limit=100, default_limit=50
    )


@api
def get_product(ctx: Ctx) -> Response:
    includes = with_values(ctx.query)
    unknown = [value for value in includes if value not in PRODUCT_INCLUDES]
    if unknown:
        raise ApiError(400, "invalid_parameter", f"Unknown with[] value '{unknown[0]}'")
    return ok(product_view(ctx, find(ctx, "products", ctx.param("id")), includes, full=True))


@api
def stop_list(ctx: Ctx) -> Response:
    """``filters[N][0]=field&filters[N][1]=value`` read as a Laravel server reads them: a list value
    (``filters[N][1][M]``) is ``whereIn`` (one of), a single value is ``where`` (equal). The seed's
    ``{'by', 'from_', 'to'}`` arrives as the list ``[from_, to]``, so it selects those two values, not a range."""
    entries = list(ctx.brand.table("stop_list").values())
    for item in as_list(ctx.query.get("filters")):
        if not isinstance(item, list) or len(item) < 2 or item[0] not in ("id", "limit", "timestamp"):
            raise ApiError(400, "invalid_parameter", "Invalid filter parameters")
        field, value = item[0], item[1]
        try:
            wanted = {float(v) for v in (value if isinstance(value, list) else [value])}
        except (TypeError, ValueError):
            raise ApiError(400, "invalid_parameter", "Invalid filter parameters") from None
        entries = [e for e in entries if float(e[field]) in wanted]
    return ok(entries)


@api
def list_price_lists(ctx: Ctx) -> Response:
    includes = with_values(ctx.query)
    prices = list(ctx.brand.table("prices").values())
    records = [clone(r) for r in ctx.brand.table("price_lists").values()]
    if "prices" in includes:
        for record in records:
            record["prices"] = [p for p in prices if p["list_id"] == record["id"]]
    records = sort_records(ctx, records, ("id", "name", "created_at"))
    selects = ctx.query.get("selects")
    if isinstance(selects, str) and selects:
        fields = {"id", *(s.strip() for s in selects.split(","))}
        records = [{k: v for k, v in r.items() if k in fields} for r in records]
    return page_of(ctx, records, max_limit=999, default_limit=50, pagination=True)


@api
def list_prices(ctx: Ctx) -> Response:
    includes = with_values(ctx.query)
    records = apply_filters(
        ctx, [clone(r) for r in ctx.brand.table("prices").values()], ("id", "product_id", "list_id")
    )
    for record in records:
        if "product" in includes:
            product = ctx.brand.table("products").get(record["product_id"], {})
            record["product"] = {"id": product.get("id"), "name": product.get("name")}
        if "list" in includes:
            record["list"] = clone(ctx.brand.table("price_lists")[record["list_id"]])
    return page_of(ctx, records, max_limit=999, default_limit=50, pagination=True)
