"""raised_issues: complaints a seller raises against a buyer app (IGM 2.0.0 Flow2)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('raised_issues',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('issue_id', sa.String(length=255), nullable=False),
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.String(length=255), nullable=False),
    sa.Column('bap_id', sa.String(length=255), nullable=False),
    sa.Column('bap_uri', sa.Text(), nullable=False),
    sa.Column('transaction_id', sa.String(length=255), nullable=False),
    sa.Column('domain', sa.String(length=16), nullable=False),
    sa.Column('city', sa.String(length=16), nullable=False),
    sa.Column('core_version', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raised_issues')),
    sa.UniqueConstraint('issue_id', name=op.f('uq_raised_issues_issue_id'))
    )
    with op.batch_alter_table('raised_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raised_issues_seller_code_status'), ['seller_code', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('raised_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raised_issues_seller_code_status'))
    op.drop_table('raised_issues')
