"""The two model bases and the scalar types every wire model shares.

``WireModel`` is for bodies exchanged with network peers (Beckn core 1.2.0, ONDC retail
1.2.x, IGM 1.0.0). It is liberal where the network is untidy and exact where we pass data
on:

- unknown keys (``@ondc/org/...`` extensions, typos such as ``bpp/fulfillents``, newer
  spec fields) are kept as extras and written back unchanged;
- validation is strict, so a value is never coerced into another JSON type: a string
  stays a string, an int stays an int, a bool stays a bool. Where the examples show peers
  disagreeing on a type (``"tracking": "false"``, ``"count": "1"``), the field's type is a
  union of what is actually sent (``Flag``, ``Count``, ``DecimalValue``, ``TagValue``);
- the order of keys as received is remembered, and ``schemas.dump`` restores it, so
  ``dump(parse(raw))`` reproduces the peer's JSON value key for key (a bare
  ``model_dump`` gives field order);
- a body parsed from bytes keeps the JSON value it was parsed from
  (``schemas.received_json``), for readers that want the peer's JSON as it came.

``StrictModel`` is for our own seller API: unknown keys are an error there, because a
seller's typo must not vanish silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final, Self, TypeAlias

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticUndefined

Flag: TypeAlias = bool | str
"""A Beckn boolean as peers send it: ``true``/``false``, or the strings ``"true"``/``"false"``.

The ONDC retail 1.2.0 logs carry both forms (``@ondc/org/returnable``, ``tracking``);
the value is kept as received. Interpreting it is a semantic rule, not a parsing one.
"""

Count: TypeAlias = int | str
"""A Beckn integer count as peers send it: an int, or a numeric string such as ``"99"``.

ONDC retail 1.2.0 item ``quantity.count`` is an integer, but catalogue availability is
conventionally ``"99"``/``"0"`` and several logs quote order counts too.
"""

DecimalValue: TypeAlias = str | int | float
"""A Beckn ``DecimalValue`` (Beckn core 1.2.0): a decimal number written as a string.

Amounts (``price.value``, ``@ondc/org/buyer_app_finder_fee_amount``) are strings such as
``"6062.00"`` on the wire; some peers send bare numbers, which are kept as numbers so the
body re-serialises unchanged. Do arithmetic on ``decimal.Decimal(str(value))``.
"""

TagValue: TypeAlias = str | bool | int | float
"""The ``value`` of a tag (Beckn core 1.2.0 ``Tag``): a string, though peers send bools and
numbers too (ONDC retail 1.2.0 logs: ``"value": true`` in fulfilment tags)."""


class WireModel(BaseModel):
    """Base of every network-facing model: extras kept, no coercion, key order preserved.

    Construct models in Python with field names (``Catalog(providers=[...])``); on the wire
    the spec's aliases are used (``bpp/providers``, ``@ondc/org/TAT``). Parse network bytes
    with ``schemas.parse`` (aliases only, so a stray key that happens to equal a Python
    field name stays an extra) and serialise with ``schemas.dump``.
    """

    model_config = ConfigDict(
        extra="allow",
        strict=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    # The keys as received, in their wire spelling, one tuple per parsed object. A slot,
    # not a pydantic private attribute or a wrap validator: either runs Python for every
    # object of every parsed body (a wrap validator also turns each object's JSON subtree
    # into Python data again, at every depth), which made parsing a 435-byte /search
    # about five times as slow. The order is filled in after validation, by one walk over
    # the model and its data (``remember_order``).
    __slots__ = ("_received_json", "_received_order")
    _alias_of: ClassVar[dict[str, str]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Index the class's aliases by field name, for ordering keys given by name."""
        super().__pydantic_init_subclass__(**kwargs)
        alias_of: dict[str, str] = {}
        for name, field in cls.model_fields.items():
            alias = field.alias
            if alias is not None and alias != name:
                alias_of[name] = alias
        cls._alias_of = alias_of

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """As pydantic's, and the order of the keys given is remembered."""
        model = super().model_validate(obj, *args, **kwargs)
        remember_order(model, obj)
        return model

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """As pydantic's (a shallow copy, ``update`` set without validation, keys not among
        the fields kept as extras), with the received order kept.

        A shallow copy is made here in one step: pydantic's goes through ``__copy__`` and
        then sets each update, several times the work for the contexts every callback
        copies from its request's (ONDC retail 1.2.0: same transaction and message ids).
        """
        cls = type(self)
        if deep or cls.model_config.get("extra") != "allow":
            return super().model_copy(update=update, deep=deep)
        copied = cls.__new__(cls)
        values = self.__dict__.copy()
        extra = self.__pydantic_extra__
        extra = None if extra is None else extra.copy()
        fields_set = set(self.__pydantic_fields_set__)
        if update:
            fields = cls.__pydantic_fields__
            for key, value in update.items():
                if key in fields:
                    values[key] = value
                else:
                    if extra is None:
                        extra = {}
                    extra[key] = value
            fields_set.update(update.keys())
        _setattr(copied, "__dict__", values)
        _setattr(copied, "__pydantic_extra__", extra)
        _setattr(copied, "__pydantic_fields_set__", fields_set)
        private = getattr(self, "__pydantic_private__", None)
        if private is not None:
            private = {k: v for k, v in private.items() if v is not PydanticUndefined}
        _setattr(copied, "__pydantic_private__", private)
        _set_order(copied, wire_order(self))
        return copied

    def __copy__(self) -> Self:
        copied = super().__copy__()
        _set_order(copied, wire_order(self))
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        copied = super().__deepcopy__(memo)
        _set_order(copied, wire_order(self))
        return copied

    def wire_key(self, name: str) -> str:
        """The key a field is written under on the wire (its alias, or its name)."""
        return self._alias_of.get(name, name)


