"""slot_places: the places live orders hold in each store's delivery slots (retail 1.2.5)

A confirm takes a place with a conditional UPDATE of its slot's row, in the transaction
that writes the order, so two confirms of the last place cannot both have it; a cancel
gives it back. A slot's row is made by its first confirm after this revision, counting the
live orders already in the slot.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 11:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('slot_places',
    sa.Column('seller_code', sa.String(length=64), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seller_code', 'starts_at', name=op.f('pk_slot_places'))
    )


def downgrade() -> None:
    op.drop_table('slot_places')
