"""Hostile and faulty HTTP peers on loopback, as real servers (raw asyncio, HTTP/1.1).

Each answers every request one way: a gzip bomb (a small compressed body that inflates to
a huge one), a dribble (one byte a second, forever), a hang (no answer at all), or an
honest Beckn ACK. They count the requests they were sent and keep their paths.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["bomb", "dribble", "hang", "ack"]
ACK_BODY = b'{"message":{"ack":{"status":"ACK"}}}'


@functools.cache
def gzip_bomb(inflated_bytes: int) -> bytes:
    """A gzip body of zeros that inflates to ``inflated_bytes`` (about 1 kB per MB)."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    parts = [squeeze.compress(chunk) for _ in range(inflated_bytes >> 20)]
    parts.append(squeeze.flush())
    return b"".join(parts)


@dataclass
class HostilePeer:
    """One loopback server; ``mode`` may be changed while it runs."""

    mode: Mode
    inflated_bytes: int = 1 << 30
    port: int = 0
    paths: list[str] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def wait_for_requests(self, count: int, seconds: float) -> None:
        """Return once ``count`` requests have arrived; TimeoutError after ``seconds``."""
        async with asyncio.timeout(seconds), self._arrived:
            await self._arrived.wait_for(lambda: len(self.paths) >= count)

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            # Cancelled when the server closes: end quietly (asyncio would log it otherwise).
            with contextlib.suppress(
                ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError
            ):
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    lines = head.decode("latin-1").split("\r\n")
                    self.paths.append(lines[0].split(" ")[1])
                    async with self._arrived:
                        self._arrived.notify_all()
                    length = 0
                    for line in lines[1:]:
                        name, _, value = line.partition(":")
                        if name.strip().lower() == "content-length":
                            length = int(value.strip())
                    await reader.readexactly(length)
                    await self._answer(writer)
        finally:
            writer.transport.abort()

    async def _answer(self, writer: asyncio.StreamWriter) -> None:
        mode = self.mode
        if mode == "hang":
            await asyncio.sleep(3600)
        if mode == "ack":
            body = ACK_BODY
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
        elif mode == "bomb":
            body = gzip_bomb(self.inflated_bytes)
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Encoding: gzip\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
        else:  # dribble: a body that never ends, a byte a second
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            writer.write(b"Content-Length: 100000\r\n\r\n")
            await writer.drain()
            for _ in range(100_000):
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(1.0)
        await writer.drain()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[HostilePeer]:
        """Serve until the block ends."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        try:
            yield self
        finally:
            self._server.close()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._server.wait_closed()
