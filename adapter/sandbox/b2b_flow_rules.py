"""ONDC's B2B log verifier's rules on a transaction's contexts and on the seller's
catalogue (``on_search``), restated: see :mod:`adapter.sandbox.b2b_rules`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from adapter.core.b2b.category_codes import code_domain, is_known_code
from adapter.core.orders import parse_duration
from adapter.sandbox.flowcheck import Violation

__all__ = ["Step", "catalogue_violations", "codes", "context_violations", "group"]

Step = tuple[str, Mapping[str, Any]]

_FLOW: Final = (
    "search",
    "on_search",
    "select",
    "on_select",
    "init",
    "on_init",
    "confirm",
    "on_confirm",
)
_TIMED: Final = frozenset({"on_init", "on_confirm", "on_update", "on_track"})
_STAMP: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
_PROVIDER_TAGS: Final = ("serviceability", "seller_id", "seller_terms")
_SERVICEABILITY: Final = ("location", "category", "type", "val", "unit")
# Domains whose items and serviceability must name a B2B category code of the domain: the
# demo's sellers give one in each (grocery by the contract's mapping, fashion by entry).
_CODED_DOMAINS: Final = frozenset({"RET10", "RET12"})


def _coded(value: Any, domain: str) -> bool:
    """Whether ``value`` is an accepted B2B category code of ``domain``."""
    return is_known_code(str(value)) and code_domain(str(value)) == domain


def _when(stamp: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return None


def codes(group: Mapping[str, Any]) -> dict[str, Any]:
    """A tag group's values by their descriptor code."""
    return {
        str((e.get("descriptor") or {}).get("code")): e.get("value")
        for e in group.get("list") or []
    }


def group(tags: Any, code: str) -> Mapping[str, Any] | None:
    """The tag group named ``code``, if any."""
    return next((t for t in tags or [] if (t.get("descriptor") or {}).get("code") == code), None)


def context_violations(steps: Sequence[Step]) -> Iterator[Violation]:
    """Stamps, message ids, the flow's order and each callback's time after its request."""
    firsts: list[str] = []
    requests: dict[str, Mapping[str, Any]] = {}
    selects: dict[str, Mapping[str, Any]] = {}
    seen: set[str] = set()
    for key, body in steps:
        context = body.get("context") or {}
        action = str(context.get("action"))
        if action in _FLOW and action not in firsts:
            firsts.append(action)
        if not action.startswith("on_"):
            requests[action] = context
            if action == "select":
                selects[str(context.get("message_id"))] = context
            continue
        if not _STAMP.match(str(context.get("timestamp", ""))):
            yield Violation(
                "B2B_CONTEXT_TIMESTAMP",
                key,
                "context.timestamp",
                "not RFC 3339 with milliseconds and Z",
            )
        message_id = str(context.get("message_id"))
        if message_id in seen:
            yield Violation(
                "B2B_CONTEXT_CALLBACK_MESSAGE_ID",
                key,
                "context.message_id",
                f"{message_id} is the message id of an earlier callback",
            )
        seen.add(message_id)
        if action == "on_select":
            request = selects.get(message_id)
            if request is None:
                yield Violation(
                    "B2B_CONTEXT_ON_SELECT_MESSAGE_ID",
                    key,
                    "context.message_id",
                    "answers no /select of this transaction",
                )
                continue
            ttl = str(request.get("ttl") or "PT30S")
            limit = timedelta(seconds=5) if ttl == "PT30S" else parse_duration(ttl)
        elif action in _TIMED:
            request = requests.get(action.removeprefix("on_"))
            limit = timedelta(seconds=5)
            if request is None:
                yield Violation(
                    "B2B_CONTEXT_CALLBACK_REQUEST",
                    key,
                    "context.action",
                    f"no /{action.removeprefix('on_')} came before it",
                )
                continue
        else:
            continue
        sent, asked = _when(context.get("timestamp")), _when(request.get("timestamp"))
        if sent is None or asked is None or not asked < sent <= asked + limit:
            yield Violation(
                "B2B_CONTEXT_CALLBACK_TIME",
                key,
                "context.timestamp",
                f"must follow its request's {request.get('timestamp')} within "
                f"{limit.total_seconds():.0f} s",
            )
    if firsts != [a for a in _FLOW if a in firsts]:
        yield Violation(
            "B2B_FLOW_ORDER",
            "flow",
            "context.action",
            f"first messages in the order {', '.join(firsts)}",
        )


