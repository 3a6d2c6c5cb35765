"""The default blocking sender: sockets with keep-alive, httptools' parser, and a deadline watchdog.

Why not httpx here: a call costs about a third of httpx's CPU (bench/RESULTS.md), and holding the
socket lets the watchdog end a call whose server trickles bytes, which per-read timeouts cannot. Why not
``http.client``: its ``email``-based header parser and per-header ``putheader`` calls were ~80 µs of a
~300 µs call; the request head is written in one piece here and the answer parsed by llhttp (httptools,
the parser uvicorn uses). A proxy in the environment selects the httpx sender instead (``transport.py``).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import re
import select
import socket
import ssl
import threading
import time
from collections import deque
from urllib.parse import urlsplit

import httptools
import httpx

from .wire import Answer, Body, DeadlinePassed, Send, TooLarge

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


class ProtocolError(Exception):
    """The server's bytes are not a complete HTTP/1.1 answer (closed early, malformed)."""


class ReceivedHeaders:
    """An answer's headers in the order received; lookups ignore case and join repeats with ", "."""

    __slots__ = ("_index", "_pairs")

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs
        self._index: dict[str, str] | None = None

    def get(self, name: str, /) -> str | None:
        index = self._index
        if index is None:
            index = self._index = {}
            for key, value in self._pairs:
                key = key.lower()
                index[key] = f"{index[key]}, {value}" if key in index else value
        return index.get(name.lower())

    def __contains__(self, name: str, /) -> bool:
        return self.get(name) is not None

    def items(self) -> list[tuple[str, str]]:
        return list(self._pairs)

    def __repr__(self) -> str:
        return f"<ReceivedHeaders {len(self._pairs)}>"


class _Reading:
    """httptools' callbacks for one answer: status, headers, body, whether it is complete and reusable."""

    __slots__ = ("body", "done", "extra", "head_done", "keep", "pairs", "parser", "size", "status")

    def __init__(self) -> None:
        self.parser: httptools.HttpResponseParser | None = None  # set by the reader, cleared after
        self.done = self.extra = self.keep = False
        self.status = 0
        self.on_message_begin()

    def on_message_begin(self) -> None:
        if self.done:  # bytes after the answer: ignored, and the connection is not reused
            self.extra = True
            return
        self.pairs: list[tuple[str, str]] = []  # an interim answer (100 Continue) is forgotten here
        self.body: list[bytes] = []
        self.size = 0
        self.head_done = False

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self.done:
            self.pairs.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        if not self.done:
            self.head_done = True

    def on_body(self, body: bytes) -> None:
        if not self.done:
            self.body.append(body)
            self.size += len(body)

    def on_message_complete(self) -> None:
        parser = self.parser
        if self.done or parser is None or parser.get_status_code() < 200:
            return  # an interim answer: the real one follows
        self.done = True
        self.status = parser.get_status_code()
        self.keep = parser.should_keep_alive()  # (it only answers inside a callback)


