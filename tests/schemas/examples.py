"""The ONDC example payloads in ``tests/fixtures/ondc-examples``, and a
JSON comparison strict enough to prove a round trip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import orjson

EXAMPLES_DIR: Final = Path(__file__).resolve().parents[1] / "fixtures" / "ondc-examples"

NOT_PAYLOADS: Final[dict[str, str]] = {
    "manifest.json": "provenance and validator verdicts of the fixtures, not a wire body",
    "spec-1.2.0/index.json": "summary and footnotes of the spec examples, not a wire body",
    "spec-1.2.0/update/update_settlement_trail_for_refund_initiation_cancelled.json": (
        "defective YAML-to-JSON conversion of the spec example: context is null and the "
        "context fields sit at the top level with no message, so it is not a wire body"
    ),
}
"""Files under ``EXAMPLES_DIR`` that are not Beckn bodies, with the reason each is skipped."""


def example_files() -> list[str]:
    """Every ``*.json`` under ``EXAMPLES_DIR``, as sorted paths relative to it."""
    return sorted(path.relative_to(EXAMPLES_DIR).as_posix() for path in _json_files())


def _json_files() -> Iterator[Path]:
    return EXAMPLES_DIR.rglob("*.json")


def read_example(name: str) -> bytes:
    """The raw bytes of one example file."""
    return (EXAMPLES_DIR / name).read_bytes()


def payload_action(body: Any) -> str | None:
    """``context.action`` of a Beckn body, or ``None`` if ``body`` is not one."""
    if not isinstance(body, dict):
        return None
    context = body.get("context")
    if not isinstance(context, dict):
        return None
    action = context.get("action")
    return action if isinstance(action, str) else None


def payload_files() -> list[str]:
    """The example files that are Beckn bodies (everything not in ``NOT_PAYLOADS``)."""
    return [name for name in example_files() if name not in NOT_PAYLOADS]


def load(raw: bytes | str) -> Any:
    """Decode JSON text."""
    return orjson.loads(raw)


def assert_same_json(actual: Any, expected: Any, path: str = "$") -> None:
    """Fail unless two decoded JSON values are identical: same types (an int is not a
    float, a bool is not an int, a string is not a number), same values, same keys in the
    same order, same list lengths."""
    assert type(actual) is type(expected), (
        f"{path}: {type(actual).__name__} {actual!r} != {type(expected).__name__} {expected!r}"
    )
    if isinstance(expected, dict):
        assert list(actual) == list(expected), f"{path}: keys {list(actual)} != {list(expected)}"
        for key, value in expected.items():
            assert_same_json(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), f"{path}: {len(actual)} items != {len(expected)}"
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            assert_same_json(got, want, f"{path}[{index}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
