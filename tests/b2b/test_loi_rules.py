"""Letters of intent (pure): stages and amounts from movements, links, price agreements,
and when a letter is on paper."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from adapter.core.b2b.loi import (
    LetterItem,
    LetterTerms,
    Movement,
    MovementKind,
    Stage,
    agreed_lines,
    figures,
    is_on_paper,
    realises,
    standing_lines,
)

T0 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
GSTIN = "02ABCDE1234F1Z5"


def _move(txn: str, kind: MovementKind, amount: int, minutes: int) -> Movement:
    return Movement(txn, kind, amount, T0 + timedelta(minutes=minutes))


def test_a_letter_with_no_movement_is_signed() -> None:
    counted = figures(5_000_000, [])
    assert counted.stage is Stage.SIGNED
    assert (counted.signed_paise, counted.ordered_paise, counted.last_movement_at) == (
        5_000_000, 0, None,
    )  # fmt: skip


def test_requote_in_one_transaction_replaces_the_earlier_quote() -> None:
    counted = figures(
        5_000_000,
        [
            _move("t1", MovementKind.RFQ, 0, 0),
            _move("t1", MovementKind.QUOTED, 4_000_000, 1),
            _move("t1", MovementKind.QUOTED, 3_500_000, 2),
        ],
    )
    assert counted.stage is Stage.QUOTED
    assert counted.quoted_paise == 3_500_000


def test_split_deliveries_add_up_and_payment_in_full_makes_it_paid() -> None:
    moves = [
        _move("t1", MovementKind.ORDERED, 3_000_000, 1),
        _move("t1", MovementKind.DELIVERED, 1_000_000, 2),
    ]
    assert figures(5_000_000, moves).stage is Stage.PARTLY_DELIVERED
    moves.append(_move("t1", MovementKind.DELIVERED, 2_000_000, 3))
    assert figures(5_000_000, moves).stage is Stage.DELIVERED
    moves.append(_move("t1", MovementKind.PAID, 3_000_000, 4))
    counted = figures(5_000_000, moves)
    assert counted.stage is Stage.PAID
    assert (counted.delivered_paise, counted.paid_paise) == (3_000_000, 3_000_000)


def test_a_cancelled_transaction_counts_for_nothing_ordered() -> None:
    counted = figures(
        5_000_000,
        [
            _move("t1", MovementKind.ORDERED, 3_000_000, 1),
            _move("t1", MovementKind.CANCELLED, 0, 2),
            _move("t2", MovementKind.RFQ, 0, 3),
        ],
    )
    assert counted.ordered_paise == 0
    assert counted.stage is Stage.RFQ_RECEIVED
    assert counted.transactions == 2


LETTER = LetterTerms(
    letter_id=1,
    buyer_gstin=GSTIN,
    buyer_app_id="buyer.example",
    items=(LetterItem("odopkinnaur", "odopkinnaur02", 200, 450_000),),
    payment_type="POST-FULFILLMENT",
)


@pytest.mark.parametrize(
    ("gstin", "app", "lines", "linked"),
    [
        (GSTIN, "buyer.example", [("odopkinnaur", "odopkinnaur02")], True),
        (GSTIN.lower(), "buyer.example", [("odopkinnaur", "odopkinnaur02")], True),
        (GSTIN, "other.example", [("odopkinnaur", "odopkinnaur02")], False),
        ("02ZZZZZ9999Z1Z5", "buyer.example", [("odopkinnaur", "odopkinnaur02")], False),
        (None, "buyer.example", [("odopkinnaur", "odopkinnaur02")], False),
        # the same product of the same district from another item: not this letter's line
        (GSTIN, "buyer.example", [("odopkinnaur", "odopkinnaur01")], False),
    ],
)
def test_a_transaction_realises_a_letter_by_gstin_buyer_app_and_items(
    gstin: str | None, app: str, lines: list[tuple[str, str]], linked: bool
) -> None:
    assert realises(LETTER, buyer_gstin=gstin, buyer_app_id=app, lines=lines) is linked


def test_a_letter_naming_no_buyer_app_links_any_app_of_that_buyer() -> None:
    open_letter = LetterTerms(2, GSTIN, None, LETTER.items)
    assert realises(
        open_letter, buyer_gstin=GSTIN, buyer_app_id="x.example",
        lines=[("odopkinnaur", "odopkinnaur02")],
    )  # fmt: skip


def test_agreed_lines_give_the_newest_letters_price() -> None:
    newer = LetterTerms(3, GSTIN, None, (LetterItem("odopkinnaur", "odopkinnaur02", 100, 400_000),))
    agreed = agreed_lines(
        [LETTER, newer],
        buyer_gstin=GSTIN,
        buyer_app_id="buyer.example",
        wants={("odopkinnaur", "odopkinnaur02"): 40, ("odopkullu", "odopkullu01"): 40},
    )
    assert list(agreed) == [("odopkinnaur", "odopkinnaur02")]
    assert agreed[("odopkinnaur", "odopkinnaur02")].unit_price_paise == 400_000


def test_the_agreed_price_covers_only_what_the_letter_has_left() -> None:
    shawl = ("odopkinnaur", "odopkinnaur02")
    # 100 agreed, 70 taken by earlier purchase orders: 30 left at the agreed price.
    letter = LetterTerms(4, GSTIN, None, (LetterItem(*shawl, 100, 400_000, ordered=70),))
    assert letter.items[0].left == 30
    ask = {"buyer_gstin": GSTIN, "buyer_app_id": "buyer.example"}
    assert agreed_lines([letter], **ask, wants={shawl: 30}) == {shawl: letter.items[0]}
    assert agreed_lines([letter], **ask, wants={shawl: 31}) == {}
    # An older letter with enough left covers a count the newer one cannot.
    older = LetterTerms(1, GSTIN, None, (LetterItem(*shawl, 500, 450_000),))
    assert agreed_lines([older, letter], **ask, wants={shawl: 31})[shawl].unit_price_paise == (
        450_000
    )
    ordered_out = LetterTerms(5, GSTIN, None, (LetterItem(*shawl, 100, 400_000, ordered=130),))
    assert ordered_out.items[0].left == 0


def test_a_seller_led_rfq_is_quoted_what_the_buyers_letters_have_left_with_that_seller() -> None:
    items = (
        LetterItem("odopkinnaur", "odopkinnaur02", 200, 450_000, ordered=50),
        LetterItem("odopkinnaur", "odopkinnaur01", 100, 30_000, ordered=100),
        LetterItem("odopkullu", "odopkullu01", 80, 200_000),
    )
    letter = LetterTerms(6, GSTIN, "buyer.example", items)
    ask = {"buyer_gstin": GSTIN, "seller_code": "odopkinnaur"}
    # The oil is all ordered; Kullu's shawl is another seller's.
    assert standing_lines([letter], **ask, buyer_app_id="buyer.example") == {"odopkinnaur02": 150}
    assert standing_lines([letter], **ask, buyer_app_id="other.example") == {}
    assert standing_lines([letter], buyer_gstin="02ZZZZZ9999Z1Z5", buyer_app_id="buyer.example",
                          seller_code="odopkinnaur") == {}  # fmt: skip


def test_on_paper_after_the_quiet_days_and_once_per_quiet_spell() -> None:
    signed = date(2026, 11, 1)
    quiet = figures(1_000_000, [])
    day = lambda n: datetime(2026, 11, 1, 12, tzinfo=UTC) + timedelta(days=n)  # noqa: E731
    assert not is_on_paper(signed_on=signed, figures=quiet, now=day(29), quiet_days=30,
                           flagged_at=None)  # fmt: skip
    assert is_on_paper(signed_on=signed, figures=quiet, now=day(30), quiet_days=30,
                       flagged_at=None)  # fmt: skip
    assert not is_on_paper(signed_on=signed, figures=quiet, now=day(31), quiet_days=30,
                           flagged_at=day(30))  # fmt: skip
    assert is_on_paper(signed_on=signed, figures=quiet, now=day(60), quiet_days=30,
                       flagged_at=day(30))  # fmt: skip
    moved = figures(1_000_000, [Movement("t", MovementKind.RFQ, 0, day(50))])
    assert not is_on_paper(signed_on=signed, figures=moved, now=day(60), quiet_days=30,
                           flagged_at=day(30))  # fmt: skip
    paid = figures(
        1_000_000,
        [
            Movement("t", MovementKind.ORDERED, 10, day(1)),
            Movement("t", MovementKind.PAID, 10, day(2)),
        ],
    )
    assert not is_on_paper(signed_on=signed, figures=paid, now=day(90), quiet_days=30,
                           flagged_at=None)  # fmt: skip
