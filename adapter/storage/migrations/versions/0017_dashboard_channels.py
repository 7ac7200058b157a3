"""dashboard: B2C/B2B channel of each order fact and day sum

- ``order_facts.channel``: ``b2c`` for a retail order, ``b2b`` for a B2B 2.0.2 one.
- ``order_days`` is summed by channel too (part of its key). It is derived data: it is made
  again, and forgetting how far the facts were copied makes the next refresh copy every
  order again with its channel and sum every day afresh.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 22:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _order_days(with_channel: bool) -> None:
    columns: list[sa.schema.SchemaItem] = [
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seller_code", sa.String(length=64), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=False),
        sa.Column("product", sa.String(length=120), nullable=False),
        sa.Column("bap_id", sa.String(length=255), nullable=False),
    ]
    key = ["day", "seller_code", "district", "product", "bap_id"]
    if with_channel:
        columns.append(sa.Column("channel", sa.String(length=3), nullable=False))
        key.append("channel")
    op.create_table(
        "order_days",
        *columns,
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("value_paise", sa.BigInteger(), nullable=False),
        sa.Column("live_orders", sa.Integer(), nullable=False),
        sa.Column("live_value_paise", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_order_days")),
    )
    with op.batch_alter_table("order_days", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_order_days_district_product_day"),
            ["district", "product", "day"],
            unique=False,
        )


def upgrade() -> None:
    with op.batch_alter_table("order_facts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=3), server_default="b2c", nullable=False)
        )
    op.drop_table("order_days")
    _order_days(with_channel=True)
    op.execute("DELETE FROM report_marks WHERE name = 'order_facts'")


def downgrade() -> None:
    op.drop_table("order_days")
    _order_days(with_channel=False)
    op.execute("DELETE FROM report_marks WHERE name = 'order_facts'")
    with op.batch_alter_table("order_facts", schema=None) as batch_op:
        batch_op.drop_column("channel")
