"""dashboard: the audit log's requests, the orders' funnel, GI products and reasons by IST day

- ``audit_days``: buyer apps' requests (audit rows ``in`` and ``rejected``) per IST day of
  arrival, action, direction, channel and time to answer in tenths of a millisecond (-1:
  none recorded): ACK latency's histogram and the funnel's searches.
- ``funnel_days``: orders and drafts per IST day of creation, seller and channel: all
  (select), initialised or confirmed (init), confirmed, delivered.

- ``gi_days``: GI products' order lines per IST day, GI tag, seller, district, ODOP
  product and channel: lines, their value (orders not cancelled), cancelled, returned and
  returned to origin; made again for the days of each refresh of ``order_facts``
  (``adapter/storage/order_facts.py``), and here from the facts already there.

- ``reason_days``: cancelled orders (first lines) and lines per IST day, seller, district,
  ODOP product, GI tag, channel, reason and who cancelled (``""`` for a missing GI tag,
  reason or canceller); made again likewise (``adapter/storage/fact_days.py``).
- ``attempt_days`` gains its attempts' channel (their job's, as ``callback_days`` has it:
  ``b2b`` when the callback's bytes carry ``"version":"2.0.2"``), part of its key: made
  again here from the attempts and their jobs.

``audit_days`` and ``funnel_days`` are kept by triggers on ``messages`` and ``orders``, in the transaction of the rows
they sum, whoever writes them (the audit log's writers and its retention purge, every
order change): they always equal a count of the rows there are. On PostgreSQL one trigger
per statement adds the statement's rows at once, in key order (concurrent statements adding
to the same sums never wait on each other in a cycle); SQLite's triggers run per row. Made
here from the rows already there. ``adapter/storage/audit_days.py`` and
``adapter/storage/funnel_days.py`` read them.

A row's channel is ``b2b`` when it is ONDC B2B 2.0.2's: a request whose bytes carry the
context key ``"version":"2.0.2"`` (compact, or with one space after the colon); an order
whose stored document carries a B2B order (``_internal.b2b``, as ``order_facts`` has it).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 05:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

_AUDIT_KEYS = ("day", "action", "direction", "channel", "tenths")
_FUNNEL_KEYS = ("day", "seller_code", "channel")
_GI_KEYS = ("day", "gi_tag", "seller_code", "district", "product", "channel")
_FUNNEL_FIGURES = ("drafts", "initialized", "confirmed", "delivered")
_B2B_MARKS = ('"version":"2.0.2"', '"version": "2.0.2"')


# What a B2B order's document holds, as stored (SQLAlchemy's JSON: ", " and ": ").
_TEXT_MARKS = ('"_internal"', '"b2b": {"')


def _audit_columns(dialect: str, row: str) -> dict[str, str]:
    """The SQL of each key of ``audit_days`` for the audit row ``row`` (a table or alias)."""
    if dialect == "postgresql":
        day = f"({row}.received_at AT TIME ZONE 'Asia/Kolkata')::date"
        marked = " OR ".join(f"position('{mark}'::bytea IN {row}.body) > 0" for mark in _B2B_MARKS)
        tenths = f"coalesce(round({row}.duration_ms * 10)::bigint, -1)"
    else:
        day = f"date({row}.received_at, '+330 minutes')"
        marked = " OR ".join(f"instr({row}.body, CAST('{mark}' AS BLOB)) > 0" for mark in _B2B_MARKS)
        tenths = f"coalesce(CAST(round({row}.duration_ms * 10) AS INTEGER), -1)"
    return {
        "day": day,
        "action": f"{row}.action",
        "direction": f"{row}.direction",
        "channel": f"CASE WHEN {marked} THEN 'b2b' ELSE 'b2c' END",
        "tenths": tenths,
    }


def _funnel_columns(dialect: str, row: str) -> dict[str, str]:
    """The SQL of each key and figure of ``funnel_days`` for the order ``row``."""
    if dialect == "postgresql":
        day = f"({row}.created_at AT TIME ZONE 'Asia/Kolkata')::date"
        # PostgreSQL cannot take a path in a document holding an escaped NUL (\u0000, in a
        # buyer's text): such a document is searched as text for a B2B order instead.
        text = f"{row}.document::text"
        wire = f"({row}.document #> '{{_internal,b2b}}')"
        b2b = (
            f"CASE WHEN strpos({text}, '\\u0000') > 0 "
            f"THEN {' AND '.join(f'strpos({text}, {mark!r}) > 0' for mark in _TEXT_MARKS)} "
            f"ELSE json_typeof({wire}) = 'object' AND {wire}::text <> '{{}}' END"
        )
    else:
        day = f"date({row}.created_at, '+330 minutes')"
        path = "'$._internal.b2b'"
        b2b = (
            f"json_type({row}.document, {path}) = 'object' "
            f"AND json_extract({row}.document, {path}) <> '{{}}'"
        )
    return {
        "day": day,
        "seller_code": f"{row}.seller_code",
        "channel": f"CASE WHEN {b2b} THEN 'b2b' ELSE 'b2c' END",
        "drafts": "1",
        "initialized": f"CASE WHEN {row}.stage IN ('initialized', 'confirmed') THEN 1 ELSE 0 END",
        "confirmed": f"CASE WHEN {row}.stage = 'confirmed' THEN 1 ELSE 0 END",
        "delivered": f"CASE WHEN {row}.fulfillment_state = 'Order-delivered' THEN 1 ELSE 0 END",
    }


def _summed(
    table: str, keys: tuple[str, ...], figures: tuple[str, ...], parts: list[tuple[str, str]]
) -> str:
    """An upsert adding to ``table`` the figures of ``parts`` (each a SELECT of the keys and
    figures, and the sign it counts with), grouped by key, in key order; groups that add
    nothing are left alone."""
    union = " UNION ALL ".join(
        f"SELECT {', '.join(keys)}, "
        + ", ".join(f"{sign}{name} AS {name}" for name in figures)
        + f" FROM ({select}) AS part"
        for select, sign in parts
    )
    sums = ", ".join(f"sum({name})" for name in figures)
    changed = " OR ".join(f"sum({name}) <> 0" for name in figures)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in figures)
    return (
        f"INSERT INTO {table} ({', '.join(keys)}, {', '.join(figures)}) "
        f"SELECT {', '.join(keys)}, {sums} FROM ({union}) AS rows "
        f"GROUP BY {', '.join(keys)} HAVING {changed} ORDER BY {', '.join(keys)} "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )


def _select(columns: dict[str, str], source: str, where: str = "") -> str:
    listed = ", ".join(f"{sql} AS {name}" for name, sql in columns.items())
    return f"SELECT {listed} FROM {source}" + (f" WHERE {where}" if where else "")


def _audit_select(dialect: str, source: str, alias: str) -> str:
    columns = {**_audit_columns(dialect, alias), "requests": "1"}
    return _select(columns, f"{source} AS {alias}", f"{alias}.direction IN ('in', 'rejected')")


def _funnel_select(dialect: str, source: str, alias: str) -> str:
    return _select(_funnel_columns(dialect, alias), f"{source} AS {alias}")


_TABLES = {
    "audit_days": (_AUDIT_KEYS, ("requests",), _audit_select, "messages"),
    "funnel_days": (_FUNNEL_KEYS, _FUNNEL_FIGURES, _funnel_select, "orders"),
}


def _postgresql_triggers(table: str) -> None:
    keys, figures, select, source = _TABLES[table]
    added = _summed(table, keys, figures, [(select("postgresql", "new_rows", "n"), "")])
    taken = _summed(table, keys, figures, [(select("postgresql", "old_rows", "o"), "-")])
    moved = _summed(
        table,
        keys,
        figures,
        [(select("postgresql", "new_rows", "n"), ""), (select("postgresql", "old_rows", "o"), "-")],
    )
    op.execute(
        f"""
        CREATE FUNCTION {table}_count() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {added};
            ELSIF TG_OP = 'DELETE' THEN
                {taken};
            ELSE
                {moved};
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    for event, tables in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ):
        op.execute(
            f"CREATE TRIGGER {table}_{event.lower()} AFTER {event} ON {source} "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {table}_count()"
        )


