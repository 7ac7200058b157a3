"""The conformance gate: every callback we send, checked against ONDC's field rules.

ONDC's workbench (Pramaan 2.0) NACKs a callback on its first failing field rule ("L1"
rules, published per domain for retail 1.2.0); its log-validation-utility checks a whole
flow. The gate holds both, in our own words:

- the workbench's field rules for the callbacks a seller sends, as data
  (:data:`adapter.sandbox.conformance_rules.FIELD_RULES`, in the vocabulary of
  :mod:`adapter.sandbox.field_rules`): each rule names a field by a
  path, what it must be (present, a pattern, one of a list, one of another field's values),
  the actions and domains it applies to and whether an absent field is allowed;
- the validator's flow rules, :func:`adapter.sandbox.flowcheck.check_flow`.

A log is judged by the rules of its version (``context.core_version``): retail 1.2.5
callbacks by :data:`adapter.sandbox.conformance_rules_125.FIELD_RULES_125`, a 1.2.5 flow
(named by its Pramaan flow id, its messages in the order sent) by Pramaan's flow rules,
:func:`adapter.sandbox.flowcheck_125.check_flow_125`.

:func:`check` runs both on one flow's payloads and returns every violation, each naming
the rule, the payload key and the JSON path where it failed; :func:`check_folder` does the
same for a folder written by :func:`~adapter.sandbox.flowcheck.write_flow_logs`. Only our
own messages (``on_*``) are held to the field rules: the buyer app's are not ours to fix.

"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from adapter.sandbox.conformance_rules import FIELD_RULES
from adapter.sandbox.conformance_rules_125 import FIELD_RULES_125
from adapter.sandbox.field_rules import FieldRule
from adapter.sandbox.flowcheck import Violation, check_flow
from adapter.sandbox.flowcheck_125 import check_flow_125

__all__ = ["check", "check_callback", "check_folder", "read_flow_logs", "rules_for"]


def rules_for(version: str) -> tuple[FieldRule, ...]:
    """The field rules a callback naming ``version`` (its ``core_version``) is held to."""
    return FIELD_RULES_125 if version == "1.2.5" else FIELD_RULES


def check_callback(key: str, body: Mapping[str, Any]) -> list[Violation]:
    """Every field rule ``body`` (one of our callbacks, named ``key``) breaks. A callback
    that refuses its request (an ``error`` block and no ``message``) is held to the context
    rules and to its error block: ONDC's field rules of a message are for the answers that
    carry one."""
    context = body.get("context") or {}
    action = str(context.get("action", ""))
    domain = str(context.get("domain", ""))
    city = str(context.get("city", ""))
    refusal = "error" in body and "message" not in body
    found = [
        violation
        for rule in rules_for(str(context.get("core_version", "")))
        if rule.applies(action, domain, city) and (not refusal or rule.path.startswith("context."))
        for violation in rule.violations(key, body)
    ]
    if refusal:
        found.extend(_error_block(key, body.get("error")))
    return found


def _error_block(key: str, error: Any) -> list[Violation]:
    """A refusal's ``error``: an ONDC error code (five digits), its type and a message."""
    block = error if isinstance(error, Mapping) else {}
    found = []
    if not str(block.get("code", "")).isdigit() or len(str(block.get("code"))) != 5:
        found.append(Violation("error_code", key, "$.error.code", "an ONDC error code is required"))
    for field in ("type", "message"):
        if not block.get(field):
            found.append(Violation(f"error_{field}", key, f"$.error.{field}", "is required"))
    return found


def check(flow: int | str, payloads: Mapping[str, Any]) -> list[Violation]:
    """The gate on one flow: the validator's flow rules (Pramaan's for a 1.2.5 flow, whose
    payloads are in the order sent), then the workbench's field rules on each of our
    callbacks (payload keys as in :mod:`adapter.sandbox.flowcheck`)."""
    if _version(payloads) == "1.2.5":
        found = check_flow_125(list(payloads.items()))
    else:
        found = check_flow(flow, payloads)
    for key, body in payloads.items():
        if isinstance(body, dict) and str(_action(body)).startswith("on_"):
            found.extend(check_callback(key, body))
    return found


def read_flow_logs(folder: Path) -> dict[str, Any]:
    """A flow folder written by ``write_flow_logs`` (payload key -> parsed body), or by
    ``write_steps`` (``NN_<key>.json``: keys in the order sent, each once)."""
    return {path.stem: orjson.loads(path.read_bytes()) for path in sorted(folder.glob("*.json"))}


def check_folder(folder: Path) -> list[Violation]:
    """The gate on a folder named ``flow<N>`` (the validator's layout) or after a 1.2.5
    flow; violations' keys are prefixed with the file's path so a report points at the
    file."""
    flow = folder.name.removeprefix("flow")
    return [
        Violation(
            v.rule, str(folder / f"{v.key}.json") if v.key else str(folder), v.path, v.message
        )
        for v in check(flow, read_flow_logs(folder))
    ]


def _version(payloads: Mapping[str, Any]) -> str:
    for body in payloads.values():
        if isinstance(body, dict) and isinstance(body.get("context"), dict):
            return str(body["context"].get("core_version", ""))
    return ""


def _action(body: Mapping[str, Any]) -> str:
    context = body.get("context")
    return str(context.get("action", "")) if isinstance(context, dict) else ""
