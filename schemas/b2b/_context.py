"""The ``context`` of ONDC B2B 2.0.2 messages (Beckn core 1.1 style).

B2B names its version in ``version`` ("2.0.2") and its place in ``location``
(``{"city": {"code": "std:080"}, "country": {"code": "IND"}}``) where retail 1.2.x has
``core_version``, ``city`` and ``country``. Everything else (ids, ``bap_uri``,
``timestamp``, ``ttl``) is spelt as in retail, so the B2B context extends the retail one and
the shared edge (dedupe, audit, outbox) reads both alike.
"""

from __future__ import annotations

from schemas._base import WireModel
from schemas._context import Context


class B2BCode(WireModel):
    """``{"code": ...}``: how B2B names a city (``std:080``) or a country (``IND``)."""

    code: str | None = None


class B2BContextLocation(WireModel):
    """``context.location`` (ONDC B2B 2.0.2): the city and country of the transaction."""

    city: B2BCode | None = None
    country: B2BCode | None = None


class B2BContext(Context):
    """The context of a B2B 2.0.2 message: the retail fields plus ``location``.

    ``city_code``/``country_code`` read ``location`` without caring which part is absent.
    """

    location: B2BContextLocation | None = None

    @property
    def city_code(self) -> str | None:
        """``location.city.code``, or ``None``."""
        if self.location is None or self.location.city is None:
            return None
        return self.location.city.code

    @property
    def country_code(self) -> str | None:
        """``location.country.code``, or ``None``."""
        if self.location is None or self.location.country is None:
            return None
        return self.location.country.code