def _sqlite_triggers(table: str) -> None:
    keys, figures, _, source = _TABLES[table]

    def columns(row: str) -> dict[str, str]:
        if table == "audit_days":
            return {**_audit_columns("sqlite", row), "requests": "1"}
        return _funnel_columns("sqlite", row)

    def one(row: str, sign: str) -> str:
        # One row's figures, as a trigger body's upsert ("WHERE" so that the parser reads
        # ON CONFLICT as the upsert's); the audit log sums buyer apps' requests only.
        named = columns(row)
        listed = ", ".join(
            f"{sign}({named[name]})" if name in figures else named[name]
            for name in (*keys, *figures)
        )
        wanted = f"{row}.direction IN ('in', 'rejected')" if table == "audit_days" else "true"
        updates = ", ".join(f"{name} = {name} + excluded.{name}" for name in figures)
        return (
            f"INSERT INTO {table} ({', '.join((*keys, *figures))}) SELECT {listed} "
            f"WHERE {wanted} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates};"
        )

    old, new = columns("OLD"), columns("NEW")
    moved = " OR ".join(f"({old[name]}) IS NOT ({new[name]})" for name in (*keys, *figures))
    op.execute(f"CREATE TRIGGER {table}_insert AFTER INSERT ON {source} BEGIN {one('NEW', '')} END")
    op.execute(f"CREATE TRIGGER {table}_delete AFTER DELETE ON {source} BEGIN {one('OLD', '-')} END")
    op.execute(
        f"CREATE TRIGGER {table}_update AFTER UPDATE ON {source} WHEN {moved} "
        f"BEGIN {one('OLD', '-')} {one('NEW', '')} END"
    )


