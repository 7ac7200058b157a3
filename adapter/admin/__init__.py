"""The operators' API: parked callbacks, replay, and the audit log."""

from adapter.admin.api import admin_router

__all__ = ["admin_router"]
