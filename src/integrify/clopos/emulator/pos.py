"""The emulator as a live venue: a POS clerk's actions on the emulator's state, one function each.

``Pos(state)`` opens, closes, edits and deletes receipts, takes call-centre orders and accepts, ignores or
delivers them, runs stop-list items out and back, edits prices and adds or removes products. Each action
changes the state exactly as the API (or the POS behind it) would, so what a poller reads over HTTP is
what happened. ``Simulator`` runs random actions at a seeded rate (``--activity RATE``); the control
routes ``POST /_emulator/pos/{action}`` trigger one on demand, for deterministic tests.
"""

from __future__ import annotations

import copy
import random
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .config import DEMO
from .demo_data import Record, iso
from .responses import ApiError
from .routes_orders import accept_order
from .state import BrandData, State

#: Products the simulator sells and puts on the stop list (sellable dishes and goods).
SELLABLE = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Pos:
    """A clerk at one venue of one brand. Every method takes the state lock, changes, persists, and
    returns the changed record; ids are optional (a suitable one is picked at random, seeded)."""

    def __init__(self, state: State, brand: str = DEMO.brand, venue: int = 1, seed: int = 0) -> None:
        self.state = state
        self.brand_name = brand
        self.venue = venue
        self.random = random.Random(seed)

    @property
    def brand(self) -> BrandData:
        return self.state.brand(self.brand_name)

    def _local(self, moment: datetime) -> str:
        """Venue wall-clock text, as Clopos writes receipt and product times."""
        config = self.state.config
        zones: dict[int, str] = getattr(config, "venue_timezones", {}) or {}
        name = zones.get(self.venue) or getattr(config, "timezone", None) or "UTC"
        return moment.astimezone(ZoneInfo(name)).strftime("%Y-%m-%d %H:%M:%S")

    def _change(self, action: Callable[[], Record]) -> Record:
        with self.state.write() as saving:
            record = copy.deepcopy(action())
        saving.wait()
        return record

    # -- receipts ------------------------------------------------------------------------------

    def open_receipts(self) -> list[int]:
        receipts = self.brand.receipts
        return sorted(
            rid for rid, r in receipts.created.items() if r.get("status") == 1 and rid not in receipts.deleted
        )

    def _receipt(self, receipt_id: int | None, open_only: bool = False) -> Record:
        receipts = self.brand.receipts
        if receipt_id is None:
            choices = self.open_receipts() if open_only else sorted(set(receipts.created) - receipts.deleted)
            if not choices:
                raise ApiError(400, "validation_failed", "No receipt to act on: open one first")
            receipt_id = self.random.choice(choices)
        record = receipts.get(receipt_id)
        if record is None:
            raise ApiError(404, "not_found", "Receipt not found")
        return copy.deepcopy(record)

    def open_receipt(self, product_id: int | None = None, count: int = 1) -> Record:
        """A walk-in guest: a new open receipt with one line (status 1, no payment yet)."""

        def act() -> Record:
            brand = self.brand
            template = copy.deepcopy(brand.receipts.get(1) or {})
            receipt_id = brand.receipts.next_id
            product = brand.table("catalog")[product_id or self.random.choice(SELLABLE)]
            price = float(product.get("price") or 0)
            total = round(price * count, 2)
            now = self._local(_now())
            line = copy.deepcopy((template.get("receipt_products") or [{}])[0])
            line.update(
                id=receipt_id * 10,
                cid=str(uuid.uuid4()),
                receipt_id=receipt_id,
                product_id=product["id"],
                count=count,
                price=price,
                total=total,
                subtotal=total,
                meta={"product": {"name": product.get("name"), "price": price}},
            )
            template.update(
                id=receipt_id,
                venue_id=self.venue,
                cid=str(uuid.uuid4()),
                status=1,
                source="pos",
                lock=False,
                total=total,
                subtotal=total,
                original_subtotal=total,
                remaining=total,
                payment_methods=[],
                by_cash=0,
                by_card=0,
                fiscal_id=None,
                order_status=None,
                order_number=None,
                service_notification_id=None,
                created_at=now,
                updated_at=now,
                closed_at=None,
                shift_date=now[:10],
                deleted_at=None,
                receipt_products=[line],
            )
            brand.receipts.save(template)
            return template

        return self._change(act)

    def close_receipt(self, receipt_id: int | None = None, payment_methods: list[Record] | None = None) -> Record:
        """The guest pays: status 2, ``closed_at`` now; ``payment_methods`` (id, name, amount), by default the
        total in cash."""

        def act() -> Record:
            record = self._receipt(receipt_id, open_only=True)
            if record.get("status") == 2:
                raise ApiError(400, "validation_failed", "Receipt is already closed")
            now = self._local(_now())
            total = float(record.get("total") or 0)
            method = self.brand.table("payment_methods").get(1) or {"id": 1, "name": "Cash"}
            payments = payment_methods or [{"id": method["id"], "name": method["name"], "amount": total}]
            paid = round(sum(float(p["amount"]) for p in payments), 2)
            record.update(
                status=2,
                closed_at=max(now, str(record.get("created_at"))),
                updated_at=now,
                payment_methods=payments,
                by_cash=round(sum(float(p["amount"]) for p in payments if p["id"] == method["id"]), 2),
                remaining=max(0.0, round(total - paid, 2)),
            )
            self.brand.receipts.save(record)
            return record

        return self._change(act)

    def edit_receipt(self, receipt_id: int | None = None, **fields: Any) -> Record:
        """A late edit (what PATCH allows): ``fiscal_id`` by default, or the fields given."""

        def act() -> Record:
            record = self._receipt(receipt_id)
            allowed = {"order_status", "order_number", "fiscal_id", "lock", "description", "guests"}
            if set(fields) - allowed:
                raise ApiError(400, "validation_failed", f"Editable fields: {', '.join(sorted(allowed))}")
            record.update(fields or {"fiscal_id": f"FS-{self.random.randrange(10**8):08d}"})
            record["updated_at"] = self._local(_now())
            self.brand.receipts.save(record)
            return record

        return self._change(act)

    def delete_receipt(self, receipt_id: int | None = None) -> Record:
        """A manager removes a receipt (irreversible, as ``DELETE /receipts/{id}``)."""

        def act() -> Record:
            record = self._receipt(receipt_id)
            self.brand.receipts.delete(int(record["id"]))
            return record

        return self._change(act)

    # -- orders ------------------------------------------------------------------------------------

    def _order(self, order_id: int | None, status: str | None = "PENDING") -> Record:
        orders = self.brand.table("orders")
        if order_id is None:
            choices = sorted(k for k, o in orders.items() if status is None or o["status"] == status)
            if not choices:
                raise ApiError(400, "validation_failed", f"No {status} order: make one first")
            order_id = self.random.choice(choices)
        order = orders.get(order_id)
        if order is None:
            raise ApiError(404, "not_found", "Order not found")
        return order

    def new_order(self, product_id: int | None = None, count: int = 1) -> Record:
        """A call-centre order arrives: PENDING, as ``POST /orders`` makes it."""

        def act() -> Record:
            orders = self.brand.table("orders")
            order = copy.deepcopy(orders[min(orders)])
            order_id = self.brand.next_id("orders")
            product = self.brand.table("catalog")[product_id or self.random.choice(SELLABLE)]
            line = copy.deepcopy(order["payload"]["products"][0])
            line.update(product_id=product["id"], count=count)
            line["meta"] = {**line.get("meta", {}), "price": product.get("price")}
            now = _now()
            order["payload"]["products"] = [line]
            order.update(
                id=order_id,
                venue_id=self.venue,
                status="PENDING",
                receipt_id=None,
                receive_user_id=None,
                receive_terminal_id=None,
                created_at=iso(now),
                updated_at=iso(now),
                _created=self._local(now),
            )
            orders[order_id] = order
            return order

        return self._change(act)

    def accept_order(self, order_id: int | None = None) -> Record:
        """The clerk accepts: RECEIVED, and an open receipt is made (the API's own ``accept_order``)."""
        return self._change(lambda: accept_order(self.brand, int(self._order(order_id)["id"])))

    def _set_status(self, order_id: int | None, status: str, source: str) -> Record:
        def act() -> Record:
            order = self._order(order_id, source)
            order.update(status=status, updated_at=iso(_now()))
            return {k: v for k, v in order.items() if not k.startswith("_")}

        return self._change(act)

    def ignore_order(self, order_id: int | None = None) -> Record:
        """The clerk ignores a PENDING order."""
        return self._set_status(order_id, "IGNORE", "PENDING")

    def deliver_order(self, order_id: int | None = None) -> Record:
        """A RECEIVED order is delivered (Clopos sets DELIVERED itself)."""
        return self._set_status(order_id, "DELIVERED", "RECEIVED")

    # -- stop list and catalog -------------------------------------------------------------------

    def _stop(self, product_id: int | None, limit: float | None) -> Record:
        def act() -> Record:
            table = self.brand.table("stop_list")
            pid = product_id or self.random.choice(
                [p for p in SELLABLE if (limit is None) == (p in table)] or list(SELLABLE)
            )
            if limit is None:
                table.pop(pid, None)
                return {"id": pid, "limit": None}
            table[pid] = {"id": pid, "limit": limit, "timestamp": int(_now().timestamp() * 1000)}
            return table[pid]

        return self._change(act)

    def stock_out(self, product_id: int | None = None) -> Record:
        """A product runs out: stop list limit 0."""
        return self._stop(product_id, 0)

    def stock_limit(self, product_id: int | None = None, limit: int = 5) -> Record:
        """Only ``limit`` portions left."""
        return self._stop(product_id, limit)

    def stock_back(self, product_id: int | None = None) -> Record:
        """Back in stock: off the stop list."""
        return self._stop(product_id, None)

    def _product(self, product_id: int | None) -> Record:
        products = self.brand.table("products")
        pid = product_id or self.random.choice([p for p in SELLABLE if p in products] or sorted(products))
        if pid not in products:
            raise ApiError(404, "not_found", "Product not found")
        return products[pid]

    def edit_price(self, product_id: int | None = None, price: float | None = None) -> Record:
        """The manager changes a price (``updated_at`` moves)."""

        def act() -> Record:
            product = self._product(product_id)
            old = float(product.get("price") or 0)
            new = price if price is not None else round(max(0.5, old + self.random.choice((-0.5, 0.5, 1.0))), 2)
            product.update(price=new, updated_at=self._local(_now()))
            self.brand.table("catalog")[int(product["id"])] = {
                **self.brand.table("catalog")[int(product["id"])],
                "price": new,
            }
            return product

        return self._change(act)

    def add_product(self, name: str | None = None, price: float = 5.0) -> Record:
        """A new dish on the menu."""

        def act() -> Record:
            products = self.brand.table("products")
            product = copy.deepcopy(products[3])
            pid = max(max(products), max(self.brand.table("catalog"))) + 1
            now = self._local(_now())
            product.update(
                id=pid,
                name=name or f"Yeni yemək {pid}",
                full_name=name or f"Yeni yemək {pid}",
                price=price,
                created_at=now,
                updated_at=now,
            )
            products[pid] = product
            self.brand.table("catalog")[pid] = product
            return product

        return self._change(act)

    def delete_product(self, product_id: int | None = None) -> Record:
        """A product leaves the menu (the newest one by default)."""

        def act() -> Record:
            products = self.brand.table("products")
            pid = product_id or max(products)
            if pid not in products:
                raise ApiError(404, "not_found", "Product not found")
            return products.pop(pid)

        return self._change(act)

    # -- random activity ---------------------------------------------------------------------------

    def step(self) -> tuple[str, Record | None]:
        """One random action, weighted like a day at a venue; an action with nothing to act on is skipped."""
        name = self.random.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        try:
            return name, ACTIONS[name](self)
        except ApiError:
            return name, None

    def burst(self, count: int) -> list[str]:
        """``count`` random actions at once; returns the names of those that changed something."""
        return [name for name, record in (self.step() for _ in range(count)) if record is not None]


