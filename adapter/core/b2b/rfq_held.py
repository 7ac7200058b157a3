"""The ``/on_select`` of an RFQ held for its seller's decision (``adapter.core.b2b.
rfq_review``): nothing yet while the seller's window is open (the build is ``Deferred``),
then the decision: the quotation (from the price list, or the seller's counter-offer) kept
as the transaction's draft and recorded on the LOI desk as quoted, or the RFQ declined
with the seller's code and reason (the contract's ``on_select`` carries the order even
with an error; no draft is kept and the stock held for it is let go). A window that closes
undecided gets the seller's default, and the seller is told."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import schemas
import schemas.b2b
from adapter.core.b2b.buyer_creds import buyer_creds
from adapter.core.b2b.loi import MovementKind
from adapter.core.b2b.po_review import Deferred
from adapter.core.b2b.ports import B2BDesk
from adapter.core.b2b.replies import b2b_reply
from adapter.core.b2b.rfq_order import buyer_gstin, stored
from adapter.core.b2b.rfq_review import HeldRfq, RfqState
from adapter.core.callbacks import Identity
from adapter.core.order_book import OrderBook

__all__ = ["answer_held", "default_decision"]


def default_decision(held: HeldRfq) -> tuple[RfqState, dict[str, Any]]:
    """The decision a held RFQ gets when its window closes undecided."""
    if held.default == "decline":
        reason = f"no decision within the seller's window ({held.reason})"
        return RfqState.DECLINED, {"code": "50005", "reason": reason}
    return RfqState.QUOTED, {"order": held.proposed["order"]}


async def answer_held(
    request: schemas.Envelope,
    held: HeldRfq,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    b2b: B2BDesk,
) -> schemas.Envelope:
    """The ``/on_select`` answering the held RFQ ``held`` (this request)."""
    assert isinstance(request, schemas.b2b.B2BSelectRequest)
    if held.state is RfqState.PENDING:
        if now < held.decide_by:
            raise Deferred(held.decide_by, "the RFQ awaits its seller's decision")
        state, decision = default_decision(held)
        held = await b2b.decide_rfq(held.id, state=state, decision=decision, actor="system",
                                    now=now)  # fmt: skip
    context = request.context
    proposed: dict[str, Any] = held.proposed["order"]
    if held.state is RfqState.SUPERSEDED:
        replaced = ("50005", "a later RFQ of this transaction replaced this one")
        return b2b_reply(
            request, identity=identity, now=now, message={"order": proposed}, error=replaced
        )
    decision = held.decision or {}
    if held.state is RfqState.DECLINED:
        # The stock held for the RFQ goes back (a declined RFQ holds none).
        await orders.hold(
            transaction_id=held.transaction_id, seller_code=held.seller_code,
            wants={item["id"]: 0 for item in proposed["items"]}, now=now, until=now,
        )  # fmt: skip
        return b2b_reply(request, identity=identity, now=now, message={"order": proposed},
                         error=(str(decision["code"]), str(decision["reason"])))  # fmt: skip
    quoted: dict[str, Any] = decision["order"]
    order = request.message.order
    gstin = buyer_gstin(order) if order is not None else None
    total = Decimal(quoted["quote"]["price"]["value"])
    await orders.save_draft(
        transaction_id=held.transaction_id, bap_id=context.bap_id or "",
        bap_uri=context.bap_uri or "", domain=context.domain or "",
        city=context.city_code or "", seller_code=held.seller_code, stage="selected",
        document=stored(quoted, gstin, buyer_creds(order) if order is not None else ()),
        total=total, now=now,
    )  # fmt: skip
    await b2b.record(
        buyer_gstin=gstin, buyer_app_id=context.bap_id or "",
        lines=[(held.seller_code, item["id"]) for item in quoted["items"]],
        transaction_id=held.transaction_id, order_id=None, kind=MovementKind.QUOTED,
        amount_paise=int(total * 100),
        event_key=f"{held.transaction_id}:quoted:{held.message_id}", at=now,
    )  # fmt: skip
    # Short of stock when the RFQ came: the quotation shows what can be had, as at once.
    short = held.proposed.get("short")
    error = ("40002", str(short)) if short else None
    return b2b_reply(request, identity=identity, now=now, message={"order": quoted}, error=error)
