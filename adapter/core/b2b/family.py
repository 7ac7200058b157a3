"""The ONDC B2B 2.0.2 contract family (pure): its models, context rules and replies.

Every action of the contract is taken, answered by its builder here, and every callback
has its model. An action without a reply builder would be refused at the edge with NACK
40001 (``Contract.replies``), so a B2B buyer app never waits on an ACK nobody answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import schemas
import schemas.b2b
from adapter.core.b2b.cancellation import on_cancel
from adapter.core.b2b.catalogue import on_search
from adapter.core.b2b.context import check_b2b_context
from adapter.core.b2b.followups import on_rating, on_support, on_track
from adapter.core.b2b.payment_update import on_update
from adapter.core.b2b.purchase_order import on_confirm, on_init
from adapter.core.b2b.rfq import on_select
from adapter.core.b2b.status import on_status
from adapter.core.contracts import Contract, ReplyBuilder

__all__ = ["B2B_2_0_2", "B2B_REPLIES"]

B2B_REPLIES: Final[Mapping[str, ReplyBuilder]] = MappingProxyType(
    {
        "search": on_search,
        "select": on_select,
        "init": on_init,
        "confirm": on_confirm,
        "status": on_status,
        "cancel": on_cancel,
        "update": on_update,
        "track": on_track,
        "rating": on_rating,
        "support": on_support,
    }
)
"""B2B inbound action -> reply builder, for the actions whose business logic exists."""


def _requests() -> Mapping[str, type[schemas.Envelope]]:
    return MappingProxyType(
        {action: spec.request for action, spec in schemas.b2b.B2B_ACTIONS.items()}
    )


def _callbacks() -> Mapping[str, type[schemas.Envelope]]:
    return MappingProxyType(
        {spec.callback_action: spec.callback for spec in schemas.b2b.B2B_ACTIONS.values()}
    )


B2B_2_0_2: Final = Contract(
    name="B2B 2.0.2",
    version="2.0.2",
    requests=_requests(),
    callbacks=_callbacks(),
    replies=B2B_REPLIES,
    check_context=check_b2b_context,
    version_field="version",
)
"""ONDC B2B retail 2.0.2 (context ``version`` "2.0.2")."""
