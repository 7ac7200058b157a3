"""B2B price lists carry the seller's category code; B2B terms a minimum order value

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 01:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('b2b_price_lists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category_code', sa.String(length=16), nullable=True))
    with op.batch_alter_table('b2b_seller_terms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_order_value_paise', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('b2b_seller_terms', schema=None) as batch_op:
        batch_op.drop_column('min_order_value_paise')
    with op.batch_alter_table('b2b_price_lists', schema=None) as batch_op:
        batch_op.drop_column('category_code')
