"""What the B2B replies read and write besides the order book (pure: a port)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from adapter.core.b2b.loi import LetterTerms, MovementKind
from adapter.core.b2b.price_list import PriceList, SellerTerms

__all__ = ["B2BDesk"]


class B2BDesk(Protocol):
    """Sellers' B2B price lists and terms, and the LOI desk."""

    async def price_lists(
        self, seller_code: str, skus: Iterable[str] | None = None
    ) -> dict[str, PriceList]:
        """The seller's price lists of these SKUs, by SKU."""
        ...

    async def seller_terms(self, seller_code: str) -> SellerTerms | None:
        """The seller's B2B terms, or ``None`` when it has set none."""
        ...

    async def terms_for_buyer(self, buyer_gstin: str) -> list[LetterTerms]:
        """The letters of intent this GSTIN signed, oldest first."""
        ...

    async def search_finder_fee(self, transaction_id: str, bap_id: str) -> tuple[str, str] | None:
        """The finder fee (type, amount) this buyer app's last search in the transaction
        named (``adapter.core.b2b.finder_fee``), or ``None``."""
        ...

    def document_url(self, seller_code: str, order_id: str, kind: str) -> str:
        """The signed URL of an order's document (``proforma`` or ``invoice``)."""
        ...

    async def record(
        self,
        *,
        buyer_gstin: str | None,
        buyer_app_id: str,
        lines: Sequence[tuple[str, str]],
        transaction_id: str,
        order_id: str | None,
        kind: MovementKind,
        amount_paise: int,
        event_key: str,
        at: datetime,
    ) -> list[int]:
        """Record an event of a transaction against the letters it realises."""
        ...
