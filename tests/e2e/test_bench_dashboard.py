"""bench/dashboard, reduced: 3,000 orders and 60 letters in a fresh PostgreSQL database,
every view timed once; then the same database measured again without filling it."""

from __future__ import annotations

import re
import subprocess
import sys

import psycopg
import pytest

from tests.conftest import _fresh_schema_url
from tests.fixtures import POSTGRES_ADMIN_URL, REPO_ROOT
from tests.fixtures import subprocess_env as clean_env

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

VIEWS = 25  # the views and the download, for each of the two periods


def _bench(*arguments: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "bench.dashboard", "--runs", "1", *arguments],
        cwd=REPO_ROOT, env=clean_env({}), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return run.stdout


def test_the_dashboard_bench_times_every_view_and_measures_a_filled_database_again(
    postgres_server_url: str,
) -> None:
    url = _fresh_schema_url(postgres_server_url)
    try:
        filled = _bench("--orders", "3000", "--letters", "60", "--database", url)
        assert "filled 3,000 orders" in filled
        timed = re.findall(r"p50 +[\d.]+ ms +p99 +[\d.]+ ms +p50/baseline +[\d.]+", filled)
        assert len(timed) == 2 * VIEWS
        assert "LOI view: every table" in filled
        assert "monthly summary PDF" in filled
        assert filled.count("load average") >= 2
        again = _bench("--database", url)
        assert "reusing 3,000 orders" in again
        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT count(*) FROM loi_letters").fetchone()
            assert row is not None
            assert row[0] == 60
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
