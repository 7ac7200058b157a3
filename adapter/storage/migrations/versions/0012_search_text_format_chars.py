"""search text: drop invisible format characters from what items are searched by

Search words and catalogue text are now normalised with Unicode format characters (zero-
width joiner and non-joiner, zero-width space, BOM, soft hyphen, direction marks) removed.
Items stored before kept them in their search text, so a plain word would not find them;
this removes them there too (and collapses the spaces around them, as normalising does),
which is what normalising the item's text afresh gives. The search indexes follow the
column through their triggers.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 16:55:00
"""

import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_SPACES = re.compile(r"\s+")


def _without_format_characters(text: str) -> str:
    bare = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SPACES.sub(" ", bare).strip()


def upgrade() -> None:
    connection = op.get_bind()
    items = sa.table("items", sa.column("id", sa.BigInteger), sa.column("search_text", sa.Text))
    rows = connection.execute(sa.select(items.c.id, items.c.search_text)).all()
    for pk, text in rows:
        if text is None or text.isascii():
            continue
        cleaned = _without_format_characters(text)
        if cleaned != text:
            connection.execute(items.update().where(items.c.id == pk).values(search_text=cleaned))


def downgrade() -> None:
    pass  # the cleaned text matches what the older code would search for, less the marks
