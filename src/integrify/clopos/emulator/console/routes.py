"""The console's routes under ``/_emulator/console``: the page, its panels, actions, the live log, the state."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from ..config import DEMO
from ..responses import ApiError, error_response
from . import page
from .actions import ACTIONS, Act, simulator_rate
from .live import LiveLog
from .view import glance, state_document

if TYPE_CHECKING:
    from ..app import EmulatorCore

BASE = page.BASE
#: Nothing on the page may load or send anything anywhere but this server.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STATIC = {"console.js": "text/javascript; charset=utf-8", "console.css": "text/css; charset=utf-8"}
#: Where the page scrolls back to after an action without JavaScript.
SECTIONS = {"order": "orders", "receipt": "receipts", "stock": "stock", "price": "stock", "fault": "faults"}


def _section(action: str) -> str:
    return next((place for word, place in SECTIONS.items() if word in action), "activity")


def _cross_site(request: Request) -> bool:
    """A form another site's page submitted (the console has no login: it refuses those)."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin")
    return origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}"


def routes(core: EmulatorCore) -> list[Route]:
    """The console's routes for the emulator ``core`` (added to the app by ``create_app``)."""
    live = LiveLog()

    def listen() -> None:
        if core.recorder is not None:
            live.attach(core.recorder)

    def api_routes() -> list[str]:
        return sorted({route.path for route in core.recorder.routes}) if core.recorder is not None else []

    def brand_of(name: str | None) -> str:
        name = name or DEMO.brand
        if name not in core.state.brands:
            raise ApiError(400, "validation_failed", f"brand must be one of {', '.join(core.state.brands)}")
        return name

    def panels_html(request: Request, brand: str) -> str:
        faults = [fault.public() for fault in list(core.faults.rules)]
        return page.panels(glance(core.state, brand), faults, api_routes(), simulator_rate(request.app.state))

    async def index(request: Request) -> Response:
        listen()
        query = request.query_params
        message, error = query.get("msg", ""), bool(query.get("error"))
        try:
            brand = brand_of(query.get("brand"))
        except ApiError as problem:
            brand, message, error = DEMO.brand, problem.message, True
        view = glance(core.state, brand)
        html = page.page(view, panels_html(request, brand), api_routes(), message, error)
        return HTMLResponse(html, headers=HEADERS)

    async def panels(request: Request) -> Response:
        try:
            brand = brand_of(request.query_params.get("brand"))
        except ApiError as problem:
            return error_response(problem)
        return HTMLResponse(panels_html(request, brand), headers=HEADERS)

    async def act(request: Request) -> Response:
        name = request.path_params["action"]
        if _cross_site(request):
            return error_response(ApiError(403, "forbidden", "The console takes actions from its own page only"))
        if name not in ACTIONS:
            return error_response(ApiError(404, "not_found", f"Unknown console action {name}"))
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        status, failed = 200, False
        try:
            brand = brand_of(form.get("brand"))
            message = await run_in_threadpool(ACTIONS[name], Act(core, live, request.app.state, brand, form))
        except ApiError as problem:
            brand, status, failed, message = form.get("brand") or DEMO.brand, problem.status, True, problem.message
        except (ValueError, TypeError) as problem:
            brand, status, failed, message = form.get("brand") or DEMO.brand, 400, True, str(problem)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"ok": not failed, "message": message}, status)
        query = {"brand": brand, "msg": message, **({"error": "1"} if failed else {})}
        return RedirectResponse(f"{BASE}?{urlencode(query)}#{_section(name)}", 303)

    async def log(request: Request) -> Response:
        listen()
        raw = request.headers.get("last-event-id", "")
        after = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(live.stream(after), media_type="text/event-stream", headers=headers)

    async def state(request: Request) -> Response:
        document = state_document(core.state)
        body = orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_INDENT_2)
        disposition = 'attachment; filename="clopos-emulator-state.json"'
        return Response(body, media_type="application/json", headers={"Content-Disposition": disposition})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return error_response(ApiError(404, "not_found", "Route not found"))
        content = (Path(__file__).parent / "static" / name).read_bytes()
        return Response(content, media_type=STATIC[name], headers={"Cache-Control": "no-cache"})

    return [
        Route(BASE, index, methods=["GET"]),
        Route(f"{BASE}/panels", panels, methods=["GET"]),
        Route(f"{BASE}/do/{{action:str}}", act, methods=["POST"]),
        Route(f"{BASE}/log", log, methods=["GET"]),
        Route(f"{BASE}/state.json", state, methods=["GET"]),
        Route(f"{BASE}/static/{{name:str}}", static, methods=["GET"]),
    ]
