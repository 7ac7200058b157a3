"""B2B RFQs held for their seller's decision (b2b_rfq_reviews) and sellers' rules for
holding them (b2b_rfq_rules)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 01:40:00
"""

from alembic import op
import sqlalchemy as sa



revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

_id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'b2b_rfq_rules',
        sa.Column('id', _id, primary_key=True, autoincrement=True),
        sa.Column('seller_code', sa.String(length=64), nullable=False),
        sa.Column('review', sa.String(length=5), nullable=False),
        sa.Column('decision_seconds', sa.Integer(), nullable=False),
        sa.Column('default', sa.String(length=7), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('seller_code'),
    )
    op.create_table(
        'b2b_rfq_reviews',
        sa.Column('id', _id, primary_key=True, autoincrement=True),
        sa.Column('seller_code', sa.String(length=64), nullable=False),
        sa.Column('transaction_id', sa.String(length=255), nullable=False),
        sa.Column('message_id', sa.String(length=255), nullable=False),
        sa.Column('bap_id', sa.String(length=255), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('decide_by', sa.DateTime(timezone=True), nullable=False),
        sa.Column('default', sa.String(length=7), nullable=False),
        sa.Column('proposed', sa.JSON(), nullable=False),
        sa.Column('decision', sa.JSON(), nullable=True),
        sa.Column('decided_by', sa.String(length=32), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint('transaction_id', 'message_id'),
    )
    op.create_index(
        'ix_b2b_rfq_reviews_seller_state', 'b2b_rfq_reviews', ['seller_code', 'state']
    )


def downgrade() -> None:
    op.drop_index('ix_b2b_rfq_reviews_seller_state', table_name='b2b_rfq_reviews')
    op.drop_table('b2b_rfq_reviews')
    op.drop_table('b2b_rfq_rules')
