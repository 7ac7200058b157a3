"""Every retail 1.2.5 example payload (ONDC's automation flows of RET10, RET12 and RET16)
parses into retail 1.2.5's model of its action, dumps to the same JSON, and a request is
taken by the 1.2.5 family."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

import schemas
from adapter.core.contract_table import RETAIL_1_2_5, default_table
from tests.schemas.examples import assert_same_json, load

EXAMPLES_125: Final = Path(__file__).resolve().parents[1] / "fixtures" / "retail-1.2.5"
DOMAINS: Final = ("RET10", "RET12", "RET16")


def _payloads() -> list[str]:
    return sorted(
        path.relative_to(EXAMPLES_125).as_posix() for path in EXAMPLES_125.glob("*/*/*.json")
    )


@pytest.mark.parametrize("name", _payloads())
def test_125_example_round_trips_through_the_125_family_models(name: str) -> None:
    raw = (EXAMPLES_125 / name).read_bytes()
    original = load(raw)
    context = original["context"]
    action = context["action"]
    assert context["core_version"] == "1.2.5"
    if action.startswith("on_"):
        model = RETAIL_1_2_5.callbacks[action]
        body = schemas.parse(model, raw)
    else:
        contract, body = default_table().parse_request(action, raw)
        assert contract is RETAIL_1_2_5
        model = RETAIL_1_2_5.requests[action]
    assert type(body) is model
    assert_same_json(load(schemas.dump(body)), original)


def test_the_125_examples_cover_every_domain_and_the_pramaan_flows() -> None:
    names = _payloads()
    assert len(names) >= 500, len(names)
    for domain in DOMAINS:
        flows = {name.split("/")[1] for name in names if name.startswith(f"{domain}-1.2.5/")}
        assert {"Delivery_Flow", "Replacement_Flow", "Out_Of_Stock_Flow"} <= flows, domain
    assert "RET12-1.2.5/Seller_Cred_Flow/06_on_confirm_seller_cred.json" in names


def test_the_flow_catalogues_sit_beside_the_payloads() -> None:
    for domain in DOMAINS:
        flows = load((EXAMPLES_125 / f"{domain}-1.2.5" / "_flows.json").read_bytes())
        assert flows["flows"], domain
        actions = load((EXAMPLES_125 / f"{domain}-1.2.5" / "_actions.json").read_bytes())
        assert "on_confirm" in actions["supportedActions"]["confirm"], domain