def catalogue_violations(key: str, body: Mapping[str, Any], domain: str) -> Iterator[Violation]:
    """What the seller's catalogue breaks: provider tags, serviceability, item references."""
    catalog = (body.get("message") or {}).get("catalog") or {}
    payments = {p.get("id") for p in catalog.get("payments") or []}
    fulfilments = {f.get("id") for f in catalog.get("fulfillments") or []}
    for p, provider in enumerate(catalog.get("providers") or []):
        at = f"message.catalog.providers[{p}]"
        named = [(t.get("descriptor") or {}).get("code") for t in provider.get("tags") or []]
        for code in _PROVIDER_TAGS:
            if code not in named:
                yield Violation("B2B_PROVIDER_TAGS", key, f"{at}.tags", f"no {code} group")
        city = ((body.get("context") or {}).get("location") or {}).get("city") or {}
        exported = city.get("code") == "std:999"  # exports name no Indian food licence
        if domain in ("RET10", "RET11") and not exported and "FSSAI_LICENSE_NO" not in named:
            yield Violation("B2B_PROVIDER_FSSAI", key, f"{at}.tags", "no FSSAI_LICENSE_NO")
        for tag in provider.get("tags") or []:
            if (tag.get("descriptor") or {}).get("code") != "serviceability":
                continue
            values = codes(tag)
            missing = [c for c in _SERVICEABILITY if c not in values]
            if missing:
                yield Violation(
                    "B2B_SERVICEABILITY",
                    key,
                    f"{at}.tags",
                    f"serviceability without {', '.join(missing)}",
                )
            # ONDC's verifier wants the serviceability category to name the domain's codes
            # (a code, or a pattern such as the certified flow's "RET10-*").
            category = str(values.get("category", ""))
            if domain in _CODED_DOMAINS and not category.startswith(f"{domain}-"):
                yield Violation(
                    "B2B_SERVICEABILITY_CATEGORY",
                    key,
                    f"{at}.tags",
                    f"category {category!r} is not a {domain} code",
                )
        locations = {loc.get("id") for loc in provider.get("locations") or []}
        for i, item in enumerate(provider.get("items") or []):
            where = f"{at}.items[{i}]"
            for field, known in (
                ("fulfillment_ids", fulfilments),
                ("location_ids", locations),
                ("payment_ids", payments),
            ):
                unknown = [v for v in item.get(field) or [] if v not in known]
                if unknown:
                    yield Violation(
                        "B2B_ITEM_REFERENCES",
                        key,
                        f"{where}.{field}",
                        f"{', '.join(map(str, unknown))} not in the catalogue",
                    )
            # ... and an item's category a code it knows ("Invalid category_id").
            category = (item.get("category_ids") or [None])[0]
            if domain in _CODED_DOMAINS and not _coded(category, domain):
                yield Violation(
                    "B2B_ITEM_CATEGORY",
                    key,
                    f"{where}.category_ids",
                    f"{category!r} is not an accepted {domain} category code",
                )
            tag_codes = [(t.get("descriptor") or {}).get("code") for t in item.get("tags") or []]
            twice = {c for c in tag_codes if tag_codes.count(c) > 1 and c != "price_slab"}
            if twice:
                yield Violation(
                    "B2B_ITEM_TAGS_ONCE",
                    key,
                    f"{where}.tags",
                    f"{', '.join(sorted(map(str, twice)))} more than once",
                )
