"""The deterministic demo brand: an Azerbaijani restaurant, prices in AZN.

Small collections are built at start; historic receipts are generated on demand from their index
(``historic_receipt``), so that 100,000 of them cost no memory and no start-up time.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from .venue_time import VenueZones, iso_micro, iso_millis, local_text, unix_ms

Record = dict[str, Any]
CREATED = "2024-05-15 12:36:10"
UPDATED = "2025-09-25 06:26:22"
#: Historic receipts span this many days up to the start of the emulator's day.
HISTORY_DAYS = 120


def fmt(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` (isoformat is several times faster than strftime)."""
    return moment.isoformat(sep=" ", timespec="seconds")[:19]


def uuid_text(number: int) -> str:
    """A 128-bit number as UUID text, without building a ``uuid.UUID``."""
    h = f"{number:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def iso(moment: datetime) -> str:
    """UTC ISO with microseconds (orders, users, customers): ``2026-02-02T13:45:53.000000Z``."""
    return iso_micro(moment)


def _stamp(record: Record, iso_times: bool = False) -> Record:
    if iso_times:
        base = datetime(2024, 5, 15, 12, 36, 10, tzinfo=timezone.utc)
        return {**record, "created_at": iso(base), "updated_at": iso(base + timedelta(days=30)), "deleted_at": None}
    return {**record, "created_at": CREATED, "updated_at": UPDATED, "deleted_at": None}


def venues() -> list[Record]:
    rows = [
        (1, "Main", "Nizami küç. 10, Bakı", 1, "+994124041010"),
        (2, "Port Baku", "Neftçilər pr. 151, Bakı", 1, "+994124041020"),
        (3, "Gəncə", "Atatürk pr. 5, Gəncə", 0, "+994222560030"),
    ]
    return [
        {
            "id": i,
            "name": n,
            "address": a,
            "status": s,
            "phone": p,
            "email": f"venue{i}@example.az",
            "is_main": int(i == 1),
            "media": [],
        }
        for i, n, a, s, p in rows
    ]


def users() -> list[Record]:
    rows = [
        (1, "Open Api Test", "Open", "Test", "0000", 1),
        (2, "Cashier", "Leyla", "Məmmədova", "8312", 0),
        (3, "Waiter", "Orxan", "Əliyev", "4521", 0),
        (4, "Courier", "Elvin", "Quliyev", "7788", 0),
        (5, "Manager", "Nigar", "Həsənova", "1357", 0),
    ]
    return [
        _stamp(
            {
                "id": i,
                "email": f"user{i}@example.az",
                "username": u,
                "first_name": f,
                "last_name": last,
                "pin": pin,
                "card": None,
                "mobile_number": f"+99450555{i:04d}",
                "owner": owner,
                "hide": 0,
                "salary": None,
                "barcode": None,
                "tip_message": None,
                "can_receive_tips": i == 3,
                "login_at": None,
                "status": True,
                "bonus_balance_id": None,
                "properties": [],
                "image": [],
            },
            iso_times=True,
        )
        for i, u, f, last, pin, owner in rows
    ]


def customer_groups() -> list[Record]:
    return [
        _stamp(
            {
                "id": 1,
                "name": "My Customers",
                "discount_type": None,
                "discount_value": 0,
                "system_type": "my_customers",
                "total_amount": 0,
            }
        ),
        _stamp(
            {
                "id": 2,
                "name": "VIP",
                "discount_type": 1,
                "discount_value": 10,
                "system_type": "custom",
                "total_amount": 0,
            }
        ),
    ]


