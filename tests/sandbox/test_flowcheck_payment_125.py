"""The gate's rules of who pays whom (retail 1.2.5): the seller app collecting the payment
and the buyer app financing the purchase, judged on ONDC's own examples of both flows and
on broken copies of them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Final

import pytest

from adapter.sandbox.conformance import read_flow_logs
from adapter.sandbox.flowcheck_125 import check_flow_125
from adapter.sandbox.flowcheck_payment_125 import check_purchase_finance, check_seller_collection
from tests.fixtures import REPO_ROOT

_EXAMPLES: Final = REPO_ROOT / "tests" / "fixtures" / "retail-1.2.5" / "RET16-1.2.5"

Steps = list[tuple[str, dict[str, Any]]]


def _steps(flow: str) -> Steps:
    return list(read_flow_logs(_EXAMPLES / flow).items())


def _payment(steps: Steps, key: str) -> dict[str, Any]:
    body = dict(steps)[key]
    payment: dict[str, Any] = body["message"]["order"]["payment"]
    return payment


def _rules(found: Any) -> list[tuple[str, str]]:
    return [(v.rule, v.key) for v in found]


def _paid_example() -> Steps:
    """ONDC's SNP_Collecting_Payment_Flow, its second on_init saying PAID as the contract
    has it (the example's is a copy of the first, NOT-PAID)."""
    steps = _steps("SNP_Collecting_Payment_Flow")
    paid = copy.deepcopy(_payment(steps, "06_confirm_snp"))
    _payment(steps, "05_on_init_snp_unsolicited").clear()
    _payment(steps, "05_on_init_snp_unsolicited").update(paid)
    return steps


def test_ondc_s_example_confirms_before_its_second_on_init_says_paid() -> None:
    found = _rules(check_seller_collection(_steps("SNP_Collecting_Payment_Flow")))
    assert found == [("snp_paid_before_confirm", "06_confirm_snp")]


def test_a_payment_collected_and_announced_paid_passes() -> None:
    assert _rules(check_seller_collection(_paid_example())) == []


_BROKEN: Final[tuple[tuple[str, str, Callable[[dict[str, Any]], None]], ...]] = (
    ("04_on_init_snp", "snp_link", lambda p: p.update({"uri": "http://snp.com/pg"})),
    ("04_on_init_snp", "snp_link", lambda p: p.update({"status": "PAID"})),
    ("04_on_init_snp", "snp_link", lambda p: p.update({"params": {"amount": "1.00"}})),
    ("05_on_init_snp_unsolicited", "snp_paid_before_confirm", lambda p: p.pop("tags")),
    ("07_on_confirm", "snp_collected_by", lambda p: p.update({"collected_by": "BAP"})),
    ("08_on_status_pending", "snp_paid_kept", lambda p: p.update({"status": "NOT-PAID"})),
    ("13_on_status_order_delivered", "snp_paid_kept",
     lambda p: p["params"].update({"transaction_id": "another"})),
)  # fmt: skip


@pytest.mark.parametrize(("key", "rule", "breaks"), _BROKEN)
def test_each_broken_payment_fails_its_rule(
    key: str, rule: str, breaks: Callable[[dict[str, Any]], None]
) -> None:
    steps = _paid_example()
    breaks(_payment(steps, key))
    assert (rule, key) in _rules(check_seller_collection(steps))


def test_a_payment_the_buyer_app_collects_is_not_judged() -> None:
    assert _rules(check_seller_collection(_steps("Delivery_Flow"))) == []


def test_ondc_s_purchase_finance_example_echoes_and_keeps_the_terms() -> None:
    assert _rules(check_purchase_finance(_steps("Purchase_Finance_Flow"))) == []


def test_finance_terms_dropped_changed_or_priced_fail_their_rules() -> None:
    steps = _steps("Purchase_Finance_Flow")
    order = dict(steps)["04_on_init_fin"]["message"]["order"]
    order["tags"] = []
    order["quote"]["price"]["value"] = "9999.00"
    confirmed = dict(steps)["06_on_confirm_fin"]["message"]["order"]
    confirmed["tags"][0]["list"][1]["value"] = "7.00"
    assert _rules(check_purchase_finance(steps)) == [
        ("finance_echoed", "04_on_init_fin"),
        ("finance_quote", "04_on_init_fin"),
        ("finance_kept", "06_on_confirm_fin"),
    ]


def test_the_payment_news_on_init_is_not_held_to_the_answers_five_seconds() -> None:
    steps = _paid_example()
    dict(steps)["05_on_init_snp_unsolicited"]["context"]["timestamp"] = "2026-03-18T10:58:15.047Z"
    assert not [v for v in check_flow_125(steps) if v.rule.startswith("callback_")]
    late = _steps("SNP_Collecting_Payment_Flow")
    dict(late)["04_on_init_snp"]["context"]["timestamp"] = "2026-03-18T10:58:15.047Z"
    assert ("callback_stamp", "04_on_init_snp") in _rules(check_flow_125(late))
