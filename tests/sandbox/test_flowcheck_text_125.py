"""The gate's rules of a buyer's text on an item (retail 1.2.5 customisation input text):
ONDC's own RET16 example passes them, and a broken copy fails each."""

from __future__ import annotations

import copy
from typing import Any

from adapter.sandbox.conformance import read_flow_logs
from adapter.sandbox.flowcheck_125 import check_flow_125
from adapter.sandbox.flowcheck_text_125 import check_input_text
from tests.fixtures import REPO_ROOT

FLOW = REPO_ROOT / "tests/fixtures/retail-1.2.5/RET16-1.2.5/Customization_Input_Text_Flow"


def _steps() -> list[tuple[str, dict[str, Any]]]:
    return list(read_flow_logs(FLOW).items())


def _rules(steps: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, str]]:
    return [(v.rule, v.key) for v in check_input_text(steps)]


def test_ondc_s_example_keeps_the_customisation_to_delivery() -> None:
    assert _rules(_steps()) == []
    assert not [v for v in check_flow_125(_steps()) if "text" in v.rule or "custom" in v.rule]


def test_an_on_init_without_the_customisation_fails_customisation_echoed() -> None:
    steps = copy.deepcopy(_steps())
    on_init = dict(steps)["04_on_init"]
    on_init["message"]["order"]["items"] = on_init["message"]["order"]["items"][:2]
    assert _rules(steps) == [("customisation_echoed", "04_on_init")]
    gate = [(v.rule, v.key) for v in check_flow_125(steps)]
    assert ("customisation_echoed", "04_on_init") in gate


def test_a_customisation_under_another_group_fails_customisation_echoed() -> None:
    steps = copy.deepcopy(_steps())
    line = dict(steps)["06_on_confirm"]["message"]["order"]["items"][2]
    line["tags"][1]["list"][0]["value"] = "CG9"
    assert _rules(steps) == [("customisation_echoed", "06_on_confirm")]


def test_other_words_in_a_callback_fail_input_text_kept() -> None:
    steps = copy.deepcopy(_steps())
    line = dict(steps)["02_on_select_input"]["message"]["order"]["items"][2]
    line["descriptor"] = {
        "tags": [{"code": "customization", "list": [{"code": "input_text", "value": "Other"}]}]
    }
    assert _rules(steps) == [("input_text_kept", "02_on_select_input")]
