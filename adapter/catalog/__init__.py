"""The published catalogue: search over the SQL store, bulk import of seller files."""

from adapter.catalog.search import SqlCatalog

__all__ = ["SqlCatalog"]
