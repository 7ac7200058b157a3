"""The demo, played once per test session and read by every test that judges it.

``ondc-seller demo --once`` plays 88 checks over signed HTTP (about 80 s on a quiet machine,
several minutes on a loaded one). The conformance gate (``tests/conformance``) reads the
logs of a run and the end-to-end test (``tests/e2e/test_demo_and_serve``) its output and a
second run; both read the same two runs, made here, instead of playing the demo themselves.

The second run is made at once after the first, on a copy of the first's data directory
(keys, SQLite file, logs), with the same ports: exactly what a user who runs the demo twice
in a row gets, within the stock holds' 15 minutes, while the first run's logs stay as it
wrote them for the gate.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.processes import CLI, free_port
from tests.fixtures import REPO_ROOT

# A quiet machine needs about 80 s a run; a loaded shared one several times that.
DEMO_SECONDS = 600.0


@dataclass(frozen=True)
class DemoRun:
    """One finished ``ondc-seller demo --once``: its data directory and what it printed."""

    data: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def logs(self) -> Path:
        """The flow logs, in the layout of ONDC's log validator."""
        return self.data / "logs"


@dataclass(frozen=True)
class DemoRuns:
    """The demo run in a fresh data directory, then again on what it left."""

    first: DemoRun
    second: DemoRun


def _run(data: Path, ports: list[str]) -> DemoRun:
    args = ["demo", "--once", "--data-dir", str(data), "--port", ports[0],
            "--registry-port", ports[1], "--buyer-port", ports[2]]  # fmt: skip
    done = subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=REPO_ROOT, timeout=DEMO_SECONDS
    )
    return DemoRun(data, done.returncode, done.stdout, done.stderr)


def play_demo_twice(workdir: Path) -> DemoRuns:
    """Run the demo in ``workdir/first``, copy what it left to ``workdir/second`` and run it
    there again on the same ports."""
    ports = [str(free_port()) for _ in range(3)]
    first = _run(workdir / "first", ports)
    if first.returncode != 0:
        # The tests report the first run's failure; a second run would only repeat it.
        return DemoRuns(first, first)
    shutil.copytree(first.data, workdir / "second")
    return DemoRuns(first, _run(workdir / "second", ports))
