"""items held back by pre-flight checks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:23:33.005437
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_column('published')
        batch_op.drop_column('held')

