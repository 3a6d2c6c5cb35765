"""The console's actions: a form's fields in, one call of what the API and the control routes use, a sentence out.

Clerk actions are ``Pos`` methods (``emulator/pos.py``), the same state changes the API routes make; faults go
through ``parse_fault_spec`` and ``FaultController.add`` as ``POST /_emulator/faults`` does. Each action
raises ``ApiError`` (or ``ValueError``) with the reason for bad input, and changes nothing then.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..demo_data import Record
from ..faults import parse_fault_spec
from ..pos import Pos, Simulator
from ..responses import ApiError
from ..routes_receipts import money

if TYPE_CHECKING:
    from ..app import EmulatorCore
    from .live import LiveLog

#: The fault form's fields, in the order of a spec string (``kind`` first).
FAULT_FIELDS = ("route", "method", "times", "probability", "seed", "after", "status", "retry_after", "ms", "count")
#: How many payment rows the close-receipt form has.
PAYMENT_ROWS = 2


@dataclass
class Act:
    """One action's inputs: the emulator, the console's log, the app's state (for the simulator) and the form."""

    core: EmulatorCore
    live: LiveLog
    app_state: Any
    brand: str
    form: dict[str, str]

    def pos(self) -> Pos:
        return Pos(self.core.state, self.brand, self.number("venue", "The venue", default=1))

    def number(self, key: str, what: str, default: int | None = None) -> int:
        """A positive integer field (``default`` when it is empty)."""
        raw = self.form.get(key, "").strip()
        if not raw and default is not None:
            return default
        if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 2**63:
            raise ApiError(400, "validation_failed", f"{what} must be a positive integer")
        return int(raw)

    def product(self) -> int:
        product_id = self.number("product_id", "The product")
        if product_id not in self.core.state.brand(self.brand).table("products"):
            raise ApiError(404, "not_found", f"Product {product_id} not found")
        return product_id


def _amount(text: str, what: str) -> float:
    value = float(money(text.strip(), what))
    if not math.isfinite(value) or value < 0:
        raise ApiError(400, "validation_failed", f"{what} must be 0 or more")
    return value


def accept_order(act: Act) -> str:
    order = act.pos().accept_order(act.number("order_id", "The order"))
    return f"Order {order['id']} accepted: RECEIVED, receipt {order['receipt_id']} opened"


def _moved(act: Act, source: str, change: Callable[[Pos, int], Record]) -> Record:
    """``change`` on an order that is still ``source`` (a page shown a while ago may offer a stale button)."""
    order_id = act.number("order_id", "The order")
    with act.core.state.lock:
        order = act.core.state.brand(act.brand).table("orders").get(order_id)
        if order is not None and order["status"] != source:
            raise ApiError(400, "validation_failed", f"Order is {order['status']}, not {source}")
        return change(act.pos(), order_id)


def ignore_order(act: Act) -> str:
    order = _moved(act, "PENDING", Pos.ignore_order)
    return f"Order {order['id']} ignored"


def deliver_order(act: Act) -> str:
    order = _moved(act, "RECEIVED", Pos.deliver_order)
    return f"Order {order['id']} delivered"


def new_order(act: Act) -> str:
    order = act.pos().new_order(act.product(), act.number("count", "The count", default=1))
    return f"Order {order['id']} arrived: PENDING"


def open_receipt(act: Act) -> str:
    receipt = act.pos().open_receipt(act.product(), act.number("count", "The count", default=1))
    return f"Receipt {receipt['id']} opened ({receipt['total']})"


def close_receipt(act: Act) -> str:
    """Paid with the rows given (method and amount), or, with no amount, the total in cash."""
    known = act.core.state.brand(act.brand).table("payment_methods")
    payments: list[Record] = []
    for row in range(PAYMENT_ROWS):
        raw = act.form.get(f"amount_{row}", "").strip()
        if not raw:
            continue
        method = known.get(act.number(f"method_{row}", f"Payment {row + 1}'s method"))
        if method is None:
            raise ApiError(400, "validation_failed", f"Payment {row + 1}'s method does not exist")
        payments.append({"id": method["id"], "name": method["name"], "amount": _amount(raw, f"Payment {row + 1}")})
    receipt = act.pos().close_receipt(act.number("receipt_id", "The receipt"), payments or None)
    paid = ", ".join(f"{p['name']} {p['amount']:g}" for p in receipt["payment_methods"])
    return f"Receipt {receipt['id']} closed: {paid}"


