"""Where the shared fixtures live: ``shared/`` sits beside the repository checkout."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


@cache
def signing_vectors() -> dict[str, Any]:
    """The ONDC SDK-made signature vectors (``shared/signing-vectors.json``)."""
    data: dict[str, Any] = json.loads((SHARED / "signing-vectors.json").read_text("utf-8"))
    return data


@cache
def odop_districts() -> list[dict[str, Any]]:
    """The 12 Himachal districts and their ODOP products (``shared/odop-himachal.json``)."""
    data: list[dict[str, Any]] = json.loads((SHARED / "odop-himachal.json").read_text("utf-8"))
    return data