def customers() -> list[Record]:
    names = [
        "Aysel Məmmədova",
        "Tural Əliyev",
        "Günay Hüseynova",
        "Rəşad Quliyev",
        "Səbinə Kərimova",
        "Elnur Rzayev",
        "Lalə İsmayılova",
        "Kamran Babayev",
        "Rahid Akhundzada",
        "Nərmin Cəfərova",
        "Fuad Nəsirov",
        "Ülviyyə Həsənli",
    ]
    result = []
    for index, name in enumerate(names, start=1):
        phone = "+994705401040" if index == 9 else f"+99455{index:07d}"
        group = 2 if index % 4 == 0 else 1
        balance = {
            "id": 100 + index,
            "system_type": None,
            "venue_id": None,
            "name": None,
            "description": None,
            "type": "CUSTOMER",
            "amount": round(index * 7.5 - 30, 2),
            "position": 0,
            "created_at": CREATED,
            "updated_at": UPDATED,
            "deleted_at": None,
        }
        result.append(
            _stamp(
                {
                    "id": index,
                    "venue_id": 1,
                    "cid": str(uuid.UUID(int=0xC0FFEE << 64 | index)),
                    "group_id": group,
                    "balance_id": 100 + index,
                    "name": name,
                    "discount": 0,
                    "email": f"customer{index}@example.az",
                    "phone": phone,
                    "phones": [phone],
                    "address": f"Bakı, küçə {index}",
                    "addresses": [],
                    "description": None,
                    "address_data": [{"type": "plain", "source": "client", "formattedAddress": f"Bakı, küçə {index}"}],
                    "bonus_balance_id": None,
                    "balance": balance,
                    "cashback_balance_id": None,
                    "cashback_balance": None,
                    "spent": index * 41.3,
                    "total_discount": 0,
                    "total_bonus": 0,
                    "receipt_count": index * 3,
                    "gender": 1 + index % 2,
                    "date_of_birth": f"19{80 + index}-0{1 + index % 9}-1{index % 9}",
                    "code": f"C{index:04d}",
                    "source": "LOYALTY" if index == 9 else "POS",
                    "reference_id": None,
                    "phone_verified_at": None,
                    "status": True,
                    "can_use_loyalty_system": index % 3 == 0,
                    "is_verified": index % 2 == 0,
                },
                iso_times=True,
            )
        )
    return result


def categories() -> list[Record]:
    """A nested-set tree: (id, name, type, parent)."""
    rows: list[tuple[int, str, str, int | None]] = [
        (1, "Yeməklər", "PRODUCT", None),
        (2, "Şorbalar", "PRODUCT", 1),
        (3, "Kabablar", "PRODUCT", 1),
        (4, "Dürümlər", "PRODUCT", 1),
        (5, "İçkilər", "PRODUCT", None),
        (6, "İsti içkilər", "PRODUCT", 5),
        (7, "Sərin içkilər", "PRODUCT", 5),
        (8, "Oyunlar", "PRODUCT", None),
        (9, "Xammal", "INGREDIENT", None),
        (10, "Yarımfabrikatlar", "INGREDIENT", 9),
        (11, "Mühasibat", "ACCOUNTING", None),
    ]
    children: dict[int | None, list[int]] = {}
    for cid, _, _, parent in rows:
        children.setdefault(parent, []).append(cid)
    bounds: dict[int, tuple[int, int, int]] = {}
    counter = 1

    def walk(node: int, depth: int) -> None:
        nonlocal counter
        left = counter
        counter += 1
        for child in children.get(node, []):
            walk(child, depth + 1)
        bounds[node] = (left, counter, depth)
        counter += 1

    for root in children[None]:
        walk(root, 0)
    colors = ["e74c3c", "#3498db", "00bcd4", "34495e"]
    return [
        _stamp(
            {
                "id": cid,
                "name": name,
                "status": 0 if cid == 10 else 1,
                "hidden": False,
                "type": kind,
                "image": None,
                "position": cid,
                "emenu_position": cid,
                "meta": {},
                "emenu_hidden": False,
                "code": f"CAT{cid}",
                "_lft": bounds[cid][0],
                "_rgt": bounds[cid][1],
                "depth": bounds[cid][2],
                "parent_id": parent,
                "slug": name.lower().replace(" ", "-"),
                "color": colors[cid % 4],
                "properties": [],
                "media": [],
            },
            iso_times=True,
        )
        for cid, name, kind, parent in rows
    ]


def stations() -> list[Record]:
    rows = [(1, "Mətbəx", 1, 1, True), (2, "Bar", 0, 1, True), (3, "Manqal", 1, 0, False)]
    return [
        _stamp(
            {
                "id": i,
                "name": n,
                "status": 1 if i != 3 else 0,
                "type": t,
                "printable": p,
                "can_print": cp,
                "reminder_enabled": i == 1,
                "meta": {},
                "description": None,
            }
        )
        for i, n, t, p, cp in rows
    ]


DELIVERY_ICON = "https://cdn.clopos.com/_clopos/delivery.png"


