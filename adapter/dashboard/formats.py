"""Numbers, money and dates as people in India read them, in English or Hindi (Babel's
``en_IN`` and ``hi_IN`` locales).

- Amounts in tables: the rupee sign and Indian grouping, ``₹56,29,000.50``.
- Amounts on tiles and charts: the short form in lakh and crore, ``₹2.2 lakh``,
  ``₹5.29 crore`` (``₹5.29 करोड़`` in Hindi).
- Dates day first, ``6 Dec 2026`` (``6 दिस॰ 2026``), hours as ``14:00``.
- Devanagari digits (०१२…) only when the viewer asks for them; Hindi text with Latin
  digits is what government and newspapers mostly print.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent

from adapter.dashboard.i18n import Language
from adapter.storage.order_facts import IST

__all__ = ["Formats"]

_LOCALE: Final[dict[str, str]] = {"en": "en_IN", "hi": "hi_IN"}
_DEVANAGARI: Final = str.maketrans("0123456789", "०१२३४५६७८९")


@dataclass(frozen=True, slots=True)
class Formats:
    """How one viewer's page writes figures: its language and its digits."""

    language: Language
    devanagari_digits: bool = False

    @property
    def locale(self) -> str:
        """The Babel locale of the language."""
        return _LOCALE[self.language]

    def _digits(self, written: str) -> str:
        return written.translate(_DEVANAGARI) if self.devanagari_digits else written

    def number(self, value: int | float | Decimal, *, decimals: int = 0) -> str:
        """A count or measure with Indian grouping: ``12,34,567``."""
        pattern = "#,##,##0" + ("." + "0" * decimals if decimals else "")
        return self._digits(format_decimal(value, format=pattern, locale=self.locale))

    def money(self, rupees: Decimal | int | float) -> str:
        """An amount in full: ``₹56,29,000.50`` (paise shown only when there are some)."""
        amount = Decimal(str(rupees))
        pattern = "¤#,##,##0.00" if amount != amount.to_integral_value() else "¤#,##,##0"
        written = format_currency(
            amount, "INR", format=pattern, locale=self.locale, currency_digits=False
        )
        return self._digits(written)

    def money_short(self, rupees: Decimal | int | float) -> str:
        """An amount for a tile or a chart: ``₹950``, ``₹56.8 thousand``, ``₹2.2 lakh``,
        ``₹5.29 crore``."""
        amount = Decimal(str(rupees))
        if abs(amount) < 1000:
            return self.money(amount.quantize(Decimal(1)))
        written = format_compact_decimal(
            amount, format_type="long", locale=self.locale, fraction_digits=2
        )
        return self._digits("₹" + written)

    def count_short(self, value: int) -> str:
        """A large count for a tile: ``12.35 lakh``; small counts in full."""
        if abs(value) < 100_000:
            return self.number(value)
        written = format_compact_decimal(
            value, format_type="long", locale=self.locale, fraction_digits=2
        )
        return self._digits(written)

    def percent(self, share: float) -> str:
        """A share as a percentage, ``97.5%``."""
        written = format_percent(share, format="#,##0.#%", locale=self.locale)
        return self._digits(written)

    def day(self, value: date | datetime | str) -> str:
        """A date as written in India: ``6 Dec 2026``."""
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        if isinstance(value, datetime):
            value = value.date()
        return self._digits(format_date(value, format="d MMM y", locale=self.locale))

    def moment(self, value: datetime | str) -> str:
        """An instant as India reads it (IST): ``6 Dec 2026, 14:05``."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        local = value.astimezone(IST)
        return self._digits(f"{self.day(local.date())}, {local:%H:%M}")

    def hour(self, hour: int) -> str:
        """An hour of the day, ``14:00``."""
        return self._digits(f"{hour:02d}:00")
