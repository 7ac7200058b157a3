"""ONDC's B2B log verifier's rules a seller's B2B 2.0.2 callbacks can break (placeholder)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapter.sandbox.flowcheck import Violation

__all__ = ["check_b2b"]


def check_b2b(payloads: Sequence[dict[str, Any]]) -> list[Violation]:
    """Every rule a transaction's payloads break."""
    return []