def _tax() -> Record:
    return {
        "id": 1,
        "type_id": 2,
        "rounding_option": "ROUND_HALF_UP",
        "priority": 1,
        "calculation_type": 1,
        "name": "ƏDV 18%",
        "rate": 18,
        "meta": None,
        "is_default": True,
        "status": 1,
        "created_at": "2023-07-24T23:49:53.000000Z",
        "deleted_at": None,
        "type": {"id": 2, "name": "ƏDV"},
        "has_sale_types": True,
        "sale_types": [
            {
                "id": 2,
                "name": "Çatdırılma",
                "media": [{"urls": {"original": DELIVERY_ICON, "large": DELIVERY_ICON}}],
                "pivot": {"tax_id": 1, "sale_type_id": 2},
                "status": [],
            }
        ],
    }


def _product(pid: int, name: str, kind: str, category: int, price: float, cost: float, **extra: Any) -> Record:
    record: Record = {
        "id": pid,
        "cid": None,
        "parent_id": None,
        "station_id": 1 if kind == "DISH" else 2,
        "category_id": category,
        "unit_id": 1,
        "net_output": 1,
        "type": kind,
        "name": name,
        "parent_name": "",
        "image": None,
        "position": pid,
        "barcode": f"47600{pid:08d}",
        "gov_code": None,
        "status": 1,
        "hidden": 0,
        "sold_by_weight": False,
        "max_age": None,
        "discountable": True,
        "giftable": kind != "TIMER",
        "has_modifications": False,
        "meta": {
            "allergies": [],
            "diets": [],
            "langs": {
                "en": {"name": name, "description": None},
                "az": {"name": name, "description": None},
                **{lang: [] for lang in ("ar", "tr", "ru", "uz", "kz", "es")},
            },
            "availability": {
                "itemAvailability": False,
                "itemVisibility": False,
                "schedules": {"itemAvailability": [], "itemVisibility": []},
            },
            "gov_package_code": "",
        },
        "setting": None,
        "emenu_category_id": category,
        "emenu_position": pid,
        "emenu_hidden": False,
        "accounting_category_id": None,
        "description": None,
        "price": price,
        "cost_price": cost,
        "markup_rate": round((price - cost) / cost * 100, 3) if cost else 0,
        "cooking_time": 10 if kind == "DISH" else 0,
        "ignore_service_charge": False,
        "inventory_behavior": 0 if kind in ("DISH", "PREPARATION") else 1,
        "low_stock": 0,
        "unit_weight": 1,
        "name_slug": name.lower(),
        "full_name": name,
        "gross_margin": round((price - cost) / price * 100, 3) if price else 0,
        "slug": name.lower().replace(" ", "-"),
        "color": "34495e",
        "venues": [],
        "properties": {"measure": 1, "measure_unit_id": 1, "stop_list_setting": []},
        "taxes": [_tax()],
        "tags": [],
        "media": [],
        "created_at": CREATED,
        "updated_at": UPDATED,
        "deleted_at": None,
    }
    record.update(extra)
    if record.get("modificator_groups"):
        groups = record["modificator_groups"]
        record["meta"]["modifier_pos"] = {str(g["id"]): n for n, g in enumerate(groups)}
        record["modificator_groups"] = [
            {**g, "pivot": {"product_id": pid, "modificator_group_id": g["id"]}} for g in groups
        ]
    if kind == "GOODS":
        record["is_inventory_behavior_changeable"] = True
    return record


def _modifier(mid: int, group_id: int, name: str, price: float) -> Record:
    """A modifier of a group, with the keys of the recorded live answer."""
    base = datetime(2024, 5, 15, 12, 36, 10, tzinfo=timezone.utc)
    return {
        "id": mid,
        "dish_id": 0,
        "ingredient_id": None,
        "group_id": group_id,
        "name": name,
        "image": None,
        "price": price,
        "cost_price": round(price / 3, 2),
        "brutto": 0,
        "default_count": 0,
        "min_count": 0,
        "max_count": 1,
        "meta": None,
        "status": True,
        "position": mid % 10,
        "created_at": iso(base),
        "updated_at": iso(base + timedelta(days=30)),
        "deleted_at": None,
        "media": [],
        "ingredient": None,
    }


def _media(key: int) -> list[Record]:
    """One uploaded image, in the sizes the live API lists."""
    name = uuid_text(0xC10905 << 64 | key)
    urls = {
        size: f"https://cdn.clopos.com/demo/{name}/{size}.jpg"
        for size in ("original", "extra_large", "original_large", "thumb")
    }
    return [
        {
            "uuid": name,
            "mime_type": "image/jpeg",
            "size": 150_000 + key,
            "urls": urls,
            "blur_hash": None,
            "dimensions": {"width": 1200, "height": 800},
        }
    ]


