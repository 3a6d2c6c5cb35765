"""What the flow asks a sender for (``Send``) and what comes back (``Answer``), library-neutral.

Senders (``send_socket``, ``send_aiohttp``, ``send_httpx``) turn a ``Send`` into bytes on the wire and
return an ``Answer`` or an exception: ``httpx``'s exception classes are the shared vocabulary for
"not sent" (``ConnectError``, ``ConnectTimeout``) and "sent, no full answer" (``ReadTimeout``,
``ReadError``, ``RemoteProtocolError``), and :class:`TooLarge` for a body above the cap.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, Union
from urllib.parse import quote_plus

import httpx

QueryValue = Union[str, int, float, bool, None]


class HeaderLookup(Protocol):
    """Case-insensitive answer headers: ``httpx.Headers``, aiohttp's ``CIMultiDictProxy`` or ``ReceivedHeaders``."""

    def get(self, name: str, /) -> str | None: ...
    def __contains__(self, name: str, /) -> bool: ...
    def items(self) -> Iterable[tuple[str, str]]: ...


class Body(bytes):
    """Encoded request bytes (a body, or a request head with its token); the ``repr`` shows only the size."""

    def __repr__(self) -> str:
        return f"<body {len(self)} bytes>"


@dataclass(frozen=True, slots=True)
class Send:
    """One HTTP request: ``deadline`` is on the monotonic clock (``None``: none); ``max_bytes`` caps the body."""

    method: str
    url: str
    headers: dict[str, str]
    content: Body | None
    timeout: httpx.Timeout
    deadline: float | None
    max_bytes: int

    def remaining(self) -> float | None:
        """Seconds left before the deadline (never below zero), or ``None``."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def __repr__(self) -> str:
        return f"<Send {self.method} {self.url.split('?', 1)[0]}>"


@dataclass(frozen=True, slots=True)
class Answer:
    """A complete HTTP answer."""

    status_code: int
    headers: HeaderLookup
    content: bytes

    def __repr__(self) -> str:  # the body of an auth answer is a token
        return f"<Answer {self.status_code}, {len(self.content)} bytes>"


class TooLarge(Exception):
    """The answer's body exceeded ``Send.max_bytes``; it was not read further."""


class DeadlinePassed(httpx.ReadTimeout):
    """The call's ``total_timeout`` ran out while an answer was awaited or read."""


def with_query(url: str, params: Sequence[tuple[str, QueryValue]]) -> str:
    """``url`` with ``params`` encoded as httpx encodes them (``true``/``false``, ``None`` as empty)."""
    if not params:
        return url
    return url + "?" + "&".join(f"{_quoted(key)}={_quoted(_text(value))}" for key, value in params)


#: Text that ``quote_plus`` leaves as it is (most values: numbers, dates, ``asc``); the rest goes through it.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def _quoted(text: str) -> str:
    return text if _UNQUOTED(text) else quote_plus(text)


def _text(value: QueryValue) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")


def proxy_configured() -> bool:
    """A proxy is set in the environment (the senders then honour it; see transport.py)."""
    return any(os.environ.get(name) or os.environ.get(name.upper()) for name in PROXY_VARIABLES)
