"""The Industries Department's dashboard of the ODOP order flow (``/dashboard``)."""

from adapter.dashboard.api import dashboard_admin_router, dashboard_router

__all__ = ["dashboard_admin_router", "dashboard_router"]
