"""A buyer app's forced cancel (ONDC retail 1.2.5, Pramaan's ``Force_Cancellation_Flow``). Pure.

A buyer whose order is not delivered in time may cancel it (reason 052, or 1.2.0's 006: not
delivered within the TAT). The buyer app first asks (``force`` no in the cancel's
``descriptor.tags[code=params]``, with ``ttl_response``, how long the seller has to answer);
a seller whose goods are already on the road may refuse. The buyer app may then insist
(``force`` yes): the seller must accept, whatever the order's delivery state short of
delivered, and the buyer app refunds the buyer. A forced cancel of goods already picked up
does not put them back in stock: they are with the courier, and the seller counts them
again when they are back.
"""

from __future__ import annotations

from typing import Final

import schemas

__all__ = ["FORCE_CODE", "forced"]

FORCE_CODE: Final = "force"
"""The ``params`` code by which a buyer app forces a cancel (``yes`` or ``no``)."""


def forced(descriptor: schemas.Descriptor | None) -> bool | None:
    """What a cancel's ``descriptor.tags[code=params]`` says of ``force``: True (yes), False
    (no) or None (not said, or a value other than yes or no)."""
    group = schemas.find_tag_group(descriptor.tags if descriptor else None, "params")
    for tag in (group.list if group else None) or []:
        if tag.code == FORCE_CODE:
            value = str(tag.value or "").strip().lower()
            return True if value == "yes" else False if value == "no" else None
    return None
