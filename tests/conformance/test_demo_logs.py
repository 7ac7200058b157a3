"""The conformance gate over a real demo run: ``ondc-seller demo --once`` plays the nine
certification flows for RET10, RET12 and RET16 and writes 27 flow folders; every callback
in them must pass ONDC's workbench field rules as restated in
``adapter.sandbox.conformance_rules`` and every folder the validator's flow rules
(``adapter.sandbox.flowcheck``). Its six grievance folders (IGM 2.0.0 and 1.0.0, RET12 and
RET16) must pass the validator's IGM rules as restated in ``adapter.sandbox.igm_rules``. It
also plays Pramaan's retail 1.2.5 flows of each domain (``adapter.sandbox.flows_125.PLAYED``),
each judged by the 1.2.5 field rules and Pramaan's flow rules
(``adapter.sandbox.flowcheck_125``), and its B2B 2.0.2 journeys, each judged by ONDC's B2B
verifier's rules as restated in ``adapter.sandbox.b2b_rules``. A failure names the rule,
the file and the JSON path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.sandbox.b2b_rules import check_b2b_folder
from adapter.sandbox.conformance import check_folder, read_flow_logs
from adapter.sandbox.demo_b2b import JOURNEYS as B2B_JOURNEYS
from adapter.sandbox.flows_125 import PLAYED
from adapter.sandbox.igm_rules import check_igm
from tests.demo_run import DemoRuns

DOMAINS = ("RET10", "RET12", "RET16")
FLOWS = ("1", "2", "3", "4", "5", "6", "7", "8", "9")


# The demo's logs are shared with tests/e2e/test_demo_and_serve (one run per session,
# tests/demo_run.py); under pytest-xdist its tests run on one worker with them.
pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture
def demo_logs(demo_runs: DemoRuns) -> Path:
    """The flow logs of the session's first demo run, in a fresh data directory."""
    run = demo_runs.first
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    timing = next(line for line in run.stdout.splitlines() if "1.2.5 timing" in line)
    assert timing.startswith("ok"), timing
    return run.logs


@pytest.mark.e2e
@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("flow", FLOWS)
def test_every_demo_flow_passes_the_gate(demo_logs: Path, domain: str, flow: str) -> None:
    folder = demo_logs / domain / f"flow{flow}"
    assert folder.is_dir(), f"the demo wrote no {folder}"
    problems = check_folder(folder)
    assert not problems, "\n".join(f"{p.rule} {p.key} {p.path}: {p.message}" for p in problems)


@pytest.mark.e2e
@pytest.mark.parametrize("domain", ["RET12", "RET16"])
@pytest.mark.parametrize(
    ("folder", "rules"),
    [
        ("igm2-flow1", "IGM2_FLOW_1"),
        ("igm2-flow2", "IGM2_FLOW_2"),
        ("igm2-escalation", "IGM2_ESCALATION"),
        ("igm1", "IGM1"),
    ],
)
def test_every_demo_grievance_flow_passes_the_gate(
    demo_logs: Path, domain: str, folder: str, rules: str
) -> None:
    payloads = read_flow_logs(demo_logs / domain / folder)
    assert payloads, f"the demo wrote no {domain}/{folder}"
    problems = check_igm(rules, payloads)
    assert not problems, "\n".join(f"{p.rule} {p.key} {p.path}: {p.message}" for p in problems)


@pytest.mark.e2e
def test_the_demo_writes_every_callback_it_sends(demo_logs: Path) -> None:
    callbacks = [
        path
        for path in demo_logs.glob("*/flow*/on_*.json")
        if path.read_bytes().strip() not in (b"{}", b"")
    ]
    # 27 folders, 55 callbacks per domain (on_search, on_select ... on_update).
    assert len(callbacks) == 165


FLOWS_125 = [(domain.removeprefix("ONDC:"), flow) for domain, flows in PLAYED.items()
             for flow in flows]  # fmt: skip


