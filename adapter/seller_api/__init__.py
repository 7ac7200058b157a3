"""The sellers' API (``/seller/v1``) and the operators' seller management."""

from adapter.seller_api.api import seller_admin_router, seller_router

__all__ = ["seller_admin_router", "seller_router"]
