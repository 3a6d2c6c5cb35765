"""``clopos demo``: the emulator in-process and a narrated end-to-end flow with the real client over HTTP."""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.panel import Panel
from rich.table import Table

from integrify.clopos import CloposClientClass
from integrify.clopos.emulator import run_emulator

from .export import run_export
from .output import console, number
from .tree import print_tree


def step(number: int, text: str) -> None:
    console.print(f"\n[bold cyan]{number}.[/] [bold]{text}[/]")


def run_demo(api: str = "v1") -> None:
    started = time.monotonic()
    console.print(
        Panel.fit(
            "[bold]Clopos demo[/] — the real client against the embedded emulator, over HTTP\n"
            f"API generation {api[-1]}; nothing leaves this machine.",
            border_style="cyan",
        )
    )
    with run_emulator() as emu:
        c = emu.credentials
        client = CloposClientClass(
            base_url=emu.base_url,
            client_id=c.client_id,
            client_secret=c.client_secret,
            brand=c.brand,
            venue_id=c.venue_id,
            integrator_id=c.integrator_id,
            api_version=api,
        )
        console.print(f"emulator at [link]{emu.base_url}[/] · brand [bold]{c.brand}[/]")

        step(1, "Authenticate")
        auth = client.auth().unwrap()
        console.print(f"token received ({auth.token_type}, valid {auth.expires_in} s); later calls renew it themselves")

        step(2, "Venues and the menu")
        venues = Table("id", "venue", "address", header_style="bold cyan")
        for venue in client.get_venues.iter():
            venues.add_row(str(venue.id), venue.name, str(venue.address or ""))
        console.print(venues)
        print_tree(client.get_categories(type="PRODUCT").unwrap().data)
        dishes = [p for p in client.get_products.iter(limit=50) if p.type in ("DISH", "GOODS") and p.price]
        console.print(
            f"{len(dishes)} products on sale, e.g. " + ", ".join(f"{p.name} ({p.price} ₼)" for p in dishes[:3])
        )

        step(3, "A delivery order from the web shop")
        customer = client.get_customer_by_id(9).unwrap().data
        dish, drink = dishes[0], next(p for p in dishes if p.type == "GOODS")
        payload: dict[str, Any] = {
            "service": {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"},
            "customer": {"id": customer.id, "name": customer.name, "phone": customer.phone},
            "products": [
                {
                    "product_id": dish.id,
                    "count": 2,
                    "meta": {
                        "price": number(dish.price),
                        "order_product": {
                            "product": {"id": dish.id, "name": dish.name, "price": number(dish.price)},
                            "count": 2,
                        },
                    },
                },
                {"product_id": drink.id, "count": 1},
            ],
        }
        order = client.create_order(customer_id=customer.id, payload=payload, meta={"comment": "Leave at the door"})
        order_id = order.unwrap().data.id
        console.print(f"order [bold]#{order_id}[/] for {customer.name}: status {order.unwrap().data.status}")
        assert isinstance(order_id, int)

        step(4, "The POS clerk accepts it (played by the emulator)")
        emu.accept_order(order_id)
        seen = client.get_order_by_id(order_id, with_="receipt:id,service_notification_id,status").unwrap().data
        console.print(f"order #{order_id} is {seen.status}; it opened receipt [bold]#{seen.receipt_id}[/]")

        step(5, "Find the opened receipt and close it with two payments")
        assert isinstance(seen.receipt_id, int)
        receipt = client.get_receipt_by_id(seen.receipt_id).unwrap().data
        total = number(receipt.total)
        card = round(total / 2, 2)
        payments = [
            {"id": 1, "name": "Cash", "amount": round(total - card, 2)},
            {"id": 2, "name": "Card", "amount": card},
        ]
        client.close_receipt(receipt.id, str(receipt.cid), payments).unwrap()
        console.print(f"receipt #{receipt.id} total {total:.2f} ₼ closed: cash {total - card:.2f} + card {card:.2f}")

        step(6, "Set its fiscal id")
        fiscal = f"FIS-{uuid.uuid4().hex[:10].upper()}"
        patched = client.update_closed_receipt(receipt.id, fiscal_id=fiscal, order_status="COMPLETED").unwrap().data
        console.print(f"receipt #{patched.id}: fiscal id {patched.fiscal_id}, order status {patched.order_status}")

        step(7, "Export the day's receipts")
        today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / f"receipts-{today}.csv"
            rows = run_export(client, "receipts", today, today, "csv", out)
            console.print(f"{rows} rows (one per receipt line) written to {out.name}:")
            for line in out.read_text(encoding="utf-8").splitlines()[:3]:
                console.print(f"  [dim]{line}[/]", highlight=False, no_wrap=True, overflow="ellipsis")
        client.close()
    console.print(
        Panel.fit(
            f"[bold green]Demo finished[/] in {time.monotonic() - started:.1f} s. "
            "Next: `clopos emulator serve`, then point CLOPOS_BASE_URL at it.",
            border_style="green",
        )
    )
