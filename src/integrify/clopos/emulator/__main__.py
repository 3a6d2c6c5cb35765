"""``python -m integrify.clopos.emulator``: serve the emulator until Ctrl-C."""

from __future__ import annotations

import argparse
import socket
import sys

import uvicorn

from .app import create_app
from .config import DEMO, EmulatorConfig
from .faults import Fault, parse_fault_spec

#: Exit status when the address cannot be listened on (as ``clopos emulator serve``: a network failure).
CANNOT_LISTEN = 4


def port_number(text: str) -> int:
    """``--port``: 1-65535 (0 picks a free port)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535)")
    return port


def listen_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (bound once, as uvicorn will), or ``None``."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        return f"cannot listen on {host}:{port} ({error.strerror or error})"
    return None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m integrify.clopos.emulator", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port_number, default=8080)
    p.add_argument("--receipts", type=int, default=300, help="historic receipts in the demo brand")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--token-ttl", type=float, default=3600.0, help="token lifetime in seconds")
    p.add_argument("--latency-ms", type=float, default=0.0, help="added to every API request")
    p.add_argument("--db", default=None, help="SQLite file, so that state survives a restart")
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="e.g. status:status=503,route=/open-api/receipts,times=2 (repeatable)",
    )
    p.add_argument("--relaxed-order-status", action="store_true", help="allow any status in PUT /orders/{id}")
    p.add_argument("--activity", type=float, default=0.0, metavar="RATE", help="random POS actions per second")
    p.add_argument(
        "--log-size",
        type=int,
        default=10_000,
        metavar="N",
        help="requests kept in the request log (the oldest are dropped; counters stay exact)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    cli = parser()
    args = cli.parse_args(argv)
    if args.log_size < 0:
        cli.error("--log-size must be 0 or more")
    try:
        faults = [parse_fault_spec(s) for s in args.fault]
        for spec in faults:
            Fault(**spec)
    except (ValueError, TypeError) as error:
        cli.error(f"--fault: {error}")
    config = EmulatorConfig(
        receipts=args.receipts,
        seed=args.seed,
        token_ttl=args.token_ttl,
        latency_ms=args.latency_ms,
        db=args.db,
        strict_order_status=not args.relaxed_order_status,
        activity=args.activity,
        log_size=args.log_size,
        faults=faults,
    )
    problem = listen_problem(args.host, args.port)
    if problem is not None:  # one line, before any banner
        cli.exit(CANNOT_LISTEN, f"{cli.prog}: --port {args.port}: {problem}\n")
    base = f"http://{args.host}:{args.port}/open-api"
    print(f"Clopos emulator on {base}", flush=True)
    print(f"  CLOPOS_BASE_URL={base}", flush=True)
    for key, value in (
        ("CLIENT_ID", DEMO.client_id),
        ("CLIENT_SECRET", DEMO.client_secret),
        ("BRAND", DEMO.brand),
        ("VENUE_ID", DEMO.venue_id),
        ("INTEGRATOR_ID", DEMO.integrator_id),
    ):
        print(f"  CLOPOS_{key}={value}", flush=True)
    print("  (demo credentials; control routes under /_emulator/, Ctrl-C to stop)", flush=True)
    print(f"  Console: http://{args.host}:{args.port}/_emulator/console (no login: keep it on 127.0.0.1)", flush=True)
    app = create_app(config)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    finally:
        app.core.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
