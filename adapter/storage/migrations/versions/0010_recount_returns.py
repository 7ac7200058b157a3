"""recount returns: copy every order into the dashboard's facts again

An order used to count as returned as soon as a return was asked for, even one the seller
then rejected; now only once its goods came back or were written off against a refund.
Forgetting how far the facts were copied makes the next refresh copy every order again
(an upsert, in batches), so the facts already there are counted the new way.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:50:00
"""

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM report_marks WHERE name = 'order_facts'")


def downgrade() -> None:
    pass  # the facts stay as counted; nothing to undo
