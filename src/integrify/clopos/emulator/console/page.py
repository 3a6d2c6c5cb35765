"""The console's HTML: plain string templates, every value escaped; real forms and buttons that work without
JavaScript (``static/console.js`` submits them in place and streams the request log)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from ..faults import KINDS
from .actions import PAYMENT_ROWS
from .view import Glance

BASE = "/_emulator/console"
METHODS = ("*", "GET", "POST", "PUT", "PATCH", "DELETE")
STATUS_NAMES = {"PENDING": "Pending", "RECEIVED": "Received", "DELIVERED": "Delivered", "IGNORE": "Ignored"}


def e(value: Any) -> str:
    """Text for HTML (``None`` shows as an empty string)."""
    return "" if value is None else escape(str(value), quote=True)


def money(value: Any) -> str:
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return e(value)


def options(pairs: Iterable[tuple[Any, str]], selected: Any = None) -> str:
    return "".join(
        f'<option value="{e(value)}"{" selected" if str(value) == str(selected) else ""}>{e(text)}</option>'
        for value, text in pairs
    )


def button_form(action: str, brand: str, label: str, aria: str, fields: dict[str, Any], css: str = "") -> str:
    """A one-button form (an action on one row)."""
    hidden = "".join(f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in fields.items())
    key = "-".join([action, *(str(v) for v in fields.values())])
    return (
        f'<form class="inline" method="post" action="{BASE}/do/{e(action)}">'
        f'<input type="hidden" name="brand" value="{e(brand)}">{hidden}'
        f'<button type="submit" id="b-{e(key)}" class="{e(css)}" aria-label="{e(aria)}">{e(label)}</button></form>'
    )


def form(action: str, brand: str, body: str, css: str = "stack") -> str:
    return (
        f'<form class="{css}" method="post" action="{BASE}/do/{e(action)}">'
        f'<input type="hidden" name="brand" value="{e(brand)}">{body}</form>'
    )


def field(label: str, ident: str, control: str, hint: str = "") -> str:
    """A labelled control; ``control`` is the input or select markup, without its id (``ident``, added here)."""
    described = f' aria-describedby="{ident}-hint"' if hint else ""
    control = control.replace("<input ", f'<input id="{ident}"{described} ', 1).replace(
        "<select ", f'<select id="{ident}"{described} ', 1
    )
    note = f'<small id="{ident}-hint">{e(hint)}</small>' if hint else ""
    return f'<div class="field"><label for="{ident}">{e(label)}</label>{control}{note}</div>'


def table(caption: str, head: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="empty"><strong>{e(caption)}</strong>: {e(empty)}</p>'
    cells = "".join(f'<th scope="col">{e(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    head_row = f"<caption>{e(caption)}</caption><thead><tr>{cells}</tr></thead>"
    return f'<div class="scroll"><table>{head_row}<tbody>{body}</tbody></table></div>'


def section(ident: str, title: str, body: str) -> str:
    heading = f'<h2 id="{ident}-h" tabindex="-1">{e(title)}</h2>'
    return f'<section id="{ident}" aria-labelledby="{ident}-h">{heading}{body}</section>'


def glance_panel(view: Glance) -> str:
    tiles = [
        ("Open receipts today", view.receipts_today.get("open", 0)),
        ("Closed receipts today", view.receipts_today.get("closed", 0)),
        *((f"{STATUS_NAMES[s]} orders", n) for s, n in view.order_counts.items()),
        ("On the stop list", len(view.stop_list)),
        ("Receipts in all", view.receipts_total),
    ]
    stats = "".join(f'<div class="tile"><dt>{e(name)}</dt><dd>{e(n)}</dd></div>' for name, n in tiles)
    venues = table(
        "Venues",
        ["#", "Name", "Address", "Time zone", "Active"],
        [
            [e(v["id"]), e(v["name"]), e(v["address"]), e(v["zone"]), "yes" if v["status"] else "no"]
            for v in view.venues
        ],
        "none",
    )
    return section("glance", f"{view.brand} at a glance · {view.today}", f'<dl class="tiles">{stats}</dl>{venues}')


def product_options(view: Glance, selected: Any = None, prices: bool = False) -> str:
    return options(
        ((p["id"], f"{p['id']} · {p['name']}" + (f" · {money(p['price'])}" if prices else "")) for p in view.products),
        selected,
    )


def venue_field(view: Glance, prefix: str) -> str:
    choices = options((v["id"], v["name"]) for v in view.venues)
    return field("Venue", f"{prefix}-venue", f'<select name="venue">{choices}</select>')


def orders_panel(view: Glance) -> str:
    parts = []
    for status, rows in view.orders.items():
        cells = []
        for o in rows:
            actions = []
            if status == "PENDING":
                actions.append(
                    button_form(
                        "accept-order",
                        view.brand,
                        "Accept",
                        f"Accept order {o['id']}",
                        {"order_id": o["id"]},
                        "primary",
                    )
                )
                actions.append(
                    button_form("ignore-order", view.brand, "Ignore", f"Ignore order {o['id']}", {"order_id": o["id"]})
                )
            elif status == "RECEIVED":
                actions.append(
                    button_form(
                        "deliver-order", view.brand, "Deliver", f"Deliver order {o['id']}", {"order_id": o["id"]}
                    )
                )
            cells.append(
                [
                    e(o["id"]),
                    e(o["venue_id"]),
                    e(o["created"]),
                    e(o["customer"]),
                    e(o["items"]),
                    money(o["total"]),
                    e(o["receipt_id"] or ""),
                    "".join(actions),
                ]
            )
        count = view.order_counts[status]
        caption = f"{STATUS_NAMES[status]} ({count}{', newest shown' if count > len(rows) else ''})"
        parts.append(
            table(caption, ["#", "Venue", "Created", "Customer", "Items", "Total", "Receipt", ""], cells, "none")
        )
    new = form(
        "new-order",
        view.brand,
        field("Product", "new-order-product_id", f'<select name="product_id">{product_options(view)}</select>')
        + field("Count", "new-order-count", '<input name="count" type="number" min="1" value="1" inputmode="numeric">')
        + venue_field(view, "new-order")
        + '<button type="submit">A new order arrives</button>',
        "row",
    )
    return section("orders", "Orders", "".join(parts) + f"<h3>Call-centre order</h3>{new}")


def receipts_panel(view: Glance) -> str:
    def delete(r: dict[str, Any]) -> str:
        return button_form(
            "delete-receipt", view.brand, "Delete", f"Delete receipt {r['id']}", {"receipt_id": r["id"]}, "danger"
        )

    open_rows = [
        [
            e(r["id"]),
            e(r["venue_id"]),
            e(r["created"]),
            e(r["source"]),
            money(r["total"]),
            e(r["order_id"] or ""),
            delete(r),
        ]
        for r in view.open_receipts
    ]
    closed_rows = [
        [e(r["id"]), e(r["venue_id"]), e(r["created"]), e(r["closed"]), money(r["total"]), e(r["paid"]), delete(r)]
        for r in view.closed_receipts
    ]
    methods = [(m["id"], m["name"]) for m in view.payment_methods]
    default = [methods[min(row, len(methods) - 1)][0] if methods else None for row in range(PAYMENT_ROWS)]
    payments = "".join(
        '<fieldset class="row">'
        f"<legend>Payment {row + 1}{' (optional)' if row else ''}</legend>"
        + field(
            "Method", f"close-method_{row}", f'<select name="method_{row}">{options(methods, default[row])}</select>'
        )
        + field("Amount", f"close-amount_{row}", f'<input name="amount_{row}" inputmode="decimal" autocomplete="off">')
        + "</fieldset>"
        for row in range(PAYMENT_ROWS)
    )
    choices = options((r["id"], f"#{r['id']} · {money(r['total'])} · {r['source']}") for r in view.open_receipts)
    close = (
        form(
            "close-receipt",
            view.brand,
            field("Receipt", "close-receipt_id", f'<select name="receipt_id">{choices}</select>')
            + payments
            + '<p class="hint">No amount: the total is paid in cash.</p>'
            + '<button type="submit" class="primary">Close receipt</button>',
        )
        if view.open_receipts
        else '<p class="empty">No open receipt to close.</p>'
    )
    walk_in = form(
        "open-receipt",
        view.brand,
        field("Product", "walk-in-product_id", f'<select name="product_id">{product_options(view)}</select>')
        + field("Count", "walk-in-count", '<input name="count" type="number" min="1" value="1" inputmode="numeric">')
        + venue_field(view, "walk-in")
        + '<button type="submit">Open a receipt</button>',
        "row",
    )
    total = view.receipts_today
    body = (
        table(
            f"Open ({total.get('open', 0)})",
            ["#", "Venue", "Opened", "Source", "Total", "Order", ""],
            open_rows,
            "none today",
        )
        + table(
            f"Closed ({total.get('closed', 0)})",
            ["#", "Venue", "Opened", "Closed", "Total", "Paid", ""],
            closed_rows,
            "none today",
        )
        + f"<h3>Close a receipt</h3>{close}<h3>A walk-in guest</h3>{walk_in}"
    )
    return section("receipts", "Today's receipts", body)


def stock_panel(view: Glance) -> str:
    rows = [
        [
            e(s["id"]),
            e(s["name"]),
            "out of stock" if not s["limit"] else f"{e(s['limit'])} left",
            button_form(
                "stock-back", view.brand, "Back in stock", f"Put {s['name']} back in stock", {"product_id": s["id"]}
            ),
        ]
        for s in view.stop_list
    ]
    run_out = form(
        "stock-out",
        view.brand,
        field("Product", "stock-out-product_id", f'<select name="product_id">{product_options(view)}</select>')
        + field(
            "Portions left",
            "stock-out-limit",
            '<input name="limit" type="number" min="0" inputmode="numeric">',
            "empty or 0: out of stock",
        )
        + '<button type="submit">Run out of stock</button>',
        "row",
    )
    price = form(
        "edit-price",
        view.brand,
        field("Product", "price-product_id", f'<select name="product_id">{product_options(view, prices=True)}</select>')
        + field("New price", "price-price", '<input name="price" inputmode="decimal" required autocomplete="off">')
        + '<button type="submit">Change price</button>',
        "row",
    )
    body = table("Stop list", ["#", "Product", "Stock", ""], rows, "empty") + run_out + "<h3>Prices</h3>" + price
    return section("stock", "Stop list and prices", body)


def faults_panel(view: Glance, faults: list[dict[str, Any]], routes: list[str]) -> str:
    def show(value: Any) -> str:
        return "" if value is None else e(f"{value:g}" if isinstance(value, float) else value)

    rows = [
        [
            e(f["kind"]),
            e(f["method"]),
            e(f["route"]),
            "until cleared" if f["times"] is None else e(f["times"]),
            show(f["probability"]),
            show(f["after"]),
            show(f["status"]),
            show(f["retry_after"]),
            show(f["ms"]),
        ]
        for f in faults
    ]
    listed = table(
        "Active faults",
        ["Kind", "Method", "Route", "Times left", "Probability", "After", "Status", "Retry-After", "ms"],
        rows,
        "none",
    )
    route_list = "".join(f'<option value="{e(r)}"></option>' for r in routes)
    add = form(
        "add-fault",
        view.brand,
        '<div class="row">'
        + field("Kind", "fault-kind", f'<select name="kind">{options((k, k) for k in KINDS)}</select>')
        + field(
            "Route",
            "fault-route",
            '<input name="route" value="*" list="route-list" autocomplete="off">',
            "a route template, a path or a glob",
        )
        + field("Method", "fault-method", f'<select name="method">{options((m, m) for m in METHODS)}</select>')
        + '</div><div class="row">'
        + field(
            "Status",
            "fault-status",
            '<input name="status" inputmode="numeric" placeholder="503">',
            "status and html kinds",
        )
        + field(
            "Retry-After (s)", "fault-retry_after", '<input name="retry_after" inputmode="decimal">', "with status 429"
        )
        + field("Latency (ms)", "fault-ms", '<input name="ms" inputmode="decimal">', "latency; gather: longest wait")
        + field("Count", "fault-count", '<input name="count" inputmode="numeric" placeholder="2">', "gather kind")
        + '</div><div class="row">'
        + field("Times", "fault-times", '<input name="times" inputmode="numeric" placeholder="1">')
        + '<div class="field check"><input type="checkbox" id="f-forever" name="forever" value="1">'
        '<label for="f-forever">Until cleared</label></div>'
        + field("Probability", "fault-probability", '<input name="probability" inputmode="decimal" placeholder="1.0">')
        + field("Seed", "fault-seed", '<input name="seed" inputmode="numeric">')
        + field(
            "After",
            "fault-after",
            '<input name="after" inputmode="numeric" placeholder="0">',
            "let this many through first",
        )
        + f'</div><datalist id="route-list">{route_list}</datalist>'
        + '<button type="submit" class="primary">Add fault</button>',
    )
    clear = form("clear-faults", view.brand, '<button type="submit" class="danger">Clear all faults</button>', "inline")
    hint = (
        '<p class="hint">A drop is <code>drop_before</code> (nothing applied) or <code>drop_after</code> '
        "(applied, answer lost); 429 with Retry-After is kind <code>status</code>, status 429; "
        "<code>gather</code> holds requests until <i>count</i> of them wait together.</p>"
    )
    return section("faults", "Faults", listed + clear + "<h3>Add a fault</h3>" + hint + add)


def activity_panel(view: Glance, rate: float | None) -> str:
    state = f"running, {rate:g} actions per second" if rate is not None else "stopped"
    sim = form(
        "simulator",
        view.brand,
        field(
            "Actions per second",
            "sim-rate",
            f'<input name="rate" inputmode="decimal" value="{e(f"{rate:g}" if rate is not None else "0.5")}">',
        )
        + '<button type="submit" name="run" value="on" class="primary">Start / set rate</button>'
        + '<button type="submit" name="run" value="off">Stop</button>',
        "row",
    )
    reset = form("reset", view.brand, '<button type="submit" class="danger">Reset the emulator</button>', "inline")
    body = (
        f'<p>Activity simulator: <strong id="sim-state">{e(state)}</strong> (random receipts, orders, stop list and '
        f"prices on {e(view.brand)})</p>{sim}"
        f"<p>Reset: demo data, tokens, faults and the request log back to the start.</p>{reset}"
        f'<p><a href="{BASE}/state.json" download>Download the state (JSON)</a></p>'
    )
    return section("activity", "Activity, reset and state", body)


def panels(view: Glance, faults: list[dict[str, Any]], routes: list[str], rate: float | None) -> str:
    """Everything that shows state (re-rendered after each action and while the page is idle)."""
    return (
        glance_panel(view)
        + orders_panel(view)
        + receipts_panel(view)
        + stock_panel(view)
        + faults_panel(view, faults, routes)
        + activity_panel(view, rate)
    )


def page(view: Glance, inner: str, routes: list[str], message: str = "", error: bool = False) -> str:
    brands = options(((b, b) for b in view.brands), view.brand)
    route_filter = "".join(f'<option value="{e(r)}"></option>' for r in routes)
    flash = f'<p id="flash" class="flash{" error" if error else ""}" role="status" aria-live="polite">{e(message)}</p>'
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clopos emulator console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{BASE}/static/console.css">
<script src="{BASE}/static/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to the console</a>
<header class="top">
<h1>Clopos emulator <span>console</span></h1>
<form class="inline" method="get" action="{BASE}">
<label for="brand-pick">Brand</label> <select id="brand-pick" name="brand">{brands}</select>
<button type="submit">Show</button>
</form>
<nav aria-label="Jump to">
<a href="#orders">Orders</a> <a href="#receipts">Receipts</a> <a href="#stock">Stop list</a>
<a href="#faults">Faults</a> <a href="#log">Request log</a>
</nav>
</header>
{flash}
<main id="main" data-brand="{e(view.brand)}">
<div id="panels">{inner}</div>
<section id="log" aria-labelledby="log-h">
<h2 id="log-h" tabindex="-1">Live request log</h2>
<div class="row toolbar">
<div class="field"><label for="log-filter">Filter by route</label>
<input id="log-filter" type="search" list="log-routes" placeholder="/open-api/receipts" autocomplete="off"></div>
<datalist id="log-routes">{route_filter}</datalist>
<div class="field check"><input type="checkbox" id="log-pause"><label for="log-pause">Pause</label></div>
<button type="button" id="log-clear">Clear view</button>
<span id="log-state" aria-live="polite">connecting…</span>
</div>
<div class="scroll"><table class="log"><caption>Newest first; the API's requests only</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Status</th>
<th scope="col">ms</th><th scope="col">Fault</th></tr></thead><tbody id="log-rows"></tbody></table></div>
<noscript><p>The live log needs JavaScript;
<a href="/_emulator/requests">/_emulator/requests</a> gives the log as JSON.</p></noscript>
</section>
</main>
</body>
</html>
"""
