"""The sellers' API (``/seller/v1``) and the operators' seller management."""

from adapter.seller_api.admin import seller_admin_router
from adapter.seller_api.api import seller_router
from adapter.seller_api.availability import seller_availability_router
from adapter.seller_api.notifications import notifications_router

__all__ = [
    "notifications_router",
    "seller_admin_router",
    "seller_availability_router",
    "seller_router",
]
