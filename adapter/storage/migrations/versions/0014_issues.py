"""issues: grievances (IGM 1.0.0 and 2.0.0), one row per buyer app and issue id

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 19:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('issues',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('version', sa.String(length=8), nullable=False),
    sa.Column('issue_id', sa.String(length=255), nullable=False),
    sa.Column('bap_id', sa.String(length=255), nullable=False),
    sa.Column('bap_uri', sa.Text(), nullable=False),
    sa.Column('transaction_id', sa.String(length=255), nullable=False),
    sa.Column('domain', sa.String(length=16), nullable=False),
    sa.Column('city', sa.String(length=16), nullable=False),
    sa.Column('core_version', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('order_id', sa.String(length=255), nullable=True),
    sa.Column('seller_code', sa.String(length=64), nullable=True),
    sa.Column('district', sa.String(length=40), nullable=True),
    sa.Column('product', sa.String(length=120), nullable=True),
    sa.Column('sku', sa.String(length=64), nullable=True),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('respond_by', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolve_by', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issues')),
    sa.UniqueConstraint('bap_id', 'issue_id', name=op.f('uq_issues_bap_id_issue_id'))
    )
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issues_status_resolve_by'), ['status', 'resolve_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_issues_seller_code_status'), ['seller_code', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issues_seller_code_status'))
        batch_op.drop_index(batch_op.f('ix_issues_status_resolve_by'))
    op.drop_table('issues')
