"""catalogue: sellers, keys, locations, items, rejections

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:28:41.059813
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
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

    op.create_table('sellers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sellers')),
    sa.UniqueConstraint('code', name=op.f('uq_sellers_code'))
    )
    op.create_table('locations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seller_id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('std_code', sa.String(length=8), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_locations_seller_id_sellers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locations')),
    sa.UniqueConstraint('seller_id', 'code', name=op.f('uq_locations_seller_id_code'))
    )
    op.create_table('seller_keys',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seller_id', sa.BigInteger(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_seller_keys_seller_id_sellers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seller_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_seller_keys_key_hash'))
    )
    op.create_table('items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seller_id', sa.BigInteger(), nullable=False),
    sa.Column('location_id', sa.BigInteger(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('domain', sa.String(length=16), nullable=False),
    sa.Column('category_id', sa.String(length=80), nullable=False),
    sa.Column('available', sa.Integer(), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('held', sa.JSON(), server_default='[]', nullable=False),
    sa.Column('published', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('search_text', sa.Text(), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_items_location_id_locations')),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_items_seller_id_sellers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('seller_id', 'sku', name=op.f('uq_items_seller_id_sku'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_items_domain_category_id'), ['domain', 'category_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_domain_category_id'))

    op.drop_table('items')
    op.drop_table('seller_keys')
    op.drop_table('locations')
    op.drop_table('sellers')
    with op.batch_alter_table('catalog_rejections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_rejections_seller_code_received_at'))

    op.drop_table('catalog_rejections')
