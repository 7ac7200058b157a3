"""scripts/services and scripts/postgres give the suite PostgreSQL without loosening it.

The fresh-server test runs a throwaway cluster of its own (initdb into a temporary
directory, on a free port, with Debian's default access rules: peer on the socket,
scram-sha-256 on loopback), so the machine's own server is never touched.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import psycopg
import pytest

from tests.e2e.processes import free_port
from tests.fixtures import REPO_ROOT, subprocess_env

# A pg_hba.conf record whose method is trust: `host all postgres 127.0.0.1/32 trust`.
TRUST_RECORD = re.compile(r"\b(local|host\w*)\s+\S+\s+\S+(\s+\S+)?\s+trust\b")


def set_up_files() -> list[Path]:
    """Every script a developer or CI runs to set the machine up."""
    files = [path for path in (REPO_ROOT / "scripts").iterdir() if path.is_file()]
    return [*files, REPO_ROOT / ".ci" / "run"]


def test_no_set_up_script_adds_a_trust_record_to_pg_hba() -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
        for path in set_up_files()
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if TRUST_RECORD.search(line) or "hba_file" in line
    ]
    assert offenders == []


class Cluster(NamedTuple):
    """A throwaway PostgreSQL cluster: its socket directory, port and pg_hba.conf."""

    sockets: Path
    port: int
    hba: Path


def _postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None
    )
    if found is None:
        pytest.fail(f"{name} is required (Debian: apt-get install postgresql)")
    return found


def _as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True)


@pytest.fixture
def fresh_cluster() -> Iterator[Cluster]:
    """A new cluster as Debian makes one: only passwords on loopback, no test database."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("the fresh-server path runs as root with a postgres account, as in CI")
    # Not pytest's tmp_path: the postgres account must be able to reach the directory.
    root = Path(tempfile.mkdtemp(prefix="ondc-fresh-pg-"))
    root.chmod(0o755)
    shutil.chown(root, "postgres", "postgres")
    data, sockets, port = root / "data", root / "sockets", free_port()
    _as_postgres("mkdir", str(sockets))
    _as_postgres(
        _postgres_bin("initdb"), "-D", str(data), "-U", "postgres",
        "--auth-local=peer", "--auth-host=scram-sha-256",
    )  # fmt: skip
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    pg_ctl = _postgres_bin("pg_ctl")
    _as_postgres(pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
    try:
        yield Cluster(sockets, port, data / "pg_hba.conf")
    finally:
        _as_postgres(pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root)


def _run_postgres_script(cluster: Cluster, env_file: Path) -> subprocess.CompletedProcess[str]:
    env = subprocess_env(
        {
            "ONDC_TEST_POSTGRES_URL": f"postgresql://postgres@127.0.0.1:{cluster.port}/test",
            "ONDC_TEST_POSTGRES_SOCKET_DIR": str(cluster.sockets),
            "ONDC_TEST_POSTGRES_ENV": str(env_file),
        }
    )
    return subprocess.run(
        [str(REPO_ROOT / "scripts" / "postgres")], env=env, capture_output=True, text=True
    )


def _saved_url(env_file: Path) -> str:
    name, _, url = env_file.read_text("utf-8").strip().partition("=")
    assert name == "ONDC_TEST_POSTGRES_URL"
    return url


def test_fresh_server_gets_a_role_with_a_password_and_keeps_its_access_rules(
    fresh_cluster: Cluster, tmp_path: Path
) -> None:
    hba_before = hashlib.sha256(fresh_cluster.hba.read_bytes()).hexdigest()
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(f"postgresql://postgres@127.0.0.1:{fresh_cluster.port}/postgres").close()
    env_file = tmp_path / "test-postgres.env"

    first = _run_postgres_script(fresh_cluster, env_file)

    assert first.returncode == 0, first.stderr
    url = _saved_url(env_file)
    role = "ondc_test_" + hashlib.sha256(f"{REPO_ROOT}\n".encode()).hexdigest()[:8]
    assert url.startswith(f"postgresql://{role}:")
    password = url.split(":")[2].split("@")[0]
    assert len(password) == 48
    assert password not in first.stdout + first.stderr
    assert url.endswith(f"@127.0.0.1:{fresh_cluster.port}/{role}")
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert hashlib.sha256(fresh_cluster.hba.read_bytes()).hexdigest() == hba_before
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT rolcreatedb, rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert row == (True, False)
        # What the suite does with it: a database per session, dropped afterwards.
        conn.execute("CREATE DATABASE ondc_test_probe")
        conn.execute("DROP DATABASE ondc_test_probe")

    again = _run_postgres_script(fresh_cluster, env_file)

    assert again.returncode == 0, again.stderr
    assert _saved_url(env_file) == url
