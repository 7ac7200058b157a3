"""The :class:`~adapter.core.b2b.ports.B2BDesk` over the SQL store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson

from adapter.b2b.documents import KINDS, DocumentLinks
from adapter.core.b2b.finder_fee import search_finder_fee
from adapter.core.b2b.loi import LetterTerms, MovementKind
from adapter.core.b2b.price_list import PriceList, SellerTerms
from adapter.core.b2b.rfq_review import HeldRfq, RfqRules, RfqState
from adapter.storage.b2b_terms import B2BTermsStore
from adapter.storage.history import SqlTransactionHistory
from adapter.storage.loi_desk import LoiDesk
from adapter.storage.rfq_reviews import RfqStore

__all__ = ["SqlB2BDesk"]


class SqlB2BDesk:
    """Price lists and seller terms from ``B2BTermsStore``, letters from ``LoiDesk``, a
    transaction's search from the audit log (``SqlTransactionHistory``), held RFQs from
    ``RfqStore``."""

    def __init__(
        self,
        terms: B2BTermsStore,
        loi: LoiDesk,
        links: DocumentLinks,
        history: SqlTransactionHistory,
        rfqs: RfqStore,
    ) -> None:
        self._terms = terms
        self._loi = loi
        self._links = links
        self._history = history
        self._rfqs = rfqs

    async def search_finder_fee(self, transaction_id: str, bap_id: str) -> tuple[str, str] | None:
        """The finder fee the buyer app's last search in the transaction named."""
        body = await self._history.last_request(transaction_id, "search", bap_id)
        if body is None:
            return None
        try:
            search = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        return search_finder_fee(search) if isinstance(search, dict) else None

    def document_url(self, seller_code: str, order_id: str, kind: str) -> str:
        """The signed URL of an order's document."""
        assert kind in KINDS
        return self._links.url(seller_code, order_id, kind)  # type: ignore[arg-type]

    async def price_lists(
        self, seller_code: str, skus: Iterable[str] | None = None
    ) -> dict[str, PriceList]:
        """The seller's price lists of these SKUs, by SKU."""
        return await self._terms.price_lists(seller_code, skus)

    async def seller_terms(self, seller_code: str) -> SellerTerms | None:
        """The seller's B2B terms."""
        return await self._terms.seller_terms(seller_code)

    async def terms_for_buyer(self, buyer_gstin: str) -> list[LetterTerms]:
        """The letters this GSTIN signed."""
        return await self._loi.terms_for_buyer(buyer_gstin)

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
        """Record against the letters the transaction realises."""
        return await self._loi.record(
            buyer_gstin=buyer_gstin,
            buyer_app_id=buyer_app_id,
            lines=lines,
            transaction_id=transaction_id,
            order_id=order_id,
            kind=kind,
            amount_paise=amount_paise,
            event_key=event_key,
            at=at,
        )

    async def rfq_rules(self, seller_code: str) -> RfqRules | None:
        """The seller's RFQ rules."""
        return await self._rfqs.rules(seller_code)

    async def held_rfq(self, transaction_id: str, message_id: str) -> HeldRfq | None:
        """The RFQ of this ``/select`` held for its seller, if it was."""
        return await self._rfqs.held(transaction_id, message_id)

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
        """Hold an RFQ for its seller."""
        return await self._rfqs.hold(
            seller_code=seller_code, transaction_id=transaction_id, message_id=message_id,
            bap_id=bap_id, reason=reason, decide_by=decide_by, default=default,
            proposed=proposed, now=now,
        )  # fmt: skip

    async def decide_rfq(
        self,
        rfq_id: int,
        *,
        state: RfqState,
        decision: dict[str, Any],
        actor: str,
        now: datetime,
    ) -> HeldRfq:
        """Record a held RFQ's decision if it is still pending."""
        return await self._rfqs.decide(rfq_id, state=state, decision=decision, actor=actor,
                                       now=now)  # fmt: skip
