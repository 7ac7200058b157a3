"""The composition root: :func:`create_app` builds the adapter from its settings.

Nothing is built at import time. The lifespan opens the database engine, the HTTP client,
the shared state (Redis or memory) and the registry key cache, and closes them on shutdown.
Tests pass fakes through the same door: an httpx ``transport`` (a respx router), a clock,
a shared state.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from typing import Any

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from redis.asyncio import Redis
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from adapter.admin import admin_router
from adapter.api_docs import install_api_docs
from adapter.b2b.catalogue_api import b2b_catalogue_router
from adapter.b2b.desk_port import SqlB2BDesk
from adapter.b2b.documents import DocumentLinks
from adapter.b2b.loi_api import loi_admin_router, loi_seller_router
from adapter.b2b.loi_watch import LoiWatcher
from adapter.b2b.order_events import B2BOrderSteps
from adapter.b2b.orders_api import b2b_documents_router, b2b_orders_router
from adapter.b2b.po_decisions import PoDecisions
from adapter.b2b.rfq_api import b2b_rfq_router
from adapter.catalog import SqlCatalog
from adapter.catalog.closures import ClosureWatcher
from adapter.catalog.download import SignedCatalogueLinks, catalogue_download_router
from adapter.catalog.feeds import FeedPoller, HttpFeedSource
from adapter.catalog.push import CatalogPush
from adapter.coordination import MemoryState, RedisState, SharedState
from adapter.coordination.wakeup import LocalWakeup, RedisWakeup, Wakeup
from adapter.core.clock import Clock, SystemClock
from adapter.core.context_rules import EdgePolicy
from adapter.core.contract_table import table_for
from adapter.core.replies import CatalogPort, Identity, OrderPolicy
from adapter.dashboard import dashboard_admin_router, dashboard_router
from adapter.dashboard.complaints import complaints_router
from adapter.dashboard.sources import (
    DeskLetters,
    GrievanceComplaints,
    Sources,
)
from adapter.home import home_router
from adapter.igm.desk import IssueDesk
from adapter.igm.respondent import respondent
from adapter.igm.timers import IssueTimers
from adapter.metrics import Metrics, metrics_router
from adapter.network.admission import AdmissionControl, AdmissionPolicy
from adapter.network.authentication import Authenticator
from adapter.network.body_limit import BodyLimit, BodyLimits
from adapter.network.health import health_router
from adapter.network.inbound import INBOUND_ACTIONS, beckn_endpoints, beckn_router
from adapter.network.nul_text import refuse_nul_text
from adapter.network.onboarding import onboarding_router
from adapter.network.refusal_audit import record_refusal
from adapter.network.security_headers import SecurityHeaders
from adapter.outbound.client import AiohttpCallbacks, CallbackClient, HttpxCallbacks
from adapter.outbound.destination import Destinations
from adapter.outbound.dispatcher import Dispatcher
from adapter.outbound.notifier import SellerNotifier
from adapter.outbound.order_desk import OrderDesk, OrderTimers
from adapter.outbound.parsed_requests import ParsedRequests
from adapter.outbound.raised_desk import RaisedDesk
from adapter.registry.client import RegistryClient
from adapter.registry.directory import KeyDirectory
from adapter.runtime import Runtime
from adapter.seller_api import (
    notifications_router,
    seller_admin_router,
    seller_availability_router,
    seller_router,
)
from adapter.seller_api.complaints import seller_complaints_router
from adapter.seller_api.delivery_slots import delivery_slots_router
from adapter.seller_api.issues import seller_issues_router
from adapter.seller_api.orders import seller_orders_router
from adapter.seller_api.payment_webhook import payment_webhook_router
from adapter.seller_api.refusals import field_errors
from adapter.settings import Settings
from adapter.storage import Database, Store, upgrade
from adapter.storage.b2b_terms import B2BTermsStore
from adapter.storage.backlog import pending_callbacks
from adapter.storage.catalog import CatalogStore
from adapter.storage.credentials import DashboardCredentials
from adapter.storage.group_commit import InboundWriter
from adapter.storage.history import SqlTransactionHistory
from adapter.storage.issues import IssueStore
from adapter.storage.loi_desk import LoiDesk
from adapter.storage.notifications import SellerNotifications
from adapter.storage.order_facts import OrderFacts
from adapter.storage.orders import OrderStore
from adapter.storage.outbox import Outbox
from adapter.storage.raised_issues import RaisedIssueStore
from adapter.storage.reports import Reports
from adapter.storage.retention import AuditRetention
from adapter.storage.rfq_reviews import RfqStore

__all__ = ["create_app"]

log = logging.getLogger(__name__)

# The outbound HTTP client's pool (callbacks, registry lookups, sellers' feeds and hooks).
HTTP_LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=50)


def order_policy(settings: Settings) -> OrderPolicy:
    """The marketplace's order terms, from the settings."""
    return OrderPolicy(
        hold=timedelta(seconds=settings.stock_hold_seconds),
        answer_window=timedelta(seconds=settings.max_ttl_seconds),
        finder_fee_amount=settings.buyer_finder_fee_percent,
        finder_fee_ceiling=settings.b2b_max_finder_fee_percent,
        gstin=settings.gstin,
        bank_account=settings.settlement_bank_account,
        ifsc=settings.settlement_ifsc,
        beneficiary=settings.settlement_beneficiary,
        bank_name=settings.settlement_bank_name,
        branch=settings.settlement_branch,
        upi=settings.settlement_upi,
        payment_gateway=(
            None if settings.payment_gateway_url is None else str(settings.payment_gateway_url)
        ),
    )


