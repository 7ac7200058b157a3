"""audit_days: SQLite's triggers skip the audit rows they do not sum, and scan a body once

SQLite's triggers of ``audit_days`` (migration 0026) ran their body for every audit row
written or deleted, and the body's ``WHERE`` left out all but buyer apps' requests (``in``,
``rejected``): every callback sent (``out``, one per answered search) ran a statement that
added nothing. A ``WHEN`` clause on the trigger skips those rows before the body runs.

A request's channel was two scans of its bytes, one for each spelling of B2B 2.0.2's
context key. A retail request has neither, and was scanned twice in full. The channel is
now looked for in the bytes once, as ``"2.0.2"``, which both spellings end with; only a
request that has it is scanned for the two keys. Each row is summed as before: the same
day, channel and figures.

PostgreSQL's triggers are left as they are: one per statement, they read the statement's
rows once and sum those of requests in the same query (``WHERE``), in the server's process.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 19:00:00
"""

from alembic import op


revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

_KEYS = ("day", "action", "direction", "channel", "tenths")
_REQUESTS = "IN ('in', 'rejected')"
_B2B_MARKS = ('"version":"2.0.2"', '"version": "2.0.2"')
# What both B2B marks end with: a body without it has neither.
_B2B_VERSION = '"2.0.2"'


def _has(row: str, mark: str) -> str:
    return f"instr({row}.body, CAST('{mark}' AS BLOB)) > 0"


def _columns(row: str, *, scan_once: bool) -> dict[str, str]:
    """The SQL of each key of ``audit_days``, and its figure, for the audit row ``row``
    (``NEW`` or ``OLD``); with ``scan_once``, the channel as this migration reads it."""
    marked = " OR ".join(_has(row, mark) for mark in _B2B_MARKS)
    if scan_once:
        marked = f"{_has(row, _B2B_VERSION)} AND ({marked})"
    return {
        "day": f"date({row}.received_at, '+330 minutes')",
        "action": f"{row}.action",
        "direction": f"{row}.direction",
        "channel": f"CASE WHEN {marked} THEN 'b2b' ELSE 'b2c' END",
        "tenths": f"coalesce(CAST(round({row}.duration_ms * 10) AS INTEGER), -1)",
        "requests": "1",
    }


def _add(row: str, sign: str, *, scan_once: bool, wanted: str) -> str:
    """The upsert adding (``sign`` ``""``) or taking off (``"-"``) the audit row ``row``,
    when ``wanted``. (A ``WHERE`` even when it is ``true``: the parser then reads ``ON
    CONFLICT`` as the upsert's.)"""
    named = _columns(row, scan_once=scan_once)
    listed = ", ".join([*(named[key] for key in _KEYS), f"{sign}({named['requests']})"])
    return (
        f"INSERT INTO audit_days ({', '.join(_KEYS)}, requests) SELECT {listed} "
        f"WHERE {wanted} ON CONFLICT ({', '.join(_KEYS)}) "
        "DO UPDATE SET requests = requests + excluded.requests;"
    )


def _triggers(*, skip: bool) -> None:
    """The triggers on ``messages``: with ``skip``, this migration's (an inserted or
    deleted row chosen by the trigger's ``WHEN``, the bytes scanned once), otherwise
    migration 0026's (chosen by the body's ``WHERE``)."""
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_days_{event}")

    def requests(row: str) -> str:
        return f"{row}.direction {_REQUESTS}"

    for event, row, sign in (("insert", "NEW", ""), ("delete", "OLD", "-")):
        when, wanted = (f"WHEN {requests(row)} ", "true") if skip else ("", requests(row))
        op.execute(
            f"CREATE TRIGGER audit_days_{event} AFTER {event.upper()} ON messages {when}"
            f"BEGIN {_add(row, sign, scan_once=skip, wanted=wanted)} END"
        )
    # An updated row may leave the requests or join them: each half still chooses.
    old, new = _columns("OLD", scan_once=skip), _columns("NEW", scan_once=skip)
    moved = " OR ".join(f"({old[name]}) IS NOT ({new[name]})" for name in (*_KEYS, "requests"))
    if skip:
        moved = f"({requests('OLD')} OR {requests('NEW')}) AND ({moved})"
    op.execute(
        f"CREATE TRIGGER audit_days_update AFTER UPDATE ON messages WHEN {moved} "
        f"BEGIN {_add('OLD', '-', scan_once=skip, wanted=requests('OLD'))} "
        f"{_add('NEW', '', scan_once=skip, wanted=requests('NEW'))} END"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _triggers(skip=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _triggers(skip=False)
