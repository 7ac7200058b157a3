"""The Industries Department's dashboard of the ODOP order flow (``/dashboard``)."""

from adapter.dashboard.admin_api import dashboard_admin_router
from adapter.dashboard.api import dashboard_router

__all__ = ["dashboard_admin_router", "dashboard_router"]
