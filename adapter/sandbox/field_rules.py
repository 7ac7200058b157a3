"""Field rules: a path into a message and what must be found there (pure).

The vocabulary of the conformance gate (:mod:`adapter.sandbox.conformance`): a
:class:`FieldRule` names a field by a path, says what it must be (:class:`Check`), which
actions, domains and catalogue kind (:class:`Scope`) it applies to, and whether an absent
field is allowed; :meth:`FieldRule.violations` finds where a message breaks it.

Path syntax (ours): dot-separated keys; ``key[]`` is every element of a list (an empty or
missing list counts as missing); ``key[code=x]`` the elements whose ``code`` is ``x``
(``key[type=x|y]``: whose ``type`` is ``x`` or ``y``). Keys
may hold ``/`` and ``@`` (``message.catalog.bpp/providers[].items[].@ondc/org/returnable``).
A violation's path is a JSON path into the message (``$.message.catalog['bpp/providers'][0]``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any, Final

from adapter.sandbox.flowcheck import Violation

__all__ = ["ALL_DOMAINS", "Check", "FieldRule", "RuleGroup", "Scope"]


class Check(StrEnum):
    """What a rule asks of the field its path reaches."""

    PRESENT = "present"
    """There, and not null, empty text or an empty list."""
    PATTERN = "pattern"
    """Text matching the rule's regular expression (the whole of it)."""
    ONE_OF = "one_of"
    """One of the rule's values (compared as text: ``true`` matches ``True``)."""
    IN_FIELD = "in_field"
    """One of the values another path of the same message holds (ids that must refer to
    something declared, such as an item's ``fulfillment_id``)."""
    EQUALS_FIELD = "equals_field"
    """The same as the value of another path (``billing.created_at`` and ``updated_at``)."""


class Scope(StrEnum):
    """Which ``on_search`` a rule is for: ONDC checks a full catalogue (a city in the
    context) and an incremental one (city ``*``) by different rules."""

    ANY = "any"
    FULL_CATALOGUE = "full"
    INCREMENTAL = "incremental"


ALL_DOMAINS: Final = frozenset({"ONDC:RET10", "ONDC:RET12", "ONDC:RET16"})


@dataclass(frozen=True, slots=True)
class FieldRule:
    """One field rule of ONDC's workbench, restated: ``name`` is the rule's name there, so a
    failure here can be looked up in its report."""

    name: str
    actions: frozenset[str]
    path: str
    check: Check
    values: tuple[str, ...] = ()
    optional: bool = False
    domains: frozenset[str] = ALL_DOMAINS
    scope: Scope = Scope.ANY
    _compiled: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.check is Check.PATTERN:
            object.__setattr__(self, "_compiled", re.compile(self.values[0]))

    def applies(self, action: str, domain: str, city: str) -> bool:
        """Whether this rule checks a callback of ``action`` in ``domain`` for ``city``."""
        if action not in self.actions or domain not in self.domains:
            return False
        if self.scope is Scope.FULL_CATALOGUE:
            return city != "*"
        if self.scope is Scope.INCREMENTAL:
            return city == "*"
        return True

    def violations(self, key: str, body: Mapping[str, Any]) -> Iterator[Violation]:
        """Where ``body`` breaks this rule."""
        for path, value in _walk(body, self.path):
            if value is _MISSING or _empty(value):
                if not self.optional:
                    yield Violation(self.name, key, path, f"{self.path} is required")
                continue
            problem = self._problem(body, value)
            if problem:
                yield Violation(self.name, key, path, problem)

    def _problem(self, body: Mapping[str, Any], value: Any) -> str | None:
        if self.check is Check.PRESENT:
            return None
        text = _text(value)
        if self.check is Check.PATTERN:
            assert self._compiled is not None
            if not isinstance(value, dict | list) and self._compiled.search(text):
                return None
            return f"{text!r} does not match {self.values[0]}"
        if self.check is Check.ONE_OF:
            return None if text in self.values else f"{text!r} is not one of {list(self.values)}"
        others = [_text(v) for _, v in _walk(body, self.values[0]) if v is not _MISSING]
        if self.check is Check.IN_FIELD:
            return None if text in others else f"{text!r} is not one of {self.values[0]}"
        if self.check is Check.EQUALS_FIELD:
            return None if others == [text] else f"{text!r} differs from {self.values[0]}"
        raise AssertionError(self.check)  # pragma: no cover - every Check is handled above


