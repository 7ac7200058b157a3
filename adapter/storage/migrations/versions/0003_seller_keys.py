"""seller api keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:13:57.498946
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_table('seller_keys')
