"""The ONDC B2B 2.0.2 example payloads in ``tests/fixtures/b2b``."""

from __future__ import annotations

from pathlib import Path
from typing import Final

B2B_DIR: Final = Path(__file__).resolve().parents[1] / "fixtures" / "b2b"


def b2b_payload_files() -> list[str]:
    """Every B2B body (``_flows.json`` is an index, not a body), relative to ``B2B_DIR``."""
    return sorted(
        path.relative_to(B2B_DIR).as_posix()
        for path in B2B_DIR.rglob("*.json")
        if path.name != "_flows.json"
    )


def read_b2b(name: str) -> bytes:
    """The raw bytes of one B2B example."""
    return (B2B_DIR / name).read_bytes()
