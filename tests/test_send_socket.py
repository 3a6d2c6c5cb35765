"""The default sync sender (sockets + httptools) against a scripted HTTP server on 127.0.0.1.

The emulator always answers with a Content-Length over HTTP/1.1 keep-alive; the framings and failures a
real server or proxy may produce instead (chunked, 100 Continue, HTTP/1.0 ended by a close, a close in
the middle of a body, junk) are written here byte for byte.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import ssl
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import certifi
import pytest
import trustme

from integrify.clopos import APIConnectionError, CloposClientClass, ResponseTooLargeError
from integrify.clopos._core.send_socket import ReceivedHeaders
from integrify.clopos._core.wire import Answer
from integrify.clopos.schemas.common.response import ObjectListResponse

VENUES = b'{"success":true,"data":[{"id":1,"name":"Main"}],"total":1}'
OK = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(VENUES), VENUES)
#: A reply after which the server closes the connection.
CLOSE = b"<close>"
#: Where a reply is sent in two parts, 50 ms apart (so the client reads the first part alone).
PAUSE = b"<pause>"
#: Where the server sends the main thread SIGINT (Ctrl-C) and waits for the client to close, sending no more.
CTRL_C = b"<ctrl-c>"
#: A token and a client secret to look for where they must not be; AUTH answers /auth with the token.
TOKEN = "tok-9f8e7d6c5b4a"
SECRET = "sec-1a2b3c4d5e6f"
_AUTH_BODY = b'{"success": true, "token": "%s", "expires_in": 3600}' % TOKEN.encode()
AUTH = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (
    len(_AUTH_BODY),
    _AUTH_BODY,
)
#: 20 bytes of a 500-byte body, then the close.
CUT = b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n" + VENUES[:20] + CLOSE


MAIN = threading.main_thread().ident or 0


@dataclass
class Scripted:
    """Answers the n-th request with ``replies[n]``; records each request with its connection's number."""

    replies: list[bytes]
    requests: list[tuple[int, bytes]] = field(default_factory=list)
    connections: int = 0


def _read_request(conn: socket.socket, pending: bytearray) -> bytes | None:
    while b"\r\n\r\n" not in pending:
        data = conn.recv(65536)
        if not data:
            return None
        pending += data
    head, _, rest = bytes(pending).partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        rest += conn.recv(65536)
    pending[:] = rest[length:]
    return head + b"\r\n\r\n" + rest[:length]


