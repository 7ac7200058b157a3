"""ASGI entry points for servers: ``uvicorn --factory adapter.asgi:build``.

``build`` is a whole adapter process: the Beckn endpoints, the seller API and dashboard,
and the background work (outbox dispatcher, feeds, order timers, notifications, closure
watcher). ``build_edge`` serves the same
routes without the background work, for deployments that run it in processes of its own
(``ondc-seller serve --no-dispatcher`` next to ``ondc-seller serve --dispatcher-only``).
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from adapter.app import create_app
from adapter.settings import Settings, load_settings

__all__ = ["build", "build_edge", "configure_logging", "run_background"]


def configure_logging(settings: Settings) -> None:
    """The process's log format and level, from the settings."""
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def build() -> FastAPI:
    """The adapter configured from the environment (and ``.env``)."""
    settings = load_settings()
    configure_logging(settings)
    return create_app(settings, freeze_heap=True)


def build_edge() -> FastAPI:
    """As :func:`build`, leaving the background work to ``--dispatcher-only`` processes."""
    settings = load_settings()
    configure_logging(settings)
    return create_app(settings, dispatch=False, freeze_heap=True)


async def run_background(settings: Settings, stop: asyncio.Event) -> None:
    """Run only the background work (callbacks, feeds, order timers, notifications, store
    closures) until ``stop`` is set.

    The app's own lifespan opens and closes everything, exactly as in a serving process;
    no HTTP server is started.
    """
    app = create_app(settings, freeze_heap=True, queued_elsewhere=True)
    async with app.router.lifespan_context(app):
        logging.getLogger(__name__).info("dispatcher-only process started")
        await stop.wait()
