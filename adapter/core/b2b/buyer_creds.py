"""The buyer's credentials (pure): an importer's licence and the like, as ONDC B2B 2.0.2
carries them in an export's ``select`` and ``init`` (``select_exports``,
``init_exports``): ``fulfillments[0].customer.person.creds``, each with an ``id``, a
``type`` (License, Badge, Permit or Certificate), a ``desc`` ("Import License No. ...")
and an https ``url`` where it can be verified.

The credentials are optional (a domestic buyer names none, and the contract's schema asks
them of no export), but when a buyer names them each must be whole, as ONDC's B2B
verifier's schema requires (else 30000 naming the field). They stay with the order for
its seller (``GET /seller/v1/b2b/orders/{id}``); the contract's callbacks do not repeat
them.
"""

from __future__ import annotations

import re
from typing import Any, Final

import schemas.b2b
from adapter.core.order_book import Refusal

__all__ = ["CRED_TYPES", "buyer_creds"]

CRED_TYPES: Final = ("License", "Badge", "Permit", "Certificate")
"""The kinds of credential a buyer may name (ONDC B2B 2.0.2, ``customer.person.creds``)."""

_HTTPS: Final = re.compile(r"https://[\w.-]+(\.[a-zA-Z]{2,})?(:[0-9]+)?(/\S*)?")
_TEXT: Final = ("id", "desc")


def buyer_creds(order: schemas.b2b.B2BOrder) -> list[dict[str, str]]:
    """The credentials the buyer names on the order's first fulfilment, checked; ``[]``
    when it names none. Raises ``Refusal`` (30000) naming the first field that is wrong."""
    fulfilment = order.fulfillments[0] if order.fulfillments else None
    customer = (fulfilment.model_extra or {}).get("customer") if fulfilment else None
    if customer is None:
        return []
    at = "message.order.fulfillments[0].customer"
    person = customer.get("person") if isinstance(customer, dict) else None
    creds = person.get("creds") if isinstance(person, dict) else None
    if not isinstance(creds, list) or not creds:
        raise Refusal("30000", f"{at}.person.creds: a list of the buyer's credentials")
    return [_cred(cred, f"{at}.person.creds[{n}]") for n, cred in enumerate(creds)]


def _cred(cred: Any, at: str) -> dict[str, str]:
    if not isinstance(cred, dict):
        raise Refusal("30000", f"{at}: an object with id, type, desc and url")
    for field in _TEXT:
        value = cred.get(field)
        if not isinstance(value, str) or not value.strip() or len(value) > 255:
            raise Refusal("30000", f"{at}.{field}: required (up to 255 characters)")
    if cred.get("type") not in CRED_TYPES:
        raise Refusal("30000", f"{at}.type {cred.get('type')!r}: one of {', '.join(CRED_TYPES)}")
    url = cred.get("url")
    if not isinstance(url, str) or len(url) > 2048 or not _HTTPS.fullmatch(url):
        raise Refusal("30000", f"{at}.url: the https address where it can be verified")
    kept = {key: str(cred[key]) for key in ("id", "type", "desc", "url")}
    if isinstance(cred.get("icon"), str):
        kept["icon"] = cred["icon"]
    return kept
