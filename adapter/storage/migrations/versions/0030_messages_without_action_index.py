"""messages: the index on (action, received_at) dropped, as nothing reads it any more

The dashboard's funnel counted a period's searches from the audit log by action and time,
through this index (migration 0008). Since migration 0026 its whole days come from
``audit_days`` and its edge days from the log by time alone (``ix_messages_received_at``),
so no query of the log names an action first. Every audit row still paid for the index: a
B-tree entry for each message accepted and each callback sent, two per answered search.
The log's readers keep theirs: the transaction's messages (``ix_messages_transaction_id``),
the retention purge, the edge days and the settlement's audit check (``ix_messages_received_at``),
duplicates (``uq_messages_inbound``).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 17:00:00
"""

from alembic import op


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_messages_action_received_at', table_name='messages')


def downgrade() -> None:
    op.create_index('ix_messages_action_received_at', 'messages', ['action', 'received_at'],
                    unique=False)
