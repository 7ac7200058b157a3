"""dashboard: callbacks summed by IST day, action and channel

- ``callback_days``: per IST day of the job's creation, callback action and channel
  (``b2b`` when the callback's bytes carry B2B 2.0.2's ``"version":"2.0.2"``), the jobs
  delivered, delivered within 30 seconds of their creation, and parked; kept by the
  outbox's settling and replaying transactions (``adapter/storage/callback_days.py``) and
  made here from the jobs already settled.

Revision ID: 0022
Revises: 0019
Create Date: 2026-12-07 02:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0022"
down_revision = "0019"
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


def downgrade() -> None:
    op.drop_table("callback_days")
