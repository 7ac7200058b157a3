"""Pramaan's 1.2.5 flows written in the layout of ONDC's log-validation-utility: its flow
ids, its payload keys, the domain's discovery search first."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import orjson

from adapter.sandbox.conformance import read_flow_logs
from adapter.sandbox.validator_layout_125 import (
    NOT_JUDGED,
    VALIDATOR_FLOWS,
    validator_payloads,
    write_validator_flow,
)

FIXTURES: Final = Path(__file__).resolve().parents[1] / "fixtures" / "retail-1.2.5"


def _steps(flow: Path) -> dict[str, Any]:
    """A fixture flow's messages by step name (``NN_<step>.json``), in order."""
    return {
        path.stem.split("_", 1)[1]: orjson.loads(path.read_bytes())
        for path in sorted(flow.glob("*.json"))
    }


def test_a_delivery_flow_becomes_the_utility_s_flow_2_with_the_discovery_search_first(
    tmp_path: Path,
) -> None:
    domain = FIXTURES / "RET10-1.2.5"
    discovery = _steps(domain / "Discovery_Flow_full_catalog")
    steps = _steps(domain / "Delivery_Flow")
    written = write_validator_flow(tmp_path, "ONDC:RET10", "Delivery_Flow", steps, discovery)
    assert {path.parent for path in written} == {tmp_path / "RET10" / "flow2"}
    payloads = read_flow_logs(tmp_path / "RET10" / "flow2")
    # The keys the utility's flow 2 reads, each with the message it stands for.
    assert payloads["search_full_catalog_refresh"] == discovery["search"]
    assert payloads["on_search_full_catalog_refresh"] == discovery["on_search"]
    assert payloads["on_status_pending"] == steps["on_status_accepted"]
    assert payloads["on_status_delivered"] == steps["on_status_order_delivered"]
    for key in ("select", "on_select", "init", "on_init", "confirm", "on_confirm",
                "on_status_packed", "on_status_picked", "on_status_out_for_delivery"):  # fmt: skip
        assert payloads[key] == steps[key]


def test_an_rto_keeps_the_file_name_of_its_key_and_the_cancel_its_name() -> None:
    payloads = validator_payloads(
        {"on_cancel_rto": {"n": 1}, "on_status_rto_delivered": {"n": 2}, "cancel": {"n": 3}}
    )
    assert payloads == {
        "on_cancel": {"n": 1},
        "on_status_rto_delivered": {"n": 2},
        "cancel": {"n": 3},
    }


def test_the_first_message_of_a_key_is_the_one_the_utility_reads() -> None:
    payloads = validator_payloads(
        {"on_status_accepted": {"n": 1}, "on_status_pending": {"n": 2}, "update_return": {"n": 3},
         "update_reverse_qc": {"n": 4}}
    )  # fmt: skip
    assert payloads == {"on_status_pending": {"n": 1}, "update_reverse_qc": {"n": 3}}


def test_instructions_and_address_update_go_to_both_of_the_utility_s_flows(
    tmp_path: Path,
) -> None:
    flow = FIXTURES / "RET12-1.2.5" / "Buyer_Instructions_And_Delivery_Update_Flow"
    write_validator_flow(tmp_path, "ONDC:RET12", flow.name, _steps(flow))
    for number in ("011", "00F"):
        keys = set(read_flow_logs(tmp_path / "RET12" / f"flow{number}"))
        assert {"update_instructions", "on_update_instructions", "update_address",
                "on_update_address"} <= keys  # fmt: skip


def test_a_flow_the_utility_does_not_know_writes_nothing(tmp_path: Path) -> None:
    assert set(NOT_JUDGED).isdisjoint(VALIDATOR_FLOWS)
    flow = FIXTURES / "RET10-1.2.5" / "Return_Flow"
    assert write_validator_flow(tmp_path, "ONDC:RET10", flow.name, _steps(flow)) == []
    assert not any(tmp_path.iterdir())


def test_the_slotted_delivery_becomes_the_utility_s_flow_003(tmp_path: Path) -> None:
    domain = FIXTURES / "RET10-1.2.5"
    steps = _steps(domain / "Slotted_Delivery_Flow")
    write_validator_flow(tmp_path, "ONDC:RET10", "Slotted_Delivery_Flow", steps)
    payloads = read_flow_logs(tmp_path / "RET10" / "flow003")
    # The keys of the utility's flow 003 (validateRetailLogsV2.ts, flow003Sequence).
    assert payloads["on_select"] == steps["on_select_slotted_delivery"]
    assert payloads["init"] == steps["init_slotted_delivery"]
    assert payloads["on_init"] == steps["on_init_slotted_delivery"]
    assert payloads["on_status_pending"] == steps["on_status_accepted"]
    for key in ("select", "confirm", "on_confirm", "on_status_packed", "on_status_picked"):
        assert payloads[key] == steps[key]
