"""Every ONDC example payload parses into its action's model and dumps to the same JSON."""

from __future__ import annotations

import pytest

import schemas
from tests.schemas.examples import (
    EXAMPLES_DIR,
    NOT_PAYLOADS,
    assert_same_json,
    example_files,
    load,
    payload_action,
    payload_files,
    read_example,
)

MINIMUM_PAYLOADS = 100


@pytest.mark.parametrize("name", payload_files())
def test_example_parses_into_its_actions_model_and_dumps_to_the_same_json(name: str) -> None:
    raw = read_example(name)
    original = load(raw)
    action = payload_action(original)
    assert action is not None, f"{name} is neither a Beckn body nor listed in NOT_PAYLOADS"

    body = schemas.parse(schemas.PAYLOAD_MODELS[action], raw)

    assert type(body) is schemas.PAYLOAD_MODELS[action]
    assert body.context.action == action
    assert_same_json(load(schemas.dump(body)), original)


def test_files_left_out_exist_and_are_not_wire_bodies() -> None:
    files = set(example_files())
    for name in NOT_PAYLOADS:
        assert name in files, f"{name} is listed as left out but does not exist"
        body = load(read_example(name))
        assert not (isinstance(body, dict) and isinstance(body.get("context"), dict)), name


def test_examples_hold_enough_payloads_to_mean_something() -> None:
    payloads = payload_files()
    assert len(payloads) >= MINIMUM_PAYLOADS, (
        f"only {len(payloads)} payloads under {EXAMPLES_DIR}; expected at least "
        f"{MINIMUM_PAYLOADS} (is tests/fixtures/ondc-examples complete?)"
    )


def test_examples_cover_every_retail_and_igm_flow_action_we_receive_or_send() -> None:
    seen = {payload_action(load(read_example(name))) for name in payload_files()}
    flow_actions = {
        "search", "select", "init", "confirm", "status", "track", "cancel", "update",
        "on_search", "on_select", "on_init", "on_confirm", "on_status", "on_track",
        "on_cancel", "on_update", "catalog_rejection",
        "issue", "on_issue", "issue_status", "on_issue_status",
    }  # fmt: skip
    assert flow_actions <= seen


@pytest.mark.parametrize(
    ("actual", "expected"),
    [(1, 1.0), (True, 1), ("1", 1), (None, False), ({"a": 1, "b": 2}, {"b": 2, "a": 1})],
    ids=["int-vs-float", "bool-vs-int", "str-vs-int", "null-vs-false", "key-order"],
)
def test_the_round_trip_comparison_tells_apart_what_python_equality_does_not(
    actual: object, expected: object
) -> None:
    with pytest.raises(AssertionError):
        assert_same_json(actual, expected)
