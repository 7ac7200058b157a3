"""Each attack's verdict, kept where ``scripts/attack`` reads it (``ONDC_ATTACK_REPORT``,
one JSON object a line): the finding it retries, whether the control held, the figures."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.fixtures import ATTACK_REPORT

__all__ = ["verdict"]


def verdict(finding: str, held: bool, figures: str) -> bool:
    """Record one result and return ``held`` (the test asserts it after recording)."""
    if ATTACK_REPORT:
        line = orjson.dumps({"finding": finding, "held": held, "figures": figures})
        with Path(ATTACK_REPORT).open("ab") as report:
            report.write(line + b"\n")
    return held
