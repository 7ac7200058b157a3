"""bench/orders' oversell phase, reduced: 60 buyers at once for 5 pieces, through three
real adapter processes on one PostgreSQL and one Redis. Exactly 5 orders, stock 0."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.fixtures import POSTGRES_ADMIN_URL, REDIS_URL, REPO_ROOT
from tests.fixtures import subprocess_env as clean_env

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]


def test_sixty_buyers_for_five_pieces_through_three_processes_make_exactly_five_orders(
    tmp_path: Path,
) -> None:
    figures = tmp_path / "figures.json"
    env = clean_env(
        {"ONDC_BENCH_POSTGRES_URL": POSTGRES_ADMIN_URL, "ONDC_BENCH_REDIS_URL": REDIS_URL}
    )
    # In a session of its own: a bench that runs out of time is stopped with the adapter
    # processes it started (a timeout of subprocess.run kills the bench alone, and on a
    # loaded machine they were left serving). The time is for a loaded machine; quiet, the
    # phase takes well under a minute.
    with subprocess.Popen(
        [sys.executable, "bench/orders", "--transactions", "60", "--stock", "5",
         "--processes", "3", "--phases", "oversell", "--json", str(figures)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    ) as bench:  # fmt: skip
        try:
            stdout, stderr = bench.communicate(timeout=600)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(bench.pid, signal.SIGKILL)
    assert bench.returncode == 0, stdout + stderr
    oversell = orjson.loads(figures.read_bytes())["oversell"]
    assert oversell["orders"] == 5
    assert oversell["orders_in_database"] == 5
    assert oversell["available"] == 0
    assert oversell["lowest_seen"] >= 0
    assert oversell["answers_40002"] == 55
    assert oversell["accepted"] == 5
