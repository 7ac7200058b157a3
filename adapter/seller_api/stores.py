"""The catalogue's stores as a seller API request reaches them (the app's runtime)."""

from __future__ import annotations

from fastapi import Request

from adapter.runtime import Runtime
from adapter.storage.catalog import CatalogStore
from adapter.storage.held_items import HeldItems

__all__ = ["catalogue", "held_items"]


def catalogue(request: Request) -> CatalogStore:
    """The catalogue store."""
    runtime: Runtime = request.app.state.runtime
    return runtime.catalogue


def held_items(request: Request) -> HeldItems:
    """The items held back from buyers by pre-flight."""
    runtime: Runtime = request.app.state.runtime
    return HeldItems(runtime.store.database)
