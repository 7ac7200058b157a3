"""The flow checker against ONDC's certification logs in ``tests/fixtures/ondc-examples``, and
against those logs broken one rule at a time."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import orjson
import pytest

from adapter.sandbox.flowcheck import FLOW_KEYS, check_flow, write_flow_logs
from tests.schemas.examples import EXAMPLES_DIR, assert_same_json

Payloads = dict[str, Any]


def _flow_dirs() -> list[tuple[str, str]]:
    """(folder relative to the examples, flow number) for every retail flow folder."""
    dirs = []
    for domain in ("RET10", "RET12", "RET16"):
        dirs.append((domain, "2"))
        dirs += [
            (f"{domain}/{path.name}", path.name.removeprefix("flow"))
            for path in sorted((EXAMPLES_DIR / domain).glob("flow*"))
        ]
    return dirs


def _load(folder: str) -> Payloads:
    return {
        path.stem: orjson.loads(path.read_bytes())
        for path in (EXAMPLES_DIR / folder).glob("*.json")
    }


def _found(payloads: Payloads, flow: str) -> set[tuple[str, str]]:
    return {(v.rule, v.key) for v in check_flow(flow, payloads)}


_DELIVERY_UPDATES: Final = (
    "on_status_pending",
    "on_status_packed",
    "on_status_picked",
    "on_status_out_for_delivery",
    "on_status_delivered",
)

EXPECTED: Final[dict[str, set[tuple[str, str]]]] = {
    # The validator fails RET12 flows 2, 3 and 4 on on_init's settlement_window "P1D"; the
    # checker finds the same. In flows 2 and 3 it also finds what the validator does not
    # look at: every on_status quote prices a 808.20 line (unit 404.10 x 2) at 808 and does
    # not add up (3067.32 against a breakup of 3067.12).
    "RET12": {
        ("settlement_window", "on_init"),
        *(("quote_breakup_sum", key) for key in _DELIVERY_UPDATES),
        *(("quote_item_line", key) for key in _DELIVERY_UPDATES),
    },
    "RET12/flow3": {
        ("settlement_window", "on_init"),
        *(("quote_breakup_sum", key) for key in _DELIVERY_UPDATES),
        *(("quote_item_line", key) for key in _DELIVERY_UPDATES),
    },
    "RET12/flow4": {("settlement_window", "on_init")},
    # The validator fails RET16 flow 6 on the buyer's update_* return tags (a buyer-app
    # rule, not checked here). The checker finds a seller fault the validator misses (its
    # timestamp check of on_status_packed reads a misspelt key): the Packed update is
    # stamped 14 s before the Pending one.
    "RET16/flow6": {("timestamps_increase", "on_status_packed")},
}
"""Violations the checker finds in a fixture. Every other folder passes. Rules skipped on
purpose (the flows the validator fails only on them pass here): buyer cancellation reason
codes of flow 4 (the newest validator wants the 1.2.5 codes 051-053, 010, 999; the logs use
1.2.0's 001/003; a buyer-app rule) and the return tags of the buyer's update_* in flow 6."""


@pytest.mark.parametrize(("folder", "flow"), _flow_dirs(), ids=lambda value: str(value))
def test_certification_logs_break_only_the_rules_the_validator_or_we_found(
    folder: str, flow: str
) -> None:
    assert _found(_load(folder), flow) == EXPECTED.get(folder, set())


def test_every_fixture_folder_is_checked() -> None:
    assert len(_flow_dirs()) == 19


# --- one rule broken at a time --------------------------------------------------------------


def _flow2() -> Payloads:
    return copy.deepcopy(_load("RET16"))


def _flow3() -> Payloads:
    return copy.deepcopy(_load("RET10/flow3"))


def _at(body: Any, *path: str | int) -> Any:
    for step in path:
        body = body[step]
    return body


def _shift(payloads: Payloads, key: str, milliseconds: int) -> None:
    """Move ``key``'s timestamp to ``milliseconds`` after its request's."""
    from datetime import datetime, timedelta

    request = key.removeprefix("on_")
    asked = datetime.fromisoformat(payloads[request]["context"]["timestamp"].replace("Z", "+00:00"))
    later = asked + timedelta(milliseconds=milliseconds)
    payloads[key]["context"]["timestamp"] = later.isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )


def _raise_on_init_price(p: Payloads) -> None:
    quote = p["on_init"]["message"]["order"]["quote"]
    quote["price"]["value"] = str(float(quote["price"]["value"]) + 10)
    quote["breakup"][-1]["price"]["value"] = str(float(quote["breakup"][-1]["price"]["value"]) + 10)


def _swap_on_init_message_id(p: Payloads) -> None:
    p["on_init"]["context"]["message_id"] = p["select"]["context"]["message_id"]


def _late_on_confirm(p: Payloads) -> None:
    _shift(p, "on_confirm", 6000)


def _packed_in_wrong_state(p: Payloads) -> None:
    p["on_status_packed"]["message"]["order"]["state"] = "Accepted"


def _packed_fulfillment_pending(p: Payloads) -> None:
    for fulfillment in p["on_status_packed"]["message"]["order"]["fulfillments"]:
        if fulfillment["type"] == "Delivery":
            fulfillment["state"]["descriptor"]["code"] = "Pending"


def _city_changes_at_init(p: Payloads) -> None:
    p["init"]["context"]["city"] = "std:0177"


def _drop_on_status_picked(p: Payloads) -> None:
    del p["on_status_picked"]


_QUOTED: Final = ("on_select", "on_init", "confirm", "on_confirm")
"""The payloads that carry the same quote; the arithmetic mutations change all of them
alike, so that only the arithmetic is wrong, not the carry-over."""


def _breakup_off_by_a_paisa(p: Payloads) -> None:
    for key in _QUOTED:
        quote = p[key]["message"]["order"]["quote"]
        quote["price"]["value"] = f"{float(quote['price']['value']) + 0.01:.2f}"


def _wrong_item_line(p: Payloads) -> None:
    for key in _QUOTED:
        for line in p[key]["message"]["order"]["quote"]["breakup"]:
            if line["@ondc/org/title_type"] == "item":
                line["item"]["price"]["value"] = str(float(line["item"]["price"]["value"]) + 1)
                break


def _new_transaction_at_confirm(p: Payloads) -> None:
    p["confirm"]["context"]["transaction_id"] = "another-transaction"
    p["on_confirm"]["context"]["transaction_id"] = "another-transaction"


def _order_id_changes(p: Payloads) -> None:
    p["on_status_delivered"]["message"]["order"]["id"] = "another-order"


def _ttl_of_a_minute(p: Payloads) -> None:
    p["on_select"]["context"]["ttl"] = "PT1M"


def _old_core_version(p: Payloads) -> None:
    p["on_confirm"]["context"]["core_version"] = "1.1.0"


def _reused_message_id(p: Payloads) -> None:
    p["on_status_packed"]["context"]["message_id"] = p["on_status_pending"]["context"]["message_id"]


def _status_before_confirm(p: Payloads) -> None:
    p["on_status_delivered"]["context"]["timestamp"] = "2020-01-01T00:00:00.000Z"


def _other_provider(p: Payloads) -> None:
    p["on_select"]["message"]["order"]["provider"]["id"] = "someone-else"


def _other_bpp(p: Payloads) -> None:
    p["on_status_picked"]["context"]["bpp_id"] = "seller.example.org"


def _settlement_in_days(p: Payloads) -> None:
    payment = p["on_init"]["message"]["order"]["payment"]
    payment["collected_by"] = "BPP"
    payment["@ondc/org/settlement_window"] = "P1D"


def _timestamp_without_millis(p: Payloads) -> None:
    stamp = p["on_select"]["context"]["timestamp"]
    p["on_select"]["context"]["timestamp"] = stamp[:19] + "Z"


MUTATIONS: Final[list[tuple[Callable[[Payloads], None], set[tuple[str, str]]]]] = [
    (_raise_on_init_price, {("quote_carried", "on_init")}),
    (_swap_on_init_message_id, {("message_id_pairing", "on_init")}),
    (_late_on_confirm, {("reply_within_5s", "on_confirm")}),
    (_packed_in_wrong_state, {("order_state", "on_status_packed")}),
    (_packed_fulfillment_pending, {("fulfillment_state", "on_status_packed")}),
    (_city_changes_at_init, {("city_constant", "init")}),
    (_drop_on_status_picked, {("required_keys", "on_status_picked")}),
    (_breakup_off_by_a_paisa, {("quote_breakup_sum", key) for key in _QUOTED}),
    (_wrong_item_line, {("quote_item_line", key) for key in _QUOTED}),
    (
        _new_transaction_at_confirm,
        {("transaction_id_constant", "confirm"), ("transaction_id_constant", "on_confirm")},
    ),
    (_order_id_changes, {("order_id_constant", "on_status_delivered")}),
    (_ttl_of_a_minute, {("ttl", "on_select")}),
    (_old_core_version, {("core_version", "on_confirm")}),
    (_reused_message_id, {("message_id_fresh", "on_status_packed")}),
    (
        _status_before_confirm,
        {("timestamps_increase", "on_status_delivered")},
    ),
    (_other_provider, {("provider_consistent", "on_select")}),
    (_other_bpp, {("participant_constant", "on_status_picked")}),
    (_settlement_in_days, {("settlement_window", "on_init")}),
    (_timestamp_without_millis, {("timestamp_format", "on_select")}),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), MUTATIONS, ids=[m.__name__.lstrip("_") for m, _ in MUTATIONS]
)
def test_breaking_one_rule_is_reported_as_that_rule(
    mutate: Callable[[Payloads], None], expected: set[tuple[str, str]]
) -> None:
    payloads = _flow2()
    assert _found(payloads, "2") == set()
    mutate(payloads)
    assert _found(payloads, "2") == expected


def test_on_time_reply_at_five_seconds_passes() -> None:
    payloads = _flow2()
    _shift(payloads, "on_select", 5000)
    assert _found(payloads, "2") == set()


def test_out_of_stock_reply_without_40002_is_reported() -> None:
    payloads = _flow3()
    assert _found(payloads, "3") == set()
    payloads["on_select_out_of_stock"]["error"]["code"] = "40000"
    assert _found(payloads, "3") == {("out_of_stock_error", "on_select_out_of_stock")}


def test_out_of_stock_error_message_must_list_the_items() -> None:
    payloads = _flow3()
    payloads["on_select_out_of_stock"]["error"]["message"] = "out of stock"
    assert _found(payloads, "3") == {("out_of_stock_error", "on_select_out_of_stock")}


def test_accepted_on_confirm_wants_an_empty_pending_update() -> None:
    payloads = _flow2()
    payloads["on_confirm"]["message"]["order"]["state"] = "Accepted"
    assert _found(payloads, "2") == {("required_keys", "on_status_pending")}
    payloads["on_status_pending"] = {}
    assert _found(payloads, "2") == set()


def test_violation_names_payload_key_and_json_path() -> None:
    payloads = _flow2()
    _packed_in_wrong_state(payloads)
    (violation,) = check_flow(2, payloads)
    assert violation.key == "on_status_packed"
    assert violation.path == "$.message.order.state"
    assert "'Accepted'" in violation.message
    assert "In-progress" in violation.message


def test_unknown_flow_is_a_violation() -> None:
    (violation,) = check_flow("2A", _flow2())
    assert violation.rule == "flow"


def test_validator_key_for_rto_update_is_accepted() -> None:
    payloads = copy.deepcopy(_load("RET10/flow5"))
    payloads["on_status_rto_delivered/disposed"] = payloads.pop("on_status_rto_delivered")
    assert _found(payloads, "5") == set()


def test_every_flow_lists_its_keys_once() -> None:
    for keys in FLOW_KEYS.values():
        assert len(keys) == len(set(keys))


# --- writing logs ---------------------------------------------------------------------------


def test_flow_logs_are_one_pretty_json_file_per_payload_key(tmp_path: Path) -> None:
    payloads = _load("RET10/flow5")
    payloads["on_status_rto_delivered/disposed"] = payloads.pop("on_status_rto_delivered")
    payloads["on_confirm"]["message"]["order"]["provider"]["descriptor"] = {"name": "चम्बा ₹"}

    written = write_flow_logs(tmp_path / "flow5", payloads)

    assert sorted(path.name for path in written) == sorted(
        path.name for path in (EXAMPLES_DIR / "RET10/flow5").glob("*.json")
    )
    text = (tmp_path / "flow5" / "on_confirm.json").read_text(encoding="utf-8")
    assert text.startswith('{\n  "context": {')
    assert "चम्बा ₹" in text
    reread = {p.stem: orjson.loads(p.read_bytes()) for p in (tmp_path / "flow5").glob("*.json")}
    assert_same_json(reread["on_confirm"], payloads["on_confirm"])
    assert check_flow(5, reread) == []


def test_a_late_out_of_stock_answer_is_reported_like_any_on_select() -> None:
    # The validator holds on_select_out_of_stock to the same 5 s as on_select (a demo run
    # on a loaded machine answered in 5.4 s and failed there, not here).
    payloads = _flow3()
    _shift(payloads, "on_select_out_of_stock", 6000)
    assert ("reply_within_5s", "on_select_out_of_stock") in _found(payloads, "3")