def _variant(parent: Record, vid: int, name: str, price: float, cost: float, barcode: str) -> Record:
    """A variant (MODIFICATION) as the live API nests it: a whole product without taxes, tags, media, color."""
    record = _product(vid, name, "MODIFICATION", parent["category_id"], price, cost)
    for key in ("taxes", "tags", "media", "color"):
        record.pop(key)
    record.update(
        parent_id=parent["id"],
        parent_name=parent["name"],
        full_name=f"{parent['name']} {name}",
        barcode=barcode,
        category_id=None,
        station_id=None,
        giftable=False,
        properties=[],
        meta={"langs": {"en": [], "az": []}, "gov_package_code": ""},
    )
    return record


UNIT = {
    "id": 1,
    "_lft": 1,
    "_rgt": 2,
    "parent_id": None,
    "name": "Ədəd",
    "type": "PIECE",
    "symbol": "əd",
    "equal": 1,
    "deleted_at": None,
}
#: Keys a recipe item leaves out, as the recorded live product answers do.
_NOT_IN_RECIPE = ("color", "venues", "taxes", "tags", "media", "packages", "recipe", "modificator_groups")


def _recipe(dish_id: int, items: list[tuple[Record, float]]) -> list[Record]:
    """Recipe items as the live API sends them: the whole ingredient product, its ``pivot`` (quantities
    as decimal strings) and ``unit`` (tests/data/recorded/clopos_product_dish_with_modifiers.json)."""
    return [
        {
            **{k: v for k, v in product.items() if k not in _NOT_IN_RECIPE},
            "pivot": {
                "dish_id": dish_id,
                "ingredient_id": product["id"],
                "net": f"{gross:.3f}",
                "gross": f"{gross:.3f}",
                "net_put": None,
            },
            "properties": [],
            "unit": dict(UNIT),
        }
        for product, gross in items
    ]


def products() -> list[Record]:
    groups = [
        {
            "id": 5,
            "name": "Acılıq",
            "type": 1,
            "min_select": 0,
            "max_select": 1,
            "adjust_to_portion": False,
            "status": True,
            "meta": {},
            "created_at": CREATED,
            "updated_at": UPDATED,
            "deleted_at": None,
            "modificators": [_modifier(187, 5, "Acı", 0), _modifier(188, 5, "Acısız", 0)],
        },
        {
            "id": 8,
            "name": "Əlavələr",
            "type": 0,
            "min_select": 0,
            "max_select": 3,
            "adjust_to_portion": False,
            "status": True,
            "meta": {},
            "created_at": CREATED,
            "updated_at": UPDATED,
            "deleted_at": None,
            "modificators": [_modifier(201, 8, "Pendir", 1.0), _modifier(202, 8, "Göbələk", 1.5)],
        },
    ]
    fanta = _product(12, "Fanta", "GOODS", 7, 1.8, 0.9, has_modifications=True, media=_media(12))
    fanta["modifications"] = [
        _variant(fanta, 13, "0.5 L", 1.8, 0.9, "5449000011527"),
        _variant(fanta, 14, "1 L", 2.8, 1.4, "5449000011534"),
    ]
    flour = _product(
        20, "Un", "INGREDIENT", 9, 0.0, 0.9, station_id=None, packages=[{"id": 1, "name": "Kisə 25 kq", "equal": 25}]
    )
    beef = _product(
        21,
        "Mal əti",
        "INGREDIENT",
        9,
        0.0,
        14.0,
        station_id=None,
        packages=[{"id": 2, "name": "Qutu 10 kq", "equal": 10}],
    )
    mushroom = _product(22, "Göbələk", "INGREDIENT", 9, 0.0, 6.0, station_id=None, packages=[])
    return [
        _product(
            1,
            "Mega Dürüm Menü",
            "DISH",
            4,
            9.5,
            3.2,
            modificator_groups=groups,
            recipe=_recipe(1, [(flour, 0.15), (beef, 0.12)]),
            media=_media(1),
        ),
        _product(2, "Göbələk şorbası", "DISH", 2, 4.5, 1.1, recipe=_recipe(2, [(mushroom, 0.1)])),
        _product(3, "Mərci şorbası", "DISH", 2, 3.5, 0.8),
        _product(4, "Lülə kabab", "DISH", 3, 8.0, 3.0, station_id=3),
        _product(5, "Tikə kabab", "DISH", 3, 9.0, 3.6, station_id=3),
        _product(6, "Toyuq dürüm", "DISH", 4, 6.5, 2.1, modificator_groups=groups),
        _product(7, "Double Espresso", "DISH", 6, 4.0, 0.6),
        _product(8, "Çay dəsti", "DISH", 6, 6.0, 0.9),
        _product(9, "Ayran", "GOODS", 7, 1.5, 0.5),
        _product(10, "Su 0.5 L", "GOODS", 7, 1.0, 0.3),
        _product(11, "Kompot", "GOODS", 7, 2.0, 0.6),
        fanta,
        _product(
            15,
            "PS5",
            "TIMER",
            8,
            10.0,
            0.0,
            station_id=None,
            inventory_behavior=3,
            setting={"calculation_methods": 0, "interval": 60, "prices": [{"price": 3, "from": 120}]},
        ),
        flour,
        beef,
        mushroom,
        _product(23, "Xəmir", "PREPARATION", 10, 0.0, 0.5, station_id=None, recipe=_recipe(23, [(flour, 0.2)])),
    ]


