"""What a running adapter holds: built once by the lifespan, shared by every request."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from adapter.b2b.order_events import B2BOrderSteps
from adapter.b2b.po_decisions import PoDecisions
from adapter.catalog.download import SignedCatalogueLinks
from adapter.catalog.push import CatalogPush
from adapter.coordination.port import SharedState
from adapter.coordination.wakeup import Wakeup
from adapter.core.clock import Clock
from adapter.core.context_rules import EdgePolicy
from adapter.core.contract_table import default_table
from adapter.core.contracts import ContractTable
from adapter.core.retail125.sequence import TransactionHistory
from adapter.igm.desk import IssueDesk
from adapter.metrics import Metrics
from adapter.network.admission import AdmissionControl
from adapter.network.authentication import Authenticator
from adapter.outbound.order_desk import OrderDesk
from adapter.outbound.parsed_requests import ParsedRequests
from adapter.outbound.raised_desk import RaisedDesk
from adapter.registry.client import RegistryClient
from adapter.registry.directory import KeyDirectory
from adapter.settings import Settings
from adapter.storage.b2b_terms import B2BTermsStore
from adapter.storage.catalog import CatalogStore
from adapter.storage.credentials import DashboardCredentials
from adapter.storage.group_commit import InboundWriter
from adapter.storage.issues import IssueStore
from adapter.storage.loi_desk import LoiDesk
from adapter.storage.notifications import SellerNotifications
from adapter.storage.order_facts import OrderFacts
from adapter.storage.orders import OrderStore
from adapter.storage.outbox import Outbox
from adapter.storage.raised_issues import RaisedIssueStore
from adapter.storage.reports import Reports
from adapter.storage.rfq_reviews import RfqStore
from adapter.storage.store import Store

if TYPE_CHECKING:  # the dashboard package imports this module
    from adapter.dashboard.sources import Sources

__all__ = ["Runtime"]


@dataclass(frozen=True, slots=True)
class Runtime:
    """The adapter's long-lived parts; the lifespan opens and closes them."""

    settings: Settings
    clock: Clock
    edge_policy: EdgePolicy  # from the settings, built once instead of per request
    http: httpx.AsyncClient
    store: Store
    catalogue: CatalogStore
    push: CatalogPush
    inbound: InboundWriter
    outbox: Outbox
    state: SharedState
    wakeup: Wakeup
    registry: RegistryClient
    keys: KeyDirectory
    authenticator: Authenticator
    orders: OrderStore
    desk: OrderDesk
    notifications: SellerNotifications
    metrics: Metrics
    reports: Reports
    facts: OrderFacts
    credentials: DashboardCredentials
    # The dashboard overview's letter and complaint figures (other modules register theirs).
    dashboard_sources: Sources
    loi: LoiDesk  # the LOI desk: letters linked to the B2B transactions realising them
    b2b_terms: B2BTermsStore  # sellers' B2B price lists and terms
    b2b_steps: B2BOrderSteps  # sellers' steps on B2B orders (deliveries, payments)
    b2b_po: PoDecisions  # decisions on purchase orders held for their seller
    # One thread that parses large inbound bodies off the event loop.
    parser: ThreadPoolExecutor
    # Whether a request's callback can still be sent within its ttl (checked before ACK).
    admission: AdmissionControl
    # The contract families served (retail 1.2.0, IGM...): which one a request belongs to.
    contracts: ContractTable = field(default_factory=default_table)
    # Grievances (IGM): the issues and the desk that applies the seller's steps.
    issues: IssueStore | None = None
    grievances: IssueDesk | None = None
    # The seller's own complaints against buyer apps (IGM 2.0.0 Flow2).
    raised_issues: RaisedIssueStore | None = None
    raised: RaisedDesk | None = None
    # What the edge reads of a transaction for the families with sequence rules (1.2.5).
    history: TransactionHistory | None = None
    # Signs and checks the catalogue file links of ``catalog_full`` link answers.
    catalogue_links: SignedCatalogueLinks | None = None
    # Sellers' RFQ rules and the RFQs held for their decision.
    b2b_rfqs: RfqStore | None = None
    # Requests parsed by the edge, kept for this process's dispatcher to build their
    # callbacks from (``None`` when no dispatcher runs in the process).
    parsed: ParsedRequests | None = None
