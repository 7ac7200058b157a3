"""seller notifications

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 14:41:22.633781
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('seller_endpoints',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('secret', sa.String(length=128), nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seller_endpoints')),
    sa.UniqueConstraint('seller_code', name=op.f('uq_seller_endpoints_seller_code'))
    )
    op.create_table('seller_notifications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('order_id', sa.String(length=255), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=80), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seller_notifications'))
    )
    with op.batch_alter_table('seller_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seller_notifications_seller_code_id'), ['seller_code', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seller_notifications_status_next_attempt_at'), ['status', 'next_attempt_at'], unique=False)
    op.create_table('seller_notification_attempts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('notification_id', sa.BigInteger(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('latency_ms', sa.Float(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['seller_notifications.id'], name='fk_seller_notification_attempts_notification'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seller_notification_attempts'))
    )
    with op.batch_alter_table('seller_notification_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seller_notification_attempts_notification_id'), ['notification_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('seller_notification_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seller_notification_attempts_notification_id'))
    op.drop_table('seller_notification_attempts')
    with op.batch_alter_table('seller_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seller_notifications_status_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_seller_notifications_seller_code_id'))
    op.drop_table('seller_notifications')
    op.drop_table('seller_endpoints')