#: Products a receipt or an order may sell (not parents with variants, not ingredients).
SELLABLE = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14)


def stop_list() -> list[Record]:
    return [{"id": 3, "limit": 0, "timestamp": 1761202010781}, {"id": 5, "limit": 4, "timestamp": 1761202311452}]


def sale_types() -> list[Record]:
    rows = [(1, "Yerində", "IN"), (2, "Çatdırılma", "DELIVERY"), (3, "Takeaway", "TAKEAWAY")]
    return [
        _stamp(
            {
                "id": i,
                "name": n,
                "system_type": s,
                "status": {"1": 1, "2": 1, "3": int(i != 3)},
                "channel": s,
                "service_charge_rate": 5 if s == "IN" else 0,
                "payment_method_id": None,
                "position": i,
                "media": [],
            },
            iso_times=True,
        )
        for i, n, s in rows
    ]


def payment_methods() -> list[Record]:
    rows = [(1, "Cash", "CASH", 1), (2, "Card", "CARD", 1), (3, "Customer Balance", "CUSTOMER", 0)]
    return [
        _stamp(
            {
                "id": i,
                "name": n,
                "customer_required": int(i == 3),
                "is_system": 1,
                "balance_id": 200 + i,
                "balance": {"id": 200 + i, "system_type": t, "name": n, "type": t},
                "service": None,
                "split": s,
                "position": i,
                "status": {"1": 1, "2": 1, "3": 1},
            }
        )
        for i, n, t, s in rows
    ]


def price_lists() -> tuple[list[Record], list[Record]]:
    lists = [
        {
            "id": 1,
            "name": "Delivery",
            "description": "Çatdırılma qiymətləri",
            "status": True,
            "created_at": CREATED,
            "updated_at": UPDATED,
        },
        {
            "id": 2,
            "name": "Happy hour",
            "description": None,
            "status": False,
            "created_at": CREATED,
            "updated_at": UPDATED,
        },
    ]
    prices = [
        {"id": n + 1, "list_id": 1 + n % 2, "product_id": pid, "price": round(price, 2)}
        for n, (pid, price) in enumerate([(1, 10.5), (2, 5.0), (4, 8.8), (7, 3.5), (9, 1.7), (1, 8.0)])
    ]
    return lists, prices


