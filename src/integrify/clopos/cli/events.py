"""``clopos events``: forward the change feed as signed webhooks, tail it, see its status, replay it, prune it."""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import typer

from .errors import USAGE_ERROR, CliError, friendly
from .output import console, errors
from .state import options

events_app = typer.Typer(
    help="The change feed Clopos does not send: detected by polling, as webhooks.", no_args_is_help=True
)

STORE = typer.Option(
    "clopos-events.db", "--store", envvar="CLOPOS_EVENTS_STORE", help="SQLite file or postgresql:// URL."
)
VENUES = typer.Option(None, "--venues", help="Venue ids to follow, comma-separated (default: the --venue setting).")
LOOKBACK = typer.Option(1, "--lookback-days", help="Days back to re-check receipts and orders.")
KEEP = typer.Option(30, "--keep-days", help="Delete events acknowledged by every consumer after this many days.")


def _store(url: str) -> Any:
    from integrify.clopos.events import open_store

    return open_store(url)


def _feed(
    store: str,
    venues: str | None,
    interval: float,
    lookback_days: int,
    lease: float,
    budget: float = 240.0,
    keep_days: int | None = 30,
    **options_: Any,
) -> Any:
    from integrify.clopos.events import EventFeed, FeedSettings, Source

    try:
        settings = FeedSettings(
            min_interval=interval,
            lookback=timedelta(days=lookback_days),
            lease_seconds=lease,
            requests_per_minute=budget,
            burst=max(10, int(budget / 30)),
            retention=timedelta(days=keep_days) if keep_days is not None else None,
        )
    except ValueError as error:
        raise CliError(f"--keep-days: {error}", USAGE_ERROR) from None
    client = options().client()
    ids = [v.strip() for v in venues.split(",") if v.strip()] if venues else [str(client.config.resolve().venue_id)]
    sources = [Source(client.with_options(venue_id=v), venue=v) for v in ids]
    return EventFeed(sources, store, settings, **options_)


