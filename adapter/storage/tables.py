"""The SQL schema, as SQLAlchemy Core tables. Migrations in ``migrations/`` create it.

- ``messages``: the audit log, every signed message in and out with its raw bytes, headers,
  verification result and timing. Inbound rows are unique on (peer, action, message_id),
  which makes the store the durable backstop of message-id dedupe.
- ``outbox``: callbacks to deliver, committed in the same transaction as the inbound
  message they answer, so an ACKed request is never lost.
- ``delivery_attempts``: each try of an outbox job: status, latency, the peer's answer.
- ``seller_endpoints``, ``seller_notifications``, ``seller_notification_attempts``: signed
  webhooks to sellers' own systems (new orders, cancellations, returns) and their delivery
  log.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import and_, false, true
from sqlalchemy.types import TypeDecorator

__all__ = [
    "ACTIVE_STATES",
    "BEFORE_PICKUP",
    "UtcDateTime",
    "attempt_days",
    "audit_days",
    "catalog_rejections",
    "catalog_subscriptions",
    "dashboard_credentials",
    "dashboard_sessions",
    "delivery_attempts",
    "funnel_days",
    "gi_days",
    "include_name",
    "items",
    "locations",
    "messages",
    "metadata",
    "order_days",
    "order_events",
    "order_facts",
    "orders",
    "outbox",
    "reason_days",
    "report_marks",
    "seller_endpoints",
    "seller_feeds",
    "seller_keys",
    "seller_notification_attempts",
    "seller_notifications",
    "seller_webhooks",
    "sellers",
    "stock_holds",
]


class UtcDateTime(TypeDecorator[datetime]):
    """An instant, stored in UTC and always read back timezone-aware.

    PostgreSQL keeps ``timestamptz`` natively; SQLite has no time zones, so the value is
    stored as naive UTC and given its zone back on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store instants with a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_id = BigInteger().with_variant(Integer(), "sqlite")

