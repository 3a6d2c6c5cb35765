"""Per-call client CPU time: our sync and async clients against plain httpx baselines, same URLs, same run.

    python bench/bench_client.py [--calls 300] [--rounds 5]

The emulator runs in another process, so only the client's CPU is counted (``time.process_time``).
Targets (issue 12): ours ≤ 0.6 × "httpx + json.loads" for one object, ≤ 1.0 × for a page of 50,
sync against sync httpx and async against async httpx.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import itertools
import json
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from _common import emulator_process, record, table

from integrify.clopos import CloposClientClass
from integrify.clopos.schemas.common.response import ObjectListResponse, ObjectResponse
from integrify.clopos.schemas.products.object import Product
from integrify.clopos.schemas.receipts.object import Receipt

CREDENTIALS = {
    "client_id": "eNUKI04aYJRU6TBhh5bwUrvmEORgQoxM",
    "client_secret": "dqYkWUpDjzvKOgbP3ar8tSNKJbwMyYe1V5R7DHClfSNYkap5C5XxRA6PmzoPv1I2",
    "brand": "openapitest",
    "venue_id": "1",
}
_counter = itertools.count()


def receipt_body() -> dict[str, Any]:
    return {
        "cid": str(uuid.uuid4()),
        "payment_methods": [{"id": 1, "name": "Cash", "amount": 12.5}],
        "user_id": 1,
        "total": 12.5,
        "subtotal": 12.5,
    }


def cpu_per_call(fn: Callable[[], Any], calls: int) -> float:
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls


def acpu_per_call(fn: Callable[[], Awaitable[Any]], calls: int) -> float:
    async def run() -> float:
        await fn()  # warm the pool
        start = time.process_time()
        for _ in range(calls):
            await fn()
        return (time.process_time() - start) / calls

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with emulator_process("--receipts", "2000") as base:
        token = httpx.post(base + "/auth", json=CREDENTIALS).json()["token"]
        headers = {"x-token": token, "x-brand": "openapitest", "x-venue": "1", "accept": "application/json"}
        split = urlsplit(base)
        ours = CloposClientClass(base_url=base, **CREDENTIALS)  # type: ignore[arg-type]
        ours_async = CloposClientClass(base_url=base, sync=False, **CREDENTIALS)  # type: ignore[arg-type]
        plain = httpx.Client(headers=headers)
        conn = http.client.HTTPConnection(split.hostname or "127.0.0.1", split.port)

        receipt_model = ObjectResponse[Receipt]
        products_model = ObjectListResponse[Product]
        operations: dict[str, dict[str, Callable[[], Any]]] = {}

        def stdlib_call(method: str, path: str, body: bytes | None = None) -> Any:
            sent = {**headers, "content-type": "application/json"} if body else headers
            try:
                conn.request(method, split.path + path, body=body, headers=sent)
                response = conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionError):  # the server closed an idle keep-alive
                conn.close()
                conn.request(method, split.path + path, body=body, headers=sent)
                response = conn.getresponse()
            return json.loads(response.read())

        def stdlib_get(path: str) -> Any:
            return stdlib_call("GET", path)

        def stdlib_post(path: str) -> Any:
            return stdlib_call("POST", path, json.dumps(receipt_body()).encode())

        operations["get_receipt_by_id"] = {
            "stdlib http.client + json": lambda: stdlib_get("/receipts/1"),
            "httpx + json.loads": lambda: json.loads(plain.get(base + "/receipts/1").content),
            "httpx + model_validate_json": lambda: receipt_model.model_validate_json(
                plain.get(base + "/receipts/1").content
            ),
            "ours (sync)": lambda: ours.get_receipt_by_id(1),
        }
        operations["get_products (50)"] = {
            "stdlib http.client + json": lambda: stdlib_get("/products?page=1&limit=50"),
            "httpx + json.loads": lambda: json.loads(
                plain.get(base + "/products", params={"page": 1, "limit": 50}).content
            ),
            "httpx + model_validate_json": lambda: products_model.model_validate_json(
                plain.get(base + "/products", params={"page": 1, "limit": 50}).content
            ),
            "ours (sync)": lambda: ours.get_products(limit=50),
        }
        operations["create_receipt"] = {
            "stdlib http.client + json": lambda: stdlib_post("/receipts"),
            "httpx + json.loads": lambda: json.loads(plain.post(base + "/receipts", json=receipt_body()).content),
            "httpx + model_validate_json": lambda: receipt_model.model_validate_json(
                plain.post(base + "/receipts", json=receipt_body()).content
            ),
            "ours (sync)": lambda: ours.create_receipt(**receipt_body()),
        }

        async_plain: dict[str, httpx.AsyncClient] = {}

        def aclient() -> httpx.AsyncClient:
            loop = asyncio.get_running_loop()
            key = str(id(loop))
            if key not in async_plain:
                async_plain[key] = httpx.AsyncClient(headers=headers)
            return async_plain[key]

        async def a_receipt_json() -> Any:
            return json.loads((await aclient().get(base + "/receipts/1")).content)

        async def a_products_json() -> Any:
            response = await aclient().get(base + "/products", params={"page": 1, "limit": 50})
            return json.loads(response.content)

        async def a_create_json() -> Any:
            return json.loads((await aclient().post(base + "/receipts", json=receipt_body())).content)

        async def a_receipt() -> Any:
            return receipt_model.model_validate_json((await aclient().get(base + "/receipts/1")).content)

        async def a_products() -> Any:
            response = await aclient().get(base + "/products", params={"page": 1, "limit": 50})
            return products_model.model_validate_json(response.content)

        async def a_create() -> Any:
            return receipt_model.model_validate_json(
                (await aclient().post(base + "/receipts", json=receipt_body())).content
            )

        async_ops: dict[str, dict[str, Callable[[], Awaitable[Any]]]] = {
            "get_receipt_by_id": {
                "async httpx + json.loads": a_receipt_json,
                "async httpx + model_validate_json": a_receipt,
                "ours (async)": lambda: ours_async.get_receipt_by_id(1),
            },
            "get_products (50)": {
                "async httpx + json.loads": a_products_json,
                "async httpx + model_validate_json": a_products,
                "ours (async)": lambda: ours_async.get_products(limit=50),
            },
            "create_receipt": {
                "async httpx + json.loads": a_create_json,
                "async httpx + model_validate_json": a_create,
                "ours (async)": lambda: ours_async.create_receipt(**receipt_body()),
            },
        }

        samples: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.rounds):
            for op, variants in operations.items():
                for name, fn in variants.items():
                    fn()
                    samples.setdefault((op, name), []).append(cpu_per_call(fn, args.calls))
            for op, avariants in async_ops.items():
                for name, afn in avariants.items():
                    samples.setdefault((op, name), []).append(acpu_per_call(afn, args.calls))

        rows = []
        for op in operations:
            sync_base = statistics.median(samples[(op, "httpx + model_validate_json")])
            async_base = statistics.median(samples[(op, "async httpx + model_validate_json")])
            sync_json = statistics.median(samples[(op, "httpx + json.loads")])
            async_json = statistics.median(samples[(op, "async httpx + json.loads")])
            for (sample_op, name), values in samples.items():
                if sample_op != op:
                    continue
                cpu = statistics.median(values)
                base_cpu = async_base if "async" in name else sync_base
                json_cpu = async_json if "async" in name else sync_json
                rows.append((op, name, f"{cpu * 1e6:.0f} µs", f"{cpu / json_cpu:.2f}×", f"{cpu / base_cpu:.2f}×"))
        body = table(
            [
                "operation",
                "variant",
                "client CPU per call (median)",
                "ratio to httpx + json.loads",
                "ratio to httpx + model_validate_json",
            ],
            rows,
        )
        body += (
            f"\n\n{args.calls} calls × {args.rounds} rounds per variant, interleaved; the emulator runs in another"
            " process. Async variants are compared to the async httpx baseline."
        )
        record("Per-call client overhead", body)


if __name__ == "__main__":
    main()
