"""What an ACKed request asks of the catalogue beyond its callback: a buyer app's
subscription to a domain's changes (an incremental search's ``start``/``stop``), and its
catalogue refusals against our sellers' items (``/catalog_rejection``)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

import schemas
from adapter.network.authentication import Sender
from adapter.runtime import Runtime
from catalog_sync.rejections import parse_rejections

__all__ = ["record_rejections", "subscribe"]

log = logging.getLogger(__name__)


async def subscribe(
    runtime: Runtime, context: schemas.Context, sender: Sender, *, start: bool
) -> None:
    """Start or stop pushing a domain's catalogue changes to the buyer app."""
    assert context.domain is not None  # the context rules require it
    now = runtime.clock.now()
    if start:
        assert context.bap_uri is not None
        assert context.transaction_id is not None
        await runtime.catalogue.subscribe(
            bap_id=sender.subscriber_id,
            bap_uri=context.bap_uri,
            domain=context.domain,
            transaction_id=context.transaction_id,
            now=now,
            core_version=context.core_version or "1.2.0",
        )
    else:
        await runtime.catalogue.unsubscribe(
            bap_id=sender.subscriber_id, domain=context.domain, now=now
        )


async def record_rejections(
    runtime: Runtime, request: schemas.CatalogRejectionRequest, sender: Sender
) -> None:
    """Keep a buyer app's catalogue refusals against our sellers' items (after the ACKed
    request is durable; the raw message stays in the audit log whatever happens here)."""
    errors = [e.model_dump(by_alias=True, exclude_none=True) for e in request.errors or []]
    try:
        await runtime.catalogue.record_rejections(
            parse_rejections(errors), buyer_id=sender.subscriber_id, now=runtime.clock.now()
        )
    except SQLAlchemyError:
        log.exception("could not record the catalogue rejections from %s", sender.subscriber_id)
