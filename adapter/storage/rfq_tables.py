"""RFQs held for their seller's decision, and each seller's rules for holding them, on the
schema's shared ``metadata`` (migration 0021). See ``adapter.core.b2b.rfq_review``."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapter.storage.tables import UtcDateTime, metadata

__all__ = ["b2b_rfq_reviews", "b2b_rfq_rules"]

_id = BigInteger().with_variant(Integer(), "sqlite")

b2b_rfq_rules = Table(
    "b2b_rfq_rules",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_code", String(64), nullable=False),
    # off | terms (RFQs with BUYER_TERMS or beyond the price list) | all
    Column("review", String(5), nullable=False),
    Column("decision_seconds", Integer, nullable=False),
    # quote (from the price list) | decline
    Column("default", String(7), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("seller_code"),
)

b2b_rfq_reviews = Table(
    "b2b_rfq_reviews",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_code", String(64), nullable=False),
    Column("transaction_id", String(255), nullable=False),
    # The /select held: its solicited /on_select carries the decision.
    Column("message_id", String(255), nullable=False),
    Column("bap_id", String(255), nullable=False),
    # pending | quoted | countered | declined | superseded
    Column("state", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decide_by", UtcDateTime(), nullable=False),
    Column("default", String(7), nullable=False),
    # The quotation from the price list (the order), with each line's list price and tax.
    Column("proposed", JSON, nullable=False),
    # The answer decided: the quotation sent, or the refusal's code and reason.
    Column("decision", JSON, nullable=True),
    Column("decided_by", String(32), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("decided_at", UtcDateTime(), nullable=True),
    UniqueConstraint("transaction_id", "message_id"),
)

Index("ix_b2b_rfq_reviews_seller_state", b2b_rfq_reviews.c.seller_code, b2b_rfq_reviews.c.state)
