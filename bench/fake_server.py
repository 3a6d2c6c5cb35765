"""A neutral fake Clopos for benchmarks: fixed realistic answers after a set latency, nothing else.

    python bench/fake_server.py --port 8765 --latency-ms 20

``GET /open-api/receipts/{id}`` answers one receipt; ``GET /open-api/receipts`` a page of ``limit``
receipts out of ``--total`` (100,000; a short last page, then empty pages); ``POST /open-api/auth`` and
``GET /open-api/venues`` answer as the emulator does, so a client logs in as usual. The bodies are built
once from the emulator's own receipts, so the server spends its time waiting, not computing: it serves
several thousand answers a second on one core (the emulator, which builds every page, serves ~330 pages of
50 a second, the pace the bulk export needs for itself).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from aiohttp import web

from integrify.clopos.emulator import run_emulator


def bodies(total: int) -> dict[str, Any]:
    """The auth, venues and one-receipt answers, and pages of 20, 50, 100 and 200, from a running emulator."""
    import httpx

    with run_emulator(receipts=300) as emu:
        c = emu.credentials
        auth = {"client_id": c.client_id, "client_secret": c.client_secret, "brand": c.brand, "venue_id": c.venue_id}
        login = httpx.post(emu.base_url + "/auth", json=auth)
        headers = {"x-token": login.json()["token"], "x-brand": c.brand, "x-venue": str(c.venue_id)}
        answers: dict[str, Any] = {
            "auth": login.content,
            "venues": httpx.get(emu.base_url + "/venues", headers=headers).content,
            "one": httpx.get(emu.base_url + "/receipts/1", headers=headers).content,
        }
        for size in (20, 50, 100, 200):
            page = httpx.get(emu.base_url + f"/receipts?limit={size}", headers=headers).json()
            page["total"] = total
            answers[f"page{size}"] = json.dumps(page).encode()
            page["data"] = []
            answers[f"empty{size}"] = json.dumps(page).encode()
    return answers


def app(latency: float, total: int) -> web.Application:
    answers = bodies(total)
    one: bytes = answers["one"]

    async def fixed(request: web.Request) -> web.Response:
        return web.Response(body=answers[request.match_info.route.name or ""], content_type="application/json")

    async def receipt(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        return web.Response(body=one, content_type="application/json")

    async def receipts(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        size = int(request.query.get("limit", "50"))
        size = size if f"page{size}" in answers else 50
        before = (int(request.query.get("page", "1")) - 1) * size
        if before >= total:
            return web.Response(body=answers[f"empty{size}"], content_type="application/json")
        page = json.loads(answers[f"page{size}"]) if before + size > total else None
        if page is not None:  # the short last page
            page["data"] = page["data"][: total - before]
            return web.Response(body=json.dumps(page).encode(), content_type="application/json")
        return web.Response(body=answers[f"page{size}"], content_type="application/json")

    application = web.Application()
    application.router.add_get("/open-api/receipts/{id}", receipt)
    application.router.add_get("/open-api/receipts", receipts)
    application.router.add_post("/open-api/auth", fixed, name="auth")
    application.router.add_get("/open-api/venues", fixed, name="venues")
    return application


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--total", type=int, default=100_000)
    args = parser.parse_args()
    web.run_app(app(args.latency_ms / 1000, args.total), host="127.0.0.1", port=args.port, print=None, backlog=4096)


if __name__ == "__main__":
    main()
