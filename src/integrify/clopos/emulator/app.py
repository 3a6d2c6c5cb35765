"""The ASGI application: the API routes of both generations, control routes, faults and the request log."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import console, openapi, pos
from . import routes_auth as auth
from . import routes_catalog as catalog
from . import routes_orders as orders
from . import routes_receipts as receipts
from .config import DEMO, EmulatorConfig
from .context import SlidingWindow
from .faults import FaultController, Recorder, parse_fault_spec
from .responses import ApiError, error_response
from .state import Saving, State
from .validation import parse_json

# (method, path under /open-api, handler, generations)
API: list[tuple[str, str, Callable[[Request], Any], tuple[str, ...]]] = [
    ("POST", "/auth", auth.auth, ("v1", "v2")),
    ("GET", "/venues", catalog.list_venues, ("v1", "v2")),
    ("GET", "/users", catalog.list_users, ("v1", "v2")),
    ("GET", "/users/{id}", catalog.get_user, ("v1", "v2")),
    ("GET", "/customers", catalog.list_customers, ("v1", "v2")),
    ("POST", "/customers", catalog.create_customer, ("v1", "v2")),
    ("GET", "/customers/{id}", catalog.get_customer, ("v1", "v2")),
    ("GET", "/customer-groups", catalog.list_customer_groups, ("v1", "v2")),
    ("GET", "/categories", catalog.list_categories, ("v1", "v2")),
    ("GET", "/categories/{id}", catalog.get_category, ("v1", "v2")),
    ("GET", "/stations", catalog.list_stations, ("v1", "v2")),
    ("GET", "/stations/{id}", catalog.get_station, ("v1", "v2")),
    ("GET", "/products", catalog.list_products, ("v1", "v2")),
    ("GET", "/products/stop-list", catalog.stop_list, ("v1", "v2")),
    ("GET", "/products/{id}", catalog.get_product, ("v1", "v2")),
    ("GET", "/sale-types", catalog.list_sale_types, ("v1", "v2")),
    ("GET", "/payment-methods", catalog.list_payment_methods, ("v1", "v2")),
    ("GET", "/orders", orders.list_orders, ("v1", "v2")),
    ("POST", "/orders", orders.create_order, ("v1", "v2")),
    ("GET", "/orders/{id}", orders.get_order, ("v1", "v2")),
    ("PUT", "/orders/{id}", orders.update_order, ("v1", "v2")),
    ("GET", "/receipts", receipts.list_receipts, ("v1", "v2")),
    ("POST", "/receipts", receipts.create_receipt, ("v1",)),
    ("GET", "/receipts/{id}", receipts.get_receipt, ("v1", "v2")),
    ("PUT", "/receipts/{id}", receipts.put_receipt, ("v1",)),
    ("PATCH", "/receipts/{id}", receipts.patch_receipt, ("v1", "v2")),
    ("DELETE", "/receipts/{id}", receipts.delete_receipt, ("v1",)),
    ("POST", "/receipts/{id}/close", receipts.close_receipt, ("v2",)),
    ("GET", "/receipts/{id}/stock-operations", receipts.stock_operations, ("v2",)),
    ("GET", "/price-lists", catalog.list_price_lists, ("v2",)),
    ("GET", "/price-lists/prices", catalog.list_prices, ("v2",)),
]


def api_table() -> list[tuple[str, str, str, Callable[[Request], Any]]]:
    """(method, full path, generation, handler) of every API route."""
    return [
        (method, ("/open-api/v2" if generation == "v2" else "/open-api") + path, generation, handler)
        for method, path, handler, generations in API
        for generation in generations
    ]


def api_routes() -> list[Route]:
    return [Route(path, handler, methods=[method]) for method, path, _, handler in api_table()]


#: Settings a running emulator cannot change (the SQLite file, the activity simulator, the log's size).
FIXED_AT_START = frozenset({"db", "activity", "log_size"})
#: Settings the demo data is built from.
DATA_SETTINGS = frozenset({"receipts", "seed", "timezone", "venue_timezones"})


class EmulatorCore:
    """State, faults and request log of one emulator; what the control routes and the Python handle use."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self._initial_config = copy.deepcopy(config)
        self.state = State(config)
        self.faults = FaultController()
        for spec in config.faults:
            self.faults.add(**spec)
        self.recorder: Recorder | None = None
        self.rate_windows = SlidingWindow()

    def reset(self) -> Saving:
        """Settings, demo data, tokens, faults (those given at start armed again), rate-limit windows and the
        request log back to the start (``Saving``: the SQLite wipe)."""
        for setting in dataclasses.fields(self.config):  # a test's change (token_ttl, ...) ends with it
            setattr(self.config, setting.name, copy.deepcopy(getattr(self._initial_config, setting.name)))
        saving = self.state.wipe()
        self.faults.clear()
        for spec in self.config.faults:
            self.faults.add(**spec)
        self.rate_windows.events.clear()
        if self.recorder is not None:
            self.recorder.requests.clear()
            self.recorder.counters.clear()
            self.recorder.max_in_flight = 0
        return saving

    def configure(self, **settings: Any) -> Saving:
        """Change ``EmulatorConfig`` fields while running (``reset`` restores them): ``faults`` are added to
        the rules, and a change of ``receipts``, ``seed`` or time zones rebuilds the demo data."""
        known = {f.name for f in dataclasses.fields(self.config)}
        unknown = set(settings) - known
        if unknown:
            raise TypeError(f"unknown emulator option(s): {', '.join(sorted(unknown))}")
        fixed = set(settings) & FIXED_AT_START
        if fixed:
            raise ValueError(f"{', '.join(sorted(fixed))} is fixed when the emulator starts: use run_emulator(...)")
        for spec in settings.pop("faults", []):
            self.faults.add(**spec)
        for name, value in settings.items():
            setattr(self.config, name, value)
        return self.state.wipe() if set(settings) & DATA_SETTINGS else Saving()

    def close(self) -> None:
        self.state.close()


