"""The one way in and out of wire bytes: ``parse`` and ``dump``.

Parse the raw bytes once, after the signature over exactly those bytes has been verified;
serialise once, then sign and send exactly those bytes (``content=body``, never ``json=``).
``dump`` writes UTF-8 as is: a rupee sign or Devanagari name is never ``\\u``-escaped, so
the bytes we sign are the bytes the peer verifies.
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel

from schemas._base import WireModel

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse(model: type[ModelT], raw: bytes) -> ModelT:
    """Validate a JSON body into ``model`` (``model.model_validate_json``).

    Keys are matched by their wire spelling only (``bpp/providers``, not ``providers``),
    so a key that happens to equal a Python field name stays an extra and is written back
    unchanged. Raises ``pydantic.ValidationError`` for malformed JSON or a body that does
    not fit the model; the network edge turns that into a NACK.
    """
    return model.model_validate_json(raw, by_alias=True, by_name=False)


def dump(model: BaseModel) -> bytes:
    """Serialise a model to the bytes to sign and send: orjson, once.

    Wire aliases are used and fields never set stay absent (``exclude_unset``): a parsed
    body dumps to the JSON value it was parsed from, and a built one contains exactly what
    was given. Non-ASCII text is written as raw UTF-8.
    """
    data = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return orjson.dumps(_in_wire_order(model, data))


def _in_wire_order(model: Any, data: Any) -> Any:
    """Put each dumped object's keys back in the order they were received.

    Walks the model and its dump side by side; only objects parsed from the network carry
    a remembered order, and keys added since go last. Built models keep field order.
    """
    if isinstance(model, list) and isinstance(data, list):
        return [_in_wire_order(m, d) for m, d in zip(model, data, strict=False)]
    if not (isinstance(model, WireModel) and isinstance(data, dict)):
        return data
    for name in model.model_fields_set:
        key = model.wire_key(name)
        if key in data:
            data[key] = _in_wire_order(getattr(model, name), data[key])
    order = model._wire_keys
    if order is None:
        return data
    ordered = {key: data[key] for key in order if key in data}
    if len(ordered) != len(data):
        ordered.update((key, value) for key, value in data.items() if key not in ordered)
    return ordered
