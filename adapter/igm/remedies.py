"""An agreed resolution carried out on the order (pure): the retail change it makes and
the unsolicited ``/on_update`` that tells the buyer app.

The order modules' own return rules do the work, so an IGM refund is exactly the refund a
retail return would give (ONDC retail 1.2.0 ``/on_update``, certification flow 6; Pramaan
ends its IGM flows with ``on_update_igm_return`` / ``on_update_igm_replacement``):

- ``REFUND``: a ``Return`` fulfilment opened and ``Liquidated`` at once (refunded, not
  collected): its value leaves the quote with a ``quote_trail``.
- ``RETURN``: a ``Return`` fulfilment ``Return_Approved``; the seller then has it picked up
  (the refund is made at pick-up) through the seller API as any return.
- ``REPLACEMENT``: as ``RETURN``, with ``replace: yes`` and, at once, the new ``Delivery``
  fulfilment (``Pending``) for the new piece, which the seller ships through the seller API
  as any retail 1.2.5 replacement (``adapter.core.retail125.replacement``); the returned
  piece is not refunded.
- ``CANCEL``, ``NO_ACTION`` (``NO-ACTION`` in IGM 1.0.0) and anything else change no order.

Each return fulfilment carries an ``igm_request`` tag group naming the issue.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import schemas
from adapter.core.callbacks import Identity
from adapter.core.order_changes import unsolicited
from adapter.core.order_updates import (
    RETURN_REQUEST_CODES_125,
    UpdateRefused,
    request_return,
    return_event,
)
from adapter.core.orders import Change, IllegalTransition, OrderRow
from adapter.core.retail125.replacement import replacement_id, send_at_once
from adapter.igm.book import Remedy

__all__ = ["CARRIED_OUT", "RemedyRefused", "remedy_for", "return_reason"]

CARRIED_OUT: Final = frozenset({"REFUND", "RETURN", "REPLACEMENT"})
"""The resolutions that change the order."""

# IGM item complaints (ITM01 missing, ITM02 quantity, ITM03 mismatch, ITM04 quality,
# ITM05 expired; IGM 2.0.0 writes them with three digits) as retail 1.2.0 return reasons.
_RETURN_REASONS: Final = {"1": "004", "2": "004", "3": "005", "4": "003", "5": "003"}


class RemedyRefused(ValueError):
    """The resolution cannot be carried out on this order (not delivered, not the item)."""


def return_reason(category: str | None) -> str:
    """The retail return reason for an IGM complaint code (``003``, damaged, by default)."""
    code = (category or "").upper()
    if code.startswith("ITM"):
        return _RETURN_REASONS.get(code[3:].lstrip("0"), "003")
    return "003"


def _as_row(order: OrderRow, change: Change, now: datetime) -> OrderRow:
    return dataclasses.replace(
        order,
        state=change.state,
        fulfillment_state=change.fulfillment_state,
        document=change.document,
        updated_at=now,
    )


def _tag_issue(change: Change, return_id: str, issue_id: str) -> Change:
    document = dict(change.document)
    fulfillments = []
    for fulfillment in document["fulfillments"]:
        if fulfillment.get("id") == return_id:
            fulfillment = {
                **fulfillment,
                "tags": [
                    *fulfillment.get("tags", []),
                    {"code": "igm_request", "list": [{"code": "id", "value": issue_id}]},
                ],
            }
        fulfillments.append(fulfillment)
    document["fulfillments"] = fulfillments
    return dataclasses.replace(change, document=document)


def remedy_for(
    order: OrderRow,
    kind: str,
    *,
    issue_id: str,
    item_id: str,
    quantity: int,
    category: str | None,
    identity: Identity,
    now: datetime,
) -> Remedy | None:
    """The order change that carries out resolution ``kind`` for ``quantity`` of
    ``item_id``, with its ``/on_update`` body; ``None`` for a resolution that changes no
    order. Raises :class:`RemedyRefused` when the order cannot take it."""
    kind = kind.upper()
    if kind not in CARRIED_OUT:
        return None
    return_id = f"IGM-{uuid.uuid5(uuid.NAMESPACE_URL, issue_id).hex[:8]}"
    replace = [{"code": "replace", "value": "yes"}] if kind == "REPLACEMENT" else []
    asked = schemas.Order.model_validate(
        {
            "fulfillments": [
                {
                    "type": "Return",
                    "tags": [
                        {
                            "code": "return_request",
                            "list": [
                                {"code": "id", "value": return_id},
                                {"code": "item_id", "value": item_id},
                                {"code": "item_quantity", "value": str(quantity)},
                                {"code": "reason_id", "value": return_reason(category)},
                                {"code": "reason_desc", "value": f"Agreed in grievance {issue_id}"},
                                *replace,
                            ],
                        }
                    ],
                }
            ]
        }
    )
    try:
        opened = request_return(
            order,
            asked,
            by=order.bap_id,
            now=now,
            returnable={item_id: (True, "P3650D")},
            codes=RETURN_REQUEST_CODES_125,
        )
        event = "liquidate" if kind == "REFUND" else "approve"
        done = return_event(_as_row(order, opened, now), return_id, event, now=now)
    except (UpdateRefused, IllegalTransition) as exc:
        raise RemedyRefused(str(exc)) from None
    change = _tag_issue(done, return_id, issue_id)
    if kind == "REPLACEMENT":
        change = send_at_once(change, return_id, now=now)
    body = unsolicited(
        order,
        change.document,
        action="on_update",
        identity=identity,
        message_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{issue_id}:{kind}:on_update")),
        now=now,
    )
    body["message"] = {"update_target": "item", **body["message"]}
    detail: Mapping[str, Any] = {
        "issue": issue_id,
        "resolution": kind,
        "return": return_id,
        "item": item_id,
        "quantity": quantity,
        **({"replacement": replacement_id(return_id)} if kind == "REPLACEMENT" else {}),
    }
    change = dataclasses.replace(change, detail=detail)
    return Remedy(order=order, change=change, event=f"igm_{kind.lower()}", detail=detail, body=body)
