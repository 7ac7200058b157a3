"""The pure rules behind a seller's B2B category codes and the buyer app's finder fee."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from adapter.core.b2b.category_codes import (
    CODE_RUNS,
    category_code_problem,
    code_domain,
    is_known_code,
)
from adapter.core.b2b.finder_fee import finder_fee_refusal, search_finder_fee
from adapter.core.b2b.price_list import SellerTerms, minimum_order_refusal


@pytest.mark.parametrize(
    ("code", "known"),
    [
        ("RET10-1000", True),  # the contract's first grocery code
        ("RET10-105F", True),  # ... and its last
        ("RET10-1060", False),
        ("RET12-1029", True),
        ("RET12-1013", False),  # a gap in the verifier's fashion codes
        ("RET16-104C", True),
        ("RET16-104D", False),
        ("RET1D-1042", True),
        ("RET11-1000", False),  # food and beverages: no B2B codes
        ("ret12-1029", False),  # the table is in capitals; entries are upper-cased first
        ("Dupattas & Shawls", False),
    ],
)
def test_known_codes_follow_the_runs_of_their_domain(code: str, known: bool) -> None:
    assert is_known_code(code) is known


def test_every_run_is_ascending_hexadecimal_of_four_digits() -> None:
    for domain, runs in CODE_RUNS.items():
        assert domain.startswith("RET1")
        for run in runs:
            first, _, last = run.partition("-")
            assert len(first) == 4
            assert int(first, 16) <= int(last or first, 16), (domain, run)


def test_a_code_problem_names_the_form_the_list_or_the_domain() -> None:
    assert category_code_problem("RET12-1029", "ONDC:RET12") is None
    assert category_code_problem("RET12-1029") is None
    assert code_domain("RET12-1029") == "RET12"
    assert "four hexadecimal digits" in str(category_code_problem("RET12-29"))
    assert "not a RET12 code" in str(category_code_problem("RET12-1013"))
    wrong = str(category_code_problem("RET10-1042", "ONDC:RET12"))
    assert wrong == "RET10-1042 is a code of ONDC:RET10, not of the item's domain ONDC:RET12"


def _search(*entries: tuple[str, Any]) -> dict[str, Any]:
    terms = {"descriptor": {"code": "bap_terms"},
             "list": [{"descriptor": {"code": k}, "value": v} for k, v in entries]}  # fmt: skip
    other = {"descriptor": {"code": "buyer_id"}, "list": []}
    return {"message": {"intent": {"tags": [other, terms]}}}


def test_the_search_names_the_finder_fee_in_its_bap_terms() -> None:
    fee = _search(("finder_fee_type", "percent"), ("finder_fee_amount", "2.5"))
    assert search_finder_fee(fee) == ("percent", "2.5")
    flat = _search(("finder_fee_type", "amount"), ("finder_fee_amount", "150.00"))
    assert search_finder_fee(flat) == ("amount", "150.00")


@pytest.mark.parametrize(
    "search",
    [
        {},
        {"message": {"intent": {}}},
        {"message": {"intent": {"tags": "bap_terms"}}},
        _search(("finder_fee_type", "percent"), ("finder_fee_amount", "101")),
        _search(("finder_fee_type", "share"), ("finder_fee_amount", "3")),
        _search(("finder_fee_type", "percent"), ("finder_fee_amount", "three")),
        _search(("finder_fee_type", "percent"), ("finder_fee_amount", 3)),
        _search(("finder_fee_type", "percent")),
    ],
)
def test_a_search_without_a_usable_finder_fee_names_none(search: dict[str, Any]) -> None:
    assert search_finder_fee(search) is None


def test_a_total_below_the_sellers_minimum_order_value_is_refused_30023_naming_it() -> None:
    terms = SellerTerms("odopkangra", min_order_value_paise=5_000_000)
    code, message = minimum_order_refusal(terms, 1_732_500) or ("", "")
    assert code == "30023"
    assert "17325.00" in message
    assert "50000.00" in message
    assert minimum_order_refusal(terms, 5_000_000) is None
    assert minimum_order_refusal(SellerTerms("odopkangra"), 1) is None
    assert minimum_order_refusal(None, 1) is None


def test_a_finder_fee_above_the_ceiling_is_refused_and_within_it_or_without_one_is_not() -> None:
    total = Decimal("44100.00")
    assert finder_fee_refusal(("percent", "5"), total=total, ceiling="5") is None
    assert finder_fee_refusal(("percent", "5.01"), total=total, ceiling="5") is not None
    assert finder_fee_refusal(("percent", "90"), total=total, ceiling=None) is None
    assert finder_fee_refusal(None, total=total, ceiling="5") is None
    # An amount is a share of the quotation: Rs 2,205 of Rs 44,100 is exactly 5 %.
    assert finder_fee_refusal(("amount", "2205"), total=total, ceiling="5") is None
    code, message = finder_fee_refusal(("amount", "2205.01"), total=total, ceiling="5") or ("", "")
    assert code == "50005"
    assert "INR 2205.01 (5.01 percent)" in message


def test_a_domains_own_minimum_order_value_comes_before_the_sellers() -> None:
    terms = SellerTerms("odopkinnaur", min_order_value_paise=1_500_000,
                        min_order_values_paise={"ONDC:RET12": 5_000_000})  # fmt: skip
    # Rs 20,000 clears the seller's Rs 15,000 in grocery, not its Rs 50,000 for shawls.
    assert minimum_order_refusal(terms, 2_000_000, "ONDC:RET10") is None
    code, message = minimum_order_refusal(terms, 2_000_000, "ONDC:RET12") or ("", "")
    assert code == "30023"
    assert message.endswith("minimum order value of INR 50000.00 in ONDC:RET12")
    below = minimum_order_refusal(terms, 1_000_000, "ONDC:RET10") or ("", "")
    assert below[1].endswith("minimum order value of INR 15000.00")
    only_domain = SellerTerms("odopkinnaur", min_order_values_paise={"ONDC:RET12": 5_000_000})
    assert minimum_order_refusal(only_domain, 1, "ONDC:RET10") is None
