"""The default blocking sender: ``http.client`` with keep-alive connections, and a deadline watchdog.

Why not httpx here: a call costs about a third of httpx's CPU (bench/RESULTS.md), and holding the
socket lets the watchdog end a call whose server trickles bytes, which per-read timeouts cannot.
A proxy in the environment selects the httpx sender instead (see ``transport.py``).
"""

from __future__ import annotations

import contextlib
import heapq
import http.client
import itertools
import math
import select
import socket
import ssl
import threading
import time
from collections import deque
from urllib.parse import urlsplit

import httpx

from .wire import Answer, DeadlinePassed, Send, TooLarge

#: Idle connections older than this are not reused (servers close theirs after 5-75 s).
KEEPALIVE_EXPIRY = 5.0
MAX_IDLE_PER_ORIGIN = 20
CHUNK = 64 * 1024

Origin = tuple[str, str, int]


class Watchdog:
    """Shuts a socket down when its deadline passes, which ends any blocked read or write on it.

    One thread per sender sleeps until the earliest deadline; arming a later one does not wake it (a
    wake-up per call costs a thread switch per call). Disarmed entries are dropped lazily, and the heap
    is rebuilt once more than half of it is dead.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, list[object]]] = []
        self._live = 0
        self._counter = itertools.count()
        self._wake = threading.Condition()
        self._wake_at = math.inf
        self._thread: threading.Thread | None = None

    def arm(self, deadline: float, sock: socket.socket) -> list[object]:
        """Watch ``sock`` until ``deadline``; the returned entry is passed to :meth:`disarm`."""
        entry: list[object] = [sock, False]  # [socket, or None once disarmed or fired; fired]
        with self._wake:
            heapq.heappush(self._heap, (deadline, next(self._counter), entry))
            self._live += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="clopos-deadline", daemon=True)
                self._thread.start()
            elif deadline < self._wake_at:
                self._wake.notify()
        return entry

    def disarm(self, entry: list[object]) -> bool:
        """Stop watching; True when the deadline had already fired."""
        with self._wake:
            if entry[0] is not None:
                entry[0] = None
                self._live -= 1
            if len(self._heap) > 64 and self._live * 2 < len(self._heap):
                self._heap = [item for item in self._heap if item[2][0] is not None]
                heapq.heapify(self._heap)
            return bool(entry[1])

    def _watch(self) -> None:
        with self._wake:
            while True:
                while self._heap and self._heap[0][2][0] is None:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake_at = math.inf
                    self._wake.wait()
                    continue
                deadline, _, entry = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._wake_at = deadline
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._heap)
                sock, entry[0], entry[1] = entry[0], None, True
                self._live -= 1
                if isinstance(sock, socket.socket):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)


class StdlibSender:
    """Sends with ``http.client``; connections are kept per origin and reused while fresh."""

    def __init__(self) -> None:
        self._idle: dict[Origin, deque[tuple[float, http.client.HTTPConnection]]] = {}
        self._lock = threading.Lock()
        self._watchdog = Watchdog()
        self._tls: ssl.SSLContext | None = None

    def send(self, action: Send) -> Answer | BaseException:
        parts = urlsplit(action.url)
        origin = (parts.scheme, parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        target = parts.path + ("?" + parts.query if parts.query else "")
        connection = self._reuse(origin)
        if connection is None:
            try:
                connection = self._connect(origin, action)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                return error
        entry = self._watchdog.arm(action.deadline, connection.sock) if action.deadline is not None else None
        try:
            answer, reusable = self._exchange(connection, action, target)
        except BaseException as error:  # Ctrl-C, a bad header value: the connection is unusable either way
            connection.close()
            fired = entry is not None and self._watchdog.disarm(entry)
            if not isinstance(error, (OSError, http.client.HTTPException, TooLarge)):
                raise  # not a transport failure: KeyboardInterrupt must not become a retry
            if fired:
                return DeadlinePassed("total_timeout reached while the answer was awaited")
            return _sent_error(error)
        fired = entry is not None and self._watchdog.disarm(entry)
        if fired:
            connection.close()
            return DeadlinePassed("total_timeout reached while the answer was read")
        if reusable:
            self._release(origin, connection)
        else:
            connection.close()
        return answer

    def _exchange(self, connection: http.client.HTTPConnection, action: Send, target: str) -> tuple[Answer, bool]:
        sock = connection.sock
        sock.settimeout(action.timeout.write)
        connection.request(action.method, target, body=action.content, headers=action.headers)
        sock.settimeout(action.timeout.read)
        response = connection.getresponse()
        length = response.getheader("content-length")
        if length is not None and length.isdigit() and int(length) > action.max_bytes:
            raise TooLarge(int(length))
        content = response.read(action.max_bytes + 1)
        if len(content) > action.max_bytes:
            raise TooLarge(len(content))
        if not response.isclosed() and response.read(1):  # more than the cap is still coming
            raise TooLarge(action.max_bytes)
        if response.length:  # the server closed before the Content-Length it announced
            raise http.client.IncompleteRead(content, response.length)
        return Answer(response.status, response.headers, content), not response.will_close

    def _connect(self, origin: Origin, action: Send) -> http.client.HTTPConnection:
        scheme, host, port = origin
        timeout = action.timeout.connect
        remaining = action.remaining()
        if remaining is not None:
            timeout = remaining if timeout is None else min(timeout, remaining)
        connection: http.client.HTTPConnection
        if scheme == "https":
            connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=self._tls_context())
        else:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            connection.connect()
        except TimeoutError as error:
            raise httpx.ConnectTimeout(str(error) or "timed out connecting") from None
        except OSError as error:
            raise httpx.ConnectError(f"{error.strerror or error} ({host}:{port})") from None
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            import certifi  # httpx's own CA bundle, so both senders trust the same roots

            self._tls = ssl.create_default_context(cafile=certifi.where())
        return self._tls

    def _reuse(self, origin: Origin) -> http.client.HTTPConnection | None:
        now = time.monotonic()
        with self._lock:
            idle = self._idle.get(origin)
            while idle:
                since, connection = idle.pop()
                if now - since < KEEPALIVE_EXPIRY and not _dropped(connection):
                    return connection
                connection.close()
        return None

    def _release(self, origin: Origin, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(origin, deque())
            if len(idle) >= MAX_IDLE_PER_ORIGIN:
                idle.popleft()[1].close()
            idle.append((time.monotonic(), connection))

    def close(self) -> None:
        with self._lock:
            for idle in self._idle.values():
                for _, connection in idle:
                    connection.close()
            self._idle.clear()


def _dropped(connection: http.client.HTTPConnection) -> bool:
    """An idle connection that is readable has been closed (or sent junk) by the server."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _sent_error(error: OSError | http.client.HTTPException | TooLarge) -> Exception:
    """A failure after the request may have left, in the shared vocabulary (see wire.py)."""
    if isinstance(error, TooLarge):
        return error
    if isinstance(error, (socket.timeout, TimeoutError)):
        return httpx.ReadTimeout(str(error) or "timed out")
    if isinstance(error, http.client.HTTPException):
        return httpx.RemoteProtocolError(f"{type(error).__name__}: {error}")
    return httpx.ReadError(f"{type(error).__name__}: {error}")
