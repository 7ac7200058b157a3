"""B2B 2.0.2 catalogue terms, on the schema's shared ``metadata`` (migration 0015).

- ``b2b_price_lists``: a seller's B2B price list per item: price slabs (quantity ranges
  with a unit price each), the minimum order quantity, ``g2`` time_to_ship / tax_rate /
  cancellable, the ISO alpha-3 country of origin and the item's B2B category code.
- ``b2b_seller_terms``: a seller's B2B terms: ``gst_credit_invoice``, the payment types
  it offers (PRE-FULFILLMENT, ON-FULFILLMENT, POST-FULFILLMENT) and which POs it decides
  by hand (above a value, within a window, with a default), and its minimum order value.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapter.storage.tables import UtcDateTime, metadata

__all__ = ["b2b_price_lists", "b2b_seller_terms"]

_id = BigInteger().with_variant(Integer(), "sqlite")

b2b_price_lists = Table(
    "b2b_price_lists",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_code", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    # The slabs in ascending order, each with min, max (null when open) and unit_price_paise.
    Column("slabs", JSON, nullable=False),
    Column("min_order_quantity", BigInteger, nullable=False),
    Column("time_to_ship", String(20), nullable=False),
    Column("tax_rate", String(8), nullable=False),
    Column("cancellable", Boolean, nullable=False),
    Column("origin", String(3), nullable=False),
    # The seller's B2B category code of the item (migration 0020), e.g. RET12-1029.
    Column("category_code", String(16), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("seller_code", "sku"),
)

b2b_seller_terms = Table(
    "b2b_seller_terms",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_code", String(64), nullable=False),
    Column("gst_credit_invoice", Boolean, nullable=False),
    Column("payment_types", JSON, nullable=False),
    # Held POs (migration 0018): above this value (None: none held), the decision window
    # in seconds, and the default when it closes (accept | reject).
    Column("po_review_above_paise", BigInteger, nullable=True),
    Column("po_decision_seconds", Integer, nullable=False, server_default="7200"),
    Column("po_default", String(6), nullable=False, server_default="reject"),
    # The minimum order value in paise (migration 0020); None: no minimum.
    Column("min_order_value_paise", BigInteger, nullable=True),
    # By ONDC domain, paise (migration 0027); a domain not named has min_order_value_paise.
    Column("min_order_values", JSON, nullable=True),
    # The seller's export licence and where to verify it (migration 0027).
    Column("export_licence", String(64), nullable=True),
    Column("export_licence_url", Text, nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("seller_code"),
)
