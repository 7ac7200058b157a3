"""messages.verification: room for a gateway's subscriber id

A search relayed by a gateway is recorded as verified "valid via <gateway id>"; the column
held 40 characters, so a gateway id over 30 characters made PostgreSQL refuse the row (the
request got a 503 NACK and was never recorded). Subscriber ids are up to 255 characters.
SQLite does not enforce the length; its table is rebuilt with the new type so the schema
says the same on both stores.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.alter_column(
            'verification', existing_type=sa.String(length=40), type_=sa.String(length=300),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.alter_column(
            'verification', existing_type=sa.String(length=300), type_=sa.String(length=40),
            existing_nullable=False,
        )
