"""What a viewer chose to look at, kept in the URL so that a view can be shared.

``/dashboard?lang=hi&days=30&district=Kullu&product=Kullu+Shawl&seller=odop-kullu&channel=b2b&measure=value&digits=deva``

Every link on the page (periods, language, the map's measures, exports) carries the whole
choice, so following one changes one thing and keeps the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from html import escape
from typing import Final, Literal
from urllib.parse import urlencode

from adapter.core.odop import districts
from adapter.dashboard.formats import Formats
from adapter.dashboard.i18n import Language, place, text
from adapter.storage.scope import Scope

__all__ = ["CHANNELS", "MEASURES", "PERIODS", "Channel", "Measure", "View", "filter_form"]

Measure = Literal["orders", "value", "loi", "sellers"]
Channel = Literal["b2c", "b2b"]
CHANNELS: Final[tuple[Channel, ...]] = ("b2c", "b2b")
MEASURES: Final[tuple[Measure, ...]] = ("orders", "value", "loi", "sellers")
PERIODS: Final = (1, 7, 30, 90, 365)


@dataclass(frozen=True, slots=True)
class View:
    """The language, period, filters, map measure and digits a viewer chose."""

    lang: Language = "en"
    days: int = 30
    district: str | None = None
    product: str | None = None
    seller: str | None = None
    channel: Channel | None = None
    measure: Measure = "orders"
    devanagari: bool = False

    @property
    def formats(self) -> Formats:
        """How this view writes figures."""
        return Formats(self.lang, devanagari_digits=self.devanagari and self.lang == "hi")

    @property
    def hourly(self) -> bool:
        """A single day is drawn hour by hour."""
        return self.days <= 1

    def scope(self, now: datetime, seller_login: str | None) -> Scope:
        """The queries' scope: the period ending now; a seller's login sees itself only."""
        return Scope(
            now - timedelta(days=self.days),
            now + timedelta(seconds=1),
            seller_login or self.seller,
            self.district,
            self.product,
            self.channel,
        )

    def query(self, **changes: object) -> str:
        """This view's URL query with ``changes`` applied (None drops a filter)."""
        view = replace(self, **changes)  # type: ignore[arg-type]
        pairs: list[tuple[str, str]] = [("lang", view.lang), ("days", str(view.days))]
        for key in ("district", "product", "seller", "channel"):
            value = getattr(view, key)
            if value:
                pairs.append((key, value))
        if view.measure != "orders":
            pairs.append(("measure", view.measure))
        if view.devanagari:
            pairs.append(("digits", "deva"))
        return urlencode(pairs)

    def href(self, path: str = "/dashboard", anchor: str = "", **changes: object) -> str:
        """A link to ``path`` keeping this view (HTML-escaped, ready for an attribute)."""
        return escape(f"{path}?{self.query(**changes)}{'#' + anchor if anchor else ''}")


def _options(chosen: str | None, choices: list[tuple[str, str]], everything: str) -> str:
    out = [f'<option value="">{escape(everything)}</option>']
    for value, label in choices:
        selected = " selected" if value == chosen else ""
        out.append(f'<option value="{escape(value)}"{selected}>{escape(label)}</option>')
    return "".join(out)


def filter_form(view: View, *, seller_login: bool, action: str = "/dashboard") -> str:
    """The filters as a GET form to ``action``: submitting it gives the shareable URL."""
    lang = view.lang
    periods = [(str(d), text("period", lang, days=d) if d > 1 else text("period_day", lang))
               for d in PERIODS]  # fmt: skip
    district_choices = [(d.name, place(d.name, lang)) for d in districts()]
    products = sorted(
        {(p.name, place(p.name, lang)) for d in districts() for p in d.products},
        key=lambda pair: pair[1],
    )
    period_options = "".join(
        f'<option value="{value}"{" selected" if value == str(view.days) else ""}>'
        f"{escape(label)}</option>"
        for value, label in periods
    )
    seller = (
        ""
        if seller_login
        else (
            f"<label>{escape(text('seller', lang))}"
            f'<input name="seller" value="{escape(view.seller or "")}" maxlength="64" '
            f'placeholder="{escape(text("all_sellers", lang))}"></label>'
        )
    )
    channels: list[tuple[str, str]] = [(c, text(f"channel_{c}", lang)) for c in CHANNELS]
    channel = (
        f'<label>{escape(text("channel", lang))}<select name="channel">'
        f"{_options(view.channel, channels, text('all_channels', lang))}</select></label>"
    )
    digits = (
        f'<label class="check"><input type="checkbox" name="digits" value="deva"'
        f"{' checked' if view.devanagari else ''}> {escape(text('devanagari_digits', lang))}"
        "</label>"
        if lang == "hi"
        else ""
    )
    return (
        f'<form class="filters" method="get" action="{escape(action)}" role="search" '
        f'aria-label="{escape(text("filters", lang))}">'
        f'<input type="hidden" name="lang" value="{lang}">'
        f'<input type="hidden" name="measure" value="{view.measure}">'
        f'<label>{escape(text("period_label", lang))}<select name="days">{period_options}'
        "</select></label>"
        f'<label>{escape(text("district", lang))}<select name="district">'
        f"{_options(view.district, district_choices, text('all_districts', lang))}</select></label>"
        f'<label>{escape(text("product", lang))}<select name="product">'
        f"{_options(view.product, products, text('all_products', lang))}</select></label>"
        f"{channel}{seller}{digits}"
        f'<button type="submit">{escape(text("apply", lang))}</button></form>'
    )
