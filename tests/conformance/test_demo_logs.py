"""The conformance gate over a real demo run: ``ondc-seller demo --once`` plays the nine
certification flows for RET10, RET12 and RET16 and writes 27 flow folders; every callback
in them must pass ONDC's workbench field rules as restated in
``adapter.sandbox.conformance_rules`` and every folder the validator's flow rules
(``adapter.sandbox.flowcheck``). Its six grievance folders (IGM 2.0.0 and 1.0.0, RET12 and
RET16) must pass the validator's IGM rules as restated in ``adapter.sandbox.igm_rules``.
A failure names the rule, the file and the JSON path."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from adapter.sandbox.conformance import check_folder, read_flow_logs
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
    [("igm2-flow1", "IGM2_FLOW_1"), ("igm2-flow2", "IGM2_FLOW_2"), ("igm1", "IGM1")],
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
