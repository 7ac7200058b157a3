"""The SQL system of record: engine, schema, migrations and the store's operations.

The names below are imported on first use, so that a module of this package that needs
none of them (``adapter.storage.probe``, for ``ondc-seller config check``) can be imported
without SQLAlchemy's engine, the drivers and the store.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from adapter.storage.database import Database, async_url, sync_url
    from adapter.storage.migrate import upgrade
    from adapter.storage.store import InboundRecord, Store

__all__ = ["Database", "InboundRecord", "Store", "async_url", "sync_url", "upgrade"]

_HOMES: Final = {
    "Database": "adapter.storage.database",
    "async_url": "adapter.storage.database",
    "sync_url": "adapter.storage.database",
    "upgrade": "adapter.storage.migrate",
    "InboundRecord": "adapter.storage.store",
    "Store": "adapter.storage.store",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'adapter.storage' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