@contextlib.contextmanager
def scripted_server(*replies: bytes, tls: ssl.SSLContext | None = None) -> Iterator[tuple[str, Scripted]]:
    """A keep-alive HTTP(S) server answering from a script; yields its base URL and the record."""
    script = Scripted(list(replies))
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    lock = threading.Lock()

    def handle(conn: socket.socket, number: int) -> None:
        pending = bytearray()
        with conn, contextlib.suppress(OSError):
            if tls is not None:
                conn = tls.wrap_socket(conn, server_side=True)
            while True:
                request = _read_request(conn, pending)
                if request is None:
                    return
                with lock:
                    script.requests.append((number, request))
                    reply = script.replies.pop(0)
                if CTRL_C in reply:
                    conn.sendall(reply.partition(CTRL_C)[0])
                    time.sleep(0.05)  # the client is then waiting in recv for the rest
                    signal.pthread_kill(MAIN, signal.SIGINT)
                    conn.recv(1)  # until the client closes
                    return
                first, _, rest = reply.replace(CLOSE, b"").partition(PAUSE)
                conn.sendall(first)
                if rest:
                    time.sleep(0.05)
                    conn.sendall(rest)
                if reply.endswith(CLOSE):
                    conn.shutdown(socket.SHUT_WR)
                    return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            script.connections += 1
            threading.Thread(target=handle, args=(conn, script.connections), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        scheme, host = ("https", "localhost") if tls else ("http", "127.0.0.1")
        yield f"{scheme}://{host}:{listener.getsockname()[1]}/open-api", script
    finally:
        stop.set()
        thread.join()
        listener.close()


def names(c: Any) -> list[str]:
    """The venues' names, read with client ``c``."""
    body = c.get_venues(headers={"x-token": "t"}).body
    assert isinstance(body, ObjectListResponse)
    return [venue.name for venue in body.data]


def venues(base: str, **options: object) -> list[str]:
    with CloposClientClass(base_url=base, brand="b", venue_id=1, backoff=0.001, **options) as c:  # type: ignore[call-overload]
        return names(c)


def test_a_chunked_answer_is_joined() -> None:
    chunks = [VENUES[:10], VENUES[10:30], VENUES[30:]]
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"
    reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n" + body
    with scripted_server(reply) as (base, _):
        assert venues(base) == ["Main"]


def test_an_interim_100_continue_is_skipped() -> None:
    with scripted_server(b"HTTP/1.1 100 Continue\r\n\r\n" + PAUSE + OK) as (base, _):
        assert venues(base) == ["Main"]


def test_an_http10_answer_ended_by_the_close_is_read_and_its_connection_not_reused() -> None:
    old = b"HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n" + VENUES + CLOSE
    with scripted_server(old, OK) as (base, script):
        with CloposClientClass(base_url=base, brand="b", venue_id=1) as c:
            for _ in range(2):
                assert names(c) == ["Main"]
        assert [number for number, _ in script.requests] == [1, 2]


def test_keep_alive_reuses_one_connection_until_the_server_says_close() -> None:
    # the server says close but keeps the socket open: only the header tells the client not to reuse it
    closing = OK.replace(b"content-type", b"connection: close\r\ncontent-type")
    with scripted_server(OK, closing, OK) as (base, script):
        with CloposClientClass(base_url=base, brand="b", venue_id=1) as c:
            for _ in range(3):
                assert c.get_venues(headers={"x-token": "t"}).ok
        assert [number for number, _ in script.requests] == [1, 1, 2]


def test_the_request_head_as_sent() -> None:
    with scripted_server(OK) as (base, script):
        with CloposClientClass(base_url=base, brand="b", venue_id=1) as c:
            c.get_venues(headers={"x-token": "t"})
        head = script.requests[0][1].decode()
    port = base.split(":")[2].split("/")[0]
    lines = head.split("\r\n")
    assert lines[0] == "GET /open-api/venues HTTP/1.1"
    assert f"Host: 127.0.0.1:{port}" in lines and "Accept-Encoding: identity" in lines
    assert {"x-token: t", "x-brand: b", "x-venue: 1", "accept: application/json"} <= set(lines)


def test_a_close_in_the_middle_of_a_body_is_retried_for_a_get() -> None:
    with scripted_server(CUT, OK) as (base, script):
        assert venues(base) == ["Main"]
        assert [number for number, _ in script.requests] == [1, 2]


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (CUT, "after 20 bytes of the answer's body"),
        (b"HTTP/1.1 200 OK\r\ncontent-le" + CLOSE, "in the middle of the answer's headers"),
        (b"HTTP/1.1 100 Continue\r\n\r\n" + CLOSE, "in the middle of the answer's headers"),
        (CLOSE, "closed the connection without an answer"),
        (b"SMTP ready\r\n\r\n" + CLOSE, "malformed answer"),
    ],
    ids=["body", "headers", "interim-only", "nothing", "junk"],
)
def test_a_broken_answer_is_a_connection_error_that_says_what_broke(reply: bytes, said: str) -> None:
    with scripted_server(reply) as (base, _), pytest.raises(APIConnectionError) as caught:
        venues(base, max_retries=0)
    assert said in str(caught.value)


@pytest.mark.parametrize(
    "headers",
    [{"x-token": "secret-token\r\nx-evil: 1"}, {"x-token": "t", "x-note": "a\nb"}, {"x-token": "t", "x bad": "1"}],
    ids=["crlf-in-token", "lf", "bad-name"],
)
def test_a_header_that_would_split_the_request_is_refused_before_anything_is_sent(headers: dict[str, str]) -> None:
    with scripted_server(OK) as (base, script):
        with CloposClientClass(base_url=base, brand="b", venue_id=1) as c, pytest.raises(ValueError) as caught:
            c.get_venues(headers=headers)
        assert script.requests == [] and script.connections == 0
    assert "secret-token" not in str(caught.value) and "x-evil" not in str(caught.value)


def test_received_headers_ignore_case_and_join_repeats() -> None:
    headers = ReceivedHeaders([("Set-Cookie", "a=1"), ("X-RateLimit-Remaining", "5"), ("set-cookie", "b=2")])
    assert headers.get("x-ratelimit-remaining") == "5"
    assert headers.get("SET-COOKIE") == "a=1, b=2"
    assert "X-RATELIMIT-REMAINING" in headers and "retry-after" not in headers
    assert headers.items() == [("Set-Cookie", "a=1"), ("X-RateLimit-Remaining", "5"), ("set-cookie", "b=2")]


def test_endless_headers_stop_at_the_size_cap() -> None:
    endless = b"HTTP/1.1 200 OK\r\nx-junk: " + b"a" * 1_200_000
    with scripted_server(endless) as (base, _), pytest.raises(ResponseTooLargeError) as caught:
        venues(base, max_response_bytes=1_000_000)
    assert caught.value.limit == 1_000_000


@pytest.fixture
def authority(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, ssl.SSLContext, str]:
    """A throwaway CA, a server context with its certificate for ``localhost``, and the CA's PEM file."""
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server)
    pem = str(tmp_path_factory.mktemp("ca") / "ca.pem")
    ca.cert_pem.write_to_path(pem)
    return ca, server, pem


