"""The LOI desk's tables, on the schema's shared ``metadata`` (migration 0015).

- ``loi_letters``: one row per letter of intent signed at a buyer-seller meet: who signed
  (buyer name, GSTIN, buyer app when known), the district and ODOP product, its agreed
  terms (value, payment type, free text), when and where it was signed, where its figures
  come from, its nodal officer and next follow-up, and when it was last flagged as "on
  paper". ``reference`` is the letter's own number, unique, so a re-imported sheet updates
  letters instead of doubling them.
- ``loi_items``: the letter's lines: which seller, which item (the seller's SKU, the
  catalogue id a buyer app selects), the quantity and the agreed unit price.
- ``loi_movements``: what has happened on the network against a letter, one row per
  event of a B2B transaction linked to it (RFQ received, quoted, PO placed, delivered,
  paid, cancelled) with its amount; ``event_key`` makes recording an event idempotent.

The desk is the one register of letters: the dashboard's older ``letters_of_intent``
(product and district only) was folded into it by migration 0018 (references
``register-<id>``); the desk never links trade to a letter by product and district.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    exists,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from adapter.storage.tables import UtcDateTime, metadata

__all__ = ["counted_letters", "loi_items", "loi_letters", "loi_movements"]

_id = BigInteger().with_variant(Integer(), "sqlite")

loi_letters = Table(
    "loi_letters",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("reference", String(80), nullable=False),
    Column("buyer_name", String(200), nullable=False),
    Column("buyer_gstin", String(15), nullable=True),
    Column("buyer_app_id", String(255), nullable=True),
    Column("district", String(40), nullable=False),
    Column("product", String(120), nullable=False),
    Column("value_paise", BigInteger, nullable=False),
    Column("payment_type", String(20), nullable=True),
    Column("terms", Text, nullable=True),
    Column("signed_on", Date, nullable=False),
    Column("meet", String(200), nullable=True),
    Column("figures_source", String(300), nullable=True),
    Column("nodal_officer", String(200), nullable=True),
    Column("next_follow_up", Date, nullable=True),
    Column("demo", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("flagged_at", UtcDateTime(), nullable=True),
    UniqueConstraint("reference"),
    Index(None, "buyer_gstin"),
    Index(None, "district", "product"),
)

loi_items = Table(
    "loi_items",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("letter_id", _id, ForeignKey("loi_letters.id", ondelete="CASCADE"), nullable=False),
    Column("seller_code", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=True),
    Column("quantity", BigInteger, nullable=False),
    Column("unit_price_paise", BigInteger, nullable=False),
    Index(None, "letter_id"),
    Index(None, "seller_code", "sku"),
)

loi_movements = Table(
    "loi_movements",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("letter_id", _id, ForeignKey("loi_letters.id", ondelete="CASCADE"), nullable=False),
    Column("transaction_id", String(255), nullable=False),
    Column("order_id", String(255), nullable=True),
    # rfq, quoted, ordered, delivered, paid, cancelled
    Column("stage", String(16), nullable=False),
    Column("amount_paise", BigInteger, nullable=False),
    Column("event_key", String(300), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    UniqueConstraint("letter_id", "event_key"),
    Index(None, "transaction_id"),
)


def counted_letters() -> ColumnElement[bool]:
    """The letters the department's figures count: every letter but the demo's, and the
    demo's only while the desk holds no other (so a fresh demo shows its letters and a live
    desk is never mixed with them). Every dashboard figure of the desk reads this one rule."""
    real = exists(select(loi_letters.c.id).where(loi_letters.c.demo.is_(False)))
    return or_(loi_letters.c.demo.is_(False), ~real)
