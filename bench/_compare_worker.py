"""Runs inside one interpreter (ours, or a virtualenv with integrify-clopos 0.0.1) for bench_vs_public.py.

    python _compare_worker.py BASE_URL TOKEN CALLS ROUNDS

Prints JSON: client CPU per call of each operation, and of "httpx + json.loads" doing the same requests in
the same process (the baseline each client is normalised by).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from integrify.clopos.client import CloposClientClass


def cpu(fn: Callable[[], Any], calls: int) -> float:
    fn()
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls


def receipt_body() -> dict[str, Any]:
    return {"cid": str(uuid.uuid4()), "payment_methods": [{"id": 1, "name": "Cash", "amount": 12.5}], "user_id": 1}


def main() -> None:
    base, token, calls, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    headers = {"x-token": token, "x-brand": "openapitest", "x-venue": "1"}
    client = CloposClientClass(base_url=base.rstrip("/") + "/")
    plain = httpx.Client(headers={**headers, "accept": "application/json"})
    ops: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "get_product_by_id": (
            lambda: client.get_product_by_id(1, headers=headers),
            lambda: json.loads(plain.get(base + "/products/1").content),
        ),
        "get_products (50)": (
            lambda: client.get_products(limit=50, headers=headers),
            lambda: json.loads(plain.get(base + "/products", params={"page": 1, "limit": 50}).content),
        ),
        "create_receipt": (
            lambda: client.create_receipt(**receipt_body(), headers=headers),
            lambda: json.loads(plain.post(base + "/receipts", json=receipt_body()).content),
        ),
    }
    for name, (ours, _) in ops.items():
        answer = ours()
        assert getattr(answer, "ok", True) and getattr(answer, "status_code", 200) < 300, (name, answer)
    result: dict[str, dict[str, float]] = {}
    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        for name, (ours, baseline) in ops.items():
            samples.setdefault((name, "client"), []).append(cpu(ours, calls))
            samples.setdefault((name, "baseline"), []).append(cpu(baseline, calls))
    for (name, kind), values in samples.items():
        result.setdefault(name, {})[kind] = statistics.median(values)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
