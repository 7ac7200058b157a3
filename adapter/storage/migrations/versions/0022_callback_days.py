"""dashboard: callbacks summed by IST day, action and channel; more order day sums

- ``callback_days``: per IST day of the job's creation, callback action and channel
  (``b2b`` when the callback's bytes carry B2B 2.0.2's ``"version":"2.0.2"``), the jobs
  delivered, delivered within 30 seconds of their creation, and parked; kept by the
  outbox's settling and replaying transactions (``adapter/storage/callback_days.py``) and
  made here from the jobs already settled.
- ``order_days`` also sums the orders returned and returned to origin, and the lines of
  each group (all, cancelled, returned, returned to origin), so the breakdowns by
  district, ODOP product and seller read day sums; made again here from the facts.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 02:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# The same rules as adapter.storage.callback_days (a migration keeps its own copy: it
# must make the same rows whatever that module becomes later).
_B2B = "CASE WHEN {carried} THEN 'b2b' ELSE 'b2c' END"
_POSTGRESQL = {
    "day": "(created_at AT TIME ZONE 'Asia/Kolkata')::date",
    "took": "extract(epoch FROM delivered_at - created_at)",
    "carried": "callback_body LIKE '\\x252276657273696f6e223a22322e302e322225'::bytea",
}
_SQLITE = {
    "day": "date(created_at, '+330 minutes')",
    "took": "(julianday(delivered_at) - julianday(created_at)) * 86400.0",
    "carried": "instr(callback_body, X'2276657273696f6e223a22322e302e3222') > 0",
}


_ORDER_DAY_COUNTS = ("returned", "rto", "lines", "cancelled_lines", "returned_lines", "rto_lines")


def upgrade() -> None:
    op.create_table(
        "callback_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=3), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "action", "channel", name=op.f("pk_callback_days")),
    )
    words = _POSTGRESQL if op.get_bind().dialect.name == "postgresql" else _SQLITE
    channel = _B2B.format(carried=words["carried"])
    op.execute(
        f"""
        INSERT INTO callback_days (day, action, channel, delivered, on_time, failed)
        SELECT {words["day"]}, action, {channel},
               sum(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END),
               sum(CASE WHEN status = 'delivered' AND {words["took"]} <= 30 THEN 1 ELSE 0 END),
               sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END)
        FROM outbox
        WHERE status IN ('delivered', 'failed')
        GROUP BY 1, 2, 3
        """
    )


    with op.batch_alter_table("order_days", schema=None) as batch_op:
        for name in _ORDER_DAY_COUNTS:
            batch_op.add_column(
                sa.Column(name, sa.Integer(), server_default="0", nullable=False)
            )
    # The day sums again from the facts, with the new counts (the rules of
    # adapter.storage.order_facts.OrderFacts._sum_days).
    op.execute("DELETE FROM order_days")
    op.execute(
        """
        INSERT INTO order_days (day, seller_code, district, product, bap_id, channel,
                                orders, cancelled, value_paise, live_orders, live_value_paise,
                                returned, rto, lines, cancelled_lines, returned_lines, rto_lines)
        SELECT day, seller_code, district, product, bap_id, channel,
               count(CASE WHEN line_no = 0 THEN 1 END),
               count(CASE WHEN line_no = 0 AND state = 'Cancelled' THEN 1 END),
               coalesce(sum(amount_paise), 0),
               count(DISTINCT CASE WHEN state IS NULL OR state != 'Cancelled' THEN order_pk END),
               coalesce(sum(CASE WHEN state IS NULL OR state != 'Cancelled'
                            THEN amount_paise END), 0),
               count(CASE WHEN line_no = 0 AND returned THEN 1 END),
               count(CASE WHEN line_no = 0 AND fulfillment_state LIKE 'RTO%' THEN 1 END),
               count(*),
               count(CASE WHEN state = 'Cancelled' THEN 1 END),
               count(CASE WHEN returned THEN 1 END),
               count(CASE WHEN fulfillment_state LIKE 'RTO%' THEN 1 END)
        FROM order_facts
        GROUP BY day, seller_code, district, product, bap_id, channel
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("order_days", schema=None) as batch_op:
        for name in _ORDER_DAY_COUNTS:
            batch_op.drop_column(name)
    op.drop_table("callback_days")
