"""``close()`` / ``with client:`` and ``aclose()`` / ``async with`` release the pool's connections.

Connections are counted as the operating system sees them: this process's TCP sockets connected to the
emulator's port (``/proc``), so a pool that forgets a socket cannot pass. A pool you pass in stays yours.
"""

from __future__ import annotations

import asyncio
import gc
import os
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from integrify.clopos.emulator import Emulator

from .helpers import async_client, sync_client

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts sockets through /proc")


def connections_to(port: int) -> set[int]:
    """Inodes of this process's open TCP sockets whose remote end is 127.0.0.1:``port`` (client sides)."""
    ours = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed since listed
            continue
        if target.startswith("socket:["):
            ours.add(int(target[len("socket:[") : -1]))
    found = set()
    with open("/proc/net/tcp") as table:  # the emulator listens on 127.0.0.1: IPv4
        next(table)
        for line in table:
            fields = line.split()
            remote_port, inode = int(fields[2].rsplit(":", 1)[1], 16), int(fields[9])
            if remote_port == port and inode in ours:
                found.add(inode)
    return found


class Sockets:
    """The client-side sockets to one emulator opened since the test began, and what was left to the GC."""

    def __init__(self, emu: Emulator, caught: list[warnings.WarningMessage]) -> None:
        self.port = emu.port
        self.before = connections_to(self.port)
        self.caught = caught

    def opened(self) -> set[int]:
        return connections_to(self.port) - self.before

    def leftovers(self) -> list[str]:
        """Sockets still open, and ``ResourceWarning``s: a socket or session closed by the GC, not by us."""
        gc.collect()  # only what the test made: the rest is frozen
        unclosed = [str(w.message) for w in self.caught if issubclass(w.category, ResourceWarning)]
        return [f"socket:[{inode}]" for inode in sorted(self.opened())] + unclosed


@pytest.fixture
def sockets(clopos_emulator: Emulator) -> Iterator[Sockets]:
    gc.freeze()  # what exists now (earlier tests' garbage too) is not collected until the test ends
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            yield Sockets(clopos_emulator, caught)
    finally:
        gc.unfreeze()


def sent_by_httpx(emu: Emulator) -> bool:
    """Whether httpx sent the last request: it alone of the three senders says ``connection: keep-alive``."""
    return emu.requests[-1].headers.get("connection") == "keep-alive"


@pytest.mark.parametrize("how", ["with", "close"])
@pytest.mark.parametrize("pool", ["default", "httpx behind a proxy"])
def test_sync_client_closes_its_pool(
    clopos_emulator: Emulator, sockets: Sockets, monkeypatch: pytest.MonkeyPatch, pool: str, how: str
) -> None:
    if pool != "default":  # a proxy in the environment: the client makes an httpx pool of its own
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # ... and httpx goes straight to the emulator
    client = sync_client(clopos_emulator)
    with ThreadPoolExecutor(4) as threads:
        assert all(r.ok for r in threads.map(lambda _: client.get_venues(), range(8)))
    assert sent_by_httpx(clopos_emulator) is (pool != "default")
    assert sockets.opened()  # kept alive for the next call
    if how == "with":
        with client:
            assert client.get_venues().ok
    else:
        client.close()
    assert sockets.leftovers() == []
    assert client.get_venues().ok  # a closed client opens a new pool when used again
    client.close()
    assert sockets.leftovers() == []


def test_sync_client_leaves_a_given_httpx_client_open(clopos_emulator: Emulator, sockets: Sockets) -> None:
    with httpx.Client() as given:
        with sync_client(clopos_emulator, http_client=given) as client:
            assert client.get_venues().ok
        assert sockets.opened() and sent_by_httpx(clopos_emulator)
        assert given.get(clopos_emulator.root_url + "/openapi.json").status_code == 200  # still usable
    assert sockets.leftovers() == []


@pytest.mark.parametrize("how", ["async with", "aclose"])
async def test_async_client_closes_its_pool(clopos_emulator: Emulator, sockets: Sockets, how: str) -> None:
    client = async_client(clopos_emulator)
    answers = await asyncio.gather(*(client.get_venues() for _ in range(8)))
    assert all(a.ok for a in answers) and not sent_by_httpx(clopos_emulator)  # aiohttp
    assert sockets.opened()
    if how == "async with":
        async with client:
            assert (await client.get_venues()).ok
    else:
        await client.aclose()
    assert sockets.leftovers() == []
    assert (await client.get_venues()).ok  # a closed client opens a new pool when used again
    await client.aclose()
    assert sockets.leftovers() == []


async def test_async_client_leaves_a_given_httpx_client_open(clopos_emulator: Emulator, sockets: Sockets) -> None:
    async with httpx.AsyncClient() as given:
        async with async_client(clopos_emulator, http_client=given) as client:
            assert (await client.get_venues()).ok
        assert sockets.opened() and sent_by_httpx(clopos_emulator)
        assert (await given.get(clopos_emulator.root_url + "/openapi.json")).status_code == 200
    assert sockets.leftovers() == []


def test_the_end_of_an_event_loop_closes_its_pool(clopos_emulator: Emulator, sockets: Sockets) -> None:
    """Without ``aclose()``: ``asyncio.run`` ending closes the pool of its loop (docs/resilience.md)."""
    client = async_client(clopos_emulator)

    async def calls() -> set[int]:
        await asyncio.gather(*(client.get_venues() for _ in range(4)))
        return sockets.opened()

    assert asyncio.run(calls())
    assert sockets.leftovers() == []