ACTIONS: dict[str, Callable[..., Record]] = {
    "open-receipt": Pos.open_receipt,
    "close-receipt": Pos.close_receipt,
    "edit-receipt": Pos.edit_receipt,
    "delete-receipt": Pos.delete_receipt,
    "new-order": Pos.new_order,
    "accept-order": Pos.accept_order,
    "ignore-order": Pos.ignore_order,
    "deliver-order": Pos.deliver_order,
    "stock-out": Pos.stock_out,
    "stock-limit": Pos.stock_limit,
    "stock-back": Pos.stock_back,
    "edit-price": Pos.edit_price,
    "add-product": Pos.add_product,
    "delete-product": Pos.delete_product,
}
WEIGHTS = {
    "open-receipt": 30,
    "close-receipt": 25,
    "edit-receipt": 5,
    "delete-receipt": 1,
    "new-order": 8,
    "accept-order": 5,
    "ignore-order": 2,
    "deliver-order": 3,
    "stock-out": 3,
    "stock-limit": 2,
    "stock-back": 4,
    "edit-price": 2,
}


class Simulator:
    """Random POS actions at ``rate`` per second on average (seeded), in a daemon thread."""

    def __init__(self, state: State, rate: float, seed: int = 0, brand: str = DEMO.brand, venue: int = 1) -> None:
        self.pos = Pos(state, brand, venue, seed)
        self.rate = rate
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="clopos-pos-simulator", daemon=True)

    def start(self) -> Simulator:
        self.thread.start()
        return self

    def _loop(self) -> None:
        while not self.stopped.wait(self.pos.random.expovariate(self.rate)):
            self.pos.step()

    def stop(self) -> None:
        self.stopped.set()


