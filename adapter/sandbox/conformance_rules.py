"""ONDC's workbench field rules for a seller's retail 1.2.0 callbacks, restated as our data.

Source: the "L1" rules ONDC's workbench (Pramaan 2.0) applies to RET10, RET12 and RET16
retail 1.2.0 callbacks (``x-validations`` of the specification each domain publishes; the
names are theirs, so a failure here can be found in a workbench report). Restated, not
copied: the rules a seller's callbacks must pass, grouped by the part of the message they
look at: the context (here), the catalogue (:mod:`adapter.sandbox.catalogue_rules`), the
order callbacks and ``on_track`` (:mod:`adapter.sandbox.order_rules`, and grocery's own in
:mod:`adapter.sandbox.grocery_order_rules`), with the patterns and
values they share in :mod:`adapter.sandbox.ondc_values`. Where ONDC's own rule is odd it is
kept as it runs, with a comment: a callback that passes here must pass there.

One rule is ours (lower case, ``return_request_codes``): the return tags 1.2.0 defines.
Not restated: rules on the buyer app's messages (search, select, init, confirm, status,
cancel, update, track), and the issue and grievance (IGM) callbacks.
"""

from __future__ import annotations

from typing import Final

from adapter.sandbox.catalogue_rules import CATALOGUE_RULES
from adapter.sandbox.field_rules import FieldRule, RuleGroup
from adapter.sandbox.grocery_order_rules import GROCERY_ORDER_RULES
from adapter.sandbox.ondc_values import (
    CALLBACKS,
    DURATION,
    FASHION_AND_HOME,
    TIMESTAMP,
    URI,
    UUID,
)
from adapter.sandbox.order_rules import ORDER_RULES

__all__ = ["FIELD_RULES"]


def _context() -> list[FieldRule]:
    """The context of every callback (ONDC retail 1.2.0 context rules)."""
    g = RuleGroup(CALLBACKS, "context")
    for name, path in (
        ("CONTEXT_REQUIRED_DOMAIN", "domain"),
        ("CONTEXT_REQUIRED_COUNTRY", "country"),
        ("CONTEXT_REQUIRED_BAP_ID", "bap_id"),
        ("CONTEXT_REQUIRED_BPP_ID", "bpp_id"),
        ("CONTEXT_REQUIRED_BPP_URI", "bpp_uri"),
    ):
        g.present(name, path)
    g.pattern("REQUIRED_CONTEXT_CODE_14", "city", r"^(std:\d{3,5}|\*)$")
    g.one_of("CONTEXT_ENUM_VERSION", "core_version", ("1.2.0",))
    g.pattern("CONTEXT_REG_TIMESTAMP", "timestamp", TIMESTAMP)
    g.pattern("CONTEXT_REG_BAP_URI", "bap_uri", URI)
    g.pattern("CONTEXT_REG_BPP_URI", "bpp_uri", URI)
    g.pattern("CONTEXT_REG_TTL", "ttl", DURATION, optional=True)
    rules = g.rules
    ids = RuleGroup(CALLBACKS, "context", domains=FASHION_AND_HOME)
    ids.pattern("CONTEXT_REG_TRANSACTION_ID", "transaction_id", UUID)
    ids.pattern("CONTEXT_REG_MESSAGE_ID", "message_id", UUID)
    return [*rules, *ids.rules]


FIELD_RULES: Final[tuple[FieldRule, ...]] = (
    *_context(),
    *CATALOGUE_RULES,
    *ORDER_RULES,
    *GROCERY_ORDER_RULES,
)
"""Every field rule of the gate, in the order they are checked."""
