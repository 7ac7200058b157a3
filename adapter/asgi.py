"""ASGI entry point for servers: ``uvicorn --factory adapter.asgi:build``."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from adapter.app import create_app
from adapter.settings import load_settings

__all__ = ["build"]


def build() -> FastAPI:
    """The adapter configured from the environment (and ``.env``)."""
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return create_app(settings)
