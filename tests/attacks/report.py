"""Each attack's verdict, kept where ``scripts/attack`` reads it (``ONDC_ATTACK_REPORT``,
one JSON object a line): the finding it retries, whether the control held, the figures."""

from __future__ import annotations

import os
from pathlib import Path

import orjson

__all__ = ["verdict"]


def verdict(finding: str, held: bool, figures: str) -> bool:
    """Record one result and return ``held`` (the test asserts it after recording)."""
    path = os.environ.get("ONDC_ATTACK_REPORT")
    if path:
        line = orjson.dumps({"finding": finding, "held": held, "figures": figures})
        with Path(path).open("ab") as report:
            report.write(line + b"\n")
    return held
