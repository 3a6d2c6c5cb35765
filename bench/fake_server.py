"""A neutral fake Clopos for benchmarks: fixed realistic answers after a set latency, nothing else.

    python bench/fake_server.py --port 8765 --latency-ms 20

``GET /open-api/receipts/{id}`` answers one receipt; ``GET /open-api/receipts`` a page of ``limit``
receipts (total 100,000). The bodies are built once from the emulator's own receipts, so the server
spends its time waiting, not computing: it serves several thousand answers a second on one core.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from aiohttp import web

from integrify.clopos.emulator import run_emulator


def bodies() -> tuple[bytes, dict[int, bytes]]:
    """One receipt answer and pages of 20, 50, 100 and 200, taken from a running emulator."""
    import httpx

    with run_emulator(receipts=300) as emu:
        c = emu.credentials
        auth = {"client_id": c.client_id, "client_secret": c.client_secret, "brand": c.brand, "venue_id": c.venue_id}
        token = httpx.post(emu.base_url + "/auth", json=auth).json()["token"]
        headers = {"x-token": token, "x-brand": c.brand, "x-venue": str(c.venue_id)}
        one = httpx.get(emu.base_url + "/receipts/1", headers=headers).content
        pages = {}
        for size in (20, 50, 100, 200):
            page = httpx.get(emu.base_url + f"/receipts?limit={size}", headers=headers).json()
            page["total"] = 100_000
            pages[size] = json.dumps(page).encode()
    return one, pages


def app(latency: float) -> web.Application:
    one, pages = bodies()

    async def receipt(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        return web.Response(body=one, content_type="application/json")

    async def receipts(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        size = int(request.query.get("limit", "50"))
        return web.Response(body=pages.get(size, pages[50]), content_type="application/json")

    application = web.Application()
    application.router.add_get("/open-api/receipts/{id}", receipt)
    application.router.add_get("/open-api/receipts", receipts)
    return application


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args()
    web.run_app(app(args.latency_ms / 1000), host="127.0.0.1", port=args.port, print=None, backlog=4096)


if __name__ == "__main__":
    main()