def routes(state: State) -> list[Route]:
    """``GET /_emulator/pos`` (the actions), ``POST /_emulator/pos/{action}`` (JSON body: its arguments;
    query ``brand``, ``venue``), ``POST /_emulator/pos/burst?count=N&seed=S``."""

    def pos_for(request: Request) -> Pos:
        query = request.query_params
        return Pos(state, query.get("brand", DEMO.brand), int(query.get("venue", "1")), int(query.get("seed", "0")))

    async def index(request: Request) -> Response:
        return JSONResponse({"actions": sorted(ACTIONS), "burst": "POST /_emulator/pos/burst?count=N"})

    async def act(request: Request) -> Response:
        name = request.path_params["action"]
        if name == "burst":
            done = pos_for(request).burst(int(request.query_params.get("count", "100")))
            return JSONResponse({"success": True, "changes": len(done)})
        if name not in ACTIONS:
            return JSONResponse({"success": False, "error": "not_found", "message": f"Unknown action {name}"}, 404)
        raw = await request.body()
        arguments = await request.json() if raw.strip() else {}
        try:
            record = ACTIONS[name](pos_for(request), **arguments)
        except ApiError as error:
            return JSONResponse({"success": False, "error": error.code, "message": error.message}, error.status)
        except TypeError as error:
            return JSONResponse({"success": False, "error": "validation_failed", "message": str(error)}, 400)
        return JSONResponse(
            {"success": True, "action": name, "data": {k: v for k, v in record.items() if not k.startswith("_")}}
        )

    return [
        Route("/_emulator/pos", index, methods=["GET"]),
        Route("/_emulator/pos/{action:str}", act, methods=["POST"]),
    ]
