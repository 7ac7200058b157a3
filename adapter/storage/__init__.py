"""The SQL system of record: engine, schema, migrations and the store's operations."""

from adapter.storage.database import Database, async_url, sync_url
from adapter.storage.migrate import upgrade
from adapter.storage.store import InboundRecord, Store

__all__ = ["Database", "InboundRecord", "Store", "async_url", "sync_url", "upgrade"]
