"""B2B terms: a seller's minimum order value per domain, and its export licence

- ``b2b_seller_terms.min_order_values``: the seller's minimum order value (paise, the
  quotation's total with GST) by ONDC domain, e.g. ``{"ONDC:RET12": 2500000}``; a domain
  not named has the seller's ``min_order_value_paise``. NULL: none by domain.
- ``b2b_seller_terms.export_licence`` / ``export_licence_url``: the seller's export
  licence (its number, and where it can be verified), sent as the provider's ``creds`` in a
  B2B catalogue; deliveries abroad are quoted only by a seller that has one. NULL: none.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 05:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('b2b_seller_terms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_order_values', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('export_licence', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('export_licence_url', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('b2b_seller_terms', schema=None) as batch_op:
        batch_op.drop_column('export_licence_url')
        batch_op.drop_column('export_licence')
        batch_op.drop_column('min_order_values')
