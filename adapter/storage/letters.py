"""Letters of intent from buyer-seller meets, and the orders realised against each."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from adapter.storage.database import Database
from adapter.storage.tables import letters_of_intent, order_days, order_facts

__all__ = ["LettersOfIntent"]


class LettersOfIntent:
    """The register: add a letter; list letters with what was realised against them."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self,
        *,
        buyer: str,
        buyer_app_id: str | None,
        product: str,
        district: str,
        value_paise: int,
        signed_on: datetime,
        meet: str | None,
        now: datetime,
    ) -> int:
        """Record a letter; its id."""
        async with self._db.transaction() as connection:
            result = await connection.execute(
                insert(letters_of_intent).values(
                    buyer=buyer,
                    buyer_app_id=buyer_app_id,
                    product=product,
                    district=district,
                    value_paise=value_paise,
                    signed_on=signed_on,
                    meet=meet,
                    created_at=now,
                )
            )
            (pk,) = result.inserted_primary_key or (0,)
            return int(pk)

    def _signed_day(self) -> ColumnElement[Any]:
        # The day the letter was signed, as India sees it (as order_facts.day is).
        signed = letters_of_intent.c.signed_on
        if self._db.dialect == "postgresql":
            return cast(func.timezone("Asia/Kolkata", signed), Date)
        return func.date(signed, "+330 minutes")

    async def count(self, *, district: str | None = None) -> int:
        """How many letters the register holds (of ``district``, if given)."""
        query = select(func.count()).select_from(letters_of_intent)
        if district is not None:
            query = query.where(letters_of_intent.c.district == district)
        async with self._db.engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())

    async def register(
        self, *, district: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Every letter, newest first, with the orders (not cancelled) and their value
        realised against it: the letter's product from its district, from its buyer app
        when one is named, confirmed on or after the instant it was signed.

        Neither part joins every letter with every order (ten thousand letters over a
        year of a million orders made that seconds):

        - The days after the day of signing: the letters and the day sums
          (``order_days``) of their district and product in one stream from the latest
          day back; each letter's figure is the running sum of the days before it in that
          stream (for its buyer app, or any).
        - The day of signing: the same with that day's orders (``order_facts``), from the
          latest instant back, so the cost grows with the orders of the days letters were
          signed on, not with letters times orders.

        With ``limit``, the newest ``limit`` letters only, and only theirs are counted.
        """
        loi = letters_of_intent.c
        chosen: ColumnElement[bool] | None = None
        if district is not None:
            chosen = loi.district == district
        async with self._db.engine.connect() as connection:
            if limit is not None:
                newest = select(loi.id).order_by(loi.signed_on.desc(), loi.id.desc()).limit(limit)
                if chosen is not None:
                    newest = newest.where(chosen)
                ids = list((await connection.execute(newest)).scalars())
                chosen = loi.id.in_(ids)
            realised = await self._realised(connection, chosen, district)
            if realised is None:
                return []
            query = (
                select(
                    loi.id,
                    loi.buyer,
                    loi.buyer_app_id,
                    loi.product,
                    loi.district,
                    loi.value_paise,
                    loi.signed_on,
                    loi.meet,
                    realised.c.orders,
                    realised.c.realised_paise,
                )
                .join_from(letters_of_intent, realised, realised.c.id == loi.id)
                .order_by(loi.signed_on.desc(), loi.id.desc())
            )
            return [dict(row._mapping) for row in await connection.execute(query)]

    async def by_district(self) -> list[dict[str, Any]]:
        """Per district with letters: how many, their value, how many have orders, and
        the orders and value realised (summed in the database, as :meth:`register`
        counts them)."""
        loi = letters_of_intent.c
        async with self._db.engine.connect() as connection:
            realised = await self._realised(connection, None, None)
            if realised is None:
                return []
            query = (
                select(
                    loi.district,
                    func.count().label("letters"),
                    func.sum(loi.value_paise).label("value_paise"),
                    func.count().filter(realised.c.orders > 0).label("realising"),
                    func.sum(realised.c.orders).label("orders"),
                    func.sum(realised.c.realised_paise).label("realised_paise"),
                )
                .join_from(letters_of_intent, realised, realised.c.id == loi.id)
                .group_by(loi.district)
            )
            return [dict(row._mapping) for row in await connection.execute(query)]

    async def _realised(
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
