"""substring search indexes on items.search_text

SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers, so a search
for part of a word reads the index instead of every item. PostgreSQL: a pg_trgm GIN index,
which LIKE '%word%' uses; where the extension cannot be created (no privilege), searches
still work, by scanning.

Revision ID: 0003
Revises: 0002
"""

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE items_fts USING fts5("
            "search_text, content='items', content_rowid='id', tokenize='trigram')"
        )
        op.execute(
            "CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN "
            "INSERT INTO items_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN "
            "INSERT INTO items_fts(items_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER items_fts_update AFTER UPDATE OF search_text ON items BEGIN "
            "INSERT INTO items_fts(items_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO items_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    elif bind.dialect.name == "postgresql":
        available = (
            bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first()
            is not None
        )
        if not available:
            try:
                with bind.begin_nested():  # a savepoint: a refusal leaves the migration intact
                    bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                available = True
            except DBAPIError:  # no privilege to create it: searches scan instead
                available = False
        if available:
            op.execute(
                "CREATE INDEX ix_items_search_text_trgm ON items "
                "USING gin (search_text gin_trgm_ops)"
            )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("items_fts_insert", "items_fts_delete", "items_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS items_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_items_search_text_trgm")
