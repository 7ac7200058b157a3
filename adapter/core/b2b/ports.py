"""What the B2B replies read and write besides the order book (pure: a port)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from adapter.core.b2b.loi import LetterTerms, MovementKind
from adapter.core.b2b.price_list import PriceList, SellerTerms
from adapter.core.b2b.rfq_review import HeldRfq, RfqRules, RfqState

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

    async def rfq_rules(self, seller_code: str) -> RfqRules | None:
        """The seller's rules for holding RFQs, or ``None`` when it has set none."""
        ...

    async def held_rfq(self, transaction_id: str, message_id: str) -> HeldRfq | None:
        """The RFQ of this ``/select`` held for its seller, if it was."""
        ...

    async def hold_rfq(
        self,
        *,
        seller_code: str,
        transaction_id: str,
        message_id: str,
        bap_id: str,
        reason: str,
        decide_by: datetime,
        default: str,
        proposed: dict[str, Any],
        now: datetime,
    ) -> HeldRfq:
        """Hold an RFQ for its seller (once per ``/select``; an earlier RFQ of the
        transaction still pending is superseded) and tell the seller."""
        ...

    async def decide_rfq(
        self,
        rfq_id: int,
        *,
        state: RfqState,
        decision: dict[str, Any],
        actor: str,
        now: datetime,
    ) -> HeldRfq:
        """Record a held RFQ's decision if it is still pending (the seller is told of a
        decision it did not take); the RFQ as it then stands."""
        ...
