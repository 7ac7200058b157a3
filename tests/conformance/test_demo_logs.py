"""The conformance gate over a real demo run: ``ondc-seller demo --once`` plays the nine
certification flows for RET10, RET12 and RET16 and writes 27 flow folders; every callback
in them must pass ONDC's workbench field rules as restated in
``adapter.sandbox.conformance_rules`` and every folder the validator's flow rules
(``adapter.sandbox.flowcheck``). Its six grievance folders (IGM 2.0.0 and 1.0.0, RET12 and
RET16) must pass the validator's IGM rules as restated in ``adapter.sandbox.igm_rules``. It
also plays Pramaan's retail 1.2.5 flows of each domain (``adapter.sandbox.flows_125.PLAYED``),
each judged by the 1.2.5 field rules and Pramaan's flow rules
(``adapter.sandbox.flowcheck_125``). A failure names the rule, the file and the JSON path."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest

from adapter.sandbox.conformance import check_folder, read_flow_logs
from adapter.sandbox.flows_125 import PLAYED
from adapter.sandbox.igm_rules import check_igm
from tests.e2e.processes import CLI, free_port

DOMAINS = ("RET10", "RET12", "RET16")
FLOWS = ("1", "2", "3", "4", "5", "6", "7", "8", "9")


@pytest.fixture(scope="module")
def demo_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flow logs of one demo run, in a fresh data directory."""
    data = tmp_path_factory.mktemp("demo")
    ports = [str(free_port()) for _ in range(3)]
    run = subprocess.run(
        [*CLI, "demo", "--once", "--data-dir", str(data), "--port", ports[0],
         "--registry-port", ports[1], "--buyer-port", ports[2]],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    timing = next(line for line in run.stdout.splitlines() if "1.2.5 timing" in line)
    assert timing.startswith("ok"), timing
    return data / "logs"


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


@pytest.mark.e2e
def test_the_demo_s_1_2_5_deliveries_travel_p2h2p_with_their_gi_credentials(
    demo_logs: Path,
) -> None:
    for domain in ("RET10", "RET12", "RET16"):
        (path,) = (demo_logs / "1.2.5" / domain / "Delivery_Flow").glob("*_on_confirm.json")
        order = orjson.loads(path.read_bytes())["message"]["order"]
        (routing,) = [t for t in order["fulfillments"][0]["tags"] if t["code"] == "routing"]
        assert routing["list"] == [{"code": "type", "value": "P2H2P"}]
        assert order["provider"]["creds"][0]["descriptor"]["type"] == "GI"
        states = [
            orjson.loads(p.read_bytes())["message"]["order"]["fulfillments"][0]["state"][
                "descriptor"
            ]["code"]
            for p in sorted((path.parent).glob("*_on_status_*.json"))
        ]
        assert "In-transit" in states, states
        assert "At-destination-hub" in states, states
