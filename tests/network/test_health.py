"""``/healthz`` says what is wrong with the store: no room on the disk, a read-only
database."""

from __future__ import annotations

from pathlib import Path

import psycopg

from adapter.core.clock import FixedClock
from adapter.settings import load_settings
from adapter.storage import upgrade
from tests.fixtures import POSTGRES_ADMIN_URL, settings_values
from tests.network.loopback import serving


async def test_healthz_is_503_naming_the_directory_when_the_disk_is_short(
    tmp_path: Path, clock: FixedClock
) -> None:
    # The real file system, with a requirement no disk meets: as when the disk is full.
    values = settings_values(f"sqlite:///{tmp_path}/a.db", ONDC_HEALTH_MIN_FREE_DISK_MB=10**12)
    async with serving(load_settings(env_file=None, **values), clock) as http:
        reply = await http.get("/healthz")
    assert reply.status_code == 503
    health = reply.json()
    assert (health["status"], health["database"]) == ("degraded", "ok")
    assert f"MB free in {tmp_path}, under the 1000000000000 MB required" in health["disk"]


async def test_healthz_is_503_when_postgresql_refuses_writes(
    tmp_path: Path, clock: FixedClock, fresh_postgres_url: str
) -> None:
    upgrade(fresh_postgres_url)
    name = fresh_postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    values = settings_values(fresh_postgres_url)
    async with serving(load_settings(env_file=None, **values), clock) as http:
        reply = await http.get("/healthz")
    assert reply.status_code == 503
    assert reply.json() == {
        "status": "degraded",
        "database": "read-only (transaction_read_only is on)",
        "disk": "not local",
        "redis": "not configured",
    }