@pytest.mark.e2e
@pytest.mark.parametrize(("domain", "flow"), FLOWS_125)
def test_every_demo_1_2_5_flow_passes_the_gate(demo_logs: Path, domain: str, flow: str) -> None:
    folder = demo_logs / "1.2.5" / domain / flow
    assert folder.is_dir(), f"the demo wrote no {folder}"
    names = sorted(path.name for path in folder.glob("*.json"))
    assert names[0].startswith("01_"), names
    problems = check_folder(folder)
    assert not problems, "\n".join(f"{p.rule} {p.key} {p.path}: {p.message}" for p in problems)


def _delivery_states(folder: Path) -> list[str]:
    return [
        orjson.loads(p.read_bytes())["message"]["order"]["fulfillments"][0]["state"]["descriptor"][
            "code"
        ]
        for p in sorted(folder.glob("*_on_status_*.json"))
    ]


def _on_confirm(folder: Path) -> dict[str, Any]:
    (path,) = folder.glob("*_on_confirm.json")
    order: dict[str, Any] = orjson.loads(path.read_bytes())["message"]["order"]
    return order


def _routing(order: dict[str, Any]) -> list[dict[str, str]]:
    (routing,) = [t for t in order["fulfillments"][0]["tags"] if t["code"] == "routing"]
    return list(routing["list"])


@pytest.mark.e2e
@pytest.mark.parametrize("domain", DOMAINS)
def test_the_demo_s_1_2_5_intercity_delivery_travels_p2h2p_with_its_gi_credentials(
    demo_logs: Path, domain: str
) -> None:
    folder = demo_logs / "1.2.5" / domain / "Delivery_Flow_P2H2P"
    order = _on_confirm(folder)
    assert _routing(order) == [{"code": "type", "value": "P2H2P"}]
    assert order["provider"]["creds"][0]["descriptor"]["type"] == "GI"
    states = _delivery_states(folder)
    assert {"In-transit", "At-destination-hub", "Out-for-delivery"} <= set(states), states
    assert not check_folder(folder)


@pytest.mark.e2e
@pytest.mark.parametrize("domain", DOMAINS)
def test_the_demo_s_1_2_5_flows_are_made_in_the_seller_s_city_and_travel_p2p(
    demo_logs: Path, domain: str
) -> None:
    folder = demo_logs / "1.2.5" / domain / "Delivery_Flow"
    assert _routing(_on_confirm(folder)) == [{"code": "type", "value": "P2P"}]
    states = _delivery_states(folder)
    assert states[-1] == "Order-delivered", states
    assert "Out-for-delivery" not in states, "P2P routing has no Out-for-delivery"


@pytest.mark.e2e
def test_the_demo_s_rumal_carries_a_name_only_in_its_own_flow(demo_logs: Path) -> None:
    folder = demo_logs / "1.2.5" / "RET16" / "Customization_Input_Text_Flow"
    order = _on_confirm(folder)
    [line] = [i for i in order["items"] if "descriptor" in i]
    assert line["descriptor"]["tags"][0]["list"][0]["value"] == "आशा ठाकुर"
    assert [b["@ondc/org/title_type"] for b in order["quote"]["breakup"]][-1] == "misc"
    assert _delivery_states(folder)[-1] == "Order-delivered"
    # The catalogues the other flows searched show no text input: the seller offered it
    # only while this flow played.
    for catalogue in demo_logs.rglob("*on_search*.json"):
        assert b"custom_group" not in catalogue.read_bytes(), catalogue