def upgrade() -> None:
    dialect = "postgresql" if op.get_bind().dialect.name == "postgresql" else "sqlite"
    op.create_table(
        "audit_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=3), nullable=False),
        sa.Column("tenths", sa.BigInteger(), nullable=False),
        sa.Column("requests", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*_AUDIT_KEYS, name=op.f("pk_audit_days")),
    )
    op.create_table(
        "funnel_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seller_code", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=3), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _FUNNEL_FIGURES),
        sa.PrimaryKeyConstraint(*_FUNNEL_KEYS, name=op.f("pk_funnel_days")),
    )
    _gi_days()
    _reason_days()
    _attempt_days(dialect, with_channel=True)
    for table, (keys, figures, select, source) in _TABLES.items():
        op.execute(_summed(table, keys, figures, [(select(dialect, source, "r"), "")]))
        if dialect == "postgresql":
            _postgresql_triggers(table)
        else:
            _sqlite_triggers(table)


def _gi_days() -> None:
    op.create_table(
        "gi_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gi_tag", sa.String(length=80), nullable=False),
        sa.Column("seller_code", sa.String(length=64), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=False),
        sa.Column("product", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=3), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("live_value_paise", sa.BigInteger(), nullable=False),
        sa.Column("cancelled_lines", sa.Integer(), nullable=False),
        sa.Column("returned_lines", sa.Integer(), nullable=False),
        sa.Column("rto_lines", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*_GI_KEYS, name=op.f("pk_gi_days")),
    )
    keys = ", ".join(_GI_KEYS)
    op.execute(
        f"""
        INSERT INTO gi_days ({keys}, lines, live_value_paise, cancelled_lines, returned_lines,
                             rto_lines)
        SELECT {keys}, count(*),
               coalesce(sum(CASE WHEN state IS NULL OR state <> 'Cancelled'
                                 THEN amount_paise ELSE 0 END), 0),
               sum(CASE WHEN state = 'Cancelled' THEN 1 ELSE 0 END),
               sum(CASE WHEN returned THEN 1 ELSE 0 END),
               sum(CASE WHEN fulfillment_state LIKE 'RTO%' THEN 1 ELSE 0 END)
        FROM order_facts
        WHERE gi_tag IS NOT NULL
        GROUP BY {keys}
        """
    )