class RuleGroup:
    """A builder of rules sharing actions, domains, a scope and the start of their paths:
    each method adds one :class:`FieldRule` to :attr:`rules`."""

    def __init__(
        self,
        actions: tuple[str, ...] | str,
        base: str = "",
        *,
        domains: frozenset[str] = ALL_DOMAINS,
        scope: Scope = Scope.ANY,
    ) -> None:
        self.actions = frozenset((actions,) if isinstance(actions, str) else actions)
        self.base = base
        self.domains = domains
        self.scope = scope
        self.rules: list[FieldRule] = []

    def _add(
        self, name: str, path: str, check: Check, values: tuple[str, ...], optional: bool
    ) -> None:
        full = f"{self.base}.{path}" if self.base else path
        self.rules.append(
            FieldRule(name, self.actions, full, check, values, optional, self.domains, self.scope)
        )

    def present(self, name: str, path: str, *, optional: bool = False) -> None:
        """``path`` must be there (unless ``optional``, which only documents the field)."""
        self._add(name, path, Check.PRESENT, (), optional)

    def pattern(self, name: str, path: str, regex: str, *, optional: bool = False) -> None:
        """``path`` must match ``regex``; when ``optional`` only if it is there."""
        self._add(name, path, Check.PATTERN, (regex,), optional)

    def one_of(
        self, name: str, path: str, values: tuple[str, ...], *, optional: bool = False
    ) -> None:
        """``path`` must be one of ``values``; when ``optional`` only if it is there."""
        self._add(name, path, Check.ONE_OF, values, optional)

    def refers(self, name: str, path: str, other: str, *, optional: bool = False) -> None:
        """``path`` must be one of the values at ``other`` (under the group's base, unless
        ``other`` starts at ``message``)."""
        full = f"{self.base}.{other}" if self.base and not other.startswith("message.") else other
        self._add(name, path, Check.IN_FIELD, (full,), optional)

    def equals(self, name: str, path: str, other: str) -> None:
        """``path`` must equal the value at ``other`` (under the group's base)."""
        full = f"{self.base}.{other}" if self.base else other
        self._add(name, path, Check.EQUALS_FIELD, (full,), False)


# --- walking paths -----------------------------------------------------------------------

_MISSING: Final = object()
_STEP: Final = re.compile(r"^(?P<key>[^\[]+)(?:\[(?P<filter>[^\]]*)\])?$")


@lru_cache(maxsize=1024)
def _steps(path: str) -> tuple[tuple[str, str | None, str], ...]:
    """A path's steps, parsed once: (key, filter or ``None``, the key as a JSON path writes
    it after the place before it)."""
    steps = []
    for step in path.split("."):
        match = _STEP.match(step)
        assert match is not None, f"bad path step {step!r} in {path!r}"
        key = match["key"]
        shown = f".{key}" if re.fullmatch(r"\w+", key) else f"['{key}']"
        steps.append((key, match["filter"], shown))
    return tuple(steps)


def _walk(body: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every place ``path`` reaches in ``body``, as (JSON path, value or ``_MISSING``)."""
    places: list[tuple[str, Any]] = [("$", body)]
    for key, selector, shown in _steps(path):
        reached: list[tuple[str, Any]] = []
        for where, value in places:
            if value is _MISSING:
                reached.append((where, value))
                continue
            child = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
            here = where + shown
            if selector is None:
                reached.append((here, child))
                continue
            elements = child if isinstance(child, list) else []
            wanted = _selected(elements, selector)
            if not wanted:
                reached.append((here if not selector else f"{here}[?(@.{selector})]", _MISSING))
            reached.extend((f"{here}[{index}]", element) for index, element in wanted)
        places = reached
    return iter(places)


def _selected(elements: list[Any], selector: str) -> list[tuple[int, Any]]:
    if not selector:
        return list(enumerate(elements))
    name, _, wanted = selector.partition("=")
    choices = wanted.split("|")
    return [
        (index, element)
        for index, element in enumerate(elements)
        if isinstance(element, dict) and element.get(name) in choices
    ]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
