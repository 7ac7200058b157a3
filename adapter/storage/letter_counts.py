"""The orders and value realised against each letter of intent, kept current on write.

A letter's figures are the orders (not cancelled) of its ODOP product from its district
(from its buyer app, when it names one) confirmed at or after the instant it was signed,
and their value. Counting that afresh for ten thousand letters over a year of a million
orders takes most of a second, too slow for a page; so each letter carries its two
counts (``letters_of_intent.realised_orders`` / ``realised_paise``) and they are kept
current where the facts change:

- :func:`apply_fact_changes`, called by ``OrderFacts`` in the transaction that copies
  orders into ``order_facts``: each changed fact's part before and after the copy, their
  difference grouped by (district, product, buyer app, instant) and added to every
  letter that group counts for. An order copied again unchanged changes nothing.
- :func:`recount`: a letter counted from the facts in full, when it is added, and for
  letters not counted yet (after the migration that added the counts).

Both take :func:`serialise` first, so two processes never apply a change twice or count a
letter while a change to its facts is half applied. On SQLite the writers' ``BEGIN
IMMEDIATE`` does that already.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Date,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    text,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from adapter.storage.tables import letters_of_intent, order_days, order_facts

__all__ = ["FactPart", "apply_fact_changes", "fact_parts", "recount", "serialise"]

# One key for the PostgreSQL advisory lock taken by every writer of the counts.
_LOCK_KEY: Final = 0x0D0B_1E77

FactPart = tuple[str, str, str, datetime, int, int]
"""(district, product, buyer app, confirmed at, orders, value in paise) of one fact line:
what it adds to the letters it counts for."""


async def serialise(connection: AsyncConnection) -> None:
    """Hold the counts' lock until ``connection``'s transaction ends."""
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


async def fact_parts(connection: AsyncConnection, order_pks: list[int]) -> list[FactPart]:
    """What the facts of these orders add to letters now (cancelled lines add nothing)."""
    f = order_facts.c
    rows = await connection.execute(
        select(f.district, f.product, f.bap_id, f.confirmed_at, f.line_no, f.amount_paise).where(
            f.order_pk.in_(order_pks), f.state.is_distinct_from("Cancelled")
        )
    )
    return [
        (r.district, r.product, r.bap_id, r.confirmed_at, int(r.line_no == 0), r.amount_paise)
        for r in rows
    ]


async def apply_fact_changes(
    connection: AsyncConnection, before: Iterable[FactPart], after: Iterable[FactPart]
) -> int:
    """Add ``after`` less ``before`` to every counted letter each part counts for; the
    number of (district, product, buyer app, instant) groups that changed."""
    change: dict[tuple[str, str, str, datetime], list[int]] = {}
    for sign, parts in ((-1, before), (1, after)):
        for district, product, bap_id, at, orders, value in parts:
            sums = change.setdefault((district, product, bap_id, at), [0, 0])
            sums[0] += sign * orders
            sums[1] += sign * value
    moves = [
        {"d": d, "p": p, "app": app, "at": at, "orders": o, "value": v}
        for (d, p, app, at), (o, v) in change.items()
        if o or v
    ]
    if not moves:
        return 0
    loi = letters_of_intent.c
    statement = (
        update(letters_of_intent)
        .where(
            loi.district == bindparam("d"),
            loi.product == bindparam("p"),
            loi.signed_on <= bindparam("at"),
            or_(loi.buyer_app_id.is_(None), loi.buyer_app_id == bindparam("app")),
            loi.realised_orders.is_not(None),
        )
        .values(
            realised_orders=loi.realised_orders + bindparam("orders"),
            realised_paise=loi.realised_paise + bindparam("value"),
        )
    )
    await connection.execute(statement, moves)
    return len(moves)


async def recount(connection: AsyncConnection, chosen: ColumnElement[bool] | None) -> int:
    """Count the ``chosen`` letters (every letter, if None) from the facts in full and
    store their counts; how many letters were counted."""
    counter = _Counter(connection.dialect.name)
    realised = await counter.realised(connection, chosen, None)
    if realised is None:
        return 0
    rows = [
        {"letter": r.id, "orders": int(r.orders or 0), "value": int(r.realised_paise or 0)}
        for r in await connection.execute(select(realised))
    ]
    if rows:
        loi = letters_of_intent.c
        await connection.execute(
            update(letters_of_intent)
            .where(loi.id == bindparam("letter"))
            .values(realised_orders=bindparam("orders"), realised_paise=bindparam("value")),
            rows,
        )
    return len(rows)


class _Counter:
    """The full count: the letters and the facts in one stream per district and product,
    running sums, never every letter joined with every order."""

    def __init__(self, dialect: str) -> None:
        self._dialect = dialect

    def _signed_day(self) -> ColumnElement[Any]:
        # The day the letter was signed, as India sees it (as order_facts.day is).
        signed = letters_of_intent.c.signed_on
        if self._dialect == "postgresql":
            return cast(func.timezone("Asia/Kolkata", signed), Date)
        return func.date(signed, "+330 minutes")

    async def realised(
        self,
        connection: AsyncConnection,
        chosen: ColumnElement[bool] | None,
        district: str | None,
    ) -> Any:
        """A subquery of each ``chosen`` letter's ``id``, ``orders`` and
        ``realised_paise`` (None when there are none): its signing day's part plus the
        later days' part. ``district``, when the letters are all of one, narrows the day
        sums read."""
        loi = letters_of_intent.c
        days = select(loi.district, loi.product, self._signed_day().label("day")).distinct()
        if chosen is not None:
            days = days.where(chosen)
        signing = [(r.district, r.product, r.day) for r in await connection.execute(days)]
        if not signing:
            return None
        if isinstance(signing[0][2], str):  # SQLite gives the computed day as text
            signing = [(d, p, date.fromisoformat(day)) for d, p, day in signing]
        same = self._signing_day_query(chosen, signing).subquery()
        earliest = min(day for _, _, day in signing)
        later = self._later_days_query(chosen, district, earliest).subquery()

        def part(sums: Any, figure: str) -> Any:
            chosen = case(
                (sums.c.buyer_app_id.is_(None), sums.c[f"any_{figure}"]),
                else_=sums.c[f"app_{figure}"],
            )
            return func.coalesce(chosen, 0)

        query = (
            select(
                loi.id,
                (part(same, "orders") + part(later, "orders")).label("orders"),
                (part(same, "value") + part(later, "value")).label("realised_paise"),
            )
            .select_from(letters_of_intent)
            .outerjoin(same, same.c.letter_id == loi.id)
            .outerjoin(later, later.c.letter_id == loi.id)
        )
        if chosen is not None:
            query = query.where(chosen)
        return query.subquery()

    def _signing_day_query(
        self, chosen: ColumnElement[bool] | None, signing: list[tuple[str, str, date]]
    ) -> Any:
        """Each letter's live orders and value on its day of signing, from the instant of
        signing on: for any buyer app and for the letter's own. ``signing`` holds the
        letters' districts, products and days of signing, given as values so that the
        database reads just those days' orders, by index."""
        loi, f = letters_of_intent.c, order_facts.c
        facts = select(
            f.district,
            f.product,
            f.day,
            f.bap_id,
            f.confirmed_at.label("at"),
            literal(0).label("kind"),
            case((f.line_no == 0, 1), else_=0).label("orders"),
            f.amount_paise.label("value"),
            cast(null(), BigInteger).label("letter_id"),
        ).where(
            tuple_(f.district, f.product, f.day).in_(signing),
            f.state.is_distinct_from("Cancelled"),
        )
        letters = select(
            loi.district,
            loi.product,
            self._signed_day(),
            loi.buyer_app_id,
            loi.signed_on,
            literal(1),
            literal(0),
            cast(literal(0), BigInteger),
            loi.id,
        )
        if chosen is not None:
            letters = letters.where(chosen)
        return _running_sums(union_all(facts, letters).subquery(), by_day=True)

    def _later_days_query(
        self, chosen: ColumnElement[bool] | None, district: str | None, earliest: date
    ) -> Any:
        """Each letter's live orders and value on the days after its day of signing
        (``order_days``), for any buyer app and for the letter's own: the letters and the
        day sums in one stream from the latest day back, a letter coming before the sums
        of its own day, so its running sum holds the days after it."""
        loi, d = letters_of_intent.c, order_days.c
        sums = select(
            d.district,
            d.product,
            d.day,
            d.bap_id,
            literal(0).label("kind"),
            d.live_orders.label("orders"),
            d.live_value_paise.label("value"),
            cast(null(), BigInteger).label("letter_id"),
        ).where(d.day > earliest)
        letters = select(
            loi.district,
            loi.product,
            self._signed_day(),
            loi.buyer_app_id,
            literal(1),
            literal(0),
            cast(literal(0), BigInteger),
            loi.id,
        )
        if district is not None:
            sums = sums.where(d.district == district)
        if chosen is not None:
            letters = letters.where(chosen)
        return _running_sums(union_all(sums, letters).subquery(), by_day=False)


def _running_sums(stream: Any, *, by_day: bool) -> Any:
    """The letters' rows (``kind`` 1) of ``stream`` with the running sums of the orders
    and value ahead of them, latest first, within their district and product (and day,
    when ``by_day``): over every buyer app, and over the row's own buyer app."""
    s = stream.c
    if by_day:
        # Instants: an order at the very instant of signing counts (it comes first).
        order = (s.at.desc(), s.kind.asc())
        whole: tuple[Any, ...] = (s.district, s.product, s.day)
    else:
        # Days: the letter comes before the sums of its own day, which do not count.
        order = (s.day.desc(), s.kind.desc())
        whole = (s.district, s.product)

    def running(column: Any, *partition: Any) -> Any:
        return func.sum(column).over(partition_by=partition, order_by=order, rows=(None, 0))

    summed = select(
        s.kind,
        s.letter_id,
        s.bap_id.label("buyer_app_id"),
        running(s.orders, *whole).label("any_orders"),
        running(s.value, *whole).label("any_value"),
        running(s.orders, *whole, s.bap_id).label("app_orders"),
        running(s.value, *whole, s.bap_id).label("app_value"),
    ).subquery()
    return select(summed).where(summed.c.kind == 1)
