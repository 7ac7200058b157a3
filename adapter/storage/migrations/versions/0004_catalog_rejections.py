"""catalogue rejections

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:20:18.527137
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalog_rejections',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=True),
    sa.Column('buyer_id', sa.String(length=255), nullable=False),
    sa.Column('error_type', sa.String(length=40), nullable=True),
    sa.Column('code', sa.String(length=16), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('path', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_rejections'))
    )
    with op.batch_alter_table('catalog_rejections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_rejections_seller_code_received_at'), ['seller_code', 'received_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('catalog_rejections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_rejections_seller_code_received_at'))

    op.drop_table('catalog_rejections')
