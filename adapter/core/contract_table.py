"""The families this adapter speaks, put together (see ``adapter.core.contracts``).

Retail 1.2.0 and 1.2.5 answer the retail actions (1.2.5 with its own builders where its
contract differs, ``adapter.core.retail125``); IGM 1.0.0's ``issue`` and ``issue_status`` are
taken (parsed, their context checked) but not answered yet, so the edge refuses them with
NACK 40001 instead of ACKing work nobody will do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Final

import schemas
from adapter.core.context_rules import check_context
from adapter.core.contracts import Contract, ContractTable
from adapter.core.replies import REPLIES
from adapter.core.retail125.replies import REPLIES_125
from adapter.core.retail125.sequence import check_sequence

__all__ = [
    "FAMILIES",
    "IGM_1_0_0",
    "RETAIL_1_2_0",
    "RETAIL_1_2_5",
    "RETAIL_FAMILIES",
    "default_table",
    "table_for",
]

_RETAIL_ACTIONS: Final = (
    "search", "select", "init", "confirm", "status", "track", "cancel", "update",
    "rating", "support", "catalog_rejection",
)  # fmt: skip
_IGM_ACTIONS: Final = ("issue", "issue_status")


def _requests(actions: tuple[str, ...]) -> MappingProxyType[str, type[schemas.Envelope]]:
    return MappingProxyType(
        {action: schemas.ACTIONS[schemas.Action(action)].request for action in actions}
    )


def _callbacks(actions: tuple[str, ...]) -> MappingProxyType[str, type[schemas.Envelope]]:
    return MappingProxyType(
        {
            str(spec.callback_action): spec.callback
            for action in actions
            if (spec := schemas.ACTIONS[schemas.Action(action)]).callback is not None
            and spec.callback_action is not None
        }
    )


RETAIL_1_2_0: Final = Contract(
    name="retail 1.2.0",
    version="1.2.0",
    requests=_requests(_RETAIL_ACTIONS),
    callbacks=_callbacks(_RETAIL_ACTIONS),
    replies=REPLIES,
    check_context=check_context,
    silent=frozenset({"catalog_rejection"}),
)

RETAIL_1_2_5: Final = Contract(
    name="retail 1.2.5",
    version="1.2.5",
    requests=RETAIL_1_2_0.requests,
    callbacks=RETAIL_1_2_0.callbacks,
    replies=REPLIES_125,
    check_context=check_context,
    silent=frozenset({"catalog_rejection"}),
    check_sequence=check_sequence,
)
"""Retail 1.2.5: 1.2.0's wire models (every 1.2.5 example payload round-trips through
them), with 1.2.5's replies."""

RETAIL_FAMILIES: Final[Mapping[str, Contract]] = MappingProxyType(
    {family.version: family for family in (RETAIL_1_2_0, RETAIL_1_2_5)}
)
"""Retail version -> family: the versions ``ONDC_CORE_VERSIONS`` chooses from."""

IGM_1_0_0: Final = Contract(
    name="IGM 1.0.0",
    version="1.0.0",
    requests=_requests(_IGM_ACTIONS),
    callbacks=_callbacks(_IGM_ACTIONS),
    replies=MappingProxyType({}),
    check_context=check_context,
)

FAMILIES: Final[tuple[Contract, ...]] = (RETAIL_1_2_0, RETAIL_1_2_5, IGM_1_0_0)
"""Every family the adapter has."""


@cache
def default_table() -> ContractTable:
    """Every family, as one table (built once)."""
    return ContractTable(FAMILIES)


def table_for(retail_versions: Iterable[str]) -> ContractTable:
    """The families of a deployment serving the retail versions given (``ONDC_CORE_VERSIONS``)
    and every other family; a retail request naming another version is refused naming its
    ``context.core_version``. Raises ``ValueError`` for a version no family serves."""
    wanted = set(retail_versions)
    unknown = wanted - set(RETAIL_FAMILIES)
    if unknown:
        raise ValueError(f"no retail family for version(s) {', '.join(sorted(unknown))}")
    if wanted == set(RETAIL_FAMILIES):
        return default_table()
    retail = {family.name for family in RETAIL_FAMILIES.values()}
    return ContractTable(
        family for family in FAMILIES if family.version in wanted or family.name not in retail
    )
