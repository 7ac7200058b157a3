"""B2B 2.0.2: price lists and seller terms; LOI desk: letters of intent with their items
and the B2B movements against them

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 19:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('b2b_price_lists',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('slabs', sa.JSON(), nullable=False),
    sa.Column('min_order_quantity', sa.BigInteger(), nullable=False),
    sa.Column('time_to_ship', sa.String(length=20), nullable=False),
    sa.Column('tax_rate', sa.String(length=8), nullable=False),
    sa.Column('cancellable', sa.Boolean(), nullable=False),
    sa.Column('origin', sa.String(length=3), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_b2b_price_lists')),
    sa.UniqueConstraint('seller_code', 'sku', name=op.f('uq_b2b_price_lists_seller_code_sku'))
    )
    op.create_table('b2b_seller_terms',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('gst_credit_invoice', sa.Boolean(), nullable=False),
    sa.Column('payment_types', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_b2b_seller_terms')),
    sa.UniqueConstraint('seller_code', name=op.f('uq_b2b_seller_terms_seller_code'))
    )
    op.create_table('loi_letters',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('buyer_name', sa.String(length=200), nullable=False),
    sa.Column('buyer_gstin', sa.String(length=15), nullable=True),
    sa.Column('buyer_app_id', sa.String(length=255), nullable=True),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('product', sa.String(length=120), nullable=False),
    sa.Column('value_paise', sa.BigInteger(), nullable=False),
    sa.Column('payment_type', sa.String(length=20), nullable=True),
    sa.Column('terms', sa.Text(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('meet', sa.String(length=200), nullable=True),
    sa.Column('figures_source', sa.String(length=300), nullable=True),
    sa.Column('nodal_officer', sa.String(length=200), nullable=True),
    sa.Column('next_follow_up', sa.Date(), nullable=True),
    sa.Column('demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loi_letters')),
    sa.UniqueConstraint('reference', name=op.f('uq_loi_letters_reference'))
    )
    with op.batch_alter_table('loi_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loi_letters_buyer_gstin'), ['buyer_gstin'], unique=False)
        batch_op.create_index(batch_op.f('ix_loi_letters_district_product'), ['district', 'product'], unique=False)

    op.create_table('loi_items',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('letter_id', _ID, nullable=False),
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price_paise', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['loi_letters.id'], name=op.f('fk_loi_items_letter_id_loi_letters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loi_items'))
    )
    with op.batch_alter_table('loi_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loi_items_letter_id'), ['letter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loi_items_seller_code_sku'), ['seller_code', 'sku'], unique=False)

    op.create_table('loi_movements',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('letter_id', _ID, nullable=False),
    sa.Column('transaction_id', sa.String(length=255), nullable=False),
    sa.Column('order_id', sa.String(length=255), nullable=True),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('event_key', sa.String(length=300), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['loi_letters.id'], name=op.f('fk_loi_movements_letter_id_loi_letters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loi_movements')),
    sa.UniqueConstraint('letter_id', 'event_key', name=op.f('uq_loi_movements_letter_id_event_key'))
    )
    with op.batch_alter_table('loi_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loi_movements_transaction_id'), ['transaction_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('loi_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loi_movements_transaction_id'))
    op.drop_table('loi_movements')
    with op.batch_alter_table('loi_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loi_items_seller_code_sku'))
        batch_op.drop_index(batch_op.f('ix_loi_items_letter_id'))
    op.drop_table('loi_items')
    with op.batch_alter_table('loi_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loi_letters_district_product'))
        batch_op.drop_index(batch_op.f('ix_loi_letters_buyer_gstin'))
    op.drop_table('loi_letters')
    op.drop_table('b2b_seller_terms')
    op.drop_table('b2b_price_lists')
