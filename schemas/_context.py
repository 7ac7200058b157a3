"""The ``context`` of every Beckn message (Beckn core 1.2.0 ``Context``).

ONDC retail 1.2.0 context rules, checked by the core and not here: ``country`` ``"IND"``;
``city`` ``"std:<STD code>"`` with the leading zero (Shimla is ``std:0177``), ``"*"`` for
incremental catalogue and ``catalog_rejection``; ``core_version`` ``"1.2.0"`` (IGM:
``"1.0.0"``); ``timestamp`` RFC 3339 with milliseconds and ``Z``; ``ttl`` ``"PT30S"``;
``transaction_id`` differs from ``message_id``; a callback repeats its request's
``transaction_id`` and ``message_id``; ``bpp_id``/``bpp_uri`` are absent on ``/search``.
"""

from __future__ import annotations

from schemas._base import Count, WireModel
from schemas._time import Timestamp


class Context(WireModel):
    """Who sends what to whom, when (Beckn core 1.2.0 ``Context``; also IGM 1.0.0).

    Only ``action`` is required: every body names its action and the action table keys on
    it. The rest is optional at parse time and checked by the context rules, so a missing
    field becomes a precise NACK rather than a schema failure, and real traffic still
    parses (the certified RET10 flow-5 RTO ``/on_cancel`` has no ``bap_id``, ``bap_uri``,
    ``transaction_id`` or ``message_id``).

    ``version`` is Beckn 1.1's name for ``core_version``; some retail 1.2.0 logs send both.
    """

    domain: str | None = None
    country: str | None = None
    city: str | None = None
    action: str
    core_version: str | None = None
    version: str | None = None
    bap_id: str | None = None
    bap_uri: str | None = None
    bpp_id: str | None = None
    bpp_uri: str | None = None
    transaction_id: str | None = None
    message_id: str | None = None
    timestamp: Timestamp | None = None
    key: str | None = None
    ttl: str | None = None
    max_callbacks: Count | None = None
