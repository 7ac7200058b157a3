"""``/seller/v1/webhooks/payment``: the seller app's payment gateway reports a payment
(retail 1.2.5, the seller app collecting the payment; ``docs/payments.md``).

The gateway POSTs one report per attempt to pay a transaction's order::

    {"transaction_id": "<the ONDC transaction id of the link>", "payment_id": "pay_29QQ",
     "status": "captured" | "failed", "amount": "1532.00", "currency": "INR",
     "error": "<the gateway's reason, for a failure>"}

signed as a seller's stock push is (``stock_webhook.py``: ``X-ODOP-Timestamp``,
``X-ODOP-Delivery``, ``X-ODOP-Signature``), with ``ONDC_PAYMENT_GATEWAY_SECRET``. A
report is recorded on the cart, and the buyer app told with an unsolicited ``/on_init`` (under
the init's message id, as Pramaan's example has it),
once: the gateway's retry of a captured payment already recorded is answered 200
(``recorded`` false) and announced no second time, whatever its delivery id; another
report under a delivery id already received is 409; a
captured amount other than the quoted total is 422 (naming ``amount``), a second, other
payment of a paid cart is 409 (the gateway refunds it), a report of a transaction not
paid through this seller app is 409, one of no transaction 404.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import schemas
from adapter.core.callbacks import Identity
from adapter.core.order_replies import INTERNAL, unsolicited
from adapter.core.orders import OrderRow
from adapter.core.retail125.seller_collects import (
    GatewayReport,
    already_recorded,
    report_refusal,
    reported,
)
from adapter.runtime import Runtime
from adapter.seller_api.refusals import FieldNamingRoute, field_errors
from adapter.seller_api.stock_webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    StockWebhookRefused,
    verify_stock_push,
)
from adapter.storage.draft_payments import record_draft_payment
from adapter.storage.outbox import Outbox

__all__ = ["PaymentReport", "payment_webhook_router"]

# The unsolicited on_init is retried for as long as a seller's status updates are.
_DELIVERY_WINDOW: Final = timedelta(hours=6)
# Times a report is tried on a cart that keeps changing under it.
_ATTEMPTS: Final = 3


class PaymentReport(BaseModel):
    """One attempt to pay, as the gateway reports it."""

    model_config = ConfigDict(extra="forbid")

    transaction_id: Annotated[str, Field(min_length=1, max_length=255)]
    payment_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{1,100}$")]
    status: Literal["captured", "failed"]
    amount: Annotated[str, Field(pattern=r"^\d{1,9}(\.\d{1,2})?$")]
    currency: Literal["INR"] = "INR"
    error: Annotated[str, Field(min_length=1, max_length=255)] | None = None


def payment_webhook_router() -> APIRouter:
    """The payment gateway's webhook."""
    router = APIRouter(
        prefix="/seller/v1/webhooks", tags=["payments"], route_class=FieldNamingRoute
    )

    @router.post("/payment")
    async def payment_webhook(request: Request) -> dict[str, Any]:
        """Record a payment the gateway took (or failed to take) for a cart, and tell the
        buyer app in an unsolicited on_init."""
        runtime: Runtime = request.app.state.runtime
        settings = runtime.settings
        if settings.payment_gateway_secret is None:
            raise HTTPException(
                status_code=404,
                detail="this seller app collects no payments (ONDC_PAYMENT_GATEWAY_URL unset)",
            )
        body = await request.body()
        window = settings.stock_webhook_window_seconds
        try:
            delivery = verify_stock_push(
                settings.payment_gateway_secret.get_secret_value(),
                body,
                timestamp=request.headers.get(TIMESTAMP_HEADER),
                delivery=request.headers.get(DELIVERY_HEADER),
                signature=request.headers.get(SIGNATURE_HEADER),
                now=runtime.clock.timestamp(),
                window_seconds=window,
                keyed_with="ONDC_PAYMENT_GATEWAY_SECRET",
            )
        except StockWebhookRefused as refused:
            raise HTTPException(status_code=refused.status, detail=refused.message) from None
        try:
            asked = PaymentReport.model_validate_json(body)
        except ValidationError as exc:
            raise HTTPException(status_code=422, detail=field_errors(exc.errors())) from None
        report = GatewayReport(**asked.model_dump())
        draft = await _cart(runtime, report)
        if already_recorded(draft.document, report):
            return {"transaction_id": draft.transaction_id, "status": "PAID", "recorded": False}
        # A retry of the recorded payment is answered above whatever its delivery id.
        if not await runtime.state.first_seen(f"payment-report:{delivery}", 2 * window + 60):
            raise HTTPException(
                status_code=409,
                detail=f"{DELIVERY_HEADER}: {delivery} was already received; send a fresh id",
            )
        # The cart may change under the report (a new init): read it again and retry.
        for _ in range(_ATTEMPTS):
            if await _record(runtime, draft, report):
                status = "PAID" if report.status == "captured" else "NOT-PAID"
                return {"transaction_id": draft.transaction_id, "status": status, "recorded": True}
            draft = await _cart(runtime, report)
            if already_recorded(draft.document, report):
                return {"transaction_id": draft.transaction_id, "status": "PAID",
                        "recorded": False}  # fmt: skip
        raise HTTPException(
            status_code=409,
            detail=f"transaction_id: {report.transaction_id} kept changing while this report "
            "was recorded; send it again with a fresh X-ODOP-Delivery",
        )

    return router


async def _cart(runtime: Runtime, report: GatewayReport) -> OrderRow:
    """The cart (or order) of the report's transaction; 404 when there is none."""
    draft = await runtime.orders.by_transaction(report.transaction_id)
    if draft is None:
        raise HTTPException(
            status_code=404, detail=f"transaction_id: no cart {report.transaction_id}"
        )
    return draft


async def _record(runtime: Runtime, draft: OrderRow, report: GatewayReport) -> bool:
    """Record ``report`` on ``draft`` with the on_init that announces it; False when the
    draft changed since it was read (nothing written), an HTTP error when the report cannot
    be recorded."""
    if draft.stage != "initialized":
        raise HTTPException(
            status_code=409,
            detail=f"transaction_id: {report.transaction_id} is {draft.stage}, not awaiting "
            "payment",
        )
    refused = report_refusal(draft.document, report)
    if refused is not None:
        raise HTTPException(status_code=refused[0], detail=refused[1])
    settings = runtime.settings
    now = runtime.clock.now()
    document = reported(draft.document, report, schemas.format_timestamp(now))
    callback = unsolicited(
        draft,
        document,
        action="on_init",
        identity=Identity(settings.subscriber_id, str(settings.subscriber_url)),
        # The init's: buyer apps take the payment's news as a second answer to their init
        # (Pramaan's example repeats its message id, and its rules pair every on_init with
        # its init).
        message_id=str(draft.document.get(INTERNAL, {}).get("init_message_id") or uuid.uuid4()),
        now=now,
    )
    row = Outbox.unsolicited_row(
        action="on_init",
        target_url=f"{draft.bap_uri.rstrip('/')}/on_init",
        transaction_id=draft.transaction_id,
        payload=callback,
        now=now,
        deadline_at=now + _DELIVERY_WINDOW,
    )
    recorded = await record_draft_payment(
        runtime.store.database,
        draft,
        document=document,
        event=f"payment_{report.status}",
        detail={"payment_id": report.payment_id, "amount": report.amount},
        callback=row,
        now=now,
    )
    if recorded:
        await runtime.wakeup.notify()
    return recorded