class _AdapterApp(FastAPI):
    """The adapter's ASGI app: a Beckn request goes straight to its endpoint.

    Buyer apps and the gateway send most of the calls, and each is answered by one
    endpoint that handles every failure itself (a NACK, never a 500): the route search and
    the middleware stack of the other routes would be a tenth of the request's cost for
    nothing. Everything else, including a Beckn path under a ``root_path`` and every
    method but POST, goes through FastAPI as usual (the same endpoints are routed there
    too).
    """

    def __init__(
        self,
        beckn: dict[str, Callable[[Request], Awaitable[Response]]],
        limits: BodyLimits,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self._beckn = beckn
        # In front of everything, the Beckn fast path included: no route reads a body
        # past its limit.
        self._bounded = BodyLimit(self._route, limits, on_refused=self._audit_refusal)
        # Browsers' headers on everything but the Beckn fast path (peers are not browsers).
        self._secured = SecurityHeaders(self._routed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._bounded(scope, receive, send)

    async def _audit_refusal(self, scope: Scope, status: int, reason: str) -> None:
        runtime: Runtime | None = getattr(self.state, "runtime", None)
        if runtime is not None:  # None only before the lifespan has opened the store
            await record_refusal(runtime, scope, status, reason)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and not scope.get("root_path"):
            endpoint = self._beckn.get(scope["path"])
            if endpoint is not None:
                scope["app"] = self
                response = await endpoint(Request(scope, receive, send))
                await response(scope, receive, send)
                return
        await self._secured(scope, receive, send)

    async def _routed(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


async def _refused_fields(_: Request, exc: Exception) -> Response:
    """A 422 naming each refused field, on every route: FastAPI's own handler echoes the
    refused input, and fails (a 500) when that input is bytes that are not UTF-8."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": field_errors(exc.errors())}, status_code=422)


def create_app(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock | None = None,
    state: SharedState | None = None,
    catalog: CatalogPort | None = None,
    migrate: bool = True,
    dispatch: bool = True,
    freeze_heap: bool = False,
    queued_elsewhere: bool = False,
) -> FastAPI:
    """The adapter as an ASGI app; its parts are opened when the app starts.

    ``dispatch=False`` leaves callbacks in the outbox, sellers' feeds unread and seller
    notifications queued (for tests that drive the dispatcher, the feed poller and the
    notifier by hand); otherwise the lifespan runs this process's three of them.

    ``queued_elsewhere=True`` (``serve --dispatcher-only``) says that callbacks are queued
    by other processes: without Redis nothing wakes this one when they are, so its
    dispatcher looks for due jobs every 50 ms (a read; a claim only when one is due)
    instead of every second.

    ``freeze_heap=True`` (server processes, one app per process) moves everything alive
    once the app has started into the collector's permanent generation: the modules,
    schemas and pools built at start-up are never scanned again, so a full collection
    under load walks only what requests made, and no longer pauses every request in
    flight for tens of milliseconds.
    """
    the_clock: Clock = clock or SystemClock()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            await asyncio.to_thread(upgrade, settings.database_url)
        database = Database.connect(settings.database_url)
        shared: SharedState
        wakeup: Wakeup
        if state is not None:
            shared = state
        elif settings.redis_url:
            shared = RedisState.from_url(
                settings.redis_url, the_clock, prefix=settings.redis_key_prefix
            )
        else:
            shared = MemoryState(the_clock)
        if settings.redis_url:
            wakeup = RedisWakeup(Redis.from_url(settings.redis_url))
        else:
            wakeup = LocalWakeup()
        http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(10.0),
            limits=HTTP_LIMITS,
        )
        # Callbacks go through the client bench/outbound measured cheapest (aiohttp), or
        # through httpx where a test injects a transport, or when the settings ask for it.
        callbacks: CallbackClient
        if transport is not None or settings.callback_client == "httpx":
            callbacks = HttpxCallbacks(http)
        else:
            callbacks = AiohttpCallbacks(allow_private=settings.outbound_allow_private)
        registry = RegistryClient.from_settings(http, settings, the_clock)
        keys = KeyDirectory(
            registry, shared, the_clock, max_cache_seconds=settings.key_cache_max_seconds
        )
        store = Store(database)
        catalogue = CatalogStore(database)
        the_catalog: CatalogPort = catalog or SqlCatalog(catalogue, settings.storefront)
        outbox = Outbox(database)
        identity = Identity(settings.subscriber_id, str(settings.subscriber_url))
        notifications = SellerNotifications(
            database, retry_window=timedelta(hours=settings.seller_webhook_deadline_hours)
        )
        order_store = OrderStore(database, notifications)
        desk = OrderDesk(order_store, wakeup, identity, the_clock)
        issues = IssueStore(
            database, respondent(settings), orders=order_store, notifications=notifications
        )
        grievances = IssueDesk(issues, order_store, wakeup, identity, the_clock)
        raised_issues = RaisedIssueStore(database, notifications=notifications)
        raised = RaisedDesk(raised_issues, wakeup, identity, respondent(settings), the_clock)
        push = CatalogPush(catalogue, outbox, wakeup, identity, the_clock)
        inbound = InboundWriter(store, after_commit=wakeup.notify)
        parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbound-parser")
        contracts = table_for(settings.core_version_set)
        # The edge's parsed requests, for this process's dispatcher (when it runs one).
        parsed = ParsedRequests() if dispatch else None
        admission = AdmissionControl(
            shared,
            the_clock,
            AdmissionPolicy(
                search_share=settings.admission_search_share,
                order_share=settings.admission_order_share,
                min_rate=settings.admission_min_rate,
                longest_retry_after=settings.admission_longest_retry_after,
            ),
            pending=partial(pending_callbacks, database),
            due=lambda: outbox.due_count(the_clock.now()),
            # The dispatcher below; its loop comes round at least every idle poll (1 s).
            dispatching=(lambda: app.state.dispatcher.running(within=2.5)) if dispatch else None,
            enabled=settings.admission_control,
        )
        loi_desk = LoiDesk(database)
        b2b_terms = B2BTermsStore(database)
        rfqs = RfqStore(database, notifications)
        links = DocumentLinks(
            str(settings.subscriber_url), settings.admin_api_key.get_secret_value()
        )
        catalogue_links = SignedCatalogueLinks(
            str(settings.subscriber_url), settings.admin_api_key.get_secret_value()
        )
        app.state.runtime = Runtime(
            settings=settings,
            clock=the_clock,
            edge_policy=EdgePolicy(
                subscriber_id=settings.subscriber_id,
                subscriber_url=str(settings.subscriber_url),
                domains=settings.domain_set,
                clock_skew=timedelta(seconds=settings.clock_skew_seconds),
                max_ttl=timedelta(seconds=settings.max_ttl_seconds),
            ),
            http=http,
            store=store,
            catalogue=catalogue,
            push=push,
            inbound=inbound,
            outbox=outbox,
            state=shared,
            wakeup=wakeup,
            registry=registry,
            keys=keys,
            authenticator=Authenticator(
                keys,
                the_clock,
                skew_seconds=settings.clock_skew_seconds,
                max_lifetime_seconds=settings.max_signature_lifetime_seconds,
            ),
            orders=order_store,
            desk=desk,
            notifications=notifications,
            metrics=metrics,
            reports=Reports(database),
            facts=OrderFacts(database),
            credentials=DashboardCredentials(database),
            dashboard_sources=Sources(
                DeskLetters(loi_desk),
                GrievanceComplaints(issues, the_clock),
            ),
            loi=loi_desk,
            b2b_terms=b2b_terms,
            b2b_steps=B2BOrderSteps(order_store, loi_desk, wakeup, identity, the_clock, links),
            catalogue_links=catalogue_links,
            b2b_po=PoDecisions(order_store, outbox, loi_desk, wakeup, identity, the_clock),
            b2b_rfqs=rfqs,
            parser=parser,
            contracts=contracts,
            admission=admission,
            issues=issues,
            grievances=grievances,
            raised_issues=raised_issues,
            raised=raised,
            history=SqlTransactionHistory(database),
            parsed=parsed,
        )
        log.info(
            "adapter started as %s (%s store, %s shared state)",
            settings.subscriber_id,
            database.dialect,
            "redis" if settings.redis_url else "in-process",
        )
        polled = queued_elsewhere and not settings.redis_url
        dispatcher = Dispatcher(
            settings=settings,
            outbox=outbox,
            store=store,
            client=callbacks,
            clock=the_clock,
            wakeup=wakeup,
            catalog=the_catalog,
            orders=order_store,
            policy=order_policy(settings),
            edge_load=lambda: inbound.waiting,
            metrics=metrics,
            contracts=contracts,
            on_settled=admission.settled,
            issues=issues,
            b2b=SqlB2BDesk(b2b_terms, loi_desk, links, SqlTransactionHistory(database), rfqs),
            catalogue_links=catalogue_links,
            on_failed=app.state.runtime.b2b_po.unheard,
            idle_poll_seconds=0.05 if polled else 1.0,
            poll_first=polled,
            parsed=parsed,
        )
        app.state.dispatcher = dispatcher
        destinations = Destinations(
            allow_http=settings.outbound_allow_http, allow_private=settings.outbound_allow_private
        )
        feeds = HttpFeedSource(
            http, max_bytes=settings.stock_feed_max_bytes, destinations=destinations
        )
        poller = FeedPoller(catalogue, push, feeds, shared, the_clock)
        app.state.feed_poller = poller
        notifier = SellerNotifier(
            notifications=notifications,
            http=http,
            clock=the_clock,
            max_attempts=settings.seller_webhook_max_attempts,
            lease=timedelta(seconds=settings.job_lease_seconds),
            destinations=destinations,
            deadline_seconds=settings.outbound_deadline_seconds,
        )
        app.state.notifier = notifier
        # A held PO's decision whose resend a killed process never queued is queued now.
        await app.state.runtime.b2b_po.recover()
        stop = asyncio.Event()
        # Every process shares its counts: an edge alone queues, a dispatcher alone settles.
        admission_task = asyncio.create_task(admission.run(stop))
        tasks = (
            [
                asyncio.create_task(dispatcher.run(stop)),
                asyncio.create_task(poller.run(stop)),
                asyncio.create_task(ClosureWatcher(catalogue, push, shared, the_clock).run(stop)),
                asyncio.create_task(
                    OrderTimers(
                        order_store, desk, the_clock, held=app.state.runtime.b2b_po.apply_default
                    ).run(stop)
                ),
                asyncio.create_task(
                    IssueTimers(
                        issues,
                        grievances,
                        the_clock,
                        warn_before=timedelta(minutes=settings.grievance_warn_minutes),
                        escalate_after=timedelta(minutes=settings.grievance_escalate_minutes),
                        notify=issues.notify,
                    ).run(stop)
                ),
                asyncio.create_task(notifier.run(stop)),
                asyncio.create_task(
                    LoiWatcher(
                        loi_desk, notifications, the_clock, quiet_days=settings.loi_on_paper_days
                    ).run(stop)
                ),
                asyncio.create_task(
                    AuditRetention(
                        store,
                        the_clock,
                        max_age=timedelta(days=settings.audit_retention_days),
                        max_bytes=settings.audit_max_mb * 1024 * 1024,
                    ).run(stop)
                ),
            ]
            if dispatch
            else []
        )
        if freeze_heap:
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            # Background work stops between rounds, so no database call is cut off; a round
            # that does not end in time (a peer slower than every timeout) is cancelled.
            stop.set()
            _, late_admission = await asyncio.wait([admission_task], timeout=5.0)
            for task in late_admission:
                task.cancel()
            if tasks:
                _, late = await asyncio.wait(tasks, timeout=20.0)
                for task in late:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            await wakeup.close()
            await callbacks.aclose()
            await http.aclose()
            if state is None:
                await shared.close()
            await database.dispose()
            parser.shutdown(wait=False)

    app = _AdapterApp(
        beckn_endpoints(settings.base_path),
        BodyLimits.for_actions(
            settings.base_path,
            INBOUND_ACTIONS,
            search=settings.max_search_bytes,
            action=settings.max_action_bytes,
            api=settings.max_body_bytes,
        ),
        title="ONDC seller adapter",
        version="0.1.0",
        summary="Beckn/ONDC retail seller app (BPP) for One District One Product sellers",
        lifespan=lifespan,
        docs_url=None,  # served from installed assets by install_api_docs, not a CDN
        redoc_url=None,
    )
    # The Beckn routes first: routes are matched in order, and they take the most calls.
    app.include_router(beckn_router(settings.base_path))
    app.include_router(health_router())
    app.include_router(onboarding_router(settings.base_path))
    # Path values, query values and JSON bodies holding NUL are refused (422 naming the
    # field) before they reach a route: PostgreSQL cannot store or compare the text.
    json_body = [Depends(refuse_nul_text)]
    app.include_router(admin_router(), dependencies=json_body)
    app.include_router(seller_admin_router(), dependencies=json_body)
    app.include_router(seller_router(), dependencies=json_body)
    app.include_router(seller_availability_router(), dependencies=json_body)
    app.include_router(delivery_slots_router(), dependencies=json_body)
    app.include_router(seller_orders_router(), dependencies=json_body)
    app.include_router(payment_webhook_router(), dependencies=json_body)
    app.include_router(seller_issues_router(), dependencies=json_body)
    app.include_router(seller_complaints_router(), dependencies=json_body)
    app.include_router(notifications_router(), dependencies=json_body)
    app.include_router(dashboard_router(), dependencies=json_body)
    app.include_router(complaints_router(), dependencies=json_body)
    app.include_router(dashboard_admin_router(), dependencies=json_body)
    app.include_router(loi_admin_router(), dependencies=json_body)
    app.include_router(loi_seller_router(), dependencies=json_body)
    app.include_router(b2b_catalogue_router(), dependencies=json_body)
    app.include_router(b2b_orders_router(), dependencies=json_body)
    app.include_router(b2b_rfq_router(), dependencies=json_body)
    app.include_router(b2b_documents_router())
    app.include_router(catalogue_download_router())
    app.include_router(metrics_router())
    app.include_router(home_router(str(settings.subscriber_url).rstrip("/")))
    install_api_docs(app)
    app.add_exception_handler(RequestValidationError, _refused_fields)
    return app
