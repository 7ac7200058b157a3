"""What a buyer app says it supports (ONDC retail 1.2.5, the ``/search`` intent tag
``bap_features``). Pure.

A buyer app lists ONDC's feature codes with ``yes`` or ``no``
(``{"code": "bap_features", "list": [{"code": "002", "value": "no"}, ...]}``). A seller app
reads it to leave out of its answer what the buyer app cannot show or carry through. Of the
codes, one changes what this adapter sends: ``002`` (self-pickup) ``no`` takes the
``Self-Pickup`` fulfilments (and their ``timing`` tags) out of the catalogue, as such a buyer
app cannot offer its buyers collection at the store. The others describe flows a buyer app
starts itself (cash on delivery, forced cancel, a delivery address update...), which the
adapter serves when asked and never pushes, or features it does not offer (offers): they
change nothing here. Slotted delivery (``003``) is offered in ``/on_select``, which the
search's features do not reach (they are not kept per buyer app): a buyer app that cannot
show slots may still choose the first, the quoted one, by its id. A code not in the table,
or a value other than yes or no, is ignored (the list grows with the contract; a search is
not refused for it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import schemas

__all__ = ["FEATURES", "SELF_PICKUP", "features_of", "without_self_pickup"]

FEATURES: Final[Mapping[str, str]] = {
    "000": "catalogue processing",
    "001": "item availability",
    "002": "self-pickup",
    "003": "slotted delivery",
    "004": "fulfilment by the buyer app",
    "005": "forced cancellation",
    "006": "return with pick-up",
    "007": "seller app collecting payment",
    "008": "minimum order value",
    "0091": "offer: discount",
    "0092": "offer: buy X get Y",
    "0093": "offer: freebie",
    "0094": "offer: slab",
    "0095": "offer: combo",
    "0096": "offer: delivery",
    "0097": "offer: exchange",
    "0098": "offer: financing",
    "0099": "purchase finance by the buyer app",
    "00A": "commercial model between buyer and seller apps",
    "00B": "replacement",
    "00C": "exchange",
    "00D": "cancel a return request",
    "00E": "update the sale invoice",
    "00F": "update the delivery address",
    "010": "update the delivery authorisation",
    "011": "buyer instructions",
    "012": "cash on delivery",
    "013": "order price adjustment",
    "014": "cross-category order",
    "015": "fulfilment-level taxes in the quote",
    "016": "customisation by input text",
    "017": "seller credentials",
    "018": "made-to-order items in the quote trail",
    "019": "hyperlocal fulfilment attributes",
    "01A": "item unitized count",
    "01B": "minimum item quantity",
    "01C": "on-network logistics provider",
    "01D": "multi-fulfilment options",
    "01E": "cancellation terms",
    "01F": "codified static terms",
    "020": "fulfilment delay",
    "021": "catalogue as a download link",
    "022": "buyer app promotions",
    "023": "full catalogue refresh by item",
    "024": "full catalogue refresh by fulfilment end location",
    "025": "buyer app demand signals",
}
"""ONDC's retail 1.2.5 feature codes, as a buyer app names them in ``bap_features``."""

SELF_PICKUP: Final = "002"


def features_of(search: schemas.SearchRequest) -> dict[str, bool]:
    """The features a search's ``bap_features`` tag says yes (True) or no (False) to, by
    code; codes not in :data:`FEATURES` and values other than yes or no are left out."""
    intent = search.message.intent if search.message else None
    group = schemas.find_tag_group(intent.tags if intent else None, "bap_features")
    said: dict[str, bool] = {}
    for tag in (group.list if group else None) or []:
        value = str(tag.value or "").strip().lower()
        if tag.code in FEATURES and value in ("yes", "no"):
            said[str(tag.code)] = value == "yes"
    return said


def without_self_pickup(provider: Mapping[str, Any]) -> dict[str, Any]:
    """A catalogue provider without its ``Self-Pickup`` fulfilments and their ``timing``
    tags, for a buyer app that cannot offer collection at the store (the provider as it
    was when it offers none)."""
    fulfillments = provider.get("fulfillments") or []
    kept = [f for f in fulfillments if f.get("type") != "Self-Pickup"]
    if len(kept) == len(fulfillments):
        return dict(provider)
    tags = [t for t in provider.get("tags") or [] if not _self_pickup_timing(t)]
    return {**provider, "fulfillments": kept, "tags": tags}


def _self_pickup_timing(tag: Mapping[str, Any]) -> bool:
    if tag.get("code") != "timing":
        return False
    return any(
        entry.get("code") == "type" and entry.get("value") == "Self-Pickup"
        for entry in tag.get("list") or []
    )
