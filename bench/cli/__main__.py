"""Start-up time of the ``ondc-seller`` command line: wall time of whole processes.

Each command runs N times as its own process (``python -m adapter.cli`` of the source tree
given by ``--tree``, default this one, from a temporary directory holding a valid ``.env``),
and the median and minimum wall times are printed. ``--tree`` measures another checkout
(an older commit's, say) with this virtual environment, for before-and-after figures. Goal: under 0.5 s for ``--help``, ``config check`` and
``signature``. ``config check`` here probes a SQLite file only (no Redis), so the figure is
the command line's own cost, not a network round trip.

    .venv/bin/python bench/cli [--runs 10] [--tree PATH]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"

COMMANDS: list[tuple[str, list[str]]] = [
    ("--help", ["--help"]),
    ("--version", ["--version"]),
    ("config check", ["config", "check"]),
    ("signature --help", ["signature", "--help"]),
    ("signature verify", ["signature", "verify", "--public-key", "{public}", "--header", "x"]),
]


def _dotenv(directory: Path) -> tuple[dict[str, str], str]:
    keys = json.loads((FIXTURES / "signing-vectors.json").read_text("utf-8"))["keys"]["k1"]
    encryption = base64.b64encode(bytes(range(32))).decode()
    values = {
        "ONDC_SUBSCRIBER_ID": "seller.odop.example",
        "ONDC_SUBSCRIBER_URL": "http://seller.odop.example/ondc",
        "ONDC_UNIQUE_KEY_ID": "uk-1",
        "ONDC_SIGNING_PRIVATE_KEY": keys["private_key_b64"],
        "ONDC_ENCRYPTION_PRIVATE_KEY": encryption,
        "ONDC_REGISTRY_URL": "http://registry.test",
        "ONDC_ADMIN_API_KEY": "bench-admin-key-0123456789abcdef",
        "DATABASE_URL": f"sqlite:///{directory}/bench.db",
    }
    (directory / ".env").write_text("\n".join(f"{k}={v}" for k, v in values.items()), "utf-8")
    return values, str(keys["public_key_b64"])


def time_command(argv: list[str], cwd: Path, env: dict[str, str], runs: int) -> list[float]:
    """Wall seconds of ``runs`` runs of ``argv``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env, capture_output=True, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Print median and minimum start-up time per command."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tree", type=Path, default=REPO, help="source tree to measure")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONDC_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    env["PYTHONPATH"] = str(args.tree.resolve())
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        _, public = _dotenv(directory)
        baseline = time_command([sys.executable, "-c", "pass"], directory, env, args.runs)
        sys.stdout.write(f"{'command':<20} {'median s':>9} {'min s':>7}   ({args.runs} runs)\n")
        sys.stdout.write(
            f"{'python -c pass':<20} {statistics.median(baseline):>9.3f} {min(baseline):>7.3f}\n"
        )
        for name, arguments in COMMANDS:
            argv = [
                sys.executable,
                "-m",
                "adapter.cli",
                *(a.replace("{public}", public) for a in arguments),
            ]
            times = time_command(argv, directory, env, args.runs)
            sys.stdout.write(f"{name:<20} {statistics.median(times):>9.3f} {min(times):>7.3f}\n")


if __name__ == "__main__":
    main()
