"""The poller: which venue and resource to fetch next, within one request budget, and what it found.

Written once, sans I/O: ``Worker.tick()`` is a generator that yields ``Fetch`` (call this client method)
and ``Sleep`` actions and receives each fetch's ``Answer``; ``run_sync`` and ``run_async`` are the two
small drivers that perform them. Detection (``detect.py``) and the store are shared as they are.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from .. import CloposError
from .detect import (
    Detected,
    Record,
    Scope,
    deletion_candidates,
    detect_orders,
    detect_products,
    detect_receipts,
    detect_stop_list,
    venue_time,
)
from .model import feed_key
from .store import Store

log = logging.getLogger("integrify.clopos.events")
RESOURCES = ("orders", "receipts", "stop_list", "products")
T = TypeVar("T")


@dataclass
class FeedSettings:
    """How the feed polls. Intervals adapt per venue and resource between ``min_interval`` (a change was
    just seen) and ``max_interval`` (idle), growing by ``slow_down`` per quiet poll."""

    min_interval: float = 2.0
    max_interval: float = 60.0
    slow_down: float = 1.5
    #: The catalog changes rarely: never polled more often than this.
    products_interval: float = 60.0
    #: Receipts and orders created this far back (whole venue days) are compared again for late edits.
    lookback: timedelta = timedelta(days=1)
    #: The shared budget per integrator and brand (generation 2's tier 3 is 300 a minute: keep a margin).
    requests_per_minute: float = 240.0
    burst: int = 10
    lease_seconds: float = 30.0
    #: At most this many venues per worker (``None``: as many as are free), to spread them over workers.
    max_feeds: int | None = None
    resources: tuple[str, ...] = RESOURCES
    #: Deletion candidates confirmed per poll (one lookup each); the rest wait for the next poll.
    max_confirmations: int = 20
    #: Events detected longer ago than this, once every consumer of their venue acknowledged them, are deleted
    #: (``None``: kept forever); dead letters stay. At least ``min_retention(lookback)``.
    retention: timedelta | None = timedelta(days=30)
    #: Seconds between two prunes of the venues this worker holds; each deletes ``prune_batch`` events a
    #: transaction, at most ``PRUNE_BATCHES`` transactions a tick.
    prune_interval: float = 300.0
    prune_batch: int = 500

    def __post_init__(self) -> None:
        if self.retention is not None and self.retention < min_retention(self.lookback):
            raise ValueError(
                f"retention must be at least the look-back plus 2 days ({min_retention(self.lookback).days} days):"
                " events detection can still revisit must stay to be recognised"
            )


#: Batches one tick of a worker deletes at most; the rest waits a second (polling goes on meanwhile).
PRUNE_BATCHES = 20


def min_retention(lookback: timedelta) -> timedelta:
    """The shortest safe retention: the look-back window spans ``lookback`` whole venue days plus today, and
    a venue's day may start up to a day off UTC; an event within that reach keeps its id from being re-used."""
    return timedelta(days=max(0, lookback.days) + 2)


@dataclass
class Source:
    """One venue to follow, with a public client authenticated for it (sync or async)."""

    client: Any
    brand: str = ""
    venue: str = ""
    #: IANA zone of the venue (default: the client's ``timezone`` setting, else UTC).
    timezone: str | None = None

    def __post_init__(self) -> None:
        settings = self.client.config.resolve()
        self.brand = self.brand or str(settings.brand or "")
        self.venue = self.venue or str(settings.venue_id or "")
        self.timezone = self.timezone or getattr(settings, "timezone", None) or "UTC"
        if not self.brand or not self.venue:
            raise ValueError("a Source needs a brand and a venue (from its client or given)")
        self.group = f"{settings.integrator_id or settings.client_id}:{self.brand}"

    @property
    def feed(self) -> str:
        return feed_key(self.brand, self.venue)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or "UTC")


