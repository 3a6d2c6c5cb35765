"""``clopos <resource> list`` and ``clopos <resource> get ID``, generated from one table of resources."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import typer

from .errors import friendly
from .output import FORMATS, emit, emit_one
from .state import options


@dataclass(frozen=True)
class Resource:
    name: str
    list_method: str
    get_method: str | None
    columns: tuple[str, ...]
    #: Extra keyword arguments of the list method, from ``--filter key=value`` options.
    filters: tuple[str, ...] = ()
    paged: bool = True
    help: str = ""


RESOURCES = (
    Resource("venues", "get_venues", None, ("id", "name", "address", "status", "phone"), help="Branches of the brand"),
    Resource(
        "users",
        "get_users",
        "get_user_by_id",
        ("id", "username", "first_name", "last_name", "status"),
        help="Staff accounts",
    ),
    Resource(
        "customers",
        "get_customers",
        "get_customer_by_id",
        ("id", "name", "phone", "group_id", "code"),
        help="Customers (filters: name, phones, group_id)",
        filters=("name", "phones", "group_id"),
    ),
    Resource(
        "customer-groups",
        "get_customer_groups",
        None,
        ("id", "name", "discount_type", "discount_value"),
        help="Customer groups",
    ),
    Resource(
        "categories",
        "get_categories",
        "get_category_by_id",
        ("id", "name", "type", "parent_id", "depth"),
        help="Menu categories (--tree for the hierarchy)",
    ),
    Resource(
        "stations",
        "get_stations",
        "get_station_by_id",
        ("id", "name", "status", "type", "printable"),
        help="Preparation and service stations",
    ),
    Resource(
        "products",
        "get_products",
        "get_product_by_id",
        ("id", "name", "type", "price", "category_id"),
        help="The catalog (filters: type, category_id, station_id, giftable, ...)",
        filters=("type", "category_id", "station_id", "giftable", "discountable", "has_variants", "has_modifiers"),
    ),
    Resource(
        "stop-list",
        "get_stop_list",
        None,
        ("id", "limit", "timestamp"),
        paged=False,
        help="Products with a sales limit",
    ),
    Resource("sale-types", "get_sale_types", None, ("id", "name", "system_type", "channel"), help="Sale types"),
    Resource(
        "payment-methods", "get_payment_methods", None, ("id", "name", "is_system", "split"), help="Payment methods"
    ),
    Resource(
        "orders",
        "get_orders",
        "get_order_by_id",
        ("id", "status", "customer_id", "receipt_id", "created_at"),
        help="Orders (--status PENDING|RECEIVED|IGNORE|DELIVERED)",
    ),
    Resource(
        "receipts",
        "get_receipts",
        "get_receipt_by_id",
        ("id", "cid", "status", "total", "order_status", "fiscal_id", "created_at", "closed_at"),
        help="Receipts (--from/--to dates)",
    ),
)
apps: dict[str, typer.Typer] = {}


def parse_filters(pairs: list[str], allowed: tuple[str, ...]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in allowed:
            raise ValueError(f"--filter takes key=value with key one of {', '.join(allowed) or '(none)'}: {pair!r}")
        result[key] = [v for v in value.split(",")] if "," in value else value
    return result


def _list_command(resource: Resource) -> Callable[..., None]:
    @friendly
    def list_(
        limit: int = typer.Option(None, "--limit", "-n", help="At most N items (pages are walked for you)."),
        all_: bool = typer.Option(False, "--all", help="Every item of every page."),
        page: int = typer.Option(1, "--page", help="Start page."),
        fmt: str = typer.Option("table", "--format", "-f", help=f"One of {', '.join(FORMATS)}."),
        json_: bool = typer.Option(False, "--json", help="Same as --format json."),
        jsonl: bool = typer.Option(False, "--jsonl", help="Same as --format jsonl."),
        csv_: bool = typer.Option(False, "--csv", help="Same as --format csv."),
        filters: list[str] = typer.Option([], "--filter", help="key=value (repeatable)."),
        status: str = typer.Option(None, "--status", help="Orders: the status to show."),
        date_from: str = typer.Option(None, "--from", help="Receipts/orders: first day, YYYY-MM-DD."),
        date_to: str = typer.Option(None, "--to", help="Receipts/orders: last day, YYYY-MM-DD."),
        tree: bool = typer.Option(False, "--tree", help="Categories: show the tree."),
    ) -> None:
        chosen = "json" if json_ else "jsonl" if jsonl else "csv" if csv_ else fmt
        if chosen not in FORMATS:
            raise ValueError(f"--format must be one of {', '.join(FORMATS)}")
        client = options().client()
        method = getattr(client, resource.list_method)
        kwargs: dict[str, Any] = {}
        if resource.filters:
            found = parse_filters(filters, resource.filters)
            if found:
                kwargs["filters"] = found
        elif filters:
            raise ValueError(f"{resource.name} takes no --filter")
        if status:
            kwargs["status"] = status.upper()
        if date_from or date_to:
            kwargs.update({k: v for k, v in (("date_from", date_from), ("date_to", date_to)) if v})
        if tree and resource.name == "categories":
            from .tree import print_tree

            print_tree(method(**kwargs).unwrap().data)
            return
        if not resource.paged:
            items: Any = method(**kwargs).unwrap().data
        else:
            size = min(limit or 50, 100 if resource.name != "receipts" else 200)
            walker = (
                method.iter(page=page, limit=size, **kwargs)
                if (all_ or limit)
                else method(page=page, limit=size, **kwargs).unwrap().data
            )
            items = itertools.islice(walker, limit) if limit and not all_ else walker
        emit(items, chosen, resource.columns, title=resource.name)

    list_.__doc__ = f"List {resource.name}."
    return list_


def _get_command(resource: Resource) -> Callable[..., None]:
    @friendly
    def get(
        item_id: int = typer.Argument(..., metavar="ID"),
        fmt: str = typer.Option("json", "--format", "-f", help="json (default), jsonl or csv."),
    ) -> None:
        client = options().client()
        assert resource.get_method is not None
        emit_one(getattr(client, resource.get_method)(item_id).unwrap().data, fmt)

    get.__doc__ = f"Show one of the {resource.name} by id."
    return get


def register(root: typer.Typer) -> None:
    for resource in RESOURCES:
        app = typer.Typer(help=resource.help, no_args_is_help=True)
        app.command("list")(_list_command(resource))
        if resource.get_method:
            app.command("get")(_get_command(resource))
        apps[resource.name] = app
        root.add_typer(app, name=resource.name)
