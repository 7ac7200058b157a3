"""Run several ASGI apps on loopback ports inside one asyncio process (demo, tests)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator
from typing import Any

import httpx
import uvicorn

from adapter.network.slow_clients import RequestLimits, guarded_protocol

__all__ = ["LoopbackNames", "LoopbackServer"]


class LoopbackNames(httpx.AsyncBaseTransport):
    """Sends requests for ``*.localhost`` names to 127.0.0.1 (RFC 6761 reserves them for
    loopback), so sandbox participants have URLs with host names, as on the network, without
    depending on the machine's resolver."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host.endswith(".localhost"):
            request.url = request.url.copy_with(host="127.0.0.1")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # The demo owns the signals and stops every server together.
        yield


class LoopbackServer:
    """One app served by uvicorn on 127.0.0.1; start() returns once it is listening."""

    def __init__(
        self,
        app: Any,
        port: int,
        *,
        log_level: str = "warning",
        date_header: bool = True,
        keep_alive: int = 5,
        request_limits: RequestLimits | None = None,
    ) -> None:
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level=log_level,
            lifespan="on",
            access_log=False,
            date_header=date_header,
            timeout_keep_alive=keep_alive,
            http="auto" if request_limits is None else guarded_protocol(request_limits),
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None
        self.port = port

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Start serving; raise if the server could not start (port taken, startup error)."""
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError(f"server on port {self.port} stopped during start-up")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        """Stop serving and wait for shutdown (lifespan included)."""
        self._server.should_exit = True
        if self._task is not None:
            await self._task
