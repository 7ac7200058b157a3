"""catalogue push subscriptions remember the retail core_version they were started in

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 22:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('catalog_subscriptions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('core_version', sa.String(length=8), server_default='1.2.0', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('catalog_subscriptions', schema=None) as batch_op:
        batch_op.drop_column('core_version')
