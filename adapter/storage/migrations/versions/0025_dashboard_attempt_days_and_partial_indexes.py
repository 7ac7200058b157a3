"""dashboard: delivery attempts summed by day; partial indexes for late to ship and reasons

- ``attempt_days``: per IST day of the attempt and its outcome, the callbacks' delivery
  attempts, those with a latency and the sum of their latencies; kept by the outbox's
  settling transactions (``adapter/storage/attempt_days.py``) and made here from the
  attempts already recorded.

- ``ix_orders_ship_by_not_handed_over``: orders not yet handed over (state Created,
  Accepted or In-progress; fulfillment Pending or Packed) by their time to ship, with the
  seller: late to ship reads these few rows instead of a year of orders.
- ``ix_order_facts_confirmed_at_gi``: order lines of GI products by confirmation, with the
  columns the breakdown by GI product sums and filters by.
- ``ix_order_facts_confirmed_at_cancelled``: cancelled order lines by confirmation, with
  the columns the reasons tables group and filter by (PostgreSQL answers from the index
  alone).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 03:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

_NOT_HANDED_OVER = sa.text(
    "state IN ('Created', 'Accepted', 'In-progress') "
    "AND fulfillment_state IN ('Pending', 'Packed')"
)
_CANCELLED = sa.text("state = 'Cancelled'")
_GI = sa.text("gi_tag IS NOT NULL")
_GI_COLUMNS = [
    "gi_tag",
    "seller_code",
    "district",
    "product",
    "channel",
    "state",
    "amount_paise",
    "returned",
    "fulfillment_state",
]
_CANCELLED_COLUMNS = [
    "line_no",
    "seller_code",
    "district",
    "product",
    "gi_tag",
    "channel",
    "cancel_reason",
    "cancelled_by",
]


_DAY = {
    "postgresql": "(attempted_at AT TIME ZONE 'Asia/Kolkata')::date",
    "sqlite": "date(attempted_at, '+330 minutes')",
}


def upgrade() -> None:
    op.create_table(
        "attempt_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("timed", sa.BigInteger(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("day", "outcome", name=op.f("pk_attempt_days")),
    )
    day = _DAY["postgresql" if op.get_bind().dialect.name == "postgresql" else "sqlite"]
    op.execute(
        f"""
        INSERT INTO attempt_days (day, outcome, attempts, timed, latency_ms)
        SELECT {day}, outcome, count(*), count(latency_ms), coalesce(sum(latency_ms), 0)
        FROM delivery_attempts
        GROUP BY 1, 2
        """
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_orders_ship_by_not_handed_over",
            ["ship_by"],
            unique=False,
            postgresql_include=["seller_code"],
            postgresql_where=_NOT_HANDED_OVER,
            sqlite_where=_NOT_HANDED_OVER,
        )
    with op.batch_alter_table("order_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_order_facts_confirmed_at_cancelled",
            ["confirmed_at"],
            unique=False,
            postgresql_include=_CANCELLED_COLUMNS,
            postgresql_where=_CANCELLED,
            sqlite_where=_CANCELLED,
        )
        batch_op.create_index(
            "ix_order_facts_confirmed_at_gi",
            ["confirmed_at"],
            unique=False,
            postgresql_include=_GI_COLUMNS,
            postgresql_where=_GI,
            sqlite_where=_GI,
        )


def downgrade() -> None:
    with op.batch_alter_table("order_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_order_facts_confirmed_at_gi")
        batch_op.drop_index("ix_order_facts_confirmed_at_cancelled")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_ship_by_not_handed_over")
    op.drop_table("attempt_days")
