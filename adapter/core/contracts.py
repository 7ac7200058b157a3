"""The contract families the adapter speaks, and which one a request belongs to (pure).

ONDC runs several contracts over the same Beckn endpoints: retail 1.2.x (``core_version``
"1.2.0"), B2B retail (``version`` "2.0.2"), IGM grievances (``core_version`` "1.0.0",
``version`` "2.0.0"). They share the edge (verification, dedupe, audit), the outbox and
signing; what differs is data, kept here: a family's version, the models of the requests it
takes and of the callbacks it sends, the reply builder of each action it answers, and the
context rules it checks.

A request is served by the family whose version its context names (``core_version``, or
``version`` where the family uses that name); a transaction keeps the version it began with
because every message in it names that version. A version no family serves is refused with
a context error naming the field.

Adding a family: build a :class:`Contract` in the family's own module and list it in
``adapter.core.contract_table.FAMILIES`` (which imports the families, so this module stays
free of their code).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Final, Protocol

import pydantic

import schemas
from adapter.core.context_rules import ContextError, EdgePolicy

__all__ = [
    "ContextCheck",
    "Contract",
    "ContractTable",
    "ReplyBuilder",
    "SequenceCheck",
    "peek_version",
]

ReplyBuilder = Callable[..., Awaitable[schemas.Envelope | schemas.Prebuilt]]
SequenceCheck = Callable[[schemas.Envelope, Any], Awaitable[None]]
"""A family's sequence rules: given the request and the transaction's history (a
``adapter.core.retail125.sequence.TransactionHistory``), raise a ``NetworkError``."""


class ContextCheck(Protocol):
    """A family's context rules: raise ``ContextError`` naming the field, or return the
    request's ttl."""

    def __call__(
        self,
        context: Any,
        *,
        action: str,
        sender_id: str,
        now: datetime,
        policy: EdgePolicy,
    ) -> timedelta: ...


@dataclass(frozen=True, slots=True)
class Contract:
    """One family of the ONDC contract.

    ``requests`` maps each inbound action the family takes to its model; ``callbacks`` maps
    each callback action (``on_search``...) to its model; ``replies`` maps the inbound
    actions the family answers to their builders. An action with a request model but no
    builder and no place in ``silent`` is refused with NACK 40001 (not supported yet).
    ``version_field`` is the context field that names the version in this family's
    messages (used in error messages; either field selects the family).
    """

    name: str
    version: str
    requests: Mapping[str, type[schemas.Envelope]]
    callbacks: Mapping[str, type[schemas.Envelope]]
    replies: Mapping[str, ReplyBuilder]
    check_context: ContextCheck
    version_field: str = "core_version"
    silent: frozenset[str] = field(default_factory=frozenset)
    """Actions recorded and ACKed but answered by no callback (``catalog_rejection``)."""
    check_sequence: SequenceCheck | None = None
    """The family's rules on a request's place in its transaction, checked at the edge
    before the ACK (retail 1.2.5: ``adapter.core.retail125.sequence``); None: no such
    rules."""

    def answers(self, action: str) -> bool:
        """Whether this family builds a callback for ``action``."""
        return action in self.replies


