"""An in-process network for edge tests: hosts routed to ASGI apps, with their lifespans."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from fastapi import FastAPI

from adapter.app import create_app
from adapter.core.clock import Clock
from adapter.settings import Settings


class HostRouter(httpx.AsyncBaseTransport):
    """Sends each request to the ASGI app registered for its host."""

    def __init__(self) -> None:
        self.apps: dict[str, httpx.ASGITransport] = {}

    def add(self, host: str, app: FastAPI) -> None:
        self.apps[host] = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self.apps.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError(f"no route to {request.url.host}", request=request)
        return await transport.handle_async_request(request)


@asynccontextmanager
async def running(*apps: FastAPI) -> AsyncIterator[None]:
    """Run the apps' lifespans (startup and shutdown) around the block."""
    async with AsyncExitStack() as stack:
        for app in apps:
            await stack.enter_async_context(app.router.lifespan_context(app))
        yield


@asynccontextmanager
async def serving(settings: Settings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    """The adapter started in process, and a client posting to it as its own host."""
    adapter = create_app(settings, clock=clock)
    async with (
        running(adapter),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=adapter), base_url="http://seller.odop.example"
        ) as http,
    ):
        yield http