messages = Table(
    "messages",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    # "in" accepted, "rejected" answered with a NACK, "out" sent by us
    Column("direction", String(8), nullable=False),
    Column("action", String(40), nullable=False),
    Column("peer_id", String(255), nullable=False),
    Column("transaction_id", String(255), nullable=True),
    Column("message_id", String(255), nullable=True),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("headers", JSON, nullable=False),
    Column("body", LargeBinary, nullable=False),
    # "valid via <gateway id>": room for a 255-character subscriber id.
    Column("verification", String(300), nullable=False),
    Column("http_status", Integer, nullable=True),
    Column("duration_ms", Float, nullable=True),
    Column("error", Text, nullable=True),
    Index(None, "transaction_id"),
    Index(None, "received_at"),
)
# Inbound duplicates are refused by the database itself, across every adapter process.
Index(
    "uq_messages_inbound",
    messages.c.peer_id,
    messages.c.action,
    messages.c.message_id,
    unique=True,
    sqlite_where=messages.c.direction == "in",
    postgresql_where=messages.c.direction == "in",
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("inbound_id", BigInteger, ForeignKey("messages.id"), nullable=True),
    Column("kind", String(12), nullable=False),  # reply | unsolicited
    Column("action", String(40), nullable=False),
    Column("target_url", Text, nullable=False),
    Column("transaction_id", String(255), nullable=True),
    Column("payload", JSON, nullable=False),
    # The callback's bytes, serialised once: every retry sends exactly these.
    Column("callback_body", LargeBinary, nullable=True),
    Column("callback_message_id", String(255), nullable=True),
    Column("status", String(12), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("deadline_at", UtcDateTime(), nullable=False),
    Column("claimed_by", String(80), nullable=True),
    Column("claimed_until", UtcDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("delivered_at", UtcDateTime(), nullable=True),
)
# Pending jobs in the order a claim takes them (earliest deadline first), so a claim reads
# the few it takes, not the whole backlog; the backlog is counted from it too.
Index(
    "ix_outbox_pending_deadline",
    outbox.c.deadline_at,
    outbox.c.id,
    sqlite_where=outbox.c.status == "pending",
    postgresql_where=outbox.c.status == "pending",
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("outbox_id", BigInteger, ForeignKey("outbox.id"), nullable=False),
    Column("attempted_at", UtcDateTime(), nullable=False),
    Column("http_status", Integer, nullable=True),
    Column("latency_ms", Float, nullable=True),
    Column("outcome", String(12), nullable=False),  # ACK | NACK | error
    Column("error", Text, nullable=True),
    Index(None, "outbox_id"),
)

# The catalogue: sellers (ONDC providers), their locations and items. Items are keyed by
# the seller's own SKU, so re-importing a file updates rather than duplicates.
sellers = Table(
    "sellers",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("record", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

locations = Table(
    "locations",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_id", BigInteger, ForeignKey("sellers.id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("std_code", String(8), nullable=False),
    Column("record", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("seller_id", "code"),
)

items = Table(
    "items",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_id", BigInteger, ForeignKey("sellers.id"), nullable=False),
    Column("location_id", BigInteger, ForeignKey("locations.id"), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("domain", String(16), nullable=False),
    Column("category_id", String(80), nullable=False),
    Column("available", Integer, nullable=False),
    Column("record", JSON, nullable=False),
    # Pre-flight reasons the item is held back from on_search; empty when published.
    Column("held", JSON, nullable=False, server_default="[]"),
    Column("published", Boolean, nullable=False, server_default=true()),
    # Names, description and category, normalised (catalog_sync.transform.normalise), so a
    # search narrows candidates in SQL before the exact match runs.
    Column("search_text", Text, nullable=False, server_default=""),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("seller_id", "sku"),
    Index(None, "domain", "category_id"),
)

# Sellers' API keys: only a SHA-256 of each key is kept; the key is shown once, at creation.
seller_keys = Table(
    "seller_keys",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_id", BigInteger, ForeignKey("sellers.id"), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("label", String(80), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

# Buyer apps' refusals of our catalogue entries (ONDC retail 1.2.0 catalog_rejection),
# kept against the seller and item so the seller can be told in plain words.
catalog_rejections = Table(
    "catalog_rejections",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_code", String(64), nullable=False),
    Column("sku", String(64), nullable=True),
    Column("buyer_id", String(255), nullable=False),
    Column("error_type", String(40), nullable=True),
    Column("code", String(16), nullable=True),
    Column("message", Text, nullable=True),
    Column("path", Text, nullable=True),
    Column("received_at", UtcDateTime(), nullable=False),
    Index(None, "seller_code", "received_at"),
)


# Search indexes made by hand in migration 0003 (FTS5 on SQLite, pg_trgm on PostgreSQL):
# not modelled here, so schema comparisons leave them alone.
_HAND_MADE = ("items_fts", "ix_items_search_text_trgm")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's filter: compare everything but the hand-made search indexes."""
    return not (name or "").startswith(_HAND_MADE)


# Buyer apps' push subscriptions to incremental catalogue changes (catalog_inc start/stop).
catalog_subscriptions = Table(
    "catalog_subscriptions",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("bap_id", String(255), nullable=False),
    Column("bap_uri", Text, nullable=False),
    Column("domain", String(16), nullable=False),
    Column("transaction_id", String(255), nullable=False),
    # The retail version the subscription was started in: its pushes speak it.
    Column("core_version", String(8), nullable=False, server_default="1.2.0"),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("stopped_at", UtcDateTime(), nullable=True),
    Index(None, "domain", "stopped_at"),
)

# Sellers' stock feeds (CSV or JSON of SKU and available count at a URL), pulled on a
# schedule, and the shared secret of their signed stock webhooks.
seller_feeds = Table(
    "seller_feeds",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_code", String(64), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("interval_seconds", Integer, nullable=False),
    Column("last_fetched_at", UtcDateTime(), nullable=True),
    Column("last_result", Text, nullable=True),
)

seller_webhooks = Table(
    "seller_webhooks",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_code", String(64), nullable=False, unique=True),
    Column("secret", String(128), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# -- Orders ---------------------------------------------------------------------------------
# One row per transaction from the first /select: ``stage`` is how far the buyer app has
# gone (selected, initialized, confirmed); ``state`` and ``fulfillment_state`` are ONDC's
# order and delivery states from confirm on. ``document`` is the order as we last sent it
# (provider, items, quote, billing, fulfilments, payment, tags), the base of every later
# callback, so nothing drifts between them.
orders = Table(
    "orders",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("transaction_id", String(255), nullable=False, unique=True),
    Column("bap_id", String(255), nullable=False),
    Column("bap_uri", Text, nullable=False),
    Column("domain", String(16), nullable=False),
    Column("city", String(16), nullable=False),
    Column("seller_code", String(64), nullable=False),
    Column("order_id", String(255), nullable=True),
    Column("stage", String(16), nullable=False),
    Column("state", String(16), nullable=True),
    Column("fulfillment_state", String(32), nullable=True),
    Column("document", JSON, nullable=False),
    Column("total", String(24), nullable=False),
    Column("accept_by", UtcDateTime(), nullable=True),
    Column("ship_by", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("confirmed_at", UtcDateTime(), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("bap_id", "order_id"),
    Index(None, "seller_code", "state"),
)

# Stock held for a transaction: ``held`` until ``expires_at`` (select/init), ``committed``
# at confirm (the item's available count was lowered), ``released`` after expiry,
# cancellation or a failed confirm. Only unexpired ``held`` rows reduce what others can have.
stock_holds = Table(
    "stock_holds",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("transaction_id", String(255), nullable=False),
    Column("item_id", BigInteger, ForeignKey("items.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("transaction_id", "item_id"),
    Index(None, "item_id", "status"),
)

# What happened to an order, in order: who did it (buyer, seller, system), the event and
# the states it led to.
order_events = Table(
    "order_events",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("order_pk", BigInteger, ForeignKey("orders.id"), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(16), nullable=False),
    Column("event", String(32), nullable=False),
    Column("state", String(16), nullable=True),
    Column("fulfillment_state", String(32), nullable=True),
    Column("detail", JSON, nullable=False),
    Index(None, "order_pk"),
)

# Sellers' own systems, told of their orders by signed webhooks: where to POST and the
# shared secret that signs each notification (shown to the seller once).
seller_endpoints = Table(
    "seller_endpoints",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_code", String(64), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("secret", String(128), nullable=False),
    Column("enabled", Boolean, nullable=False, server_default=true()),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# One row per event a seller is told of, queued in the transaction that changed the order.
seller_notifications = Table(
    "seller_notifications",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_code", String(64), nullable=False),
    Column("event", String(40), nullable=False),  # order.created, order.cancelled, ...
    Column("order_id", String(255), nullable=True),
    Column("payload", JSON, nullable=False),
    Column("status", String(12), nullable=False),  # pending | delivered | failed | skipped
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("deadline_at", UtcDateTime(), nullable=False),
    Column("claimed_by", String(80), nullable=True),
    Column("claimed_until", UtcDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("delivered_at", UtcDateTime(), nullable=True),
    Index(None, "status", "next_attempt_at"),
    Index(None, "seller_code", "id"),
)

seller_notification_attempts = Table(
    "seller_notification_attempts",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column(
        "notification_id",
        BigInteger,
        # Named by hand: the conventional name is longer than PostgreSQL's 63 characters.
        ForeignKey("seller_notifications.id", name="fk_seller_notification_attempts_notification"),
        nullable=False,
    ),
    Column("attempted_at", UtcDateTime(), nullable=False),
    Column("http_status", Integer, nullable=True),
    Column("latency_ms", Float, nullable=True),
    Column("outcome", String(12), nullable=False),  # delivered | refused | error
    Column("error", Text, nullable=True),
    Index(None, "notification_id"),
)

# -- Department dashboard ---------------------------------------------------------------------
# Credentials operators issue for the dashboard: a department ``viewer`` (every figure, no
# buyer's personal data) or a ``seller`` (its own figures only). Only a SHA-256 of each
# token is kept; the token is shown once, at creation.
dashboard_credentials = Table(
    "dashboard_credentials",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("role", String(12), nullable=False),  # viewer | seller
    Column("seller_code", String(64), nullable=True),
    Column("label", String(80), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

# Signed-in dashboard sessions: the browser's cookie holds a random session id, never a
# token or key; only its SHA-256 is kept. Signing out deletes the row; a session of a
# revoked credential ends with it. ``csrf`` is the session's token for its forms.
dashboard_sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("role", String(12), nullable=False),  # operator | viewer | seller
    Column("credential_id", BigInteger, nullable=True),  # None for the operator
    Column("seller_code", String(64), nullable=True),
    Column("label", String(80), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Index(None, "expires_at"),
)

# One row per line of each confirmed order, kept in step with ``orders`` by
# adapter.storage.order_facts: the figures the dashboard aggregates (district, ODOP product,
# GI tag, seller, value in paise, outcome), and nothing about the buyer but the buyer app.
order_facts = Table(
    "order_facts",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("order_pk", BigInteger, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("seller_code", String(64), nullable=False),
    Column("district", String(40), nullable=False),
    Column("product", String(120), nullable=False),
    Column("gi_tag", String(80), nullable=True),
    Column("sku", String(64), nullable=False),
    Column("bap_id", String(255), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("amount_paise", BigInteger, nullable=False),
    Column("confirmed_at", UtcDateTime(), nullable=False),
    # The day of confirmation as India sees it (IST), stored so that no query computes it
    # for every row.
    Column("day", Date, nullable=False),
    Column("state", String(16), nullable=True),
    Column("fulfillment_state", String(32), nullable=True),
    Column("cancel_reason", String(8), nullable=True),
    Column("cancelled_by", String(16), nullable=True),
    Column("returned", Boolean, nullable=False, server_default=false()),
    Column("order_updated_at", UtcDateTime(), nullable=False),
    # "b2c" for a retail order, "b2b" for a B2B 2.0.2 one (adapter.core.b2b).
    Column("channel", String(3), nullable=False, server_default="b2c"),
    UniqueConstraint("order_pk", "line_no"),
    Index(None, "confirmed_at"),
    Index(None, "seller_code", "confirmed_at"),
    Index(None, "district", "product", "confirmed_at"),
    Index(None, "day"),
    Index(None, "district", "product", "day"),
)

# ``order_facts`` summed by day, seller, district, ODOP product, buyer app and channel, recomputed
# for the days a refresh touches: long periods (the timeline) read
# these few rows instead of every order line.
order_days = Table(
    "order_days",
    metadata,
    Column("day", Date, nullable=False),
    Column("seller_code", String(64), nullable=False),
    Column("district", String(40), nullable=False),
    Column("product", String(120), nullable=False),
    Column("bap_id", String(255), nullable=False),
    Column("channel", String(3), nullable=False),
    Column("orders", Integer, nullable=False),  # orders (first lines) of the group
    Column("cancelled", Integer, nullable=False),  # of which cancelled
    Column("value_paise", BigInteger, nullable=False),  # every line's value
    Column("live_orders", Integer, nullable=False),  # distinct orders not cancelled
    Column("live_value_paise", BigInteger, nullable=False),  # their lines' value
    # Orders returned and returned to origin (first lines), and the lines of the group,
    # cancelled, returned and returned to origin: the breakdowns by district and seller
    # count orders, by product lines (migration 0022).
    Column("returned", Integer, nullable=False, server_default="0"),
    Column("rto", Integer, nullable=False, server_default="0"),
    Column("lines", Integer, nullable=False, server_default="0"),
    Column("cancelled_lines", Integer, nullable=False, server_default="0"),
    Column("returned_lines", Integer, nullable=False, server_default="0"),
    Column("rto_lines", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("day", "seller_code", "district", "product", "bap_id", "channel"),
    Index(None, "district", "product", "day"),
)

# The lines of GI products' orders summed by IST day, GI tag, seller, district, ODOP
# product and channel, recomputed with ``order_days`` by each refresh of the facts
# (migration 0026): the breakdown by GI product reads them for a period's whole days.
gi_days = Table(
    "gi_days",
    metadata,
    Column("day", Date, nullable=False),
    Column("gi_tag", String(80), nullable=False),
    Column("seller_code", String(64), nullable=False),
    Column("district", String(40), nullable=False),
    Column("product", String(120), nullable=False),
    Column("channel", String(3), nullable=False),
    Column("lines", Integer, nullable=False),
    Column("live_value_paise", BigInteger, nullable=False),  # lines of orders not cancelled
    Column("cancelled_lines", Integer, nullable=False),
    Column("returned_lines", Integer, nullable=False),
    Column("rto_lines", Integer, nullable=False),
    PrimaryKeyConstraint("day", "gi_tag", "seller_code", "district", "product", "channel"),
)

# Cancelled orders (first lines) and lines by IST day, seller, district, ODOP product, GI
# tag, channel, reason and who cancelled ("" for none), made again with ``order_days`` by
# each refresh of the facts (migration 0026): the cancellation reasons read them for a
# period's whole days.
reason_days = Table(
    "reason_days",
    metadata,
    Column("day", Date, nullable=False),
    Column("seller_code", String(64), nullable=False),
    Column("district", String(40), nullable=False),
    Column("product", String(120), nullable=False),
    Column("gi_tag", String(80), nullable=False),
    Column("channel", String(3), nullable=False),
    Column("reason", String(8), nullable=False),
    Column("cancelled_by", String(16), nullable=False),
    Column("orders", Integer, nullable=False),
    Column("lines", Integer, nullable=False),
    PrimaryKeyConstraint(
        "day",
        "seller_code",
        "district",
        "product",
        "gi_tag",
        "channel",
        "reason",
        "cancelled_by",
    ),
)

# Callbacks summed by the IST day their job was created, action and channel: what
# adapter.storage.callback_days adds in each settling transaction (migration 0022).
callback_days = Table(
    "callback_days",
    metadata,
    Column("day", Date, nullable=False),
    Column("action", String(40), nullable=False),
    Column("channel", String(3), nullable=False),
    Column("delivered", Integer, nullable=False),
    Column("on_time", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    PrimaryKeyConstraint("day", "action", "channel"),
)

# ``delivery_attempts`` summed by the IST day of the attempt and its outcome, kept by the
# outbox's settling transactions (adapter/storage/attempt_days.py).
attempt_days = Table(
    "attempt_days",
    metadata,
    Column("day", Date, nullable=False),
    Column("outcome", String(12), nullable=False),
    Column("channel", String(3), nullable=False),  # the job's (migration 0026)
    Column("attempts", BigInteger, nullable=False),
    # The attempts with a latency, and the sum of their latencies in ms.
    Column("timed", BigInteger, nullable=False),
    Column("latency_ms", Float, nullable=False),
    PrimaryKeyConstraint("day", "outcome", "channel"),
)

# Buyer apps' requests in the audit log (``in`` and ``rejected``) per IST day of arrival,
# action, direction, channel and time to answer in tenths of a ms (-1: none), kept by
# triggers on ``messages`` (migration 0026; adapter/storage/audit_days.py reads them).
audit_days = Table(
    "audit_days",
    metadata,
    Column("day", Date, nullable=False),
    Column("action", String(40), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("channel", String(3), nullable=False),
    Column("tenths", BigInteger, nullable=False),
    Column("requests", BigInteger, nullable=False),
    PrimaryKeyConstraint("day", "action", "direction", "channel", "tenths"),
)

# Orders and drafts per IST day of creation, seller and channel, by how far they went,
# kept by triggers on ``orders`` (migration 0026; adapter/storage/funnel_days.py).
funnel_days = Table(
    "funnel_days",
    metadata,
    Column("day", Date, nullable=False),
    Column("seller_code", String(64), nullable=False),
    Column("channel", String(3), nullable=False),
    Column("drafts", BigInteger, nullable=False),  # every draft and order (select)
    Column("initialized", BigInteger, nullable=False),  # initialised or confirmed
    Column("confirmed", BigInteger, nullable=False),
    Column("delivered", BigInteger, nullable=False),  # fulfilment Order-delivered
    PrimaryKeyConstraint("day", "seller_code", "channel"),
)

# How far a derived table has caught up with its source (``order_facts``: orders'
# ``updated_at``).
report_marks = Table(
    "report_marks",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("mark", UtcDateTime(), nullable=False),
)

# The dashboard's funnel and service levels read these by time. (The audit log's by
# action and time went in migration 0030: nothing reads the log by action first.)
Index("ix_orders_created_at", orders.c.created_at)
Index("ix_orders_updated_at", orders.c.updated_at)
Index("ix_orders_ship_by", orders.c.ship_by)
Index("ix_outbox_created_at", outbox.c.created_at)
Index("ix_delivery_attempts_attempted_at", delivery_attempts.c.attempted_at)

# Partial indexes for the dashboard's year-long views, each holding only the rows its view
# reads: orders not yet handed over while their time to ship runs (late to ship),
# cancelled order lines (cancellation reasons) and lines of GI products (the breakdown by
# GI product, which the day sums do not key). Each carries the columns its queries read,
# so PostgreSQL answers from the index alone.
ACTIVE_STATES: Final = ("Created", "Accepted", "In-progress")
BEFORE_PICKUP: Final = ("Pending", "Packed")
_NOT_HANDED_OVER = and_(
    orders.c.state.in_(ACTIVE_STATES), orders.c.fulfillment_state.in_(BEFORE_PICKUP)
)
Index(
    "ix_orders_ship_by_not_handed_over",
    orders.c.ship_by,
    postgresql_include=["seller_code"],
    postgresql_where=_NOT_HANDED_OVER,
    sqlite_where=_NOT_HANDED_OVER,
)
Index(
    "ix_order_facts_confirmed_at_cancelled",
    order_facts.c.confirmed_at,
    postgresql_include=[
        "line_no",
        "seller_code",
        "district",
        "product",
        "gi_tag",
        "channel",
        "cancel_reason",
        "cancelled_by",
    ],
    postgresql_where=order_facts.c.state == "Cancelled",
    sqlite_where=order_facts.c.state == "Cancelled",
)
Index(
    "ix_order_facts_confirmed_at_gi",
    order_facts.c.confirmed_at,
    postgresql_include=[
        "gi_tag",
        "seller_code",
        "district",
        "product",
        "channel",
        "state",
        "amount_paise",
        "returned",
        "fulfillment_state",
    ],
    postgresql_where=order_facts.c.gi_tag.is_not(None),
    sqlite_where=order_facts.c.gi_tag.is_not(None),
)

# Tables defined in modules of their own, on this metadata (imported last: they import it).
from adapter.storage import b2b_tables as _b2b_tables  # noqa: E402, F401
from adapter.storage import loi_tables as _loi_tables  # noqa: E402, F401
from adapter.storage import rfq_tables as _rfq_tables  # noqa: E402, F401
