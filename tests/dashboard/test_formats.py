"""Figures as an Indian reader writes them (Babel's en_IN and hi_IN), ONDC reason codes
with their meaning in both languages, and long tables on the page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from adapter.core.orders import BUYER_CANCEL_REASONS, SELLER_CANCEL_REASONS
from adapter.dashboard.filters import View
from adapter.dashboard.formats import Formats
from adapter.dashboard.i18n import _EN, _HI
from adapter.dashboard.page import table_section
from adapter.dashboard.reasons import reason_meaning
from adapter.dashboard.views import ROWS_ON_PAGE, Table, Viewer

EN, HI, DEVA = Formats("en"), Formats("hi"), Formats("hi", devanagari_digits=True)


def test_amounts_have_the_rupee_sign_and_lakh_crore_grouping() -> None:
    assert EN.money(Decimal("56800.00")) == "₹56,800"
    assert EN.money(Decimal("5629000.50")) == "₹56,29,000.50"
    assert EN.money(Decimal("52900000")) == "₹5,29,00,000"
    assert HI.money(Decimal("220000")) == "₹2,20,000"
    assert EN.number(1234567) == "12,34,567"


def test_tiles_and_charts_use_lakh_and_crore_in_the_viewers_language() -> None:
    # In English Babel joins figure and unit with a narrow no-break space (U+202F).
    assert EN.money_short(Decimal("220000")) == "₹2.2\u202flakh"
    assert EN.money_short(Decimal("52900000")) == "₹5.29\u202fcrore"
    assert HI.money_short(Decimal("220000")) == "₹2.2 लाख"
    assert HI.money_short(Decimal("52900000")) == "₹5.29 करोड़"
    assert EN.money_short(Decimal("950.40")) == "₹950"
    assert EN.count_short(1234567) == "12.35\u202flakh"
    assert EN.count_short(99999) == "99,999"


def test_devanagari_digits_only_when_the_viewer_chooses_them() -> None:
    assert HI.money(Decimal("56800")) == "₹56,800"
    assert DEVA.money(Decimal("56800")) == "₹५६,८००"
    assert DEVA.money_short(Decimal("52900000")) == "₹५.२९ करोड़"
    assert DEVA.day(date(2026, 12, 6)) == "६ दिस॰ २०२६"


def test_dates_are_written_day_first_and_instants_in_india_time() -> None:
    assert EN.day(date(2026, 12, 6)) == "6 Dec 2026"
    assert EN.day("2026-12-06") == "6 Dec 2026"
    assert HI.day(date(2026, 12, 6)) == "6 दिस॰ 2026"
    # 20:00 UTC is 01:30 the next day in India.
    assert EN.moment(datetime(2026, 12, 6, 20, 0, tzinfo=UTC)) == "7 Dec 2026, 01:30"
    assert EN.percent(0.975) == "97.5%"


def test_every_reason_code_the_adapter_accepts_has_a_meaning_in_both_languages() -> None:
    for code in (*BUYER_CANCEL_REASONS, *SELLER_CANCEL_REASONS):
        english, hindi = reason_meaning(code, "en"), reason_meaning(code, "hi")
        assert english != reason_meaning("000", "en"), code
        assert hindi != reason_meaning("000", "hi"), code
        assert any("\u0900" <= ch <= "\u097f" for ch in hindi), code
    assert reason_meaning("010", "en") == "buyer wants to modify address or other order details"
    assert reason_meaning("013", "hi") == "खरीदार ने डिलीवरी लेने से मना किया"
    assert reason_meaning(None, "hi") == "कोई कारण नहीं दिया"


def test_every_label_has_a_hindi_word() -> None:
    assert sorted(set(_EN) - set(_HI)) == []
    for key, words in _HI.items():
        if key in {"language", "nacks"}:
            continue
        assert words != _EN[key] or not any(c.isalpha() for c in words), key


def test_a_long_table_shows_its_first_rows_and_says_the_exports_hold_all() -> None:
    rows: list[list[Any]] = [[f"Buyer {i}", Decimal(100 * i)] for i in range(ROWS_ON_PAGE + 5)]
    table = Table("letters", "Letters", ["buyer", "intent_value"], ["Buyer", "Value"], rows)
    html = table_section(table, Viewer("viewer"), View(lang="hi"))
    assert html.count("<tr>") == ROWS_ON_PAGE + 1  # and the header row
    assert f"{ROWS_ON_PAGE + 5:,} में से पहली {ROWS_ON_PAGE} पंक्तियाँ" in html
    assert "₹39,900" in html  # the last row shown, in Indian format
    assert "Buyer 400" not in html