#: Bytes allowed for an answer's status line and headers, beyond ``Send.max_bytes`` for its body.
MAX_HEAD = 64 * 1024
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+").fullmatch
_UNSAFE_TARGET = re.compile(r"[\x00-\x20\x7f]").search
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def request_head(action: Send, target: str, host: str) -> Body:
    """The request line and headers; a header or target that could split the request is refused.

    No local variable holds a plain copy of a header value: the token is in them, and tracebacks that
    show locals (Ctrl-C, a refused header) must not show it. The result's ``repr`` is its size.
    """
    if _UNSAFE_TARGET(target):
        raise ValueError("the request target contains a space or control character")
    headers = action.headers
    _refuse_unsafe(headers)
    start = f"{action.method} {target} HTTP/1.1\r\n"
    if "host" not in headers:
        start += f"Host: {host}\r\n"
    if "accept-encoding" not in headers:
        start += "Accept-Encoding: identity\r\n"  # the body is read as sent: no decompression here
    end = "\r\n"
    if "content-length" not in headers and (action.content is not None or action.method in _BODY_METHODS):
        end = f"Content-Length: {len(action.content or b'')}\r\n\r\n"
    try:
        return Body(
            (start + "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + end).encode("latin-1")
        )
    except UnicodeEncodeError:
        culprit = next(name for name, value in headers.items() if not _latin1(name + value))
        raise ValueError(f"the header {culprit!r} has a character outside Latin-1") from None


def _refuse_unsafe(headers: dict[str, str]) -> None:
    for name, value in headers.items():
        if not _NAME(name):
            raise ValueError(f"{name!r} is not a valid header name")
        if "\r" in value or "\n" in value or "\0" in value:
            raise ValueError(f"the value of header {name!r} contains CR, LF or NUL")  # never the value: a secret


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


class SocketSender:
    """Sends over plain or TLS sockets; connections are kept per origin and reused while fresh."""

    def __init__(self) -> None:
        self._idle: dict[Origin, deque[tuple[float, socket.socket]]] = {}
        self._lock = threading.Lock()
        self._watchdog = Watchdog()
        self._tls: ssl.SSLContext | None = None

    def send(self, action: Send) -> Answer | BaseException:
        parts = urlsplit(action.url)
        origin = (parts.scheme, parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        head = request_head(action, target, parts.netloc.rpartition("@")[2])
        sock = self._reuse(origin)
        if sock is None:
            try:
                sock = self._connect(origin, action)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                return error
        entry = self._watchdog.arm(action.deadline, sock) if action.deadline is not None else None
        try:
            answer, reusable = _exchange(sock, action, head)
        except BaseException as error:  # Ctrl-C too: the connection is unusable either way
            sock.close()
            fired = entry is not None and self._watchdog.disarm(entry)
            if not isinstance(error, (OSError, ProtocolError, TooLarge)):
                raise  # not a transport failure: KeyboardInterrupt must not become a retry
            if fired:
                return DeadlinePassed("total_timeout reached while the answer was awaited")
            return _sent_error(error)
        fired = entry is not None and self._watchdog.disarm(entry)
        if fired:
            sock.close()
            return DeadlinePassed("total_timeout reached while the answer was read")
        if reusable:
            self._release(origin, sock)
        else:
            sock.close()
        return answer

    def _connect(self, origin: Origin, action: Send) -> socket.socket:
        scheme, host, port = origin
        timeout = action.timeout.connect
        remaining = action.remaining()
        if remaining is not None:
            timeout = remaining if timeout is None else min(timeout, remaining)
        try:
            sock = socket.create_connection((host, port), timeout)
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if scheme == "https":
                    sock = self._tls_context().wrap_socket(sock, server_hostname=host)
            except BaseException:
                sock.close()
                raise
        except TimeoutError as error:
            raise httpx.ConnectTimeout(str(error) or "timed out connecting") from None
        except OSError as error:
            raise httpx.ConnectError(f"{error.strerror or error} ({host}:{port})") from None
        return sock

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            import certifi  # httpx's own CA bundle, so both senders trust the same roots

            self._tls = ssl.create_default_context(cafile=certifi.where())
        return self._tls

    def _reuse(self, origin: Origin) -> socket.socket | None:
        now = time.monotonic()
        with self._lock:
            idle = self._idle.get(origin)
            while idle:
                since, sock = idle.pop()
                if now - since < KEEPALIVE_EXPIRY and not _dropped(sock):
                    return sock
                sock.close()
        return None

    def _release(self, origin: Origin, sock: socket.socket) -> None:
        with self._lock:
            idle = self._idle.setdefault(origin, deque())
            if len(idle) >= MAX_IDLE_PER_ORIGIN:
                idle.popleft()[1].close()
            idle.append((time.monotonic(), sock))

    def close(self) -> None:
        with self._lock:
            for idle in self._idle.values():
                for _, sock in idle:
                    sock.close()
            self._idle.clear()


def _exchange(sock: socket.socket, action: Send, head: bytes) -> tuple[Answer, bool]:
    """Write the request, read one answer; True when the connection may carry another."""
    sock.settimeout(action.timeout.write)
    sock.sendall(head + action.content if action.content else head)
    sock.settimeout(action.timeout.read)
    reading = _Reading()
    parser = reading.parser = httptools.HttpResponseParser(reading)
    try:
        return _read(sock, action, reading, parser)
    finally:
        reading.parser = None  # the parser holds the callbacks: no cycle left behind


def _read(
    sock: socket.socket, action: Send, reading: _Reading, parser: httptools.HttpResponseParser
) -> tuple[Answer, bool]:
    received = 0
    view = memoryview(bytearray(CHUNK))  # (a memoryview's repr never shows the bytes: the token may be in them)
    while True:
        count = sock.recv_into(view)
        if not count:
            return _at_close(reading, parser, received)
        received += count
        try:
            parser.feed_data(view[:count])
        except httptools.HttpParserUpgrade:
            raise ProtocolError("the server switched protocols") from None
        except httptools.HttpParserError as error:
            if not reading.done:
                raise ProtocolError(f"malformed answer: {error}") from None
            reading.extra = True  # junk after a complete answer
        if reading.head_done and reading.size == 0 and not reading.done:
            length = _length(reading.pairs)
            if length is not None and length > action.max_bytes:
                raise TooLarge(length)
        if reading.size > action.max_bytes:
            raise TooLarge(reading.size)
        if received > action.max_bytes + MAX_HEAD:
            raise TooLarge(received)
        if reading.done:
            answer = Answer(reading.status, ReceivedHeaders(reading.pairs), b"".join(reading.body))
            return answer, reading.keep and not reading.extra


def _at_close(reading: _Reading, parser: httptools.HttpResponseParser, received: int) -> tuple[Answer, bool]:
    """The server closed: complete only when the answer had no length and is ended by the close."""
    if not received:
        raise ProtocolError("the server closed the connection without an answer")
    if not reading.head_done or parser.get_status_code() < 200:  # (or after an interim 100 Continue)
        raise ProtocolError("the server closed the connection in the middle of the answer's headers")
    framed = _length(reading.pairs) is not None or any(key.lower() == "transfer-encoding" for key, _ in reading.pairs)
    if framed:
        raise ProtocolError(f"the server closed the connection after {reading.size} bytes of the answer's body")
    answer = Answer(parser.get_status_code(), ReceivedHeaders(reading.pairs), b"".join(reading.body))
    return answer, False


def _length(pairs: list[tuple[str, str]]) -> int | None:
    for key, value in pairs:
        if key.lower() == "content-length":
            return int(value) if value.strip().isdigit() else None
    return None


def _dropped(sock: socket.socket) -> bool:
    """An idle connection that is readable has been closed (or sent junk) by the server.

    ``poll`` where there is one: ``select`` refuses descriptors above 1023, which a busy process has.
    """
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _sent_error(error: OSError | ProtocolError | TooLarge) -> Exception:
    """A failure after the request may have left, in the shared vocabulary (see wire.py)."""
    if isinstance(error, TooLarge):
        return error
    if isinstance(error, (socket.timeout, TimeoutError)):
        return httpx.ReadTimeout(str(error) or "timed out")
    if isinstance(error, ProtocolError):
        return httpx.RemoteProtocolError(str(error))
    return httpx.ReadError(f"{type(error).__name__}: {error}")
