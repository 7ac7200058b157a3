"""The one way in and out of wire bytes: ``parse`` and ``dump``.

Parse the raw bytes once, after the signature over exactly those bytes has been verified;
serialise once, then sign and send exactly those bytes (``content=body``, never ``json=``).
``dump`` writes UTF-8 as is: a rupee sign or Devanagari name is never ``\\u``-escaped, so
the bytes we sign are the bytes the peer verifies. It writes models, and ``Prebuilt``
callbacks whose message we built as plain JSON data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, TypeVar

import orjson
from pydantic import BaseModel

from schemas._base import (
    ORDER_AT_ONCE,
    WireModel,
    keep_received_json,
    remember_order,
    wire_order,
)
from schemas._context import Context

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse(model: type[ModelT], raw: bytes, *, defer_order: bool = False) -> ModelT:
    """Validate a JSON body into ``model`` (``model.model_validate_json``).

    Keys are matched by their wire spelling only (``bpp/providers``, not ``providers``),
    so a key that happens to equal a Python field name stays an extra and is written back
    unchanged. Raises ``pydantic.ValidationError`` for malformed JSON or a body that does
    not fit the model; the network edge turns that into a NACK.

    ``defer_order``: remember the received key order of the body's top and its
    ``context`` only, and of the rest when ``schemas.complete_order`` is called: for a
    body whose other parts may never be dumped (the edge parses every request to check
    it; only the build of an answer that writes parts of it back needs their order).
    """
    parsed = model.model_validate_json(raw, by_alias=True, by_name=False)
    if isinstance(parsed, WireModel):
        # The received key order, for ``dump`` (see ``schemas._base``): one orjson pass and
        # one walk, instead of Python run by pydantic for every object. A body pydantic
        # takes and orjson does not keeps field order: it is valid all the same.
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return parsed
        remember_order(parsed, data, into=ORDER_AT_ONCE if defer_order else None)
        keep_received_json(parsed, data, order_pending=defer_order)
    return parsed


@dataclass(frozen=True, slots=True)
class Prebuilt:
    """A callback of our own whose ``message`` is already wire JSON data: ``{"context":
    ..., "message": ...}`` once dumped.

    For large answers built from data the adapter already holds in wire form (the
    ``/on_search`` catalogue, whose providers and items the catalogue transform writes as
    ONDC retail 1.2.0 JSON): validating a model per provider, item and tag only to dump it
    again costs several times the rest of the answer. Only what we send is built this way;
    what peers send is always parsed into models. ``message`` is written as given, keys in
    their order, so whoever builds one owes a test that it equals the model-built body.
    """

    context: Context
    message: dict[str, Any]


def dump(body: BaseModel | Prebuilt) -> bytes:
    """Serialise a model (or a ``Prebuilt`` callback) to the bytes to sign and send:
    orjson, once.

    Wire aliases are used and fields never set stay absent (``exclude_unset``): a parsed
    body dumps to the JSON value it was parsed from, and a built one contains exactly what
    was given. Non-ASCII text is written as raw UTF-8.
    """
    if isinstance(body, Prebuilt):
        return orjson.dumps({"context": _context_data(body.context), "message": body.message})
    return orjson.dumps(_data(body))


# What ``isinstance`` is asked on every value of a walk: a tuple, not ``dict | list`` (a
# union object is checked more slowly).
_CONTAINERS: Final = (dict, list)


def _data(model: BaseModel) -> Any:
    data = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return _in_wire_order(model, data)


# The values a context written without pydantic may hold: what JSON scalars parse to.
_SCALARS: Final = frozenset({str, int, float, bool, type(None)})
_CONTEXT_FIELDS: Final = tuple(Context.model_fields)


def _context_data(context: Context) -> Any:
    """``_data(context)``, written directly when every value of the context is a text, a
    number, a boolean or null (as Beckn core 1.2.0 contexts are): the same keys in the same
    order (those received, in their order, then those set since, in field order), without
    pydantic's dump and the walk, which were most of a prebuilt callback's serialisation.
    Anything else (a subclass, a value set from Python that pydantic would convert, an
    extra not among the keys set) takes the general way."""
    if type(context) is not Context or Context._alias_of:
        return _data(context)
    fields_set = context.__pydantic_fields_set__
    values = context.__dict__
    extra = context.__pydantic_extra__ or {}
    if not fields_set.issuperset(extra):
        return _data(context)
    order = wire_order(context) or ()
    if not fields_set.issuperset(order):
        return _data(context)
    data: dict[str, Any] = {}
    # A received key is a field (no alias: its name) or an extra.
    for key in order:
        data[key] = values[key] if key in values else extra[key]
    if len(data) != len(fields_set):
        for name in _CONTEXT_FIELDS:
            if name in fields_set and name not in data:
                data[name] = values[name]
        for key, value in extra.items():
            if key not in data:
                data[key] = value
    if not _SCALARS.issuperset(map(type, data.values())):
        return _data(context)
    return data


def _in_wire_order(model: Any, data: Any) -> Any:
    """Put each dumped object's keys back in the order they were received.

    Walks the model and its dump side by side; only objects parsed from the network carry
    a remembered order, and keys added since go last. Built models keep field order.
    """
    if isinstance(model, list) and isinstance(data, list):
        return [_in_wire_order(m, d) for m, d in zip(model, data, strict=False)]
    if not (isinstance(model, WireModel) and isinstance(data, dict)):
        return data
    alias_of = type(model)._alias_of
    get = data.get
    for name in model.__pydantic_fields_set__:
        key = alias_of.get(name, name)
        value = get(key)
        # Only objects and lists hold keys to order: a text or number is left as dumped
        # (most of a context's fields), without fetching the field to walk it.
        if isinstance(value, _CONTAINERS):
            data[key] = _in_wire_order(getattr(model, name), value)
    return _ordered(model, data)


def _ordered(model: WireModel, data: dict[str, Any]) -> dict[str, Any]:
    """``data``, the dump of ``model`` alone, its keys in the order received (those added
    since last, in the dump's order)."""
    order = wire_order(model)
    if order is None:
        return data
    if len(order) == len(data) and data.keys() == set(order):
        # Every key dumped was received and no other (the usual case): no test per key.
        return dict(zip(order, map(data.__getitem__, order), strict=True))
    ordered = {key: data[key] for key in order if key in data}
    if len(ordered) != len(data):
        ordered.update((key, value) for key, value in data.items() if key not in ordered)
    return ordered