def receipt_defaults() -> Record:
    """Every key of seed 002's receipt, valued as in a new, empty, open receipt."""
    return {
        "id": None,
        "venue_id": None,
        "cash_shift_cid": None,
        "cid": None,
        "user_id": None,
        "open_by_user_id": None,
        "close_by_user_id": None,
        "courier_id": None,
        "seller_id": None,
        "terminal_id": None,
        "source": "open_api",
        "closed_terminal_id": None,
        "service_notification_id": None,
        "table_id": None,
        "hall_id": None,
        "customer_id": None,
        "sale_type_id": None,
        "is_returns": False,
        "guests": 1,
        "status": 1,
        "lock": False,
        "inventory_status": 0,
        "report_status": 0,
        "meta": {},
        "suspicion": 0,
        "printed": False,
        "total": 0,
        "subtotal": 0,
        "original_subtotal": 0,
        "gift_total": 0,
        "totalCost": 0,
        "payment_methods": [],
        "fiscal_id": None,
        "by_cash": 0,
        "by_card": 0,
        "remaining": 0,
        "customer_discount_type": 0,
        "discount_type": 0,
        "discount_value": 0,
        "discount_rate": 0,
        "rps_discount": 0,
        "service_charge": 0,
        "service_charge_value": 0,
        "i_tax": 0,
        "delivery_fee": 0,
        "e_tax": 0,
        "total_tax": 0,
        "description": None,
        "address": None,
        "terminal_version": None,
        "loyalty_type": None,
        "loyalty_value": None,
        "order_status": None,
        "order_number": None,
        "created_at": None,
        "updated_at": None,
        "terminal_updated_at": None,
        "closed_at": None,
        "shift_date": None,
        "deleted_at": None,
        "gift_count": 0,
        "total_discount": 0,
        "properties": {},
        "receipt_products": [],
        "stock_operations": [],
        "customer": None,
    }


def line_defaults() -> Record:
    """Every key of seed 002's receipt product line."""
    return {
        "id": None,
        "cid": None,
        "product_id": None,
        "receipt_id": None,
        "product_hash": None,
        "meta": {},
        "count": 1,
        "portion_size": 1,
        "total": 0,
        "price": 0,
        "cost": 0,
        "is_gift": 0,
        "preprint_count": 0,
        "station_printed_count": 0,
        "station_aborted_count": 0,
        "seller_id": None,
        "loyalty_type": None,
        "loyalty_value": None,
        "discount_rate": 0,
        "discount_value": 0,
        "discount_type": 0,
        "total_discount": 0,
        "subtotal": 0,
        "receipt_discount": 0,
        "created_at": None,
        "updated_at": None,
        "terminal_updated_at": None,
        "deleted_at": None,
        "receipt_product_modificators": [],
        "taxes": [],
    }


def receipt_line(
    receipt_id: int, line_id: int, cid: str, product: Record, count: int, price: float, moment: datetime
) -> Record:
    """A sold product line; its times are Unix-ms strings, as in seed 002."""
    total = round(price * count, 2)
    ms = str(unix_ms(moment))
    return {
        **line_defaults(),
        "id": line_id,
        "cid": cid,
        "product_id": product["id"],
        "receipt_id": receipt_id,
        "product_hash": str(product["id"]),
        "meta": {"product": {"name": product["name"], "price": price, "type": product["type"]}},
        "count": count,
        "total": total,
        "price": price,
        "cost": product.get("cost_price", 0),
        "subtotal": total,
        "created_at": ms,
        "updated_at": ms,
    }


def receipt_meta(user: str | None, sale_type: str | None, changed: datetime, closed: str | None = None) -> Record:
    """A receipt's ``meta``: the terminal's last change as Unix ms and ISO-Z (UTC), as in seed 002."""
    meta: Record = {
        "preprint_count": 0,
        "sale_type": {"name": sale_type},
        "user": {"name": user},
        "terminal_updated_at": unix_ms(changed),
        "lastAddedProductTime": iso_millis(changed),
        "availiableDeposit": 0,
    }
    if closed is not None:
        meta["check_close_event"] = {"checked": True, "operated_at": closed, "fails": []}
    return meta


def receipt_customer(customer: Record | None) -> Record | None:
    """The ``customer`` object of a receipt (null without one)."""
    if customer is None:
        return None
    return {key: customer.get(key) for key in ("id", "cid", "name", "phone", "email", "code", "group_id")}