_ORDER_SLOT: Final = WireModel.__dict__["_received_order"]
_JSON_SLOT: Final = WireModel.__dict__["_received_json"]
_setattr: Final = object.__setattr__


def wire_order(model: WireModel) -> tuple[str, ...] | None:
    """The keys ``model`` was given, in their wire spelling and order; ``None`` for a model
    built without them (only fields, in field order)."""
    try:
        order: tuple[str, ...] = _ORDER_SLOT.__get__(model, type(model))
    except AttributeError:
        return None
    return order


ORDER_AT_ONCE: Final = frozenset({"context"})
"""What a parse with ``defer_order`` remembers the order of below the body's top at once: the
context, which every callback copies from its request's."""


class _Pending:
    """A parsed body's JSON whose key order below the top and its ``context`` is still to
    be remembered (``schemas.parse(..., defer_order=True)``)."""

    __slots__ = ("data",)

    def __init__(self, data: Any) -> None:
        self.data = data


def received_json(model: WireModel) -> Any:
    """The JSON value ``model`` was parsed from by ``schemas.parse`` (as ``orjson.loads``
    gives it: keys as received, in their order), or ``None`` for a model not parsed from
    bytes, a part of one, or a copy.

    Models are not frozen: this is what was received, and it says nothing of a change made
    to the model since. Read it only from a request as parsed (requests are never changed:
    answers are built as new models), where it is the peer's JSON without a dump.
    """
    try:
        kept = _JSON_SLOT.__get__(model, type(model))
    except AttributeError:
        return None
    return kept.data if isinstance(kept, _Pending) else kept


def keep_received_json(model: WireModel, data: Any, *, order_pending: bool = False) -> None:
    """Keep ``data``, the JSON value ``model`` was just parsed from (``schemas.parse``);
    ``order_pending`` when the order of its parts is left to :func:`complete_order`."""
    _JSON_SLOT.__set__(model, _Pending(data) if order_pending else data)


def complete_order(model: WireModel) -> None:
    """Remember the key order of every part of ``model``, a body parsed with
    ``defer_order=True``, so that its parts dump in the order received; nothing for any
    other model (its order is complete). Call it before parts of the body are dumped or
    copied into another model."""
    try:
        kept = _JSON_SLOT.__get__(model, type(model))
    except AttributeError:
        return
    if isinstance(kept, _Pending):
        # The top's and the context's order were remembered by the parse.
        remember_order(
            model, kept.data, into=frozenset(model.__pydantic_fields_set__) - ORDER_AT_ONCE
        )
        _JSON_SLOT.__set__(model, kept.data)


def _set_order(model: WireModel, order: tuple[str, ...] | None) -> None:
    if order is not None:
        _ORDER_SLOT.__set__(model, order)


def remember_order(model: Any, data: Any, *, into: frozenset[str] | None = None) -> None:
    """Record on ``model`` (a ``WireModel``, or a list of them) and on every model inside
    it the order of the keys of ``data``, the JSON object (or the mapping given in Python)
    it was validated from. A key given by field name is recorded under its alias; a key
    that merely looks like a field name but was kept as an extra stays as it came.
    ``into``: the fields of ``model`` to go into (and all below them); ``None``, every one."""
    if isinstance(model, list):
        if isinstance(data, list):
            for item, item_data in zip(model, data, strict=False):
                # Only objects (and lists of them) have an order: texts and numbers skip
                # the call.
                if isinstance(item_data, _CONTAINERS):
                    remember_order(item, item_data)
        return
    if not isinstance(model, WireModel) or not isinstance(data, dict):
        return
    alias_of = type(model)._alias_of
    if alias_of and not alias_of.keys().isdisjoint(data):
        # Some key was given by its field name (only Python callers do): spelt as its alias.
        extra = model.__pydantic_extra__ or {}
        _ORDER_SLOT.__set__(
            model, tuple([key if key in extra else alias_of.get(key, key) for key in data])
        )
    else:
        _ORDER_SLOT.__set__(model, tuple(data))
    if _SCALARS.issuperset(map(type, data.values())):
        # Nothing below to order (a context, a descriptor): checked in one pass in C, not
        # field by field.
        return
    get = data.get
    for name in model.__pydantic_fields_set__ if into is None else into:
        value = get(alias_of.get(name, name))
        if value is None and name in data:
            value = data[name]
        if isinstance(value, _CONTAINERS):
            remember_order(getattr(model, name), value)


# What ``isinstance`` is asked on every value of a walk: a tuple, not ``dict | list`` (a
# union object is checked more slowly).
_CONTAINERS: Final = (dict, list)
# The types of the values that hold no keys, as JSON parses them (exact types: a subclass,
# or any other Python value, is walked as before).
_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


class StrictModel(BaseModel):
    """Base for the seller API's own models: an unknown key is a validation error.

    Sellers' systems and spreadsheets are ours to correct, so a misspelt field must be
    reported, not carried along. Field names and aliases work as in ``WireModel``.
    """

    model_config = ConfigDict(
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )
