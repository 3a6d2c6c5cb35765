"""The default asyncio sender: aiohttp, whose connection pool stays flat at hundreds of calls in flight.

httpx's async pool matches every waiting request against every connection on each event (O(n x m)),
which collapsed past ~10 concurrent calls (bench/RESULTS.md); aiohttp queues waiters per host.
"""

from __future__ import annotations

import asyncio

import aiohttp
import httpx
from yarl import URL

from .wire import Answer, DeadlinePassed, Send, TooLarge, proxy_configured

#: Connections per event loop (aiohttp queues callers beyond it); idle ones are kept this long.
MAX_CONNECTIONS = 100
KEEPALIVE_EXPIRY = 5.0


class AiohttpSender:
    """One ``aiohttp.ClientSession`` for one event loop."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS, keepalive_timeout=KEEPALIVE_EXPIRY),
                cookie_jar=aiohttp.DummyCookieJar(),
                # HTTP(S)_PROXY and NO_PROXY as httpx does, only when set: aiohttp then looks them up in a
                # thread on every request
                trust_env=proxy_configured(),
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    async def send(self, action: Send) -> Answer | BaseException:
        timeout = action.timeout
        limits = aiohttp.ClientTimeout(total=action.remaining(), sock_connect=timeout.connect, sock_read=timeout.read)
        try:
            async with self._open().request(
                action.method,
                URL(action.url, encoded=True),
                headers=action.headers,
                data=action.content,
                timeout=limits,
                allow_redirects=False,
            ) as response:
                length = response.content_length
                if length is not None:
                    if length > action.max_bytes:
                        return TooLarge(length)
                    return Answer(response.status, response.headers, await response.read())
                content = bytearray()
                async for chunk in response.content.iter_any():
                    content += chunk
                    if len(content) > action.max_bytes:
                        return TooLarge(len(content))
                return Answer(response.status, response.headers, bytes(content))
        except aiohttp.ClientConnectorError as error:
            return httpx.ConnectError(f"{error.strerror or error} ({action.url.split('?', 1)[0]})")
        except aiohttp.ConnectionTimeoutError as error:
            return httpx.ConnectTimeout(str(error) or "timed out connecting")
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as error:
            if action.deadline is not None and action.remaining() == 0:
                return DeadlinePassed("total_timeout reached while the answer was awaited")
            return httpx.ReadTimeout(str(error) or "timed out")
        except aiohttp.ClientPayloadError as error:
            return httpx.RemoteProtocolError(f"incomplete body: {error}")
        except (aiohttp.ClientError, OSError) as error:  # after connecting: the request may have left
            return httpx.ReadError(f"{type(error).__name__}: {error}")

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
