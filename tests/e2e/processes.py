"""Real adapter processes on loopback for end-to-end tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fixtures import REPO_ROOT

CLI = [sys.executable, "-m", "adapter.cli"]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    """Poll ``url`` until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"process exited with {process.returncode}: {out}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not become healthy in {timeout} s")


def spawn_cli(*args: str, env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    """Start ``ondc-seller`` in the background, its output going to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [*CLI, *args], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run ``ondc-seller`` to completion."""
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=timeout
    )
