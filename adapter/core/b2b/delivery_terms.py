"""The buyer's delivery terms on an RFQ (ONDC B2B 2.0.2, ``/select``
``fulfillments[].tags`` ``DELIVERY_TERMS``: ``INCOTERMS``, ``NAMED_PLACE_OF_DELIVERY``),
and the ones a seller on this adapter will not meet.

The contract names six Incoterms: EXW, FOB, CIF, DAP, DPU and DDP. Five leave the
destination's import duties and customs clearance to the buyer; DDP (delivered duty paid)
puts them on the seller, and a B2B 2.0.2 quotation has no line to carry them (its breakup
names item, tax, discount, delivery, packing, misc) and the contract no customs states. A
DDP RFQ is therefore answered with 50005 ("terms not acceptable"), naming why and the terms
that can be quoted, with the quotation it would otherwise make (no draft is kept from it),
so the buyer can select again in the same transaction.
"""

from __future__ import annotations

from typing import Final

import schemas.b2b

__all__ = ["INCOTERMS", "QUOTED_INCOTERMS", "delivery_terms_refusal"]

INCOTERMS: Final = ("EXW", "FOB", "CIF", "DAP", "DPU", "DDP")
"""The Incoterms B2B 2.0.2 lists for ``DELIVERY_TERMS``."""
QUOTED_INCOTERMS: Final = ("EXW", "FOB", "CIF", "DAP", "DPU")
"""Those a seller here quotes: every one that leaves import duties to the buyer."""


def delivery_terms_refusal(order: schemas.b2b.B2BOrder) -> tuple[str, str] | None:
    """The error (50005 and why) answering an RFQ whose delivery terms the seller will not
    meet, or ``None``; RFQs without delivery terms (domestic trade) pass."""
    quoted = ", ".join(QUOTED_INCOTERMS)
    for index, fulfilment in enumerate(order.fulfillments or []):
        group = schemas.b2b.b2b_tag_group(fulfilment.tags, "DELIVERY_TERMS")
        incoterm = group.value_of("INCOTERMS") if group is not None else None
        if incoterm is None:
            continue
        where = f"message.order.fulfillments[{index}].tags DELIVERY_TERMS.INCOTERMS"
        if incoterm == "DDP":
            return (
                "50005",
                f"{where} DDP: delivered duty paid puts the destination's import duties on "
                f"the seller, which its quotation cannot carry; terms quoted: {quoted}",
            )
        if incoterm not in INCOTERMS:
            return ("50005", f"{where} {incoterm!r}: not an Incoterm of the contract; "
                             f"terms quoted: {quoted}")  # fmt: skip
    return None
