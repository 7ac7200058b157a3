"""Check one certification flow's logs against the rules ONDC's validator enforces.

ONDC certifies a retail 1.2.0 seller app on logs of nine flows, checked by its
log-validation-utility (``docs/validating-logs.md`` says how to run it). This module
re-states, in our own code, the rules of that validator that a seller app can break:
which payload keys a flow needs, the context (versions, ids, timestamps, the 5-second
replies), the quote's arithmetic and carry-over, and the order and fulfillment states per
``on_status``. ``check_flow`` is pure: it takes one flow's payloads (payload key -> parsed
body, the layout of ``tests/fixtures/ondc-examples``) and returns every violation, each naming
its rule, payload key and JSON path, so the suite can catch a regression before ONDC does.

``write_flow_logs`` writes a flow in that layout: one folder, one pretty JSON file per key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

import orjson

__all__ = [
    "FLOW_KEYS",
    "RULES",
    "Violation",
    "check_flow",
    "file_name",
    "write_flow_logs",
]

_ORDER: Final = (
    "select",
    "on_select",
    "init",
    "on_init",
    "confirm",
    "on_confirm",
)
_CATALOGUE: Final = ("search_full_catalog_refresh", "on_search_full_catalog_refresh")
_DELIVERY: Final = (
    "on_status_pending",
    "on_status_packed",
    "on_status_picked",
    "on_status_out_for_delivery",
)

FLOW_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "1": (*_CATALOGUE, "search_inc_refresh", "on_search_inc_refresh"),
    "2": (*_CATALOGUE, *_ORDER, *_DELIVERY, "on_status_delivered"),
    "3": (
        *_CATALOGUE,
        "select_out_of_stock",
        "on_select_out_of_stock",
        *_ORDER,
        *_DELIVERY,
        "on_status_delivered",
    ),
    "4": (*_CATALOGUE, *_ORDER, "cancel", "on_cancel"),
    "5": (*_CATALOGUE, *_ORDER, *_DELIVERY, "on_cancel", "on_status_rto_delivered"),
    "6": (
        *_CATALOGUE,
        *_ORDER,
        "on_update_part_cancel",
        "update_settlement_part_cancel",
        *_DELIVERY,
        "on_status_delivered",
        "update_reverse_qc",
        "on_update_interim_reverse_qc",
        "on_update_approval",
        "on_update_picked",
        "update_settlement_reverse_qc",
        "on_update_delivered",
        "update_liquidated",
        "on_update_interim_liquidated",
        "on_update_liquidated",
        "update_settlement_liquidated",
    ),
    "7": (*_CATALOGUE, "catalog_rejection"),
    "8": _CATALOGUE,
    "9": ("search_inc_refresh", "on_search_inc_refresh", "catalog_rejection"),
}
"""Payload keys each certification flow requires, in the order the validator reads them
(ONDC log-validation-utility, ``shared/validateLogs.ts``, retail 1.2.0). ``track`` and
``on_track`` may be added to any flow; the validator does not require them."""

_VALIDATOR_KEYS: Final = {"on_status_rto_delivered": "on_status_rto_delivered/disposed"}

_CALLBACK_OF: Final = {
    "search_full_catalog_refresh": "on_search_full_catalog_refresh",
    "select_out_of_stock": "on_select_out_of_stock",
    "select": "on_select",
    "init": "on_init",
    "confirm": "on_confirm",
    "cancel": "on_cancel",
    "track": "on_track",
    "update_reverse_qc": "on_update_interim_reverse_qc",
    "update_liquidated": "on_update_interim_liquidated",
}
"""Requests and the callback that answers each, with the request's message_id. The
incremental catalogue (``on_search_inc_refresh``) is pushed, not asked for: it has a message
id of its own."""

_ORDER_CHAIN: Final = ("select_out_of_stock", "on_select_out_of_stock", *_ORDER)
_DELIVERY_CHAIN: Final = (*_DELIVERY, "on_status_delivered", "on_status_rto_delivered")
_PROMPT_REPLIES: Final = ("on_select_out_of_stock", "on_select", "on_init", "on_confirm")
_REPLY_WINDOW_MS: Final = 5000
_CITY_FREE: Final = frozenset({"search_inc_refresh", "on_search_inc_refresh", "catalog_rejection"})
_QUOTE_CARRIED: Final = ("on_init", "confirm", "on_confirm")
_SETTLEMENT_WINDOW: Final = re.compile(r"^PT\d+[MH]$")
_TIMESTAMP: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
_PAISA: Final = Decimal("0.01")

_STATES: Final[dict[str, tuple[frozenset[str], str, frozenset[str]]]] = {
    "on_confirm": (frozenset({"Created", "Accepted"}), "Delivery", frozenset({"Pending"})),
    "on_status_pending": (frozenset({"Accepted"}), "Delivery", frozenset({"Pending"})),
    "on_status_packed": (frozenset({"In-progress"}), "Delivery", frozenset({"Packed"})),
    "on_status_picked": (frozenset({"In-progress"}), "Delivery", frozenset({"Order-picked-up"})),
    "on_status_out_for_delivery": (
        frozenset({"In-progress"}),
        "Delivery",
        frozenset({"Out-for-delivery"}),
    ),
    "on_status_delivered": (frozenset({"Completed"}), "Delivery", frozenset({"Order-delivered"})),
    "on_cancel": (frozenset({"Cancelled"}), "Delivery", frozenset({"Cancelled"})),
    "on_status_rto_delivered": (
        frozenset({"Cancelled"}),
        "RTO",
        frozenset({"RTO-Delivered", "RTO-Disposed"}),
    ),
}
"""order.state and the state of one fulfillment type, per payload key (ONDC retail 1.2.0;
the validator's ``onStatus*``, ``onConfirm`` and ``onCancel`` checks)."""

_RTO_STATES: Final = frozenset({"RTO-Initiated", "RTO-Delivered", "RTO-Disposed"})


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: which rule, in which payload, where, and what was found."""

    rule: str
    key: str
    path: str
    message: str


@dataclass(frozen=True, slots=True)
class _Flow:
    number: str
    payloads: Mapping[str, Any]

    def present(self) -> list[str]:
        """The keys of this flow's sequence that hold a body, in sequence order, then any
        optional ones (track/on_track)."""
        order = [*FLOW_KEYS[self.number], "track", "on_track"]
        return [key for key in order if _is_body(self.payloads.get(key))]

    def body(self, key: str) -> dict[str, Any] | None:
        value = self.payloads.get(key)
        return value if _is_body(value) else None

    def context(self, key: str) -> dict[str, Any]:
        body = self.body(key)
        context = body.get("context") if body else None
        return context if isinstance(context, dict) else {}

    def order(self, key: str) -> dict[str, Any]:
        return _dig(self.body(key), "message", "order") or {}


Rule = Callable[[_Flow], Iterator[Violation]]


def check_flow(flow: int | str, payloads: Mapping[str, Any]) -> list[Violation]:
    """Every violation of ``RULES`` in one flow's logs.

    ``payloads`` maps payload keys (file names without ``.json``, as in
    ``tests/fixtures/ondc-examples``; the validator's ``on_status_rto_delivered/disposed`` is
    also accepted) to parsed ``{context, message}`` bodies. An unknown flow is a violation
    of its own (the validator answers "Provided flow is invalid").
    """
    number = str(flow)
    if number not in FLOW_KEYS:
        return [Violation("flow", "", "$", f"flow {number!r} is not a retail 1.2.0 flow")]
    bodies = {_file_key(key): value for key, value in payloads.items()}
    state = _Flow(number, bodies)
    return [violation for _name, rule in RULES for violation in rule(state)]


def file_name(key: str) -> str:
    """The file holding a payload key (the validator's ``on_status_rto_delivered/disposed``
    cannot be a file name and is written as ``on_status_rto_delivered.json``)."""
    return f"{_file_key(key)}.json"


def write_flow_logs(folder: Path, flow_payloads: Mapping[str, Any]) -> list[Path]:
    """Write one flow's payloads in the layout the validator's users keep: ``folder``
    holds one pretty-printed UTF-8 JSON file per payload key. Returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, body in flow_payloads.items():
        path = folder / file_name(key)
        path.write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
        written.append(path)
    return written


# --- rules -------------------------------------------------------------------------------


def _required_keys(flow: _Flow) -> Iterator[Violation]:
    """Every payload key of the flow is there (validator: "Missing required data of")."""
    accepted = flow.order("on_confirm").get("state") == "Accepted"
    for key in FLOW_KEYS[flow.number]:
        value = flow.payloads.get(key)
        if key == "on_status_pending" and accepted:
            # With on_confirm already Accepted the validator wants no pending update, but
            # still reads the key: the file must exist and hold an empty object.
            if value != {}:
                yield Violation(
                    "required_keys",
                    key,
                    "$",
                    "on_confirm is Accepted: on_status_pending must be an empty object {}",
                )
        elif not _is_body(value):
            yield Violation("required_keys", key, "$", f"flow {flow.number} needs {key}")


def _context_fields(flow: _Flow) -> Iterator[Violation]:
    """context.action matches the key, core_version is 1.2.0, ttl is PT30S where given,
    timestamp is RFC 3339 with milliseconds and Z (validator ``checkContext``)."""
    for key in flow.present():
        context = flow.context(key)
        action = _action_of(key)
        if context.get("action") != action:
            yield _bad("context_action", key, "context.action", context.get("action"), action)
        if context.get("core_version") != "1.2.0":
            version = context.get("core_version")
            yield _bad("core_version", key, "context.core_version", version, "1.2.0")
        if "ttl" in context and context["ttl"] != "PT30S":
            yield _bad("ttl", key, "context.ttl", context["ttl"], "PT30S")
        stamp = context.get("timestamp")
        if not isinstance(stamp, str) or not _TIMESTAMP.match(stamp) or _instant(stamp) is None:
            yield _bad("timestamp_format", key, "context.timestamp", stamp, "RFC 3339, ms, Z")


def _same_domain_and_city(flow: _Flow) -> Iterator[Violation]:
    """domain stays the same across the flow; city too, except where the incremental
    catalogue and its rejection use ``*``."""
    keys = flow.present()
    yield from _constant(flow, keys, "domain", "domain_constant")
    yield from _constant(flow, [k for k in keys if k not in _CITY_FREE], "city", "city_constant")


def _same_transaction(flow: _Flow) -> Iterator[Violation]:
    """One transaction_id from the first select to the end of the flow."""
    keys = flow.present()
    starts = [i for i, key in enumerate(keys) if key.startswith("select")]
    if starts:
        yield from _constant(flow, keys[starts[0] :], "transaction_id", "transaction_id_constant")


def _same_participants(flow: _Flow) -> Iterator[Violation]:
    """bap_id and bpp_id stay the same and are subscriber ids, not URLs."""
    keys = flow.present()
    for field in ("bap_id", "bpp_id"):
        holders = [key for key in keys if field in flow.context(key)]
        yield from _constant(flow, holders, field, "participant_constant")
        for key in holders:
            value = flow.context(key)[field]
            if isinstance(value, str) and value.startswith(("http", "www")):
                yield _bad("participant_not_url", key, f"context.{field}", value, "no URL")


def _message_ids(flow: _Flow) -> Iterator[Violation]:
    """A callback repeats its request's message_id; every other payload has a fresh one;
    transaction_id is never the message_id."""
    paired = {}
    for request, callback in _CALLBACK_OF.items():
        if request in flow.payloads and flow.body(callback) is not None:
            paired[callback] = request
            asked = flow.context(request).get("message_id")
            got = flow.context(callback).get("message_id")
            if asked != got:
                yield _bad("message_id_pairing", callback, "context.message_id", got, asked)
    seen: dict[Any, str] = {}
    for key in flow.present():
        context = flow.context(key)
        message_id = context.get("message_id")
        if message_id is not None and message_id == context.get("transaction_id"):
            yield Violation(
                "transaction_id_not_message_id",
                key,
                "$.context.message_id",
                "transaction_id and message_id must differ",
            )
        if key in paired:
            continue
        if message_id in seen:
            yield Violation(
                "message_id_fresh",
                key,
                "$.context.message_id",
                f"message_id {message_id!r} was already used by {seen[message_id]}",
            )
        seen.setdefault(message_id, key)


def _timestamps_increase(flow: _Flow) -> Iterator[Violation]:
    """context.timestamp grows along each chain of the flow that must happen in order: the
    order itself up to on_confirm, everything after on_confirm, the delivery updates, and
    each request before its callback.

    The validator's sequence is not a timeline (flow 6 lists the part-cancel after on_confirm
    but before the delivery updates it may interleave with), so order is checked per chain.
    """
    for chain in _chains(flow):
        previous: tuple[str, datetime] | None = None
        for key in chain:
            instant = _instant(flow.context(key).get("timestamp"))
            if flow.body(key) is None or instant is None:
                continue
            if previous is not None and instant <= previous[1]:
                yield Violation(
                    "timestamps_increase",
                    key,
                    "$.context.timestamp",
                    f"not later than {previous[0]} ({_stamp(previous[1])})",
                )
            previous = (key, instant)


def _chains(flow: _Flow) -> Iterator[tuple[str, ...]]:
    sequence = FLOW_KEYS[flow.number]
    yield ("on_search_full_catalog_refresh", "search_inc_refresh")
    yield _ORDER_CHAIN
    if "on_confirm" in sequence:
        for key in sequence[sequence.index("on_confirm") + 1 :]:
            yield ("on_confirm", key)
    yield _DELIVERY_CHAIN
    for request, callback in _CALLBACK_OF.items():
        if not request.startswith("search"):
            yield (request, callback)


def _prompt_replies(flow: _Flow) -> Iterator[Violation]:
    """on_select (the out-of-stock answer of flow 3 too), on_init and on_confirm come within
    5 s of their request (by timestamp)."""
    for callback in _PROMPT_REPLIES:
        request = callback.removeprefix("on_")
        asked = _instant(flow.context(request).get("timestamp"))
        answered = _instant(flow.context(callback).get("timestamp"))
        if asked is None or answered is None:
            continue
        delay_ms = (answered - asked).total_seconds() * 1000
        if delay_ms > _REPLY_WINDOW_MS:
            yield Violation(
                "reply_within_5s",
                callback,
                "$.context.timestamp",
                f"{delay_ms:.0f} ms after {request}, more than {_REPLY_WINDOW_MS} ms",
            )


def _quote_arithmetic(flow: _Flow) -> Iterator[Violation]:
    """quote.price is the sum of the breakup, and an item line is unit price x quantity,
    both to the paisa."""
    for key in flow.present():
        quote = flow.order(key).get("quote")
        if not isinstance(quote, dict) or not isinstance(quote.get("breakup"), list):
            continue
        total = _money(_dig(quote, "price", "value"))
        lines = [_money(_dig(line, "price", "value")) for line in quote["breakup"]]
        if total is not None and None not in lines:
            summed = sum((line for line in lines if line is not None), Decimal(0))
            if summed.quantize(_PAISA) != total.quantize(_PAISA):
                yield Violation(
                    "quote_breakup_sum",
                    key,
                    "$.message.order.quote.price.value",
                    f"quote.price {total} but its breakup sums to {summed}",
                )
        for index, line in enumerate(quote["breakup"]):
            if line.get("@ondc/org/title_type") != "item":
                continue
            unit = _money(_dig(line, "item", "price", "value"))
            count = _money(_dig(line, "@ondc/org/item_quantity", "count"))
            value = _money(_dig(line, "price", "value"))
            if unit is None or count is None or value is None:
                continue
            if (unit * count).quantize(_PAISA) != value.quantize(_PAISA):
                path = f"message.order.quote.breakup[{index}].price.value"
                yield _bad("quote_item_line", key, path, value, unit * count)


def _quote_carried(flow: _Flow) -> Iterator[Violation]:
    """The quote of on_select is the quote of on_init, confirm and on_confirm: same price,
    same breakup lines (on_select alone shows item stock, which later quotes drop)."""
    base = flow.order("on_select").get("quote")
    if not isinstance(base, dict):
        return
    for key in _QUOTE_CARRIED:
        quote = flow.order(key).get("quote")
        if flow.body(key) is None or not isinstance(quote, dict):
            continue
        was, now = _money(_dig(base, "price", "value")), _money(_dig(quote, "price", "value"))
        if was != now:
            yield _bad("quote_carried", key, "message.order.quote.price.value", now, was)
        before = _breakup_lines(base)
        after = _breakup_lines(quote)
        for line_id in sorted(before.keys() | after.keys()):
            if before.get(line_id) != after.get(line_id):
                yield Violation(
                    "quote_carried",
                    key,
                    "$.message.order.quote.breakup",
                    f"line {line_id[1]} of item {line_id[0]} differs from on_select",
                )


def _order_states(flow: _Flow) -> Iterator[Violation]:
    """order.state and the fulfillment state each payload key stands for."""
    for key, (order_states, ff_type, ff_states) in _STATES.items():
        if flow.body(key) is None:
            continue
        order = flow.order(key)
        if order.get("state") not in order_states:
            yield _bad("order_state", key, "message.order.state", order.get("state"), order_states)
        fulfillments = order.get("fulfillments") or []
        found = [(i, f) for i, f in enumerate(fulfillments) if f.get("type") == ff_type]
        if not found:
            yield Violation(
                "fulfillment_state",
                key,
                "$.message.order.fulfillments",
                f"no {ff_type} fulfillment",
            )
        for index, fulfillment in found:
            code = _dig(fulfillment, "state", "descriptor", "code")
            if code not in ff_states:
                path = f"message.order.fulfillments[{index}].state.descriptor.code"
                yield _bad("fulfillment_state", key, path, code, ff_states)
        if key == "on_cancel" and flow.number == "5":
            codes = [_dig(f, "state", "descriptor", "code") for f in fulfillments]
            if not any(f.get("type") == "RTO" for f in fulfillments) or not (
                _RTO_STATES & set(codes)
            ):
                yield Violation(
                    "fulfillment_state",
                    key,
                    "$.message.order.fulfillments",
                    "an RTO cancel needs an RTO fulfillment in RTO-Initiated/Delivered/Disposed",
                )


def _same_order_id(flow: _Flow) -> Iterator[Violation]:
    """The order id of confirm stays the order id to the end of the flow."""
    keys = flow.present()
    if "confirm" not in keys:
        return
    expected = flow.order("confirm").get("id")
    for key in keys[keys.index("confirm") + 1 :]:
        message = _dig(flow.body(key), "message") or {}
        if "order" in message:
            found, path = flow.order(key).get("id"), "message.order.id"
        elif "order_id" in message:
            found, path = message["order_id"], "message.order_id"
        else:
            continue
        if found != expected:
            yield _bad("order_id_constant", key, path, found, expected)


def _out_of_stock_error(flow: _Flow) -> Iterator[Violation]:
    """Flow 3: on_select_out_of_stock carries error 40002 with the items, as a JSON list
    ``[{"item_id": "I1", "error": "40002"}]`` in error.message."""
    if flow.number != "3" or flow.body("on_select_out_of_stock") is None:
        return
    key = "on_select_out_of_stock"
    error = _dig(flow.body(key), "error") or {}
    if error.get("code") != "40002":
        yield _bad("out_of_stock_error", key, "error.code", error.get("code"), "40002")
        return
    try:
        listed = orjson.loads(error.get("message", ""))
    except orjson.JSONDecodeError:
        listed = None
    if not isinstance(listed, list) or not all(
        isinstance(entry, dict) and entry.get("error") == "40002" and "item_id" in entry
        for entry in listed
    ):
        yield _bad("out_of_stock_error", key, "error.message", error.get("message"), "JSON list")


def _selection_answered(flow: _Flow) -> Iterator[Violation]:
    """on_select answers for the provider and the items that select asked about."""
    for request, callback in (
        ("select_out_of_stock", "on_select_out_of_stock"),
        ("select", "on_select"),
    ):
        if flow.body(request) is None or flow.body(callback) is None:
            continue
        asked, answered = flow.order(request), flow.order(callback)
        wanted = _dig(asked, "provider", "id")
        got = _dig(answered, "provider", "id")
        if wanted != got:
            yield _bad("provider_consistent", callback, "message.order.provider.id", got, wanted)
        selected = {item.get("id") for item in asked.get("items") or []}
        for index, item in enumerate(answered.get("items") or []):
            if item.get("id") not in selected:
                path = f"message.order.items[{index}].id"
                yield _bad("provider_consistent", callback, path, item.get("id"), selected)


def _settlement_window(flow: _Flow) -> Iterator[Violation]:
    """on_init's @ondc/org/settlement_window, when the seller collects, is ``PT<n>H`` or
    ``PT<n>M`` (the validator rejects other ISO 8601 durations such as ``P1D``)."""
    payment = flow.order("on_init").get("payment") or {}
    if payment.get("collected_by") != "BPP" or "@ondc/org/settlement_window" not in payment:
        return
    window = payment["@ondc/org/settlement_window"]
    if not isinstance(window, str) or not _SETTLEMENT_WINDOW.match(window):
        path = "message.order.payment.@ondc/org/settlement_window"
        yield _bad("settlement_window", "on_init", path, window, "PT<n>H or PT<n>M")


RULES: Final[tuple[tuple[str, Rule], ...]] = (
    ("required_keys", _required_keys),
    ("context_fields", _context_fields),
    ("domain_and_city", _same_domain_and_city),
    ("transaction_id_constant", _same_transaction),
    ("participants", _same_participants),
    ("message_ids", _message_ids),
    ("timestamps_increase", _timestamps_increase),
    ("reply_within_5s", _prompt_replies),
    ("quote_arithmetic", _quote_arithmetic),
    ("quote_carried", _quote_carried),
    ("order_state", _order_states),
    ("order_id_constant", _same_order_id),
    ("out_of_stock_error", _out_of_stock_error),
    ("provider_consistent", _selection_answered),
    ("settlement_window", _settlement_window),
)
"""The rules, in the order they run. Each is a small function of the whole flow; the rule
names in violations are finer (``context_fields`` yields ``ttl``, ``core_version`` ...)."""


# --- reading bodies ----------------------------------------------------------------------


def _file_key(key: str) -> str:
    reverse = {validator: ours for ours, validator in _VALIDATOR_KEYS.items()}
    return reverse.get(key, key)


def _is_body(value: Any) -> bool:
    return isinstance(value, dict) and bool(value)


def _action_of(key: str) -> str:
    for action in ("on_search", "search", "on_status", "on_update", "update", "on_select"):
        if key.startswith(action):
            return action
    return "select" if key == "select_out_of_stock" else key


def _dig(value: Any, *path: str) -> Any:
    for step in path:
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def _constant(flow: _Flow, keys: list[str], field: str, rule: str) -> Iterator[Violation]:
    if not keys:
        return
    holders = [key for key in keys if field in flow.context(key)]
    if not holders:
        return
    first = holders[0]
    expected = flow.context(first)[field]
    for key in holders[1:]:
        found = flow.context(key)[field]
        if found != expected:
            yield Violation(
                rule,
                key,
                f"$.context.{field}",
                f"{found!r} differs from {expected!r} of {first}",
            )


def _stamp(instant: datetime) -> str:
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _money(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _breakup_lines(quote: dict[str, Any]) -> dict[tuple[Any, Any], Any]:
    lines = {}
    for line in quote.get("breakup") or []:
        if not isinstance(line, dict):
            continue
        kept = dict(line)
        if isinstance(kept.get("item"), dict):
            kept["item"] = {k: v for k, v in kept["item"].items() if k != "quantity"}
        lines[(line.get("@ondc/org/item_id"), line.get("@ondc/org/title_type"))] = kept
    return lines


def _bad(rule: str, key: str, path: str, found: Any, expected: Any) -> Violation:
    if isinstance(expected, frozenset | set):
        expected = " or ".join(sorted(str(choice) for choice in expected))
    shown = str(found) if isinstance(found, Decimal) else repr(found)
    return Violation(rule, key, f"$.{path}", f"found {shown}, expected {expected}")
