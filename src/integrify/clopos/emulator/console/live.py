"""The live request log: the recorder's answered API requests, numbered, as server-sent events."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from ..faults import RecordedRequest, Recorder

#: Requests the console keeps for a page that (re)connects; the recorder's log stays the full record.
KEEP = 500
#: A stream ends after this long and the browser reconnects at once (``Last-Event-ID`` resumes it), so an
#: open console never holds up the server's shutdown for longer.
STREAM_SECONDS = 5.0


def entry(record: RecordedRequest, at: str) -> dict[str, Any]:
    return {
        "time": at,
        "method": record.method,
        "path": record.path,
        "query": record.query_string,
        "route": record.route,
        "status": record.status,
        "ms": round(record.duration_ms, 1),
        "faults": list(record.faults),
    }


class LiveLog:
    """Numbered entries; each open stream waits on its own event, set when an entry arrives.

    An entry keeps its request, so that a page connecting after a reset (or any clearing of the request
    log) is not shown requests the log no longer has.
    """

    def __init__(self) -> None:
        self.entries: deque[tuple[int, dict[str, Any], RecordedRequest]] = deque(maxlen=KEEP)
        self.last = 0
        self.waiters: set[asyncio.Event] = set()
        self.recorder: Recorder | None = None

    def attach(self, recorder: Recorder) -> None:
        """Start listening (on the console's first use), taking the requests already in the recorder's log."""
        if self.recorder is not None:
            return
        self.recorder = recorder
        for record in list(recorder.requests)[-KEEP:]:
            self._add(record, "")
        recorder.listeners.append(self.add)

    def add(self, record: RecordedRequest) -> None:
        self._add(record, datetime.now().strftime("%H:%M:%S"))

    def _add(self, record: RecordedRequest, at: str) -> None:
        self.last += 1
        self.entries.append((self.last, entry(record, at), record))
        for waiter in self.waiters:
            waiter.set()

    def clear(self) -> None:
        self.entries.clear()

    async def stream(self, after: int) -> AsyncIterator[str]:
        """Entries numbered above ``after``, then new ones as they come. A page that starts (``after`` 0, or a
        number from before a restart) gets the kept entries the request log still has."""
        if after > self.last:
            after = 0
        if after == 0 and self.recorder is not None:
            logged = {id(record) for record in self.recorder.requests}
            after = max((number for number, _, record in self.entries if id(record) not in logged), default=0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STREAM_SECONDS
        arrived = asyncio.Event()
        self.waiters.add(arrived)
        try:
            yield "retry: 300\n\n"
            while True:
                arrived.clear()
                for number, item, _ in [e for e in self.entries if e[0] > after]:
                    yield f"id: {number}\nevent: request\ndata: {json.dumps(item)}\n\n"
                    after = number
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return
                try:
                    await asyncio.wait_for(arrived.wait(), remaining)
                except asyncio.TimeoutError:
                    return
        finally:
            self.waiters.discard(arrived)
