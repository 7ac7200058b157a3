"""catalogue push subscriptions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:46:29.454102
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalog_subscriptions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('bap_id', sa.String(length=255), nullable=False),
    sa.Column('bap_uri', sa.Text(), nullable=False),
    sa.Column('domain', sa.String(length=16), nullable=False),
    sa.Column('transaction_id', sa.String(length=255), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_subscriptions'))
    )
    with op.batch_alter_table('catalog_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_subscriptions_domain_stopped_at'), ['domain', 'stopped_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('catalog_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_subscriptions_domain_stopped_at'))

    op.drop_table('catalog_subscriptions')
