"""The README's main command and ``serve``, as real processes talking real HTTP."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.demo_run import DemoRuns
from tests.e2e.processes import CLI, free_port, run_cli, wait_healthy
from tests.fixtures import settings_values, subprocess_env

pytestmark = pytest.mark.e2e


@pytest.mark.xdist_group("demo")
def test_demo_onboards_with_the_sandbox_registry_and_passes_its_self_test(
    demo_runs: DemoRuns,
) -> None:
    # The demo plays 27 retail 1.2.0, 6 grievance and 33 retail 1.2.5 flows and 6 B2B
    # journeys (62 messages); the session plays it once for this test and the conformance
    # gate (tests/demo_run.py), then once more on what it left.
    first = demo_runs.first
    assert first.returncode == 0, first.stdout + first.stderr
    for check in ("subscribe", "sign and verify", "clock", "registry lookup", "signing key",
                  "encryption key", "validity", "catalogue"):  # fmt: skip
        assert f"ok   {check}:" in first.stdout
    assert "ok   search 'shawl':" in first.stdout
    assert "Kinnauri Shawl, Kullu Shawl" in first.stdout
    assert "ok   search 'शॉल':" in first.stdout
    assert "ok   search 'tea':" in first.stdout
    assert "Kangra Tea" in first.stdout
    assert "ok   price push: Kullu Shawl repriced" in first.stdout
    # The certification flows, played by the sandbox buyer app over HTTP, logged in the
    # validator's layout and checked with its seller rules.
    logs = first.logs
    for domain in ("RET10", "RET12", "RET16"):
        for flow in range(1, 10):
            assert f"ok   flow {flow} {domain} (" in first.stdout
            assert (logs / domain / f"flow{flow}").is_dir()
    assert (logs / "RET10" / "flow6" / "on_update_liquidated.json").exists()
    # The grievance flows (IGM 2.0.0 and 1.0.0) for a delivered Kullu shawl and Chamba rumal.
    for domain in ("RET12", "RET16"):
        for folder in ("igm2-flow1", "igm2-flow2", "igm2-escalation", "igm1"):
            assert f"ok   IGM {folder} {domain} (" in first.stdout
            assert (logs / domain / folder).is_dir()
    assert (logs / "RET12" / "igm2-flow1" / "on_issue_resolved.json").exists()
    assert (logs / "RET16" / "igm2-flow2" / "on_issue_gro_resolved.json").exists()
    assert (logs / "RET16" / "igm2-escalation" / "on_issue_gro_resolved.json").exists()
    assert (logs / "RET12" / "igm1" / "ret_on_issue_status_unsolicited.json").exists()
    # Pramaan's retail 1.2.5 flows, and the timing it holds a seller to.
    assert "ok   1.2.5 Delivery_Flow RET16 (" in first.stdout
    assert "ok   1.2.5 Seller_Cred_Flow RET12 (" in first.stdout
    assert "ok   1.2.5 timing:" in first.stdout
    for domain in ("RET10", "RET12", "RET16"):
        assert f"ok   1.2.5 rating {domain} (" in first.stdout
    assert "ok   B2B RET12 rfq-export-shawls:" in first.stdout
    assert "ok   B2B RET10 minimum-order-kala-zeera:" in first.stdout  # 30023, then quoted
    assert "05 signed ON PAPER" in first.stdout  # the letter no RFQ followed
    # An RFQ held for its seller, countered by hand, its on_select carrying the counter.
    assert "ok   B2B RET10 rfq-countered-ginger-garlic:" in first.stdout
    assert "06 po_placed" in first.stdout
    assert (logs / "b2b" / "RET10" / "credit-kangra-tea").is_dir()
    assert "FAIL" not in first.stdout
    assert (first.data / "ondc-seller.db").exists()
    # Run again at once on what the first run left (its keys, database and stock holds):
    # every check passes again and the seller keeps its identity.
    second = demo_runs.second
    assert second.data != first.data
    assert second.returncode == 0, second.stdout + second.stderr
    assert (second.data / "identity.json").read_bytes() == (
        first.data / "identity.json"
    ).read_bytes()


def _environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    return subprocess_env(settings_values(f"sqlite:///{tmp_path}/serve.db", **overrides))


def test_serve_starts_on_sqlite_and_answers_health_over_http(tmp_path: Path) -> None:
    port = free_port()
    with subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        cwd=tmp_path, env=_environment(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    ) as process:  # fmt: skip
        try:
            wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
            health = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
            assert health == {
                "status": "ok",
                "database": "ok",
                "disk": "ok",
                "redis": "not configured",
            }
            assert (tmp_path / "serve.db").exists()
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=20)
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert process.returncode in (0, -signal.SIGTERM)
    assert b"Finished server process" in output


def test_serve_with_a_bad_setting_stops_and_names_it(tmp_path: Path) -> None:
    env = _environment(tmp_path, ONDC_SIGNING_PRIVATE_KEY="c2hvcnQ=")
    env.pop("ONDC_REGISTRY_URL")
    result = run_cli("serve", "--port", str(free_port()), env=env, timeout=30)
    assert result.returncode == 2
    assert "ONDC_SIGNING_PRIVATE_KEY: private key is 5 bytes" in result.stderr
    assert "ONDC_REGISTRY_URL: is not set" in result.stderr
    assert "Traceback" not in result.stderr