def test_https_answers_are_read_and_the_tls_connection_kept(
    authority: tuple[trustme.CA, ssl.SSLContext, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, server, pem = authority
    monkeypatch.setattr(certifi, "where", lambda: pem)  # the sender trusts certifi's roots: here, our CA
    with scripted_server(OK, OK, tls=server) as (base, script):
        with CloposClientClass(base_url=base, brand="b", venue_id=1) as c:
            for _ in range(2):
                assert names(c) == ["Main"]
        assert [number for number, _ in script.requests] == [1, 1]
        assert f"Host: localhost:{base.split(':')[2].split('/')[0]}" in script.requests[0][1].decode()


def test_a_certificate_the_client_does_not_trust_is_a_connection_error_before_anything_is_sent(
    authority: tuple[trustme.CA, ssl.SSLContext, str],
) -> None:
    _, server, _ = authority
    with scripted_server(OK, tls=server) as (base, script), pytest.raises(APIConnectionError) as caught:
        venues(base, max_retries=0)
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value) or "certificate verify failed" in str(caught.value)
    assert script.requests == []


def test_keep_alive_holds_in_a_process_with_more_than_1024_open_files() -> None:
    """Descriptors above 1023 (``select`` refuses them) are checked for a server's close all the same."""
    held = [socket.socket() for _ in range(1100)]
    try:
        with scripted_server(OK, OK, OK) as (base, script):
            with CloposClientClass(base_url=base, brand="b", venue_id=1) as c:
                for _ in range(3):
                    assert c.get_venues(headers={"x-token": "t"}).ok
            assert [number for number, _ in script.requests] == [1, 1, 1]
    finally:
        for sock in held:
            sock.close()


@pytest.mark.parametrize("after", [b"junk!", b"HTTP/1.1 200 OK\r\n"], ids=["junk", "the start of another answer"])
def test_bytes_after_a_complete_answer_are_ignored_and_the_connection_not_reused(after: bytes) -> None:
    with scripted_server(OK + after, OK) as (base, script):
        with CloposClientClass(base_url=base, brand="b", venue_id=1, max_retries=0, timeout=5) as c:
            for _ in range(2):
                assert names(c) == ["Main"]
        assert [number for number, _ in script.requests] == [1, 2]


def test_a_server_switching_protocols_is_a_connection_error() -> None:
    switch = b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n"
    with scripted_server(switch) as (base, _), pytest.raises(APIConnectionError) as caught:
        venues(base, max_retries=0)
    assert "switched protocols" in str(caught.value)


def _with_locals(error: BaseException) -> str:
    """The traceback with every frame's locals (and the chained exceptions'), less the test's own frame."""
    assert error.__traceback__ is not None
    return "".join(
        traceback.TracebackException(type(error), error, error.__traceback__.tb_next, capture_locals=True).format()
    )


def _authed(base: str) -> Any:
    """A client that gets its token (``TOKEN``) from the scripted server's first answer."""
    return CloposClientClass(base_url=base, client_id="id", client_secret=SECRET, brand="b", venue_id=1)


@pytest.mark.parametrize(
    "headers", [{"x-note": "a\nb"}, {"x-note": "ə"}, {"x note": "1"}], ids=["lf", "not-latin-1", "bad-name"]
)
def test_a_refused_header_shows_no_secret_in_a_traceback_with_locals(headers: dict[str, str]) -> None:
    with scripted_server(AUTH) as (base, script), _authed(base) as client, pytest.raises(ValueError) as caught:
        client.get_venues(headers=headers)
    assert len(script.requests) == 1  # the token was fetched; the refused request never left
    text = _with_locals(caught.value)
    assert "send_socket.py" in text and "headers = " in text  # the sender's frames, with their locals
    assert TOKEN not in text and SECRET not in text


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="a signal to one thread: POSIX only")
def test_ctrl_c_while_an_answer_is_awaited_shows_no_token_in_a_traceback_with_locals() -> None:
    """The request head (with the token) and the bytes read so far are in the sender's frames then."""
    assert threading.current_thread() is threading.main_thread()
    partial = b"HTTP/1.1 200 OK\r\nx-partial: 1\r\n" + CTRL_C
    with (
        scripted_server(AUTH, partial) as (base, _),
        _authed(base) as client,
        pytest.raises(KeyboardInterrupt) as caught,
    ):
        client.get_venues()
    text = _with_locals(caught.value)
    assert "send_socket.py" in text and "action = <Send GET" in text
    assert TOKEN not in text and SECRET not in text


def test_an_answer_repr_shows_no_body() -> None:
    answer = Answer(200, ReceivedHeaders([]), b'{"success": true, "token": "' + TOKEN.encode() + b'"}')
    assert TOKEN not in repr(answer) and "200" in repr(answer)
