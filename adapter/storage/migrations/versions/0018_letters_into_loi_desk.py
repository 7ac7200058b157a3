"""letters of intent: the dashboard's older register is folded into the LOI desk; B2B
seller terms say which purchase orders the seller decides by hand

Every row of ``letters_of_intent`` becomes a desk letter (``loi_letters``) with reference
``register-<old id>``: its buyer, buyer app, district, product, value, meet and creation
time kept, its signing instant kept as the day it was in India. The register had no GSTIN
and no items, so such a letter links to no transaction until an operator adds them
(re-importing the reference updates it). Then ``letters_of_intent`` is dropped.

``b2b_seller_terms`` gains ``po_review_above_paise`` (null: every PO accepted
automatically), ``po_decision_seconds`` (7200) and ``po_default`` ('reject').

Downgrade recreates the register from the desk letters with a ``register-`` reference
(signed at midnight UTC of their day: the time of day is not kept by the desk), and
removes them (with any items and movements added since) from the desk.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 22:10:00
"""

from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_PREFIX = 'register-'
_INDIA = timedelta(hours=5, minutes=30)

_register = sa.table(
    'letters_of_intent',
    sa.column('id', _ID),
    sa.column('buyer', sa.String()),
    sa.column('buyer_app_id', sa.String()),
    sa.column('product', sa.String()),
    sa.column('district', sa.String()),
    sa.column('value_paise', sa.BigInteger()),
    sa.column('signed_on', sa.DateTime(timezone=True)),
    sa.column('meet', sa.String()),
    sa.column('created_at', sa.DateTime(timezone=True)),
)
_desk = sa.table(
    'loi_letters',
    sa.column('reference', sa.String()),
    sa.column('buyer_name', sa.String()),
    sa.column('buyer_gstin', sa.String()),
    sa.column('buyer_app_id', sa.String()),
    sa.column('district', sa.String()),
    sa.column('product', sa.String()),
    sa.column('value_paise', sa.BigInteger()),
    sa.column('signed_on', sa.Date()),
    sa.column('meet', sa.String()),
    sa.column('figures_source', sa.String()),
    sa.column('demo', sa.Boolean()),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('updated_at', sa.DateTime(timezone=True)),
)


def _utc(value: datetime | str) -> datetime:
    # SQLite hands the stored instant back as text, without its zone (stored as UTC).
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def upgrade() -> None:
    with op.batch_alter_table('b2b_seller_terms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('po_review_above_paise', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('po_decision_seconds', sa.Integer(), server_default='7200', nullable=False))
        batch_op.add_column(sa.Column('po_default', sa.String(length=6), server_default='reject', nullable=False))
    bind = op.get_bind()
    taken = {row.reference for row in bind.execute(sa.select(_desk.c.reference))}
    moved = []
    for row in bind.execute(sa.select(_register).order_by(_register.c.id)):
        reference = f'{_PREFIX}{row.id}'
        if reference in taken:  # already carried over (a re-run after a partial copy)
            continue
        created = _utc(row.created_at)
        moved.append({
            'reference': reference,
            'buyer_name': row.buyer,
            'buyer_gstin': None,
            'buyer_app_id': row.buyer_app_id,
            'district': row.district,
            'product': row.product,
            'value_paise': row.value_paise,
            'signed_on': (_utc(row.signed_on) + _INDIA).date(),
            'meet': row.meet,
            'figures_source': 'dashboard register',
            'demo': False,
            'created_at': created,
            'updated_at': created,
        })
    if moved:
        op.bulk_insert(_desk, moved)
    with op.batch_alter_table('letters_of_intent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letters_of_intent_district_product'))
    op.drop_table('letters_of_intent')


def downgrade() -> None:
    op.create_table('letters_of_intent',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('buyer', sa.String(length=200), nullable=False),
    sa.Column('buyer_app_id', sa.String(length=255), nullable=True),
    sa.Column('product', sa.String(length=120), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('value_paise', sa.BigInteger(), nullable=False),
    sa.Column('signed_on', sa.DateTime(timezone=True), nullable=False),
    sa.Column('meet', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters_of_intent'))
    )
    with op.batch_alter_table('letters_of_intent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_of_intent_district_product'), ['district', 'product'], unique=False)
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_desk).where(_desk.c.reference.like(f'{_PREFIX}%')).order_by(_desk.c.reference)
    )
    back = []
    for row in rows:
        signed = row.signed_on
        if isinstance(signed, str):
            signed = datetime.fromisoformat(signed).date()
        back.append({
            'buyer': row.buyer_name,
            'buyer_app_id': row.buyer_app_id,
            'product': row.product,
            'district': row.district,
            'value_paise': row.value_paise,
            'signed_on': datetime(signed.year, signed.month, signed.day, tzinfo=UTC),
            'meet': row.meet,
            'created_at': _utc(row.created_at),
        })
    if back:
        op.bulk_insert(_register, back)
    # Back in the register only, so a later upgrade does not carry them over twice.
    letters = sa.table('loi_letters', sa.column('id', _ID), sa.column('reference', sa.String()))
    moved = sa.select(letters.c.id).where(letters.c.reference.like(f'{_PREFIX}%'))
    for child in ('loi_items', 'loi_movements'):
        table = sa.table(child, sa.column('letter_id', _ID))
        bind.execute(sa.delete(table).where(table.c.letter_id.in_(moved)))
    bind.execute(sa.delete(_desk).where(_desk.c.reference.like(f'{_PREFIX}%')))
    with op.batch_alter_table('b2b_seller_terms', schema=None) as batch_op:
        batch_op.drop_column('po_default')
        batch_op.drop_column('po_decision_seconds')
        batch_op.drop_column('po_review_above_paise')
