"""Operators list and replay parked callbacks and read the audit log (API and CLI)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from adapter.cli import app as cli
from adapter.core.clock import FixedClock
from tests.fixtures import settings_values
from tests.network.peers import edge, search_body, signed

TOKEN = {"Authorization": "Bearer admin-key-for-tests-0123456789"}
NACK = httpx.Response(
    400,
    json={"message": {"ack": {"status": "NACK"}},
          "error": {"type": "CONTEXT-ERROR", "code": "20000", "message": "try later"}},
)  # fmt: skip
ACK = httpx.Response(200, json={"message": {"ack": {"status": "ACK"}}})


async def test_parked_callback_is_listed_and_replayed_through_the_admin_api(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        answers = iter([NACK, ACK])
        net.router.route(host="buyer.example").mock(side_effect=lambda _: next(answers))
        body = search_body(clock)
        await net.post("search", body, signed(body, clock))
        await net.dispatch()
        parked = await net.client.get(
            "/admin/v1/outbox", params={"status": "failed"}, headers=TOKEN
        )
        assert parked.status_code == 200
        [job] = parked.json()
        assert "NACK 20000: try later" in job["last_error"]
        assert job["callback_body"].startswith('{"context"')
        attempts = await net.client.get(f"/admin/v1/outbox/{job['id']}/attempts", headers=TOKEN)
        assert [a["outcome"] for a in attempts.json()] == ["NACK"]
        replayed = await net.client.post(f"/admin/v1/outbox/{job['id']}/replay", headers=TOKEN)
        assert replayed.json() == {"job_id": job["id"], "status": "pending"}
        await net.dispatch()
        again = await net.client.post(f"/admin/v1/outbox/{job['id']}/replay", headers=TOKEN)
        assert again.status_code == 409
        delivered = await net.client.get(
            "/admin/v1/outbox", params={"status": "delivered"}, headers=TOKEN
        )
        assert [j["id"] for j in delivered.json()] == [job["id"]]
        audit = await net.client.get(f"/admin/v1/audit/{job['transaction_id']}", headers=TOKEN)
        assert [m["direction"] for m in audit.json()] == ["in", "out", "out"]
        assert "शॉल" in audit.json()[0]["body"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-key-wrong-key"}])
async def test_admin_api_needs_the_operator_key(
    tmp_path: Path, clock: FixedClock, headers: dict[str, str]
) -> None:
    async with edge(tmp_path, clock) as net:
        response = await net.client.get("/admin/v1/outbox", headers=headers)
        assert response.status_code == 401
        assert "ONDC_ADMIN_API_KEY" in response.json()["detail"]


async def _park_one_callback(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        net.router.route(host="buyer.example").mock(return_value=NACK)
        body = search_body(clock)
        await net.post("search", body, signed(body, clock))
        await net.dispatch()


def test_cli_lists_and_replays_parked_callbacks(tmp_path: Path, clock: FixedClock) -> None:
    asyncio.run(_park_one_callback(tmp_path, clock))
    env = {k: str(v) for k, v in settings_values(f"sqlite:///{tmp_path}/edge.db").items()}
    runner = CliRunner()
    listed = runner.invoke(cli, ["outbox", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "failed" in listed.stdout
    assert "NACK 20000" in listed.stdout
    job_id = listed.stdout.split()[0]
    replayed = runner.invoke(cli, ["outbox", "replay", job_id], env=env)
    assert replayed.exit_code == 0, replayed.output
    assert runner.invoke(cli, ["outbox", "replay", job_id], env=env).exit_code == 1
    assert "no failed jobs" in runner.invoke(cli, ["outbox", "list"], env=env).stdout
