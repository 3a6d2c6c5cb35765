"""``clopos <resource> list`` and ``clopos <resource> get ID``, generated from one table of resources.

Each list command offers only the options its resource takes.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import typer

from integrify.clopos.schemas.enums import ORDER_LIFECYCLE

from .checks import day_range
from .errors import CliError
from .output import FORMATS, emit, emit_one, errors, pick_format
from .state import options

#: Rows a list shows without ``--limit`` or ``--all``.
DEFAULT_ROWS = 50


@dataclass(frozen=True)
class Resource:
    name: str
    list_method: str
    get_method: str | None
    columns: tuple[str, ...]
    help: str = ""
    #: Keys ``--filter key=value`` accepts (sent as the list method's ``filters``).
    filters: tuple[str, ...] = ()
    paged: bool = True
    #: The largest page on generation 1 and on generation 2 (``--all`` asks for it).
    max_page: tuple[int, int] = (100, 100)
    #: ``--from`` / ``--to`` (``date_from`` / ``date_to``).
    dated: bool = False
    #: ``--status`` values (case-insensitive on the command line).
    statuses: tuple[str, ...] = ()
    tree: bool = False


RESOURCES = (
    Resource("venues", "get_venues", None, ("id", "name", "address", "status", "phone"), "Branches of the brand"),
    Resource("users", "get_users", "get_user_by_id", ("id", "username", "first_name", "last_name", "status"), "Staff"),
    Resource(
        "customers",
        "get_customers",
        "get_customer_by_id",
        ("id", "name", "phone", "group_id", "code"),
        "Customers (list, get, create)",
        filters=("name", "phones", "group_id"),
        max_page=(100, 999),
    ),
    Resource(
        "customer-groups",
        "get_customer_groups",
        None,
        ("id", "name", "discount_type", "discount_value"),
        "Customer groups",
        max_page=(100, 200),
    ),
    Resource(
        "categories",
        "get_categories",
        "get_category_by_id",
        ("id", "name", "type", "parent_id", "depth"),
        "Menu categories (--tree for the hierarchy)",
        max_page=(999, 999),
        tree=True,
    ),
    Resource(
        "stations",
        "get_stations",
        "get_station_by_id",
        ("id", "name", "status", "type", "printable"),
        "Preparation and service stations",
        max_page=(200, 200),
    ),
    Resource(
        "products",
        "get_products",
        "get_product_by_id",
        ("id", "name", "type", "price", "category_id"),
        "The catalog (filters: type, category_id, station_id, giftable, ...)",
        filters=("type", "category_id", "station_id", "giftable", "discountable", "has_variants", "has_modifiers"),
    ),
    Resource(
        "stop-list", "get_stop_list", None, ("id", "limit", "timestamp"), "Products with a sales limit", paged=False
    ),
    Resource("sale-types", "get_sale_types", None, ("id", "name", "system_type", "channel"), "Sale types"),
    Resource("payment-methods", "get_payment_methods", None, ("id", "name", "is_system", "split"), "Payment methods"),
    Resource(
        "orders",
        "get_orders",
        "get_order_by_id",
        ("id", "status", "customer_id", "receipt_id", "created_at"),
        "Orders: list, get, create, set-status, watch, export",
        dated=True,
        statuses=tuple(sorted(ORDER_LIFECYCLE)),
    ),
    Resource(
        "receipts",
        "get_receipts",
        "get_receipt_by_id",
        ("id", "cid", "status", "total", "order_status", "fiscal_id", "created_at", "closed_at"),
        "Receipts: list, get, create, update, close, patch, delete, export",
        max_page=(200, 200),
        dated=True,
    ),
    Resource(
        "price-lists",
        "get_price_lists",
        None,
        ("id", "name", "status", "description"),
        "Price lists and their prices (generation 2)",
        max_page=(999, 999),
    ),
)
#: The prices of the price lists: ``clopos price-lists prices``.
PRICES = Resource(
    "prices",
    "get_prices",
    None,
    ("id", "list_id", "product_id", "price"),
    filters=("list_id", "product_id", "id"),
    max_page=(999, 999),
)
apps: dict[str, typer.Typer] = {}


def parse_filters(pairs: list[str], allowed: tuple[str, ...]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in allowed:
            raise CliError(f"--filter takes key=value with key one of {', '.join(allowed)}, not {pair!r}")
        result[key] = value.split(",") if "," in value else value
    return result


def status_choice(values: tuple[str, ...]) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        if value is None:
            return None
        upper = value.strip().upper()
        if upper not in values:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(values)} (any case)")
        return upper

    return check


def option(name: str, default: Any, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


def format_options(default: str) -> list[inspect.Parameter]:
    return [
        option("fmt", typer.Option(default, "--format", "-f", help=f"One of {', '.join(FORMATS)}."), str),
        option("json_", typer.Option(False, "--json", help="Same as --format json."), bool),
        option("jsonl", typer.Option(False, "--jsonl", help="Same as --format jsonl."), bool),
        option("csv_", typer.Option(False, "--csv", help="Same as --format csv."), bool),
    ]


def list_options(resource: Resource) -> list[inspect.Parameter]:
    params = [option("limit", typer.Option(None, "--limit", "-n", min=1, help="At most N items."), int | None)]
    if resource.paged:
        params += [
            option("all_", typer.Option(False, "--all", help="Every item (pages as large as the API allows)."), bool),
            option("page", typer.Option(1, "--page", min=1, help="Start page."), int),
        ]
    params += format_options("table")
    if resource.filters:
        keys = ", ".join(resource.filters)
        params.append(option("filters", typer.Option([], "--filter", help=f"KEY=VALUE, KEY one of {keys}."), list[str]))
    if resource.statuses:
        choices = "|".join(resource.statuses)
        check = status_choice(resource.statuses)
        status = typer.Option(None, "--status", callback=check, help=f"{choices} (any case).")
        params.append(option("status", status, str | None))
    if resource.dated:
        params += [
            option("date_from", typer.Option(None, "--from", help="First day, YYYY-MM-DD."), str | None),
            option("date_to", typer.Option(None, "--to", help="Last day, YYYY-MM-DD."), str | None),
        ]
    if resource.tree:
        params.append(option("tree", typer.Option(False, "--tree", help="Show the hierarchy."), bool))
    return params


def run_list(resource: Resource, values: dict[str, Any]) -> None:
    chosen = pick_format(values["fmt"], values["json_"], values["jsonl"], values["csv_"])
    limit: int | None = values["limit"]
    all_: bool = values.get("all_", False)
    if limit and all_:
        raise CliError("--limit and --all: choose one")
    kwargs: dict[str, Any] = {}
    if resource.filters and values["filters"]:
        kwargs["filters"] = parse_filters(values["filters"], resource.filters)
    if values.get("status"):
        kwargs["status"] = values["status"]
    if resource.dated:
        first, last = day_range(values["date_from"], values["date_to"])
        kwargs.update({k: v for k, v in (("date_from", first), ("date_to", last)) if v})
    client = options().client()
    method = getattr(client, resource.list_method)
    if values.get("tree"):
        from .tree import print_tree

        print_tree(method(**kwargs).unwrap().data)
        return
    if not resource.paged:
        data = list(method(**kwargs).unwrap().data)
        emit(data[:limit] if limit else data, chosen, resource.columns, title=resource.name)
        return
    biggest = resource.max_page[1 if client.config.resolve().api_version == "v2" else 0]
    size = biggest if all_ else min(limit or DEFAULT_ROWS, biggest)
    page: int = values["page"]
    seen: dict[str, int | None] = {"total": None}

    def walk() -> Iterator[Any]:
        for result in method.pages(page=page, limit=size, **kwargs):
            seen["total"] = result.total if isinstance(result.total, int) else None
            yield from result.data
            if not (all_ or limit):
                return

    shown = emit(itertools.islice(walk(), limit or None), chosen, resource.columns, title=resource.name)
    total = seen["total"]
    if not all_ and total is not None and (page - 1) * size + shown < total:
        errors.print(f"{shown} of {total} {resource.name}; use --all for every one, or --limit N", highlight=False)


def _list_command(resource: Resource) -> Callable[..., None]:
    def list_(**values: Any) -> None:
        run_list(resource, values)

    list_.__signature__ = inspect.Signature(list_options(resource))  # type: ignore[attr-defined]
    list_.__doc__ = f"List {resource.name}."
    return list_


def _get_command(resource: Resource) -> Callable[..., None]:
    def get(**values: Any) -> None:
        chosen = pick_format(values["fmt"], values["json_"], values["jsonl"], values["csv_"])
        client = options().client()
        assert resource.get_method is not None
        emit_one(getattr(client, resource.get_method)(values["item_id"]).unwrap().data, chosen)

    argument = inspect.Parameter(
        "item_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=typer.Argument(..., metavar="ID"), annotation=int
    )
    get.__signature__ = inspect.Signature([argument, *format_options("table")])  # type: ignore[attr-defined]
    get.__doc__ = f"Show one of the {resource.name} by id (fields and values; --json for JSON)."
    return get


def register(root: typer.Typer) -> None:
    for resource in RESOURCES:
        app = typer.Typer(help=resource.help, no_args_is_help=True)
        app.command("list")(_list_command(resource))
        if resource.get_method:
            app.command("get")(_get_command(resource))
        apps[resource.name] = app
        root.add_typer(app, name=resource.name)
    prices = _list_command(PRICES)
    prices.__doc__ = "List the prices of products in price lists (--filter list_id=1 --filter product_id=4)."
    apps["price-lists"].command("prices")(prices)
