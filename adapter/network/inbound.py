"""The Beckn endpoints: one route per inbound action, all made by one factory.

For every request: read the raw bytes (bounded by the action's limit before they reach the
endpoint: ``adapter.network.body_limit``) -> shed it at once if the callbacks queued are
past what the ttl its context claims could wait -> verify
``Authorization`` (and, on search, ``X-Gateway-Authorization``) on those bytes -> parse
once with the action's model -> check the context rules -> refuse it if its callback could
not be sent within its ttl (``adapter.network.admission``; not audited, so shedding load
costs no write) -> apply the sender's rate limit and dedupe on (sender, action,
message_id) -> record the request and queue its callback in one transaction -> ACK.
Every failure is a NACK with an ONDC code and a message naming the problem
(``adapter.network.nack``), and is kept in the audit log too
(``adapter.network.nack_audit``).

Every verified request counts once against its sender's rate, whether it is accepted or
refused, and a sender over its rate hears 429 whatever else is wrong with the request. The
rate limit and the dedupe are one call to the shared state (on Redis one script, whose
round trip requests admitted at the same moment share); a request refused by the rate
limit is not remembered as seen, so its retry is new work.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Final

from fastapi import APIRouter, Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

import schemas
from adapter.coordination.port import Admission
from adapter.core.catalog_inc import incremental_request
from adapter.core.catalog_link import payload_type
from adapter.core.context_rules import ContextError
from adapter.core.contracts import Contract
from adapter.core.errors import (
    FeatureNotSupported,
    InternalError,
    InvalidRequest,
    NetworkError,
    Overloaded,
    RateLimited,
    StoreUnavailable,
)
from adapter.network.authentication import Sender
from adapter.network.catalogue_requests import record_rejections, subscribe
from adapter.network.nack import ack_response, nack_response
from adapter.network.nack_audit import kept_headers, record_nack, unverified_over_rate
from adapter.network.request_body import parse_body, read_body
from adapter.outbound.destination import UnsafeDestination, callback_url
from adapter.outbound.raised_desk import UnknownComplaint
from adapter.runtime import Runtime
from adapter.storage.raised_issues import RaisedMoved
from adapter.storage.store import InboundRecord, OutboxJob

__all__ = ["INBOUND_ACTIONS", "beckn_endpoints", "beckn_router"]

log = logging.getLogger(__name__)

INBOUND_ACTIONS: Final = (
    "search", "select", "init", "confirm", "status", "track", "cancel", "update",
    "rating", "support", "catalog_rejection", "issue", "issue_status",
    # The buyer app's answers to the seller's own complaints (IGM 2.0.0 Flow2).
    "on_issue",
)  # fmt: skip
# Actions no family answers with a callback (checked before the body is parsed).
_NO_CALLBACK: Final = frozenset({"catalog_rejection", "on_issue"})


async def _check_bap_uri(runtime: Runtime, context: schemas.Context, sender: Sender) -> None:
    """Callbacks go only where the registry says the sender lives: ``context.bap_uri``
    must be the ``subscriber_url`` of the signer's registry record (cached with its key),
    with no query or fragment that would swallow the ``on_<action>`` appended to it.
    A context rule like the others: CONTEXT-ERROR 30000 naming the field."""
    if context.bap_uri is None:
        return  # check_context has refused it already
    try:
        callback_url(context.bap_uri, "on_search")
    except UnsafeDestination as exc:
        raise ContextError(str(exc), path="context.bap_uri") from None
    registered = sender.registered_url
    if registered is None or context.bap_uri.rstrip("/") != registered.rstrip("/"):
        # Not held with the key, or not this one: the directory asks the registry again
        # when the record may have changed since it was cached.
        registered = await runtime.keys.subscriber_url(
            sender.subscriber_id, sender.unique_key_id, expected=context.bap_uri
        )
    if context.bap_uri.rstrip("/") != registered.rstrip("/"):
        raise ContextError(
            f"context.bap_uri {context.bap_uri!r} is not the subscriber_url the registry "
            f"holds for {sender.subscriber_id!r}",
            path="context.bap_uri",
        )


async def _take_answer(
    runtime: Runtime, callback: schemas.OnIssueCallbackV2, sender: Sender
) -> None:
    """A buyer app's ``/on_issue`` to a complaint the seller raised, stored (with the
    seller's webhook) before the ACK: an answer about no complaint of ours, or from another
    buyer app, is refused naming ``message.issue.id``; one that met a concurrent change is
    NACKed to be sent again."""
    if runtime.raised is None:
        raise FeatureNotSupported("/on_issue is not supported by this seller app")
    try:
        await runtime.raised.answered(callback, sender.subscriber_id)
    except UnknownComplaint as exc:
        raise InvalidRequest(str(exc), path="message.issue.id") from None
    except RaisedMoved:
        raise InternalError("the complaint changed meanwhile; send the answer again") from None
    except SQLAlchemyError as exc:
        raise StoreUnavailable("could not record the answer; retry") from exc


class _Endpoint:
    """The handler of one action; everything that differs between actions is data."""

    def __init__(self, action: str) -> None:
        self.action = action
        self.callback_action = f"on_{action}"

    async def __call__(self, request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        started = runtime.clock.monotonic()
        runtime.metrics.received(self.action)
        body = b""
        sender: Sender | None = None
        early = False
        try:
            read = await read_body(request)
            if read is None:
                # Nobody to answer: this response goes nowhere.
                return Response(status_code=400)
            body = read
            if self.action not in _NO_CALLBACK:
                # Shed before the signature's cost, judged as the verified check will be.
                runtime.admission.check_early(self.action, body)
                early = True
            # The headers the audit keeps, read from the scope in one pass, hold both
            # signature headers: two lookups in Starlette's header map cost more (13,000
            # instructions) than the pass.
            headers = kept_headers(request)
            sender = await runtime.authenticator.authenticate(
                headers, body, gateway_allowed=self.action == "search"
            )
            try:
                contract, parsed = await parse_body(runtime, self.action, body)
                ttl, subscription = self._check(runtime, contract, parsed, sender)
                await _check_bap_uri(runtime, parsed.context, sender)
                if contract.check_sequence is not None and runtime.history is not None:
                    await contract.check_sequence(parsed, runtime.history)
                if isinstance(parsed, schemas.OnIssueCallbackV2):
                    await _take_answer(runtime, parsed, sender)
            except NetworkError:
                # A refused request counts against its sender too, and a sender over its
                # rate hears 429 whatever else is wrong.
                await self._rate_limit(runtime, sender)
                raise
            return await self._accept(
                runtime, headers, body, sender, started, contract, parsed, ttl, subscription
            )
        except NetworkError as error:
            refusal = error
            if isinstance(refusal, Overloaded):
                runtime.metrics.shed.labels(self.action).inc()
            elif sender is None and await unverified_over_rate(runtime, request):
                # Refused unrecorded: an unsigned flood costs no audit writes.
                refusal = RateLimited(
                    f"over {runtime.settings.unverified_rate_per_second} unverified "
                    "requests per second from this address"
                )
            else:
                await record_nack(runtime, self.action, request, body, sender, refusal, started)
            runtime.metrics.nacks.labels(self.action, refusal.code).inc()
            return nack_response(refusal)
        except Exception:
            log.exception("unexpected failure handling /%s", self.action)
            return nack_response(InternalError("the request could not be processed; retry"))
        finally:
            if early:
                runtime.admission.decided()

    async def _rate_limit(self, runtime: Runtime, sender: Sender) -> None:
        limit = runtime.settings.rate_limit_per_second
        if not await runtime.state.take(f"rate:{sender.subscriber_id}", limit):
            raise RateLimited(f"{sender.subscriber_id} is over {limit} requests per second")

    def _check(
        self, runtime: Runtime, contract: Contract, parsed: schemas.Envelope, sender: Sender
    ) -> tuple[timedelta, str | None]:
        """Check the parsed request by its family's rules: its ttl, and whether it is a
        catalogue subscription (``start``/``stop``, answered by pushes later) instead of a
        search."""
        ttl = contract.check_context(
            parsed.context,
            action=self.action,
            sender_id=sender.subscriber_id,
            now=runtime.clock.now(),
            policy=runtime.edge_policy,
        )
        if not contract.answers(self.action) and self.action not in contract.silent:
            raise FeatureNotSupported(
                f"/{self.action} ({contract.name}) is not supported by this seller app yet"
            )
        subscription = None
        if isinstance(parsed, schemas.SearchRequest):
            try:
                incremental = incremental_request(parsed)
                payload_type(parsed)
            except ValueError as exc:
                raise InvalidRequest(str(exc), path="message.intent.tags") from None
            if incremental is not None and incremental.mode != "pull":
                subscription = incremental.mode  # answered by pushes later, not a reply
        return ttl, subscription

    async def _accept(
        self,
        runtime: Runtime,
        headers: dict[str, str],
        body: bytes,
        sender: Sender,
        started: float,
        contract: Contract,
        parsed: schemas.Envelope,
        ttl: timedelta,
        subscription: str | None,
    ) -> Response:
        settings = runtime.settings
        context = parsed.context
        assert context.bap_uri is not None  # check_context requires both
        assert context.timestamp is not None
        deadline = schemas.parse_timestamp(context.timestamp) + ttl
        answered = self.action not in contract.silent and subscription is None
        # One reading (3,000 instructions each) for the admission check and the record: the
        # admit between them is a step in process, a round trip on Redis, so the record's
        # time and the job's first attempt are at most that much earlier.
        now = runtime.clock.now()
        if answered:
            # Refused before it is remembered as seen: the sender's retry is new work.
            left = (deadline - now).total_seconds()
            runtime.admission.check(self.action, left)
        dedupe_key = f"dedupe:{sender.subscriber_id}|{self.action}|{context.message_id}"
        admission = await runtime.state.admit(
            f"rate:{sender.subscriber_id}",
            settings.rate_limit_per_second,
            dedupe_key,
            settings.dedupe_window_seconds,
        )
        if admission is Admission.LIMITED:
            raise RateLimited(
                f"{sender.subscriber_id} is over {settings.rate_limit_per_second} "
                "requests per second"
            )
        if admission is Admission.DUPLICATE:
            log.info("duplicate %s %s from %s: ACK, no work", self.action, context.message_id,
                     sender.subscriber_id)  # fmt: skip
            return ack_response()
        job = None
        if answered:
            job = OutboxJob(
                action=self.callback_action,
                target_url=f"{context.bap_uri.rstrip('/')}/{self.callback_action}",
                transaction_id=context.transaction_id,
                payload={},
                created_at=now,
                deadline_at=deadline,
            )
        record = InboundRecord(
            direction="in",
            action=self.action,
            peer_id=sender.subscriber_id,
            transaction_id=context.transaction_id,
            message_id=context.message_id,
            received_at=now,
            headers=headers,
            body=body,
            verification="valid" if sender.gateway_id is None else f"valid via {sender.gateway_id}",
            http_status=200,
            duration_ms=(runtime.clock.monotonic() - started) * 1000,
        )
        # Built by this process's dispatcher from the same bytes: not parsed again. Kept
        # before the commit, which wakes the dispatcher: it may build the job before this
        # coroutine comes back (adapter/outbound/parsed_requests.py).
        keeper = runtime.parsed if job is not None else None
        if keeper is not None and not keeper.keep(
            self.action, body, (contract, parsed), deadline=deadline, now=now
        ):
            keeper = None
        try:
            queued = await runtime.inbound.accept(record, job)
        except SQLAlchemyError as exc:
            if keeper is not None:
                keeper.drop(self.action, body)
            await runtime.state.delete(dedupe_key)  # let the sender's retry do the work
            log.exception("could not record %s %s", self.action, context.message_id)
            raise StoreUnavailable("could not record the request; retry") from exc
        if queued is None:  # a duplicate the database refused: no callback promised
            if keeper is not None:
                keeper.drop(self.action, body)
        elif job is not None:
            runtime.admission.queued()
        if isinstance(parsed, schemas.CatalogRejectionRequest):
            await record_rejections(runtime, parsed, sender)
        if subscription is not None:
            await subscribe(runtime, context, sender, start=subscription == "start")
        return ack_response()


def beckn_endpoints(base_path: str) -> dict[str, Callable[[Request], Awaitable[Response]]]:
    """The endpoint of ``POST {base_path}/{action}`` by path, for every inbound action."""
    return {f"{base_path}/{action}": _Endpoint(action).__call__ for action in INBOUND_ACTIONS}


def beckn_router(base_path: str) -> APIRouter:
    """``POST {base_path}/{action}`` for every inbound action."""
    router = APIRouter()
    for path, endpoint in beckn_endpoints(base_path).items():
        # A plain Starlette route: the endpoint takes the request and reads the raw bytes
        # itself, so FastAPI's dependency solving would be work for nothing on every call.
        router.add_route(path, endpoint, methods=["POST"], include_in_schema=False)
    return router
