"""People and how to reach them (Beckn core 1.2.0 ``Contact``, ``Person``, ``Agent``).

These hold buyers' personal data in orders; the dashboard must not show them.
"""

from __future__ import annotations

from schemas._base import WireModel
from schemas._descriptor import TagGroup


class Contact(WireModel):
    """How to reach someone (Beckn core 1.2.0 ``Contact``): ``phone`` and ``email``.

    ONDC retail 1.2.0 provider fulfilments carry the store's contact; fulfilment ends the
    buyer's or store's.
    """

    phone: str | None = None
    email: str | None = None
    tags: list[TagGroup] | None = None


class Person(WireModel):
    """A person (Beckn core 1.2.0 ``Person``); ONDC retail 1.2.0 sends just ``name``."""

    name: str | None = None
    image: str | None = None
    dob: str | None = None
    gender: str | None = None
    tags: list[TagGroup] | None = None


class Agent(WireModel):
    """The delivery agent of a fulfilment (ONDC retail 1.2.0 ``fulfillments[].agent``).

    Sent from ``Order-picked-up`` on: ``name`` and ``phone``.
    """

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    tags: list[TagGroup] | None = None