def control_error(message: str, status: int = 400) -> Response:
    """Control routes answer bad input as the API does: an E1 body naming what is wrong."""
    code = "not_found" if status == 404 else "validation_failed"
    return error_response(ApiError(status, code, message))


def control_routes(core: EmulatorCore) -> list[Route]:
    async def reset(request: Request) -> Response:
        await core.reset().wait_async()
        return JSONResponse({"success": True})

    async def requests(request: Request) -> Response:
        assert core.recorder is not None
        if request.method == "DELETE":
            core.recorder.requests.clear()
            return JSONResponse({"success": True})
        return JSONResponse([r.public() for r in core.recorder.requests])

    async def counters(request: Request) -> Response:
        assert core.recorder is not None
        return JSONResponse(dict(core.recorder.counters))

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            core.faults.clear()
        elif request.method == "POST":
            try:
                spec = parse_json(await request.body())
                if isinstance(spec, str):
                    spec = parse_fault_spec(spec)
                if not isinstance(spec, dict) or not isinstance(spec.get("kind"), str):
                    raise ValueError('a fault is a JSON object with a "kind" (or a "kind:key=value,..." string)')
                core.faults.add(**spec)
            except ApiError as error:
                return control_error(error.message)
            except (ValueError, TypeError) as error:
                return control_error(str(error))
        return JSONResponse([f.public() for f in core.faults.rules])

    async def accept(request: Request) -> Response:
        name = request.query_params.get("brand", DEMO.brand)
        if name not in core.state.brands:
            return control_error(f"brand must be one of {', '.join(core.state.brands)}")
        raw = request.path_params["id"]
        if not (raw.isascii() and raw.isdigit()):
            return control_error("The order id must be a positive integer")
        if len(raw) > 18:  # beyond any stored id (ids are 64-bit)
            return control_error("Order not found", 404)
        try:
            with core.state.write() as saving:
                order = orders.accept_order(core.state.brand(name), int(raw))
            await saving.wait_async()
        except ApiError as error:
            return error_response(error)
        return JSONResponse({"success": True, "data": order})

    async def tokens(request: Request) -> Response:
        action = request.path_params["action"]
        if action not in ("revoke", "expire"):
            return control_error("The action must be revoke or expire")
        with core.state.lock:
            for info in core.state.tokens.values():
                if action == "revoke":
                    info.revoked = True
                else:
                    info.expires_at = 0
        return JSONResponse({"success": True})

    async def summary(request: Request) -> Response:
        return JSONResponse(core.state.summary())

    spec = openapi.document([(method, path, generation) for method, path, generation, _ in api_table()])

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(spec)

    return [
        Route("/_emulator/reset", reset, methods=["POST"]),
        Route("/_emulator/requests", requests, methods=["GET", "DELETE"]),
        Route("/_emulator/counters", counters, methods=["GET"]),
        Route("/_emulator/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_emulator/orders/{id}/accept", accept, methods=["POST"]),
        Route("/_emulator/tokens/{action:str}", tokens, methods=["POST"]),
        Route("/_emulator/state/summary", summary, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
    ]


async def http_error(request: Request, exc: Exception) -> Response:
    """Unknown routes and wrong methods get the API's error body, never an HTML page."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = {404: "Route not found", 405: "Method not allowed"}.get(status, "Server error")
    code = {404: "not_found", 405: "method_not_allowed"}.get(status, "server_error")
    return error_response(ApiError(status, code, message))


class EmulatorApp(Starlette):
    """Starlette, with the recorder outermost so that it receives uvicorn's own ``send``."""

    core: EmulatorCore
    recorder: Recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.recorder(scope, receive, send)


def create_app(config: EmulatorConfig | None = None) -> EmulatorApp:
    """The emulator as an ASGI app (serve it with uvicorn; ``run_emulator`` does that for you)."""
    core = EmulatorCore(config or EmulatorConfig())
    routes = api_routes()
    app = EmulatorApp(
        routes=[*routes, *control_routes(core), *pos.routes(core.state), *console.routes(core)],
        exception_handlers={HTTPException: http_error, Exception: http_error},
    )
    app.state.emulator = core.state
    app.state.rate_windows = core.rate_windows
    app.core = core

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        await Starlette.__call__(app, scope, receive, send)

    app.recorder = core.recorder = Recorder(inner, routes, core, core.config.log_size)
    if core.config.activity > 0:  # a live venue: random POS actions (emulator/pos.py)
        app.state.simulator = pos.Simulator(core.state, core.config.activity, core.config.seed).start()
    return app