# The same rules as adapter.storage.callback_days and attempt_days (a migration keeps its
# own copy).
_ATTEMPTS = {
    "postgresql": {
        "day": "(a.attempted_at AT TIME ZONE 'Asia/Kolkata')::date",
        "carried": "o.callback_body LIKE '\\x252276657273696f6e223a22322e302e322225'::bytea",
    },
    "sqlite": {
        "day": "date(a.attempted_at, '+330 minutes')",
        "carried": "instr(o.callback_body, X'2276657273696f6e223a22322e302e3222') > 0",
    },
}


def _attempt_days(dialect: str, *, with_channel: bool) -> None:
    """``attempt_days`` made again from the attempts, by channel or not."""
    op.drop_table("attempt_days")
    keys = ["day", "outcome", *(["channel"] if with_channel else [])]
    op.create_table(
        "attempt_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        *([sa.Column("channel", sa.String(length=3), nullable=False)] if with_channel else []),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("timed", sa.BigInteger(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(*keys, name=op.f("pk_attempt_days")),
    )
    words = _ATTEMPTS[dialect]
    channel = f", CASE WHEN {words['carried']} THEN 'b2b' ELSE 'b2c' END" if with_channel else ""
    groups = ", ".join(str(n + 1) for n in range(len(keys)))
    op.execute(
        f"""
        INSERT INTO attempt_days ({", ".join(keys)}, attempts, timed, latency_ms)
        SELECT {words["day"]}, a.outcome{channel}, count(*), count(a.latency_ms),
               coalesce(sum(a.latency_ms), 0)
        FROM delivery_attempts AS a JOIN outbox AS o ON o.id = a.outbox_id
        GROUP BY {groups}
        """
    )


_REASON_KEYS = (
    "day", "seller_code", "district", "product", "gi_tag", "channel", "reason", "cancelled_by",
)  # fmt: skip


def _reason_days() -> None:
    op.create_table(
        "reason_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seller_code", sa.String(length=64), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=False),
        sa.Column("product", sa.String(length=120), nullable=False),
        sa.Column("gi_tag", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=8), nullable=False),
        sa.Column("cancelled_by", sa.String(length=16), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*_REASON_KEYS, name=op.f("pk_reason_days")),
    )
    op.execute(
        """
        INSERT INTO reason_days (day, seller_code, district, product, gi_tag, channel, reason,
                                 cancelled_by, orders, lines)
        SELECT day, seller_code, district, product, coalesce(gi_tag, ''), channel,
               coalesce(cancel_reason, ''), coalesce(cancelled_by, ''),
               sum(CASE WHEN line_no = 0 THEN 1 ELSE 0 END), count(*)
        FROM order_facts
        WHERE state = 'Cancelled'
        GROUP BY day, seller_code, district, product, coalesce(gi_tag, ''), channel,
                 coalesce(cancel_reason, ''), coalesce(cancelled_by, '')
        """
    )


def downgrade() -> None:
    dialect = "postgresql" if op.get_bind().dialect.name == "postgresql" else "sqlite"
    _attempt_days(dialect, with_channel=False)
    op.drop_table("reason_days")
    op.drop_table("gi_days")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, (*_, source) in _TABLES.items():
        for event in ("insert", "delete", "update"):
            op.execute(
                f"DROP TRIGGER IF EXISTS {table}_{event}" + (f" ON {source}" if postgresql else "")
            )
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS {table}_count()")
        op.drop_table(table)
