"""buyer_ratings: the ratings buyer apps send with /rating, aggregated into the catalogue

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-07 02:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('buyer_ratings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('transaction_id', sa.String(length=255), nullable=False),
    sa.Column('bap_id', sa.String(length=255), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.String(length=255), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buyer_ratings'))
    )
    with op.batch_alter_table('buyer_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_buyer_ratings_transaction_id_category_subject_id'), ['transaction_id', 'category', 'subject_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_buyer_ratings_seller_code_category'), ['seller_code', 'category'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('buyer_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buyer_ratings_seller_code_category'))
        batch_op.drop_index(batch_op.f('ix_buyer_ratings_transaction_id_category_subject_id'))
    op.drop_table('buyer_ratings')
