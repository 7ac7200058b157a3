"""What the database at ``DATABASE_URL`` is and how far its schema is migrated, for
``ondc-seller config check`` and tests: one connection, nothing written.

It talks to the drivers directly (sqlite3, psycopg) and reads the migrations' revision ids
from their files, without SQLAlchemy's engine or Alembic's machinery, whose import alone
would be most of the command's start-up time. A SQLite file that does not exist yet is
reported as such, not created (``db upgrade`` and ``serve`` create it). Connection
failures are the drivers' own errors, which the command line turns into a message naming
``DATABASE_URL``.
"""

from __future__ import annotations

import ast
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["DatabaseStatus", "database_status", "head_revision"]

_VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
# As adapter.storage.database does for the adapter's own connections.
_CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class DatabaseStatus:
    """Which store a URL names and the schema revision found there."""

    store: str
    exists: bool
    revision: str | None
    head: str

    @property
    def current(self) -> bool:
        """The schema is at the newest migration."""
        return self.revision == self.head

    def describe(self) -> str:
        """One line for a person: the store and its schema's state."""
        if not self.exists:
            return f"{self.store} does not exist yet (`ondc-seller db upgrade` creates it)"
        if self.revision is None:
            return f"{self.store}, not migrated (run `ondc-seller db upgrade`)"
        if self.current:
            return f"{self.store}, schema at revision {self.revision} (current)"
        return (
            f"{self.store}, schema at revision {self.revision}; {self.head} is newest "
            "(run `ondc-seller db upgrade`)"
        )


def _assigned(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and node.value:
                return ast.literal_eval(node.value)
    return None


def head_revision(versions: Path = _VERSIONS) -> str:
    """The newest migration's revision id: the one no other migration follows."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in versions.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        revision, down = _assigned(tree, "revision"), _assigned(tree, "down_revision")
        if isinstance(revision, str):
            revisions.add(revision)
        followed.update([down] if isinstance(down, str) else list(down or ()))  # type: ignore[call-overload]
    heads = sorted(revisions - followed)
    return ",".join(heads)


def _sqlite_status(url: str, head: str) -> DatabaseStatus:
    rest = url.split(":///", 1)[1].split("?", 1)[0] if ":///" in url else ""
    if not rest or rest == ":memory:":
        return DatabaseStatus(store="SQLite in memory", exists=True, revision=None, head=head)
    path = Path(unquote(rest)).resolve()
    store = f"SQLite file {path}"
    if not path.exists() and path.parent.is_dir():
        return DatabaseStatus(store=store, exists=False, revision=None, head=head)
    # Read-only: checking must not create the file (nor its missing directory).
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            rows = []
    finally:
        connection.close()
    return DatabaseStatus(store=store, exists=True, revision=_joined(rows), head=head)


def _postgresql_status(url: str, head: str) -> DatabaseStatus:
    import psycopg

    conninfo = "postgresql://" + url.split("://", 1)[1]
    parts = urlsplit(conninfo)
    store = (
        f"PostgreSQL database {parts.path.lstrip('/') or '(default)'} on "
        f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    )
    if "connect_timeout" not in parts.query:
        conninfo += f"{'&' if parts.query else '?'}connect_timeout={_CONNECT_TIMEOUT_SECONDS}"
    with psycopg.connect(conninfo, autocommit=True) as connection:
        exists = connection.execute("SELECT to_regclass('alembic_version')").fetchone()
        rows = []
        if exists is not None and exists[0] is not None:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    return DatabaseStatus(store=store, exists=True, revision=_joined(rows), head=head)


def _joined(rows: list[tuple[object, ...]]) -> str | None:
    return ",".join(sorted(str(row[0]) for row in rows)) or None


def database_status(database_url: str) -> DatabaseStatus:
    """Connect once to ``database_url`` and read its schema revision."""
    head = head_revision()
    scheme = database_url.split(":", 1)[0].split("+", 1)[0]
    if scheme == "sqlite":
        return _sqlite_status(database_url, head)
    return _postgresql_status(database_url, head)