def delete_receipt(act: Act) -> str:
    receipt = act.pos().delete_receipt(act.number("receipt_id", "The receipt"))
    return f"Receipt {receipt['id']} deleted"


def stock_out(act: Act) -> str:
    """Out of stock (limit 0), or only ``limit`` portions left."""
    product_id = act.product()
    limit = act.form.get("limit", "").strip()
    if limit in ("", "0"):
        act.pos().stock_out(product_id)
        return f"Product {product_id} is out of stock"
    act.pos().stock_limit(product_id, act.number("limit", "The limit"))
    return f"Product {product_id}: {limit} left"


def stock_back(act: Act) -> str:
    product_id = act.product()
    act.pos().stock_back(product_id)
    return f"Product {product_id} is back in stock"


def edit_price(act: Act) -> str:
    product_id = act.product()
    price = _amount(act.form.get("price", ""), "The price")
    act.pos().edit_price(product_id, price)
    return f"Product {product_id} now costs {price:g}"


def add_fault(act: Act) -> str:
    """The fields as a spec string, read by ``parse_fault_spec`` and checked by ``FaultController.add``."""
    kind = act.form.get("kind", "").strip()
    values = {key: act.form.get(key, "").strip() for key in FAULT_FIELDS}
    if act.form.get("forever"):
        values["times"] = "none"
    for key, value in values.items():
        if "," in value:
            raise ValueError(f"{key} cannot hold a comma")
    spec = parse_fault_spec(":".join([kind, ",".join(f"{k}={v}" for k, v in values.items() if v)]))
    fault = act.core.faults.add(**spec)
    return f"Fault added: {fault.kind} on {fault.method} {fault.route}"


def clear_faults(act: Act) -> str:
    act.core.faults.clear()
    return "Faults cleared"


def simulator(act: Act) -> str:
    """``run=on`` starts (or restarts at a new ``rate``) random POS activity on this brand; ``run=off`` stops it."""
    running: Simulator | None = getattr(act.app_state, "simulator", None)
    if act.form.get("run") == "off":
        if running is not None:
            running.stop()
        return "Activity simulator stopped"
    try:
        rate = float(act.form.get("rate", ""))
    except ValueError:
        rate = math.nan
    if not (math.isfinite(rate) and 0 < rate <= 100):
        raise ApiError(400, "validation_failed", "The rate is actions per second: above 0, at most 100")
    if running is not None:
        running.stop()
    act.app_state.simulator = Simulator(act.core.state, rate, act.core.config.seed, brand=act.brand).start()
    return f"Activity simulator running: {rate:g} actions per second on {act.brand}"


def reset(act: Act) -> str:
    act.core.reset().wait()
    act.live.clear()
    return "Emulator reset: demo data, tokens, faults and the request log are back to the start"


ACTIONS: dict[str, Callable[[Act], str]] = {
    "accept-order": accept_order,
    "ignore-order": ignore_order,
    "deliver-order": deliver_order,
    "new-order": new_order,
    "open-receipt": open_receipt,
    "close-receipt": close_receipt,
    "delete-receipt": delete_receipt,
    "stock-out": stock_out,
    "stock-back": stock_back,
    "edit-price": edit_price,
    "add-fault": add_fault,
    "clear-faults": clear_faults,
    "simulator": simulator,
    "reset": reset,
}


def simulator_rate(app_state: Any) -> float | None:
    """The running simulator's rate, or None."""
    running: Simulator | None = getattr(app_state, "simulator", None)
    if running is None or running.stopped.is_set():
        return None
    return running.rate
