"""The Python API: ``EventFeed`` polls the venues it holds and hands their events to a consumer.

>>> feed = EventFeed([Source(client)], "events.db")          # doctest: +SKIP
>>> for event in feed.events(consumer="billing"):            # doctest: +SKIP
...     handle(event)
...     feed.ack(event)                                      # the checkpoint moves only here

Or a callback, acknowledged when it returns and retried (then dead-lettered) when it raises::

    feed.run(handle, consumer="billing")
    feed.forward("https://example.com/hooks", "whsec_...")   # the same, as signed webhooks
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any

from .deliver import WebhookSender, backoff
from .model import BaseEvent, parse_event
from .poller import FeedSettings, Source, Worker, run_async, run_sync
from .store import Store, open_store

log = logging.getLogger("integrify.clopos.events")
Handler = Callable[[BaseEvent], Any]


class EventFeed:
    """Sources (one per venue), a store (a ``Store`` or a URL/path), settings, and this worker's id."""

    def __init__(
        self,
        sources: Sequence[Source | Any],
        store: Store | str,
        settings: FeedSettings | None = None,
        *,
        worker_id: str | None = None,
        max_attempts: int = 8,
        retry_base: float = 1.0,
        retry_cap: float = 300.0,
    ) -> None:
        self._owns_store = isinstance(store, str)
        self.store: Store = open_store(store) if isinstance(store, str) else store
        self.worker = Worker(
            [s if isinstance(s, Source) else Source(s) for s in sources], self.store, settings, worker_id
        )
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self._seqs: dict[str, tuple[str, int]] = {}
        self._blocked_until: dict[str, float] = {}

    @property
    def held(self) -> list[str]:
        """The feeds (``brand/venue``) this worker holds now."""
        return list(self.worker.held)

    # -- polling ----------------------------------------------------------------------------------

    def poll(self) -> int:
        """Renew leases and poll what is due, once (sync clients); returns the events stored."""
        return run_sync(self.worker.tick())

    async def apoll(self) -> int:
        """``poll`` for async clients."""
        return await run_async(self.worker.tick())

    def _wait(self, stop: threading.Event | None, cap: float = 0.5) -> bool:
        """Sleep until something is due (at most ``cap``); True when asked to stop."""
        seconds = min(cap, self.worker.next_wake())
        if stop is not None:
            return stop.wait(seconds)
        time.sleep(seconds)
        return False

    # -- the iterator form --------------------------------------------------------------------------

    def _fresh(self, consumer: str, position: dict[str, int]) -> Iterator[BaseEvent]:
        for feed in self.worker.held:
            after = position.get(feed)
            for row in self.store.pending(consumer, feed):
                if after is not None and row.seq <= after:
                    continue
                event = parse_event(row.body)
                self._seqs[event.id] = (feed, row.seq)
                position[feed] = row.seq
                yield event

    def events(
        self, consumer: str = "default", *, follow: bool = True, stop: threading.Event | None = None
    ) -> Iterator[BaseEvent]:
        """Events after ``consumer``'s checkpoint, in order per venue. ``follow=False`` ends when nothing is
        left. Unacknowledged events come again the next time ``events`` is called."""
        position: dict[str, int] = {}
        while True:
            self.poll()
            got = False
            for event in self._fresh(consumer, position):
                got = True
                yield event
            if not got and not follow:
                return
            if not got and self._wait(stop):
                return

    async def aevents(self, consumer: str = "default", *, follow: bool = True) -> AsyncIterator[BaseEvent]:
        """``events`` for async clients."""
        position: dict[str, int] = {}
        while True:
            await self.apoll()
            got = False
            for event in self._fresh(consumer, position):
                got = True
                yield event
            if not got:
                if not follow:
                    return
                await asyncio.sleep(min(0.5, self.worker.next_wake()))

    def ack(self, event: BaseEvent, consumer: str = "default") -> None:
        """Acknowledge ``event`` and every earlier event of its venue: the checkpoint moves past them."""
        feed, seq = self._seqs.pop(event.id)
        self.store.advance(consumer, feed, seq)

    # -- the callback form ------------------------------------------------------------------------------

    def _due(self, consumer: str) -> Iterator[tuple[str, int, BaseEvent]]:
        """The head events to hand over now, per held venue, skipping venues and endpoints backing off."""
        now = time.time()
        if self._blocked_until.get(consumer, 0.0) > now:
            return
        for feed in self.worker.held:
            if self.store.cursor(consumer, feed).next_at > now:
                continue
            for row in self.store.pending(consumer, feed, limit=50):
                yield feed, row.seq, parse_event(row.body)

    def _failed(self, consumer: str, feed: str, seq: int, error: str) -> bool:
        """Count a failed attempt; dead-letter at ``max_attempts``, else back off the venue and the endpoint.
        Returns True when the event was dead-lettered (the venue's next event may go)."""
        now = time.time()
        attempts = self.store.cursor(consumer, feed).attempts + 1
        if attempts >= self.max_attempts:
            self.store.fail(consumer, feed, error, now)
            log.warning("%s: event %s of %s dead-lettered after %d attempts: %s", consumer, seq, feed, attempts, error)
            self.store.dead_letter(consumer, feed, seq, error)
            return True
        retry_at = now + backoff(attempts, self.retry_base, self.retry_cap)
        self.store.fail(consumer, feed, error, retry_at)
        self._blocked_until[consumer] = retry_at
        return False

    def dispatch(self, handler: Handler, consumer: str) -> int:
        """Hand due events to ``handler`` once, in order per venue; returns how many it took.
        A failure stops the round: the endpoint backs off before anything else is sent to it."""
        done = 0
        for feed, seq, event in self._due(consumer):
            try:
                handler(event)
            except Exception as error:  # whatever the handler raised is the receiver's answer
                if self._failed(consumer, feed, seq, f"{type(error).__name__}: {error}"):
                    continue
                break
            self.store.advance(consumer, feed, seq)
            done += 1
        return done

    async def adispatch(self, handler: Callable[[BaseEvent], Awaitable[Any] | Any], consumer: str) -> int:
        """``dispatch`` for a coroutine handler."""
        done = 0
        for feed, seq, event in self._due(consumer):
            try:
                result = handler(event)
                if inspect.isawaitable(result):
                    await result
            except Exception as error:
                if self._failed(consumer, feed, seq, f"{type(error).__name__}: {error}"):
                    continue
                break
            self.store.advance(consumer, feed, seq)
            done += 1
        return done

    def run(self, handler: Handler, consumer: str = "default", *, stop: threading.Event | None = None) -> None:
        """Poll and hand every event to ``handler`` until ``stop`` is set (or Ctrl-C)."""
        try:
            while True:
                self.poll()
                if self.dispatch(handler, consumer) == 0 and self._wait(stop):
                    return
                if stop is not None and stop.is_set():
                    return
        finally:
            self.worker.release()

    async def arun(
        self, handler: Callable[[BaseEvent], Any], consumer: str = "default", *, stop: asyncio.Event | None = None
    ) -> None:
        """``run`` for async clients and handlers."""
        try:
            while stop is None or not stop.is_set():
                await self.apoll()
                if await self.adispatch(handler, consumer) == 0:
                    await asyncio.sleep(min(0.5, self.worker.next_wake()))
        finally:
            self.worker.release()

    def forward(self, url: str, secret: str, *, stop: threading.Event | None = None, timeout: float = 10.0) -> None:
        """Deliver every event to ``url`` as a signed Standard Webhook (consumer ``webhook:<url>``)."""
        sender = WebhookSender(url, secret, timeout=timeout)
        try:
            self.run(sender, consumer=webhook_consumer(url), stop=stop)
        finally:
            sender.close()

    def close(self) -> None:
        self.worker.release()
        if self._owns_store:
            self.store.close()


def webhook_consumer(url: str) -> str:
    """The consumer name under which deliveries to ``url`` are checkpointed."""
    return f"webhook:{url}"