class Budget:
    """A token bucket per budget group (integrator and brand): every fetch of every venue takes a token.
    ``pause`` empties a group until a server-given time (``Retry-After``, ``RateLimit-Reset``)."""

    def __init__(self, per_minute: float, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.tokens: dict[str, float] = {}
        self.stamp: dict[str, float] = {}
        self.paused_until: dict[str, float] = {}
        self.spent: dict[str, int] = {}

    def _fill(self, group: str, now: float) -> float:
        tokens = min(self.burst, self.tokens.get(group, self.burst) + (now - self.stamp.get(group, now)) * self.rate)
        self.tokens[group], self.stamp[group] = tokens, now
        return tokens

    def delay(self, group: str, now: float | None = None) -> float:
        """Seconds until a token is free (0: now)."""
        now = time.monotonic() if now is None else now
        wait = max(0.0, self.paused_until.get(group, 0.0) - now)
        tokens = self._fill(group, now)
        return max(wait, 0.0 if tokens >= 1 else (1 - tokens) / self.rate)

    def take(self, group: str) -> None:
        now = time.monotonic()
        self.tokens[group] = self._fill(group, now) - 1
        self.spent[group] = self.spent.get(group, 0) + 1

    def pause(self, group: str, seconds: float) -> None:
        self.paused_until[group] = max(self.paused_until.get(group, 0.0), time.monotonic() + seconds)
        self.tokens[group] = 0.0


@dataclass(frozen=True)
class Fetch:
    """Call ``source.client.<method>(**kwargs)``."""

    source: Source
    method: str
    kwargs: dict[str, Any]


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass
class Answer:
    """What a fetch returned, reduced to what detection needs."""

    status: int
    items: list[Record] = field(default_factory=list)
    total: int | None = None
    retry_after: float | None = None
    remaining: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class FetchFailed(Exception):
    """A poll could not complete; nothing is stored and it is tried again later."""


Action = Fetch | Sleep
Tick = Generator[Action, Answer | None, T]


def _plain(value: Any) -> Any:
    """A model's value as the API's JSON has it: money as numbers (not strings), times as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _dump(item: Any) -> Record:
    if isinstance(item, BaseModel):
        return _plain(item.model_dump(by_alias=True, exclude_unset=True))  # type: ignore[no-any-return]
    return dict(item)


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def answer_of(response: Any) -> Answer:
    """An ``APIResponse`` (or a raised ``CloposError``) as an ``Answer``."""
    if isinstance(response, CloposError):
        status = int(getattr(response, "status_code", 0) or 0)
        return Answer(status, retry_after=getattr(response, "retry_after", None), error=type(response).__name__)
    headers = response.headers
    retry = _seconds(headers.get("retry-after")) or _seconds(headers.get("ratelimit-reset"))
    limits = response.rate_limit
    answer = Answer(response.status_code, retry_after=retry, remaining=limits.remaining if limits else None)
    if not response.ok:
        answer.error = f"HTTP {response.status_code}"
        return answer
    data = getattr(response.body, "data", None)
    answer.items = [_dump(x) for x in data] if isinstance(data, list) else [_dump(data)] if data is not None else []
    total = getattr(response.body, "total", None)
    answer.total = total if isinstance(total, int) else None
    return answer


@dataclass
class Task:
    next_at: float = 0.0
    interval: float = 0.0


class Worker:
    """Polls the venues whose lease it holds, stores what it detects; one per process (or several)."""

    def __init__(
        self,
        sources: Sequence[Source],
        store: Store,
        settings: FeedSettings | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.sources = {s.feed: s for s in sources}
        if len(self.sources) != len(sources):
            raise ValueError("two sources follow the same brand and venue")
        self.store = store
        self.settings = settings or FeedSettings()
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.budget = Budget(self.settings.requests_per_minute, self.settings.burst)
        self.held: list[str] = []
        self.tasks: dict[tuple[str, str], Task] = {}
        self.cache: dict[tuple[str, str], dict[str, Record] | None] = {}
        self.renew_at = 0.0
        self.prune_at = 0.0

    # -- leases ---------------------------------------------------------------------------------

    def renew(self, force: bool = False) -> list[str]:
        now = time.monotonic()
        if not force and now < self.renew_at:
            return self.held
        s = self.settings
        held = self.store.claim(sorted(self.sources), self.worker_id, s.lease_seconds, s.max_feeds)
        for feed in set(self.held) - set(held):
            self._forget(feed)
        for feed in set(held) - set(self.held):
            log.info("worker %s took %s", self.worker_id, feed)
            for resource in s.resources:
                self.tasks[(feed, resource)] = Task(0.0, s.min_interval)
        self.held = held
        self.renew_at = now + s.lease_seconds / 3
        return held

    def _forget(self, feed: str) -> None:
        log.info("worker %s lost %s", self.worker_id, feed)
        for resource in self.settings.resources:
            self.tasks.pop((feed, resource), None)
            self.cache.pop((feed, resource), None)

    def release(self) -> None:
        self.store.release(self.held, self.worker_id)
        for feed in self.held:
            self._forget(feed)
        self.held = []

    def next_wake(self) -> float:
        """Seconds until something is due."""
        times = [task.next_at for task in self.tasks.values()] + [self.renew_at]
        return max(0.0, min(times) - time.monotonic())

    def prune(self) -> None:
        """When due, delete the held venues' events that are past the retention and acknowledged by all."""
        s, now = self.settings, time.monotonic()
        if s.retention is None or now < self.prune_at or not self.held:
            return
        before = time.time() - s.retention.total_seconds()
        result = self.store.prune(before, self.held, batch=s.prune_batch, max_batches=PRUNE_BATCHES)
        self.prune_at = now + (1.0 if result.more else s.prune_interval)
        if result.total:
            log.info("worker %s pruned %d event(s) past the retention", self.worker_id, result.total)
        for consumer, feed, count in result.unacknowledged:
            log.warning("%s: %d event(s) past the retention not yet acknowledged by %s", feed, count, consumer)

    # -- one pass -----------------------------------------------------------------------------------

    def tick(self) -> Tick[int]:
        """Renew leases, prune when due, then poll every due venue and resource once; returns the events
        stored."""
        self.renew()
        self.prune()
        found = 0
        due = sorted((task.next_at, key) for key, task in self.tasks.items() if task.next_at <= time.monotonic())
        for _, (feed, resource) in due:
            if feed in self.held:
                found += yield from self.poll(feed, resource)
        return found

    def poll(self, feed: str, resource: str) -> Tick[int]:
        source, task, s = self.sources[feed], self.tasks[(feed, resource)], self.settings
        key = (feed, resource)
        if key not in self.cache:
            self.cache[key] = self.store.snapshot(feed, resource)
        previous = self.cache[key]
        scope = Scope(source.brand, source.venue, source.zone, datetime.now(timezone.utc))
        try:
            detected = yield from CYCLES[resource](self, source, scope, previous)
        except FetchFailed as error:
            log.warning("poll of %s %s failed: %s", feed, resource, error)
            task.next_at = time.monotonic() + max(task.interval, s.min_interval)
            return 0
        if not self.store.commit(feed, self.worker_id, resource, detected.events, detected.upserts, detected.removals):
            self.held = [f for f in self.held if f != feed]
            self._forget(feed)
            return 0
        snapshot = dict(previous or {})
        snapshot.update(detected.upserts)
        for removed in detected.removals:
            snapshot.pop(removed, None)
        self.cache[key] = snapshot
        floor = s.products_interval if resource == "products" else s.min_interval
        busy = bool(detected.events)
        task.interval = floor if busy else min(max(s.max_interval, floor), max(task.interval, floor) * s.slow_down)
        task.next_at = time.monotonic() + task.interval
        return len(detected.events)

    # -- fetching ---------------------------------------------------------------------------------------

    def fetch(self, source: Source, method: str, **kwargs: Any) -> Tick[Answer]:
        """One request within the budget; a 429 or a nearly spent quota pauses the whole group."""
        while (wait := self.budget.delay(source.group)) > 0:
            yield Sleep(wait)
        self.budget.take(source.group)
        answer = yield Fetch(source, method, kwargs)
        assert answer is not None
        if answer.status == 429:
            self.budget.pause(source.group, answer.retry_after if answer.retry_after is not None else 60.0)
            raise FetchFailed(f"{method}: rate limited")
        if answer.remaining is not None and answer.remaining <= 1 and answer.retry_after:
            self.budget.pause(source.group, answer.retry_after)
        return answer

    def fetch_all(self, source: Source, method: str, limit: int, **kwargs: Any) -> Tick[list[Record]]:
        """Every page of a list."""
        items: list[Record] = []
        for page in range(1, 10_000):
            answer = yield from self.fetch(source, method, page=page, limit=limit, **kwargs)
            if not answer.ok:
                raise FetchFailed(f"{method} page {page}: {answer.error}")
            items += answer.items
            last = math.ceil(answer.total / limit) if answer.total is not None else None
            if len(answer.items) < limit or (last is not None and page >= last):
                break
        return items

    def confirm(self, source: Source, method: str, candidates: Iterable[str], found: list[Record]) -> Tick[list[str]]:
        """Look each candidate up: a 404 confirms it is gone; one still there joins ``found``."""
        gone = []
        for key in list(candidates)[: self.settings.max_confirmations]:
            answer = yield from self.fetch(source, method, id=int(key) if key.isdigit() else key)
            if answer.status == 404:
                gone.append(key)
            elif answer.ok and answer.items:
                found.append(answer.items[0])
            else:
                raise FetchFailed(f"{method}({key}): {answer.error}")
        return gone

    def window(self, source: Source) -> tuple[date, date]:
        today = datetime.now(source.zone).date()
        return today - timedelta(days=max(0, self.settings.lookback.days)), today


def _receipts(worker: Worker, source: Source, scope: Scope, previous: dict[str, Record] | None) -> Tick[Detected]:
    start, end = worker.window(source)
    items = yield from worker.fetch_all(
        source, "get_receipts", 200, sort_by="created_at", sort_order=1, date_from=str(start), date_to=str(end)
    )

    def in_window(record: Record) -> bool:
        return str(record.get("created_at") or "")[:10] >= str(start)

    candidates = deletion_candidates(previous, items, in_window)
    gone = yield from worker.confirm(source, "get_receipt_by_id", candidates, items)
    return detect_receipts(scope, previous, items, in_window, gone)


def _orders(worker: Worker, source: Source, scope: Scope, previous: dict[str, Record] | None) -> Tick[Detected]:
    start, end = worker.window(source)
    recent = yield from worker.fetch_all(source, "get_orders", 100, date_from=str(start), date_to=str(end))
    waiting = yield from worker.fetch_all(source, "get_orders", 100, status="PENDING")
    items = list({str(o["id"]): o for o in [*recent, *waiting]}.values())
    seen = {str(o["id"]) for o in items}
    # An order that was open and left both lists changed status outside the window: look it up.
    left = [k for k, o in (previous or {}).items() if o.get("status") == "PENDING" and k not in seen]
    yield from worker.confirm(source, "get_order_by_id", left, items)

    def keep(order: Record) -> bool:
        created = venue_time(order.get("created_at"), source.zone)
        return order.get("status") == "PENDING" or (created is not None and created.date() >= start)

    return detect_orders(scope, previous, items, keep)


def _stop_list(worker: Worker, source: Source, scope: Scope, previous: dict[str, Record] | None) -> Tick[Detected]:
    answer = yield from worker.fetch(source, "get_stop_list")
    if not answer.ok:
        raise FetchFailed(f"get_stop_list: {answer.error}")
    return detect_stop_list(scope, previous, answer.items)


def _products(worker: Worker, source: Source, scope: Scope, previous: dict[str, Record] | None) -> Tick[Detected]:
    items = yield from worker.fetch_all(source, "get_products", 100)
    candidates = deletion_candidates(previous, items, lambda _: True)
    gone = yield from worker.confirm(source, "get_product_by_id", candidates, items)
    return detect_products(scope, previous, items, gone)


CYCLES: dict[str, Callable[[Worker, Source, Scope, dict[str, Record] | None], Tick[Detected]]] = {
    "orders": _orders,
    "receipts": _receipts,
    "stop_list": _stop_list,
    "products": _products,
}


def run_sync(steps: Tick[T]) -> T:
    """Drive a tick with blocking calls (sync clients)."""
    answer: Answer | None = None
    while True:
        try:
            action = steps.send(answer)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        if isinstance(action, Sleep):
            time.sleep(action.seconds)
            answer = None
            continue
        try:
            answer = answer_of(getattr(action.source.client, action.method)(**action.kwargs))
        except CloposError as error:
            answer = answer_of(error)


async def run_async(steps: Tick[T]) -> T:
    """Drive a tick with awaited calls (async clients)."""
    answer: Answer | None = None
    while True:
        try:
            action = steps.send(answer)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        if isinstance(action, Sleep):
            await asyncio.sleep(action.seconds)
            answer = None
            continue
        try:
            answer = answer_of(await getattr(action.source.client, action.method)(**action.kwargs))
        except CloposError as error:
            answer = answer_of(error)