@pytest.mark.e2e
@pytest.mark.parametrize("domain", DOMAINS)
def test_the_demo_writes_its_1_2_5_flows_in_the_log_validation_utility_s_layout(
    demo_logs: Path, domain: str
) -> None:
    root = demo_logs / "lvu-1.2.5" / domain
    # The utility's own flow ids: every domain's incremental catalogue (1), delivery, out
    # of stock, buyer cancel, part cancel then RTO, catalogue and replacement (00B); where
    # the buyer may change the delivery (RET10, RET12), its instructions (011) and address
    # (00F) too, and there cash on delivery (012); in RET12 a return request withdrawn
    # (00D); in RET10 the slotted delivery (003).
    changes = ["flow00F", "flow011", "flow012"] if domain in ("RET10", "RET12") else []
    withdrawn = ["flow00D"] if domain == "RET12" else []
    slotted = ["flow003"] if domain == "RET10" else []
    assert sorted(p.name for p in root.iterdir()) == sorted(
        ["flow1", "flow2", "flow3", "flow4", "flow5", "flow8", "flow00B",
         *changes, *withdrawn, *slotted]
    )  # fmt: skip
    incremental = root / "flow1"
    written = {p.name for p in incremental.iterdir()}
    assert {"search_full_catalog_refresh.json", "on_search_full_catalog_refresh.json",
            "search_inc_refresh.json", "on_search_inc_refresh.json"} <= written  # fmt: skip
    start = orjson.loads((incremental / "search_inc_refresh.json").read_bytes())
    push = orjson.loads((incremental / "on_search_inc_refresh.json").read_bytes())
    assert start["context"]["transaction_id"] == push["context"]["transaction_id"]
    assert start["context"]["message_id"] != push["context"]["message_id"], "a push's own id"
    if withdrawn:
        cancel = orjson.loads((root / "flow00D" / "cancel.json").read_bytes())
        assert cancel["message"]["descriptor"]["name"] == "fulfillment"
        on_cancel = orjson.loads((root / "flow00D" / "on_cancel.json").read_bytes())
        order = on_cancel["message"]["order"]
        (back,) = [f for f in order["fulfillments"] if f["type"] == "Return"]
        assert back["id"] == cancel["message"]["descriptor"]["short_desc"]
    if changes:
        cash = root / "flow012"
        delivered = orjson.loads((cash / "on_status_delivered.json").read_bytes())
        assert delivered["message"]["order"]["payment"]["status"] == "PAID"
        assert (
            orjson.loads((cash / "on_init.json").read_bytes())["message"]["order"]["payment"][
                "type"
            ]
            == "ON-FULFILLMENT"
        )
    delivery = root / "flow2"
    keys = {p.stem for p in delivery.glob("*.json")}
    assert {"search_full_catalog_refresh", "on_search_full_catalog_refresh", "select",
            "on_status_pending", "on_status_picked", "on_status_delivered"} <= keys  # fmt: skip
    search = orjson.loads((delivery / "search_full_catalog_refresh.json").read_bytes())
    select = orjson.loads((delivery / "select.json").read_bytes())
    assert search["context"]["core_version"] == "1.2.5"
    assert search["context"]["city"] == select["context"]["city"]
    assert (root / "flow5" / "on_status_rto_delivered.json").is_file()
    assert (root / "flow3" / "select_out_of_stock.json").is_file()
    # The Shimla buyer rated the seller (5) and the item (4) of its intercity delivery,
    # played before these: the catalogue shows the averages, as the utility requires.
    catalogue = orjson.loads((root / "flow8" / "on_search_full_catalog_refresh.json").read_bytes())
    for provider in catalogue["message"]["catalog"]["bpp/providers"]:
        assert provider["rating"] == "5"
        assert [item["rating"] for item in provider["items"]] == ["4"] * len(provider["items"])


@pytest.mark.e2e
@pytest.mark.parametrize(("domain", "journey"), [(d, n) for d, n, _ in B2B_JOURNEYS])
def test_every_demo_b2b_journey_passes_the_gate(demo_logs: Path, domain: str, journey: str) -> None:
    folder = demo_logs / "b2b" / domain / journey
    assert folder.is_dir(), f"the demo wrote no {folder}"
    problems = check_b2b_folder(folder)
    assert not problems, "\n".join(f"{p.rule} {p.key} {p.path}: {p.message}" for p in problems)