def _since(text: str) -> float:
    """``2026-01-20T10:00``, ``2026-01-20`` (UTC unless an offset is given) or a duration ``15m``/``2h``/``1d``."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text and text[-1] in units and text[:-1].replace(".", "", 1).isdigit():
        return time.time() - float(text[:-1]) * units[text[-1]]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"--since: give an ISO time or a duration such as 30m, not {text!r}", USAGE_ERROR) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    return stop


@events_app.command("forward")
@friendly
def forward(
    to: str = typer.Option(..., "--to", help="The receiver's URL."),
    secret: str = typer.Option(
        ...,
        "--secret",
        envvar="CLOPOS_WEBHOOK_SECRET",
        help="whsec_... (better: CLOPOS_WEBHOOK_SECRET).",
        show_default=False,
    ),
    store: str = STORE,
    venues: str = VENUES,
    interval: float = typer.Option(2.0, "--interval", help="Fastest poll interval, seconds (idle venues slow down)."),
    lookback_days: int = LOOKBACK,
    keep_days: int = KEEP,
    keep_forever: bool = typer.Option(False, "--keep-forever", help="Never delete events (no retention)."),
    max_attempts: int = typer.Option(8, "--max-attempts", help="Attempts before an event is dead-lettered."),
    retry_base: float = typer.Option(1.0, "--retry-base", help="First retry delay, seconds (doubles, max 5 min)."),
    lease: float = typer.Option(30.0, "--lease", help="Seconds a dead worker keeps its venues."),
    worker_id: str = typer.Option(
        None, "--worker-id", help="Stable id: a restarted worker takes its venues back at once."
    ),
    budget: float = typer.Option(240.0, "--requests-per-minute", help="Per integrator and brand (v2 allows 300)."),
) -> None:
    """POST every event to --to, signed as a Standard Webhook, in order per venue; runs until Ctrl-C."""
    if not secret.startswith("whsec_"):
        raise CliError("--secret: a Standard Webhooks secret starts with whsec_", USAGE_ERROR)
    feed = _feed(
        store,
        venues,
        interval,
        lookback_days,
        lease,
        budget,
        None if keep_forever else keep_days,
        worker_id=worker_id,
        max_attempts=max_attempts,
        retry_base=retry_base,
    )
    console.print(f"forwarding {', '.join(feed.worker.sources)} to {to} (store {store})", highlight=False)
    try:
        feed.forward(to, secret, stop=_stop_on_signals())
    finally:
        feed.close()
        options().finish()


@events_app.command("tail")
@friendly
def tail(
    store: str = STORE,
    follow: bool = typer.Option(False, "--follow", "-f", help="Keep printing new events."),
    last: int = typer.Option(20, "--last", "-n", help="Start with this many of the latest events."),
    poll: bool = typer.Option(False, "--poll", help="Also poll the API (when no forwarder runs)."),
    venues: str = VENUES,
) -> None:
    """Print events as JSON lines, from the store (and from the API with --poll)."""
    db = _store(store)
    feed = _feed(store, venues, 2.0, 1, 30.0) if poll else None
    stop = _stop_on_signals() if follow else None
    try:
        rows = db.events_after(0, limit=10**9) if last else []
        seq = rows[-last - 1].seq if len(rows) > last else 0
        while True:
            if feed is not None:
                feed.poll()
            for row in db.events_after(seq):
                sys.stdout.write(row.body + "\n")
                seq = row.seq
            sys.stdout.flush()
            if stop is None or stop.wait(0.5):
                return
    finally:
        if feed is not None:
            feed.close()
        db.close()


@events_app.command("status")
@friendly
def status(
    store: str = STORE,
    to: str = typer.Option(None, "--to", help="The receiver whose pending and failed events to count."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per venue."),
) -> None:
    """Per venue: its worker, last poll, events, pending and dead-lettered deliveries, lag."""
    from integrify.clopos.events import webhook_consumer

    db = _store(store)
    try:
        rows = db.status(webhook_consumer(to) if to else None)
    finally:
        db.close()
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row.__dict__) + "\n")
        return
    from rich.table import Table

    table = Table("venue", "worker", "last poll", "events", "pending", "failed", "lag")
    now = time.time()
    for row in rows:
        table.add_row(
            row.feed,
            row.owner or "-",
            f"{now - row.polled_at:.0f} s ago" if row.polled_at else "never",
            str(row.events),
            str(row.pending),
            str(row.failed),
            f"{row.lag:.0f} s" if row.lag is not None else "-",
        )
    console.print(table)


@events_app.command("replay")
@friendly
def replay(
    since: str = typer.Option(..., "--since", help="ISO time or a duration back from now (30m, 2h, 1d)."),
    to: str = typer.Option(..., "--to", help="The receiver to deliver to again."),
    store: str = STORE,
) -> None:
    """Deliver again, in order, every event detected since --since (dead letters included); the running
    (or next) `events forward` to the same URL sends them. Events already deleted by retention are named."""
    from integrify.clopos.events import webhook_consumer

    start = _since(since)
    db = _store(store)
    try:
        gaps = {feed: mark for feed, mark in db.horizons().items() if mark.detected_at >= start}
        count = db.rewind(webhook_consumer(to), start)
    finally:
        db.close()
    for feed, mark in sorted(gaps.items()):
        errors.print(
            f"{feed}: events detected up to {_utc(mark.detected_at)} were pruned (retention), so they cannot be"
            f" replayed; this venue's replay starts with the oldest event kept",
            style="yellow",
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"{count} event(s) queued again for {to}", highlight=False, soft_wrap=True)


def _utc(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _consumer(name: str) -> str:
    from integrify.clopos.events import webhook_consumer

    return webhook_consumer(name) if name.startswith(("http://", "https://")) else name


@events_app.command("prune")
@friendly
def prune(
    store: str = STORE,
    keep_days: int = KEEP,
    lookback_days: int = typer.Option(
        1, "--lookback-days", help="The workers' look-back (sets the least --keep-days)."
    ),
    dead_letters: bool = typer.Option(
        False, "--dead-letters", help="Also delete dead-lettered events past the retention (never replayed)."
    ),
    forget: list[str] = typer.Option(
        [],
        "--forget",
        metavar="CONSUMER",
        help="A retired consumer (name, or a receiver's URL) that must not hold retention back.",
    ),
) -> None:
    """Delete events past the retention that every consumer of their venue has acknowledged (workers do
    this by themselves every few minutes), and say what was kept and why."""
    from integrify.clopos.events.poller import min_retention

    keep = timedelta(days=keep_days)
    if keep < min_retention(timedelta(days=lookback_days)):
        least = min_retention(timedelta(days=lookback_days)).days
        raise CliError(f"--keep-days: at least the look-back plus 2 days ({least}), not {keep_days}", USAGE_ERROR)
    before = time.time() - keep.total_seconds()
    db = _store(store)
    try:
        for name in forget:
            dropped = db.forget(_consumer(name))
            console.print(f"forgot {_consumer(name)} ({dropped} checkpoint(s))", highlight=False, soft_wrap=True)
        result = db.prune(before, dead_letters=dead_letters)
    finally:
        db.close()
    console.print(f"removed {result.total} event(s) detected before {_utc(before)}", highlight=False, soft_wrap=True)
    for feed, count in sorted(result.removed.items()):
        console.print(f"  {feed}: {count}", highlight=False, soft_wrap=True)
    if dead_letters:
        console.print(f"removed {result.dead_letters} dead letter(s)", highlight=False, soft_wrap=True)
    for consumer, feed, count in result.unacknowledged:
        console.print(
            f"kept {count} older event(s) of {feed}: not acknowledged by {consumer}"
            f" (retired? clopos events prune --forget {consumer!r})",
            highlight=False,
            soft_wrap=True,
        )
    for feed, count in sorted(result.unread.items()):
        console.print(
            f"kept {count} older event(s) of {feed}: no consumer has read this venue", highlight=False, soft_wrap=True
        )
    for feed, count in sorted(result.kept_dead.items()):
        console.print(
            f"kept {count} older dead-lettered event(s) of {feed}: replay them, or prune --dead-letters",
            highlight=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    app.add_typer(events_app, name="events")
