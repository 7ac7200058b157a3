"""outbox: pending jobs indexed in the order a claim takes them (earliest deadline first)

A claim takes the due jobs with the earliest deadlines. With only the index on
(status, next_attempt_at), it read every due pending job and sorted them to take a few:
a cost per claim that grew with the backlog (2 ms for 64 jobs out of 20,000 on SQLite,
0.09 ms with this index), at the moment the backlog is largest. The partial index on
(deadline_at, id) of pending jobs lets a claim walk them in its own order and stop once
it has enough. It also counts the backlog, so the old index goes: one index fewer to keep
on every job written and settled.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 16:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

_PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_pending_deadline', ['deadline_at', 'id'], unique=False,
                              sqlite_where=_PENDING, postgresql_where=_PENDING)
        batch_op.drop_index(batch_op.f('ix_outbox_status_next_attempt_at'))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_status_next_attempt_at'), ['status', 'next_attempt_at'], unique=False)
        batch_op.drop_index('ix_outbox_pending_deadline', sqlite_where=_PENDING,
                            postgresql_where=_PENDING)