class _PeekContext(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore")
    core_version: str | None = None
    version: str | None = None


class _Peek(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore")
    context: _PeekContext | None = None


def peek_version(body: bytes) -> str | None:
    """The version a raw body's context names (``core_version``, else ``version``), read
    without building its message; ``None`` when the body says none or is not JSON enough."""
    try:
        peeked = _Peek.model_validate_json(body)
    except pydantic.ValidationError:
        return None
    if peeked.context is None:
        return None
    return peeked.context.core_version or peeked.context.version


# A version string as a body spells it; where it stands is not checked (the parse is).
_CORE_VERSION: Final = re.compile(rb'"core_version"\s*:\s*"([0-9A-Za-z.\-]{1,32})"')
_VERSION: Final = re.compile(rb'"version"\s*:\s*"([0-9A-Za-z.\-]{1,32})"')


_NO_FAMILIES: Final[Mapping[str, Contract]] = MappingProxyType({})


def _one_model(action: str, families: Iterable[Contract]) -> type[schemas.Envelope] | None:
    """The model every one of ``families`` parses ``action`` with; ``None`` when they
    differ."""
    models = {family.requests[action] for family in families}
    return models.pop() if len(models) == 1 else None


def _named_version(context: Any) -> str | None:
    return getattr(context, "core_version", None) or getattr(context, "version", None)


class ContractTable:
    """The families this deployment serves, indexed by action and version."""

    def __init__(self, contracts: Iterable[Contract]) -> None:
        self.contracts: tuple[Contract, ...] = tuple(contracts)
        by_action: dict[str, dict[str, Contract]] = {}
        for contract in self.contracts:
            for action in contract.requests:
                versions = by_action.setdefault(action, {})
                if contract.version in versions:
                    raise ValueError(
                        f"two families serve /{action} at version {contract.version}: "
                        f"{versions[contract.version].name} and {contract.name}"
                    )
                versions[contract.version] = contract
        self._by_action: Mapping[str, Mapping[str, Contract]] = MappingProxyType(
            {action: MappingProxyType(versions) for action, versions in by_action.items()}
        )
        # Found once: every request's parse asks (7,200 instructions a time when the
        # families were compared per request).
        self._shared: Mapping[str, type[schemas.Envelope] | None] = {
            action: _one_model(action, versions.values()) for action, versions in by_action.items()
        }

    @property
    def actions(self) -> tuple[str, ...]:
        """Every inbound action some family takes, in the order the families list them."""
        return tuple(self._by_action)

    def versions(self, action: str) -> Mapping[str, Contract]:
        """Version -> family, for the families taking ``action``."""
        return self._by_action.get(action, _NO_FAMILIES)

    def shared_model(self, action: str) -> type[schemas.Envelope] | None:
        """The request model of ``action`` when every family taking it parses it with the
        same model (then the body is parsed once and the family chosen afterwards)."""
        return self._shared.get(action)

    def select(self, action: str, version: str | None) -> Contract:
        """The family serving ``action`` at ``version``. Raises ``ContextError`` naming the
        version field when none does."""
        families = self.versions(action)
        contract = families.get(version) if version is not None else None
        if contract is not None:
            return contract
        served = sorted(families)
        fields = sorted({family.version_field for family in families.values()}) or ["core_version"]
        path = f"context.{fields[0]}"
        shown = "missing" if version is None else repr(version)
        raise ContextError(
            f"{path} is {shown}; /{action} is served here at {', '.join(served) or 'no version'}",
            path=path,
        )

    def select_for(self, action: str, context: Any) -> Contract:
        """:meth:`select` by a parsed context's version."""
        return self.select(action, _named_version(context))

    def parse_request(
        self, action: str, body: bytes, *, defer_order: bool = False
    ) -> tuple[Contract, schemas.Envelope]:
        """A stored or received request body of ``action`` as its family's model, with the
        family. Raises ``pydantic.ValidationError``, ``ValueError`` or ``ContextError``.
        ``defer_order``: as ``schemas.parse``'s (``schemas.complete_order`` before parts of
        the request are written back)."""
        model = self.shared_model(action)
        if model is not None:
            request = schemas.parse(model, body, defer_order=defer_order)
            return self.select_for(action, request.context), request
        guessed = self._guess(action, body, defer_order)
        if guessed is not None:
            return guessed
        contract = self.select(action, peek_version(body))
        return contract, schemas.parse(contract.requests[action], body, defer_order=defer_order)

    def _guess(
        self, action: str, body: bytes, defer_order: bool
    ) -> tuple[Contract, schemas.Envelope] | None:
        """The body parsed once, by the family of the first version string it spells out,
        when the parsed context names that same version; ``None`` otherwise (then the
        version is read properly first and the body parsed by its family). A guess that
        holds gives what the careful way would, at the cost of one parse instead of two
        (the careful peek is a JSON pass of its own, about a quarter of a small search's
        parse); a guess that fails to parse says nothing, and the careful way reports."""
        found = _CORE_VERSION.search(body) or _VERSION.search(body)
        if found is None:
            return None
        version = found[1].decode("utf-8", "replace")
        contract = self.versions(action).get(version)
        if contract is None:
            return None
        try:
            request = schemas.parse(contract.requests[action], body, defer_order=defer_order)
        except (pydantic.ValidationError, ValueError):
            return None
        if _named_version(request.context) != version:
            return None
        return contract, request
