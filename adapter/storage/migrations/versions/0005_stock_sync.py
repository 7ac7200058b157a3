"""seller stock feeds and webhooks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:56:46.840980
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('seller_feeds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('interval_seconds', sa.Integer(), nullable=False),
    sa.Column('last_fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_result', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seller_feeds')),
    sa.UniqueConstraint('seller_code', name=op.f('uq_seller_feeds_seller_code'))
    )
    op.create_table('seller_webhooks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('secret', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seller_webhooks')),
    sa.UniqueConstraint('seller_code', name=op.f('uq_seller_webhooks_seller_code'))
    )


def downgrade() -> None:
    op.drop_table('seller_webhooks')
    op.drop_table('seller_feeds')