class HistoricReceipts:
    """``count`` closed receipts over the ``HISTORY_DAYS`` before ``end``, each rebuilt from its index.

    Times are aware UTC instants; the receipt's ``YYYY-MM-DD HH:MM:SS`` fields are its venue's local time.
    ``links`` holds the demo orders whose acceptance opened a receipt (index → order).
    """

    def __init__(
        self, count: int, seed: int, end: datetime, catalog: dict[int, Record], zones: VenueZones | None = None
    ) -> None:
        self.count = count
        self.seed = seed
        self.end = end
        self.start = end - timedelta(days=HISTORY_DAYS)
        self.step = timedelta(days=HISTORY_DAYS) / max(count, 1)
        self.catalog = catalog
        self.zones = zones or VenueZones()
        self.links: dict[int, Record] = {}
        self.customers = {c["id"]: c for c in customers()}
        self.user_names = {u["id"]: u["username"] for u in users()}
        self.sale_type_names = {t["id"]: t["name"] for t in sale_types()}

    def created_at(self, index: int) -> datetime:
        return self.start + self.step * index

    def index_of_time(self, moment: datetime) -> int:
        """The first index created at or after ``moment`` (clamped to 0..count)."""
        if moment <= self.start:
            return 0
        position = -(-(moment - self.start) // self.step)  # ceiling division of timedeltas
        return min(self.count, max(0, int(position)))

    def link(self, order: Record, moment: datetime) -> int | None:
        """Make the receipt opened at ``moment`` (or the latest free one before) the one ``order`` opened;
        None when every receipt is taken."""
        index = min(self.index_of_time(moment), self.count - 1)
        while index in self.links:
            index -= 1
        if index < 0:
            return None
        self.links[index] = order
        return index

    def cid(self, index: int) -> str:
        return uuid_text((self.seed & 0xFFFFFFFF) << 96 | 0xA11CE << 64 | index)

    def index_of_cid(self, cid: str) -> int | None:
        try:
            number = uuid.UUID(cid).int
        except ValueError:
            return None
        index = number & 0xFFFFFFFFFFFFFFFF
        return index if self.cid(index) == cid and index < self.count else None

    def build(self, index: int) -> Record:
        rng = random.Random(self.seed * 1_000_003 + index)
        created = self.created_at(index).replace(microsecond=0)
        draw = rng.random
        closed = created + timedelta(minutes=5 + int(draw() * 86))
        picks = [
            (self.catalog[SELLABLE[int(draw() * len(SELLABLE))]], 1 + int(draw() * 3))
            for _ in range(1 + int(draw() * 3))
        ]
        customer_id = (None, None, None, 1 + int(draw() * 12))[int(draw() * 4)]
        sale_type_id = (1, 1, 2, 3)[int(draw() * 4)]
        order = self.links.get(index)
        if order is not None:
            picks = [(self.catalog[p["product_id"]], p["count"]) for p in order["payload"]["products"]]
            customer_id, sale_type_id = order["customer_id"], order["payload"]["sale_type_id"]
        receipt_id = index + 1
        lines = [
            receipt_line(
                receipt_id,
                receipt_id * 10 + n,
                uuid_text(rng.getrandbits(128)),
                product,
                count,
                float(product["price"]),
                created + timedelta(seconds=15 * (n + 1)),
            )
            for n, (product, count) in enumerate(picks)
        ]
        total = round(sum(line["total"] for line in lines), 2)
        card = round(total * (0, 0, 0.5, 1)[int(draw() * 4)], 2)
        payments = [{"id": 1, "name": "Cash", "amount": round(total - card, 2)}] if card < total else []
        if card:
            payments.append({"id": 2, "name": "Card", "amount": card})
        venue_id = 1 + (index % 7 == 0)
        zone = self.zones.of(venue_id)
        opened, closed_text = local_text(created, zone), local_text(closed, zone)
        user_id = 1 + index % 3
        return {
            **receipt_defaults(),
            "id": receipt_id,
            "venue_id": venue_id,
            "cid": self.cid(index),
            "user_id": user_id,
            "open_by_user_id": user_id,
            "close_by_user_id": user_id,
            "seller_id": 1,
            "terminal_id": 1,
            "source": "call_center" if order is not None else "pos",
            "closed_terminal_id": 1,
            "service_notification_id": order["id"] if order is not None else None,
            "customer_id": customer_id,
            "sale_type_id": sale_type_id,
            "guests": 1 + int(draw() * 4),
            "status": 2,
            "inventory_status": 1,
            "report_status": 1,
            "meta": receipt_meta(
                self.user_names.get(user_id), self.sale_type_names.get(sale_type_id), closed, closed_text
            ),
            "printed": True,
            "total": total,
            "subtotal": total,
            "original_subtotal": total,
            "totalCost": round(sum(float(line["cost"]) * line["count"] for line in lines), 2),
            "payment_methods": payments,
            "by_cash": round(total - card, 2),
            "by_card": card,
            "terminal_version": "3253",
            "order_status": "COMPLETED" if order is not None else None,
            "order_number": f"RPO-{order['id']:05d}" if order is not None else None,
            "created_at": opened,
            "updated_at": closed_text,
            "terminal_updated_at": closed_text,
            "closed_at": closed_text,
            "shift_date": opened[:10],
            "properties": {"daily_id": index % 200 + 1, "monthly_id": index % 5000 + 1},
            "receipt_products": lines,
            "customer": receipt_customer(self.customers.get(customer_id) if customer_id else None),
        }


#: The demo call-centre orders: (id, status, customer, [(product, count)]).
ORDER_ROWS = [
    (1, "RECEIVED", 9, [(1, 1), (9, 2)]),
    (2, "PENDING", 2, [(2, 1)]),
    (3, "IGNORE", 3, [(4, 2)]),
    (4, "DELIVERED", 9, [(6, 1), (12, 1)]),
    (5, "PENDING", 5, [(7, 2), (8, 1)]),
    (6, "RECEIVED", 1, [(5, 1)]),
]


def order_product(product: Record, count: int, price: Any = None) -> Record:
    """A line of an order's ``payload.products`` (seed 004)."""
    price = product["price"] if price is None else price
    return {
        "product_id": product["id"],
        "count": count,
        "product_modificators": [],
        "portion_size": 1,
        "meta": {
            "price": price,
            "order_product": {
                "count": count,
                "status": "new",
                "product_modificators": [],
                "product_hash": str(product["id"]),
                "product": {"id": product["id"], "name": product["name"], "price": price},
            },
        },
    }


def order_record(
    order_id: int, venue_id: int, customer_id: Any, payload: Record, created: datetime, zone: tzinfo
) -> Record:
    """A PENDING call-centre order as the API stores it (seed 004's keys); ``payload`` over its defaults."""
    return {
        "id": order_id,
        "venue_id": venue_id,
        "type": "CALL_CENTER_ORDER",
        "integration": "call_center_new",
        "integration_uuid": None,
        "integration_id": None,
        "customer_ref_id": None,
        "integration_status": "CREATED",
        "customer_id": customer_id,
        "receive_user_id": None,
        "receive_terminal_id": None,
        "status": "PENDING",
        "payload": {"auto_order_accept": False, "auto_order_sent_to_station": False, "delivery_fee": 0, **payload},
        "receipt_id": None,
        "created_at": iso(created),
        "updated_at": iso(created),
        "deleted_at": None,
        "integration_response": None,
        "_created": local_text(created, zone),
    }


def orders(historic: HistoricReceipts, catalog: dict[int, Record]) -> list[Record]:
    """A few call-centre orders in every state. RECEIVED and DELIVERED ones were accepted at the POS,
    which opened a receipt: they carry its id (the historic receipt opened seven minutes after them)."""
    people = {c["id"]: c for c in customers()}
    zone = historic.zones.of(1)
    result = []
    for order_id, status, customer_id, lines in ORDER_ROWS:
        person = people[customer_id]
        payload = {
            "delivery_fee": 2.5,
            "service": {"sale_type_id": 2, "sale_type_name": "Çatdırılma", "venue_id": 1, "venue_name": "Main"},
            "customer": {
                "id": customer_id,
                "phone": person["phone"],
                "address": person["address"],
                "customer_discount_type": 0,
                "name": person["name"],
            },
            "products": [order_product(catalog[pid], count) for pid, count in lines],
            "meta": {
                "comment": "",
                "discount": {"discount_type": 0, "discount_value": 0},
                "apply_service_charge": False,
                "customer_discount_type": 0,
                "service_charge_value": 0,
            },
            "customer_id": customer_id,
            "sale_type_id": 2,
        }
        created = historic.end - timedelta(days=7 - order_id, hours=3)
        order = order_record(order_id, 1, customer_id, payload, created, zone)
        updated = created + timedelta(minutes=5)
        index = historic.link(order, created) if status in ("RECEIVED", "DELIVERED") else None
        if index is not None:
            updated = historic.created_at(index).replace(microsecond=0)
            created = updated - timedelta(minutes=7)
            order.update(status=status, receipt_id=index + 1, receive_user_id=1, receive_terminal_id=1)
        elif status not in ("RECEIVED", "DELIVERED"):
            order["status"] = status
        order.update(created_at=iso(created), updated_at=iso(updated), _created=local_text(created, zone))
        result.append(order)
    return result
