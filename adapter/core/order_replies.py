"""Answers to the order actions: select, init, confirm, status, track, cancel, rating,
support (ONDC retail 1.2.0). Pure apart from the order book they are given.

The order is kept as one document, the order as we last sent it; each answer starts from
it, so the quote, items and terms of ``/on_select`` reappear unchanged in ``/on_init``,
``/on_confirm`` and every ``/on_status`` (a change is only ever announced: an error with the
new quote). Problems a buyer app can act on (out of stock, not serviceable, unknown order)
come back in the callback's ``error`` block, with the quantities that can be had.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final, Protocol

import orjson

import schemas
from adapter.core.callbacks import Identity, callback_context
from adapter.core.order_updates import UpdateRefused, record_settlement, request_return
from adapter.core.orders import (
    BUYER_CANCEL_REASONS,
    DELIVERY_FULFILLMENT_ID,
    INTERNAL,
    TAT_BREACH_REASONS,
    Change,
    IllegalTransition,
    Line,
    OrderRow,
    Shortfall,
    Stock,
    build_quote,
    money,
    next_state,
    parse_duration,
    problems_message,
)
from catalog_sync.records import LocationRecord, SellerRecord
from catalog_sync.transform import closed_on, serves

__all__ = [
    "INTERNAL",
    "ORDER_REPLIES",
    "OrderBook",
    "OrderPolicy",
    "after_event",
    "cancelled_document",
    "iso_duration",
    "parse_duration",
    "settlement",
    "unsolicited",
    "wire",
]

_Builder = Callable[..., Awaitable[schemas.Envelope]]


def iso_duration(span: timedelta) -> str:
    """A timedelta as ONDC writes TATs: ``P7D``, ``P2DT4H``, ``PT45M``."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if not days and not time:
        return "PT0M"
    return "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")


@dataclass(frozen=True, slots=True)
class OrderPolicy:
    """The marketplace's order terms (from the settings)."""

    hold: timedelta = timedelta(minutes=15)
    finder_fee_type: str = "percent"
    finder_fee_amount: str = "3"
    settlement_window: str = "PT24H"  # the log validator refuses day forms such as P1D
    settlement_basis: str = "delivery"
    withholding_amount: str = "0.00"
    return_window: str = "P7D"
    max_liability_percent: str = "2"
    # The marketplace's own GSTIN and settlement account, for sellers without theirs.
    gstin: str | None = None
    bank_account: str | None = None
    ifsc: str | None = None
    beneficiary: str | None = None
    bank_name: str | None = None
    branch: str | None = None
    upi: str | None = None


class OrderBook(Protocol):
    """What the order answers read and write (the SQL order store)."""

    async def seller(self, code: str) -> tuple[SellerRecord, LocationRecord] | None: ...

    async def hold(
        self,
        *,
        transaction_id: str,
        seller_code: str,
        wants: Mapping[str, int],
        now: datetime,
        until: datetime,
    ) -> list[Stock]: ...

    async def save_draft(
        self,
        *,
        transaction_id: str,
        bap_id: str,
        bap_uri: str,
        domain: str,
        city: str,
        seller_code: str,
        stage: str,
        document: dict[str, Any],
        total: Decimal,
        now: datetime,
    ) -> None: ...

    async def by_transaction(self, transaction_id: str) -> OrderRow | None: ...

    async def by_order_id(
        self, order_id: str, *, bap_id: str | None = None, seller_code: str | None = None
    ) -> OrderRow | None: ...

    async def confirm(
        self,
        transaction_id: str,
        *,
        order_id: str,
        now: datetime,
        finish: Callable[[OrderRow], Change],
        accept_by: datetime | None,
        ship_by: datetime | None,
    ) -> OrderRow | Shortfall: ...

    async def transition(
        self, order: OrderRow, *, actor: str, event: str, change: Change, now: datetime
    ) -> OrderRow: ...

    async def returnable(self, seller_code: str, sku: str) -> tuple[bool, str] | None: ...


class _Refusal(Exception):
    """A request the seller side cannot serve: answered with an error in the callback."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _answers_refusals(builder: _Builder) -> _Builder:
    """The builder, with a :class:`_Refusal` it raises answered as the callback's error."""

    @functools.wraps(builder)
    async def answer(
        request: schemas.Envelope, *, identity: Identity, now: datetime, **ports: Any
    ) -> schemas.Envelope:
        try:
            return await builder(request, identity=identity, now=now, **ports)
        except _Refusal as refusal:
            return _callback(
                request,
                identity=identity,
                now=now,
                message=None,
                error=(refusal.code, refusal.message),
            )

    return answer


def wire(document: Mapping[str, Any]) -> dict[str, Any]:
    """The order as buyer apps see it: without what only the adapter keeps."""
    return {key: value for key, value in document.items() if key != INTERNAL}


def _callback(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    message: dict[str, Any] | None,
    error: tuple[str, str] | None = None,
) -> schemas.Envelope:
    action = "on_" + request.context.action
    model = schemas.PAYLOAD_MODELS[action]
    context = callback_context(request.context, action=action, identity=identity, now=now)
    body: dict[str, Any] = {
        "context": context.model_dump(mode="json", by_alias=True, exclude_none=True)
    }
    if message is not None:
        body["message"] = message
    if error is not None:
        body["error"] = {"type": "DOMAIN-ERROR", "code": error[0], "message": error[1]}
    return schemas.parse(model, orjson.dumps(body))


def _order_of(request: schemas.Envelope) -> schemas.Order:
    message = getattr(request, "message", None)
    order = getattr(message, "order", None)
    if not isinstance(order, schemas.Order):
        raise _Refusal("30000", "message.order is required")
    return order


def _tx(request: schemas.Envelope) -> str:
    # The edge's context rules have already refused a request without one.
    return request.context.transaction_id or ""


def _wants(order: schemas.Order) -> dict[str, int]:
    if not order.items:
        raise _Refusal("30000", "message.order.items must list at least one item")
    wants: dict[str, int] = {}
    for index, item in enumerate(order.items):
        count = item.quantity.count if item.quantity is not None else None
        if not item.id:
            raise _Refusal("30000", f"message.order.items[{index}].id is required")
        if not isinstance(count, int) or count < 1:
            raise _Refusal(
                "30000", f"message.order.items[{index}].quantity.count must be a whole number >= 1"
            )
        wants[item.id] = wants.get(item.id, 0) + count
    return wants


def _end_location(order: schemas.Order) -> tuple[str | None, str | None]:
    for fulfillment in order.fulfillments or []:
        location = fulfillment.end.location if fulfillment.end is not None else None
        if location is not None:
            address = location.address
            pincode = address.area_code if isinstance(address, schemas.Address) else None
            return location.gps, pincode
    return None, None


async def _seller(book: OrderBook, order: schemas.Order) -> tuple[SellerRecord, LocationRecord]:
    provider_id = order.provider.id if order.provider is not None else None
    if not provider_id:
        raise _Refusal("30000", "message.order.provider.id is required")
    found = await book.seller(provider_id)
    if found is None:
        raise _Refusal("30001", f"provider {provider_id} not found")
    return found


def _lines(stocks: Sequence[Stock], wants: Mapping[str, int]) -> list[Line]:
    lines = []
    for stock in stocks:
        want = wants[stock.sku]
        if stock.item is None:
            lines.append(Line(stock.sku, stock.sku, Decimal(0), want, 0, 0, "30004"))
            continue
        # Short of stock is what the buyer app most needs to know; above the per-order
        # maximum only when the stock is there.
        problem = None
        if stock.held < min(want, stock.item.maximum):
            problem = "40002"
        elif want > stock.item.maximum:
            problem = "40009"
        maximum = min(stock.item.maximum, stock.free)
        lines.append(
            Line(stock.sku, stock.item.name, stock.item.price, want, stock.held, maximum, problem)
        )
    return lines


def _tat(seller: SellerRecord, stocks: Sequence[Stock], *, pickup: bool = False) -> timedelta:
    ship = max(
        (parse_duration(stock.item.time_to_ship) for stock in stocks if stock.item is not None),
        default=timedelta(days=1),
    )
    # Ready to collect once ready to ship; a delivery adds the days in transit.
    return ship if pickup else ship + timedelta(days=seller.transit_days)


def _requested_type(order: schemas.Order) -> str:
    """The fulfilment type the buyer app asks for (Delivery unless it says otherwise)."""
    for fulfillment in order.fulfillments or []:
        if fulfillment.type:
            return fulfillment.type
    return "Delivery"


def _fulfillment(
    seller: SellerRecord, tat: timedelta, *, serviceable: bool, kind: str = "Delivery"
) -> dict[str, Any]:
    return {
        "id": DELIVERY_FULFILLMENT_ID,
        "type": kind,
        "@ondc/org/provider_name": seller.name,
        "tracking": False,
        "@ondc/org/category": "Takeaway" if kind == "Self-Pickup" else "Standard Delivery",
        "@ondc/org/TAT": iso_duration(tat),
        "state": {"descriptor": {"code": "Serviceable" if serviceable else "Non-serviceable"}},
    }


async def _quote_cart(
    request: schemas.Envelope,
    order: schemas.Order,
    *,
    book: OrderBook,
    policy: OrderPolicy,
    now: datetime,
) -> tuple[dict[str, Any], tuple[str, str] | None, Decimal, SellerRecord, LocationRecord]:
    """Hold what the cart asks for and quote it: the order document of an ``on_select``."""
    seller, location = await _seller(book, order)
    if closed_on(location, now.date()):
        until = location.closed_until if location.closed_from else None
        raise _Refusal(
            "30017",
            f"{seller.name} is closed "
            + (f"until {until} (seasonal closure)" if until else "today (holiday)"),
        )
    wants = _wants(order)
    kind = _requested_type(order)
    if kind not in location.fulfillment_types:
        offered = " or ".join(location.fulfillment_types)
        raise _Refusal(
            "30008" if kind == "Self-Pickup" else "30009",
            f"message.order.fulfillments[0].type {kind!r}: {seller.name} offers {offered}",
        )
    gps, pincode = _end_location(order)
    pickup = kind == "Self-Pickup"
    # A buyer collecting at the store needs no delivery to its address.
    serviceable = pickup or serves(location, gps=gps, pincode=pincode)
    stocks = await book.hold(
        transaction_id=_tx(request),
        seller_code=seller.code,
        wants=wants if serviceable else dict.fromkeys(wants, 0),
        now=now,
        until=now + policy.hold,
    )
    lines = _lines(stocks, wants)
    error = problems_message(lines)
    delivery = Decimal(seller.delivery_charge) if serviceable and not pickup else Decimal(0)
    packing = Decimal(seller.packing_charge) if serviceable else Decimal(0)
    # Item prices include GST (retail prices in India are tax-inclusive by law), so the
    # breakup has no separate tax line.
    quote = build_quote(lines, delivery=delivery, packing=packing, with_stock=True)
    if not serviceable:
        error = (
            "30009",
            f"delivery to {pincode or gps or 'the given location'} is not serviceable "
            f"from {location.city}",
        )
    document = {
        "provider": {"id": seller.code, "locations": [{"id": location.code}]},
        "items": [
            {
                "id": line.sku,
                "fulfillment_id": DELIVERY_FULFILLMENT_ID,
                "quantity": {"count": line.can_have},
                "location_id": location.code,
            }
            for line in lines
        ],
        "fulfillments": [
            _fulfillment(
                seller,
                _tat(seller, stocks, pickup=pickup),
                serviceable=serviceable,
                kind=kind,
            )
        ],
        "quote": quote.payload,
    }
    return document, error, quote.total, seller, location


async def _on_select(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    policy: OrderPolicy,
    **_: Any,
) -> schemas.Envelope:
    order = _order_of(request)
    document, error, total, seller, _location = await _quote_cart(
        request, order, book=orders, policy=policy, now=now
    )
    await _save(orders, request, seller, "selected", document, total, now)
    shown = {
        "provider": document["provider"],
        "items": [
            {"id": i["id"], "fulfillment_id": i["fulfillment_id"]} for i in document["items"]
        ],
        "fulfillments": document["fulfillments"],
        "quote": document["quote"],
    }
    return _callback(
        request,
        identity=identity,
        now=now,
        message={"order": shown},
        error=error,
    )


async def _save(
    book: OrderBook,
    request: schemas.Envelope,
    seller: SellerRecord,
    stage: str,
    document: dict[str, Any],
    total: Decimal,
    now: datetime,
) -> None:
    context = request.context
    await book.save_draft(
        transaction_id=_tx(request),
        bap_id=context.bap_id or "",
        bap_uri=str(context.bap_uri),
        domain=context.domain or "",
        city=context.city or "",
        seller_code=seller.code,
        stage=stage,
        document=document,
        total=total,
        now=now,
    )


def _without_stock(quote: dict[str, Any]) -> dict[str, Any]:
    """The quote as init and confirm carry it: without on_select's stock counts."""
    breakup = []
    for line in quote["breakup"]:
        line = dict(line)
        if "item" in line:
            line["item"] = {k: v for k, v in line["item"].items() if k != "quantity"}
        breakup.append(line)
    return {**quote, "breakup": breakup}


def _payment_terms(seller: SellerRecord, policy: OrderPolicy, asked: Any) -> dict[str, Any]:
    fee_type = policy.finder_fee_type
    fee_amount = policy.finder_fee_amount
    if isinstance(asked, schemas.Payment):
        fee_type = asked.buyer_app_finder_fee_type or fee_type
        if asked.buyer_app_finder_fee_amount is not None:
            fee_amount = str(asked.buyer_app_finder_fee_amount)
    own = bool(seller.settlement_account and seller.settlement_ifsc)
    upi = seller.settlement_upi or (None if own else policy.upi)
    account = {
        "settlement_bank_account_no": seller.settlement_account if own else policy.bank_account,
        "settlement_ifsc_code": seller.settlement_ifsc if own else policy.ifsc,
        "beneficiary_name": seller.name if own else policy.beneficiary,
        "bank_name": seller.settlement_bank_name if own else policy.bank_name,
        "branch_name": seller.settlement_branch if own else policy.branch,
    }
    details: dict[str, Any] = {
        "settlement_counterparty": "seller-app",
        "settlement_phase": "sale-amount",
        "settlement_type": "upi" if upi else "neft",
        **({"upi_address": upi} if upi else {}),
        **{key: value for key, value in account.items() if value},
    }
    return {
        "type": "ON-ORDER",
        "collected_by": "BAP",
        "@ondc/org/buyer_app_finder_fee_type": fee_type,
        "@ondc/org/buyer_app_finder_fee_amount": fee_amount,
        "@ondc/org/settlement_basis": policy.settlement_basis,
        "@ondc/org/settlement_window": policy.settlement_window,
        "@ondc/org/withholding_amount": policy.withholding_amount,
        "@ondc/org/settlement_details": [details],
    }


def _bpp_terms(seller: SellerRecord, policy: OrderPolicy) -> list[dict[str, Any]]:
    # tax_number: the GSTIN of the seller app (the marketplace; a seller's own if the
    # marketplace has none); provider_tax_number: the seller's own PAN, which the log
    # validator wants to differ from the PAN inside tax_number.
    gstin = policy.gstin or seller.gstin
    pan = seller.pan or (seller.gstin[2:12] if seller.gstin and seller.gstin != gstin else None)
    terms: list[dict[str, Any]] = [
        {"code": "max_liability", "value": policy.max_liability_percent},
        {"code": "mandatory_arbitration", "value": "false"},
        {"code": "court_jurisdiction", "value": "Shimla"},
        {"code": "delay_interest", "value": "7.5"},
        {"code": "np_type", "value": "MSN"},
    ]
    head = [{"code": "tax_number", "value": gstin}] if gstin else []
    head += [{"code": "provider_tax_number", "value": pan}] if pan else []
    return [{"code": "bpp_terms", "list": head + terms}]


def _json(model: Any) -> Any:
    return (
        None if model is None else model.model_dump(mode="json", by_alias=True, exclude_none=True)
    )


async def _on_init(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    policy: OrderPolicy,
    **_: Any,
) -> schemas.Envelope:
    order = _order_of(request)
    draft = await orders.by_transaction(_tx(request))
    if draft is not None and draft.stage == "confirmed":
        raise _Refusal("30000", "this transaction is already confirmed as an order")
    document, error, total, seller, _location = await _quote_cart(
        request, order, book=orders, policy=policy, now=now
    )
    if draft is not None and error is None:
        # Same cart: the quote of on_select holds (its prices, even if the seller has
        # changed them since); a changed cart is quoted afresh and says so.
        same = [(i["id"], i["quantity"]["count"]) for i in draft.document.get("items", [])]
        if same == [(i["id"], i["quantity"]["count"]) for i in document["items"]]:
            document["quote"], total = draft.document["quote"], draft.total
    fulfillment = dict(document["fulfillments"][0])
    fulfillment.pop("state", None)
    asked = order.fulfillments[0] if order.fulfillments else None
    if asked is not None and asked.end is not None:
        fulfillment["end"] = _json(asked.end)
    document |= {
        "items": [
            {
                "id": i["id"],
                "quantity": i["quantity"],
                "fulfillment_id": i["fulfillment_id"],
                "location_id": i["location_id"],
            }
            for i in document["items"]
        ],
        "billing": _json(order.billing),
        "fulfillments": [fulfillment],
        "quote": _without_stock(document["quote"]),
        "payment": _payment_terms(seller, policy, order.payment),
        "tags": _bpp_terms(seller, policy),
    }
    document = {k: v for k, v in document.items() if v is not None}
    await _save(orders, request, seller, "initialized", document, total, now)
    return _callback(
        request,
        identity=identity,
        now=now,
        message={"order": document},
        error=error,
    )


async def _on_confirm(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    policy: OrderPolicy,
    **_: Any,
) -> schemas.Envelope:
    order = _order_of(request)
    if not order.id:
        raise _Refusal("30000", "message.order.id is required")
    draft = await orders.by_transaction(_tx(request))
    if draft is None or draft.stage == "selected":
        raise _Refusal("30019", "confirm needs an /init in the same transaction first")
    if draft.stage == "confirmed":
        if draft.order_id != order.id:
            raise _Refusal("30019", f"this transaction is already order {draft.order_id}")
        return _callback(
            request, identity=identity, now=now, message={"order": wire(draft.document)}
        )
    asked = order.quote.price.value if order.quote and order.quote.price else None
    if asked is None or Decimal(str(asked)) != draft.total:
        raise _Refusal(
            "40008",
            f"message.order.quote.price.value {asked} is not the quoted {money(draft.total)}",
        )
    found = await orders.seller(draft.seller_code)
    if found is None:
        raise _Refusal("30001", f"provider {draft.seller_code} not found")
    seller, location = found
    chosen = draft.document["fulfillments"][0]
    tat = parse_duration(chosen["@ondc/org/TAT"])
    pickup = chosen.get("type") == "Self-Pickup"
    ship = tat if pickup else tat - timedelta(days=seller.transit_days)
    # Every order starts Created; the order timers accept it at once for a seller who
    # accepts automatically (an on_status after the on_confirm), or cancel it if the
    # seller has not accepted it by accept_by.
    accept_by = now if seller.auto_accept else now + timedelta(minutes=seller.accept_minutes)
    state = "Created"

    def finish(row: OrderRow) -> Change:
        document = _confirmed_document(
            row,
            order,
            seller,
            location,
            state,
            now,
            ship=ship,
            confirmed_at=_stamp(request.context.timestamp, now),
        )
        return Change(state, "Pending", document)

    result = await orders.confirm(
        _tx(request),
        order_id=order.id,
        now=now,
        finish=finish,
        accept_by=accept_by,
        ship_by=now + ship,
    )
    if isinstance(result, Shortfall):
        message = orjson.dumps(
            [
                {"item_id": sku, "error": "40002", "available": free}
                for sku, free in result.free.items()
            ]
        ).decode()
        raise _Refusal("40002", message)
    return _callback(request, identity=identity, now=now, message={"order": wire(result.document)})


def _stamp(value: str | datetime | None, now: datetime) -> str:
    if isinstance(value, datetime):
        return schemas.format_timestamp(value)
    return value or schemas.format_timestamp(now)


def _json_list(models: Any) -> list[Any] | None:
    return None if not models else [_json(model) for model in models]


def _confirmed_document(
    draft: OrderRow,
    order: schemas.Order,
    seller: SellerRecord,
    location: LocationRecord,
    state: str,
    now: datetime,
    *,
    ship: timedelta,
    confirmed_at: str,
) -> dict[str, Any]:
    base = draft.document
    fulfillment = dict(base["fulfillments"][0])
    asked = order.fulfillments[0] if order.fulfillments else None
    if asked is not None and asked.end is not None:
        fulfillment["end"] = _json(asked.end)
    fulfillment["state"] = {"descriptor": {"code": "Pending"}}
    ship_by = now + ship
    deliver_by = now + parse_duration(fulfillment["@ondc/org/TAT"])
    if "end" in fulfillment:
        fulfillment["end"] = {
            **fulfillment["end"],
            "time": {
                "range": {
                    "start": schemas.format_timestamp(ship_by),
                    "end": schemas.format_timestamp(deliver_by),
                }
            },
        }
    fulfillment["start"] = {
        "time": {
            "range": {
                "start": schemas.format_timestamp(now),
                "end": schemas.format_timestamp(ship_by),
            }
        },
        "location": {
            "id": location.code,
            "descriptor": {"name": seller.name},
            "gps": location.gps,
            "address": {
                "locality": location.locality,
                "city": location.city,
                "area_code": location.pincode,
                "state": location.state,
            },
        },
        "contact": {"phone": seller.phone, "email": seller.email},
        "person": {"name": seller.name},
    }
    payment = dict(base.get("payment", {}))
    if order.payment is not None:
        payment |= _json(order.payment)
    # The order was created when the buyer app confirmed it: its created_at, else the
    # confirm's own timestamp (the log validator checks every later payload against it).
    stamp = confirmed_at
    created = _stamp(order.created_at, now) if order.created_at is not None else stamp
    # Updated now: the seller side added the fulfilment's state (the validator wants the
    # on_confirm's own timestamp here).
    updated = schemas.format_timestamp(now)
    return {
        "id": order.id,
        "state": state,
        "provider": base["provider"],
        "items": [
            {"id": i["id"], "fulfillment_id": i["fulfillment_id"], "quantity": i["quantity"]}
            for i in base["items"]
        ],
        "billing": _json(order.billing) or base.get("billing"),
        "fulfillments": [fulfillment],
        "quote": base["quote"],
        "payment": payment,
        "tags": _json_list(order.tags) or base.get("tags", []),
        "created_at": created,
        "updated_at": updated,
        INTERNAL: {"fulfillment_since": updated},
    }


async def _confirmed(
    request: schemas.Envelope, order_id: str | None, orders: OrderBook
) -> OrderRow:
    if not order_id:
        raise _Refusal("30000", "message.order_id is required")
    row = await orders.by_order_id(order_id, bap_id=request.context.bap_id)
    if row is None:
        raise _Refusal("30018", f"order {order_id} not found")
    return row


async def _on_status(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    assert isinstance(request, schemas.StatusRequest)
    row = await _confirmed(request, request.message.order_id, orders)
    # The state is the seller's: a buyer app asking never moves it.
    return _callback(
        request,
        identity=identity,
        now=now,
        message={"order": wire(row.document)},
    )


async def _on_track(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    assert isinstance(request, schemas.TrackRequest)
    row = await _confirmed(request, request.message.order_id, orders)
    url = row.document.get(INTERNAL, {}).get("tracking_url")
    if not url:
        raise _Refusal("40005", f"tracking is not enabled for order {row.order_id} yet")
    status = (
        "active" if row.fulfillment_state in ("Order-picked-up", "Out-for-delivery") else "inactive"
    )
    return _callback(
        request,
        identity=identity,
        now=now,
        message={"tracking": {"url": url, "status": status}},
    )


def _since(row: OrderRow) -> str:
    """When the delivery entered its current state."""
    since = row.document.get(INTERNAL, {}).get("fulfillment_since")
    return str(since or row.document.get("updated_at", ""))


CANCEL_FULFILLMENT_ID: Final = "C1"
RTO_FULFILLMENT_ID: Final = "R1"


def _moved_lines(
    document: Mapping[str, Any], to: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The order's item lines left on the delivery with count 0, and the same lines (their
    counts) moved to fulfilment ``to``: how ONDC shows goods leaving a delivery."""
    emptied, moved = [], []
    for item in document.get("items", []):
        if item.get("fulfillment_id") != DELIVERY_FULFILLMENT_ID:
            continue
        count = item.get("quantity", {}).get("count", 0)
        emptied.append(
            {
                **item,
                "quantity": {"count": 0},
                "tags": [{"code": "type", "list": [{"code": "type", "value": "item"}]}],
            }
        )
        moved.append({"id": item["id"], "fulfillment_id": to, "quantity": {"count": count}})
    return emptied, moved


def cancelled_document(
    row: OrderRow, *, by: str, reason: str, fulfillment_state: str, now: datetime
) -> dict[str, Any]:
    """The order document after a cancellation before pick-up (by the buyer app, the
    seller, or us), as ONDC retail 1.2.0 shows it: the delivery ``Cancelled`` with the
    cancel request and the state it was in, its lines moved to a ``Cancel`` fulfilment."""
    document = {key: value for key, value in row.document.items() if key != "tags"}
    fulfillments = [dict(f) for f in document.get("fulfillments", [])]
    delivery = fulfillments[0]
    delivery["state"] = {"descriptor": {"code": fulfillment_state}}
    delivery["tags"] = [
        {
            "code": "cancel_request",
            "list": [{"code": "reason_id", "value": reason}, {"code": "initiated_by", "value": by}],
        },
        {
            "code": "precancel_state",
            "list": [
                {"code": "fulfillment_state", "value": row.fulfillment_state or "Pending"},
                {"code": "updated_at", "value": _since(row)},
            ],
        },
    ]
    fulfillments.append(
        {
            "id": CANCEL_FULFILLMENT_ID,
            "type": "Cancel",
            "@ondc/org/provider_name": delivery.get("@ondc/org/provider_name", ""),
            "@ondc/org/TAT": delivery.get("@ondc/org/TAT", "P1D"),
            "state": {"descriptor": {"code": "Cancelled"}},
        }
    )
    emptied, moved = _moved_lines(document, CANCEL_FULFILLMENT_ID)
    document |= {
        "state": "Cancelled",
        "items": emptied + moved,
        "fulfillments": fulfillments,
        "cancellation": {"cancelled_by": by, "reason": {"id": reason}},
        "updated_at": schemas.format_timestamp(now),
    }
    return document


async def _on_cancel(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    assert isinstance(request, schemas.CancelRequest)
    reason = request.message.cancellation_reason_id
    row = await _confirmed(request, request.message.order_id, orders)
    by = request.context.bap_id or ""
    if row.state == "Cancelled" and row.document.get("cancellation", {}).get("cancelled_by") == by:
        return _callback(request, identity=identity, now=now, message={"order": wire(row.document)})
    if reason is None or reason not in BUYER_CANCEL_REASONS:
        raise _Refusal(
            "30012",
            f"message.cancellation_reason_id {reason!r} is not a buyer cancellation reason",
        )
    if reason in TAT_BREACH_REASONS and row.confirmed_at is not None:
        # Late: not delivered within the TAT, or not shipped by the seller's time to ship.
        tat = parse_duration(row.document["fulfillments"][0].get("@ondc/org/TAT", "P0D"))
        unshipped = row.fulfillment_state in ("Pending", "Packed")
        missed_ship = unshipped and row.ship_by is not None and now > row.ship_by
        if now < row.confirmed_at + tat and not missed_ship:
            raise _Refusal(
                "30014",
                f"order {row.order_id} is not late: its TAT {iso_duration(tat)} has not "
                "passed and it is not past its time to ship",
            )
    try:
        transition = next_state("buyer_cancel", row.state or "", row.fulfillment_state or "")
    except IllegalTransition as exc:
        raise _Refusal("50001", f"cancellation not possible: {exc}") from exc
    document = cancelled_document(
        row, by=by, reason=reason, now=now, fulfillment_state=transition.fulfillment
    )
    change = Change(
        transition.state,
        transition.fulfillment,
        document,
        restock=True,
        detail={"reason": reason},
    )
    try:
        row = await orders.transition(row, actor="buyer", event="cancel", change=change, now=now)
    except IllegalTransition as exc:
        raise _Refusal("50001", f"cancellation not possible: {exc}") from exc
    return _callback(request, identity=identity, now=now, message={"order": wire(row.document)})


async def _on_rating(
    request: schemas.Envelope, *, identity: Identity, now: datetime, **_: Any
) -> schemas.Envelope:
    assert isinstance(request, schemas.RatingRequest)
    for index, rating in enumerate(request.message.ratings or []):
        if rating.value not in {"1", "2", "3", "4", "5"}:
            raise _Refusal(
                "30015", f"message.ratings[{index}].value must be 1 to 5, not {rating.value!r}"
            )
    return _callback(
        request,
        identity=identity,
        now=now,
        message={"rating_ack": True, "feedback_ack": False},
    )


async def _on_support(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    assert isinstance(request, schemas.SupportRequest)
    ref = request.message.ref_id
    row: OrderRow | None = None
    if ref:
        row = await orders.by_order_id(ref, bap_id=request.context.bap_id)
        row = row or await orders.by_transaction(ref)
    found = await orders.seller(row.seller_code) if row is not None else None
    if found is None:
        raise _Refusal("50004", f"no order or transaction {ref!r} to give support for")
    seller = found[0]
    return _callback(
        request,
        identity=identity,
        now=now,
        message={"phone": seller.phone, "email": seller.email},
    )


async def _on_update(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """A return request (``update_target`` item, a ``Return`` fulfilment) or a refund the
    buyer app settled (``update_target`` payment): answered with the order as it now is."""
    assert isinstance(request, schemas.UpdateRequest)
    order = request.message.order
    target = request.message.update_target
    by = request.context.bap_id or ""
    if order is None or not order.id:
        raise _Refusal("30000", "message.order.id is required")
    row = await _confirmed(request, order.id, orders)
    try:
        if target == "payment" and order.payment is not None:
            change = record_settlement(row, order.payment, now=now)
            event = "refund_settled"
        elif target == "item":
            skus = {item["id"] for item in row.document.get("items", [])}
            terms = {sku: await orders.returnable(row.seller_code, sku) for sku in skus}
            change = request_return(row, order, by=by, now=now, returnable=terms)
            event = "return_requested"
        else:
            raise _Refusal(
                "50002",
                f"message.update_target {target!r}: only item (returns) "
                "and payment (refund settlement) can be updated",
            )
        row = await orders.transition(row, actor="buyer", event=event, change=change, now=now)
    except UpdateRefused as refusal:
        raise _Refusal(refusal.code, str(refusal)) from refusal
    except IllegalTransition as exc:
        raise _Refusal("50002", f"update not possible: {exc}") from exc
    return _callback(
        request,
        identity=identity,
        now=now,
        message={"update_target": target, "order": wire(row.document)},
    )


ORDER_REPLIES: Final = {
    "select": _answers_refusals(_on_select),
    "init": _answers_refusals(_on_init),
    "confirm": _answers_refusals(_on_confirm),
    "status": _answers_refusals(_on_status),
    "track": _answers_refusals(_on_track),
    "cancel": _answers_refusals(_on_cancel),
    "rating": _answers_refusals(_on_rating),
    "support": _answers_refusals(_on_support),
    "update": _answers_refusals(_on_update),
}
"""Order actions -> reply builders (merged into :data:`adapter.core.replies.REPLIES`)."""


def _return_to_origin(
    document: dict[str, Any],
    fulfillments: list[dict[str, Any]],
    row: OrderRow,
    *,
    by: str,
    reason: str,
) -> None:
    """Delivery failed: the delivery is cancelled (with the cancel request naming the RTO
    and the state it was in) and an RTO fulfilment takes the goods from the buyer's address
    back to the store; each line's value leaves the quote through the RTO's quote trail."""
    delivery = fulfillments[0]
    delivery["state"] = {"descriptor": {"code": "Cancelled"}}
    delivery["tags"] = [
        {
            "code": "cancel_request",
            "list": [
                {"code": "reason_id", "value": reason},
                {"code": "initiated_by", "value": by},
                {"code": "rto_id", "value": RTO_FULFILLMENT_ID},
            ],
        },
        {
            "code": "precancel_state",
            "list": [
                {"code": "fulfillment_state", "value": row.fulfillment_state or ""},
                {"code": "updated_at", "value": _since(row)},
            ],
        },
    ]
    quote = document.get("quote", {})
    breakup, trail, total = [], [], Decimal(0)
    for line in quote.get("breakup", []):
        if line.get("@ondc/org/title_type") == "item":
            trail.append(
                {
                    "code": "quote_trail",
                    "list": [
                        {"code": "type", "value": "item"},
                        {"code": "id", "value": line["@ondc/org/item_id"]},
                        {"code": "currency", "value": "INR"},
                        {"code": "value", "value": money(-Decimal(line["price"]["value"]))},
                    ],
                }
            )
            line = {
                **line,
                "@ondc/org/item_quantity": {"count": 0},
                "price": {"currency": "INR", "value": money(Decimal(0))},
            }
        total += Decimal(line["price"]["value"])
        breakup.append(line)
    document["quote"] = {
        **quote,
        "breakup": breakup,
        "price": {"currency": "INR", "value": money(total)},
    }
    end = delivery.get("end", {})
    fulfillments.append(
        {
            "id": RTO_FULFILLMENT_ID,
            "type": "RTO",
            "state": {"descriptor": {"code": "RTO-Initiated"}},
            "start": {
                key: end[key] for key in ("location", "contact", "person", "time") if key in end
            },
            "end": {"location": delivery.get("start", {}).get("location", {})},
            "tags": trail,
        }
    )
    emptied, moved = _moved_lines(document, RTO_FULFILLMENT_ID)
    document["items"] = moved + emptied
    document["cancellation"] = {"cancelled_by": by, "reason": {"id": reason}}
    # A cancelled order carries neither terms nor documents (the validator's schema).
    document.pop("tags", None)
    document.pop("documents", None)


def after_event(
    row: OrderRow,
    event: str,
    *,
    by: str,
    now: datetime,
    reason: str | None = None,
    tracking_url: str | None = None,
    invoice_url: str | None = None,
) -> Change:
    """What a seller's (or the adapter's) ``event`` does to an order: new states and
    document; raises :class:`IllegalTransition` when the order's state forbids it."""
    transition = next_state(event, row.state or "", row.fulfillment_state or "")
    stamp = schemas.format_timestamp(now)
    detail: dict[str, Any] = {"reason": reason} if reason else {}
    if transition.state == "Cancelled" and event not in ("rto", "rto_delivered", "rto_disposed"):
        document = cancelled_document(
            row, by=by, reason=reason or "005", now=now, fulfillment_state=transition.fulfillment
        )
        return Change(
            transition.state, transition.fulfillment, document, restock=True, detail=detail
        )
    document = {**row.document, "state": transition.state, "updated_at": stamp}
    fulfillments = [dict(f) for f in document.get("fulfillments", [])]
    delivery = fulfillments[0]
    internal = dict(document.get(INTERNAL, {}))
    if transition.fulfillment != row.fulfillment_state:
        internal["fulfillment_since"] = stamp
    if event == "rto":
        _return_to_origin(document, fulfillments, row, by=by, reason=reason or "013")
        fulfillments[-1]["state"] = {"descriptor": {"code": transition.fulfillment}}
    elif event in ("rto_delivered", "rto_disposed"):
        # The RTO fulfilment keeps the ends it was announced with; its state says it is
        # back with the seller (or disposed of).
        rto = next(f for f in fulfillments if f.get("type") == "RTO")
        rto["state"] = {"descriptor": {"code": transition.fulfillment}}
        rto["end"] = {**rto.get("end", {}), "time": {"timestamp": stamp}}
    else:
        delivery["state"] = {"descriptor": {"code": transition.fulfillment}}
    if event == "ship":
        start = dict(delivery.get("start", {}))
        start["time"] = {**start.get("time", {}), "timestamp": stamp}
        delivery["start"] = start
        # From pick-up on the delivery says how it travels (seller to buyer directly).
        delivery["tags"] = [{"code": "routing", "list": [{"code": "type", "value": "P2P"}]}]
        if tracking_url:
            delivery["tracking"] = True
            internal["tracking_url"] = tracking_url
            detail["tracking_url"] = tracking_url
        if invoice_url:
            document["documents"] = [{"url": invoice_url, "label": "Invoice"}]
    if event == "deliver":
        internal["delivered_at"] = stamp
        end = dict(delivery.get("end", {}))
        end["time"] = {**end.get("time", {}), "timestamp": stamp}
        delivery["end"] = end
    document["fulfillments"] = fulfillments
    if internal:
        document[INTERNAL] = internal
    restock = event == "rto_delivered"
    return Change(
        transition.state, transition.fulfillment, document, restock=restock, detail=detail
    )


def unsolicited(
    row: OrderRow,
    document: Mapping[str, Any],
    *,
    action: str,
    identity: Identity,
    message_id: str,
    now: datetime,
) -> dict[str, Any]:
    """The body of an ``on_status``/``on_cancel`` the seller's event sends unasked: the
    transaction's ids and a fresh message id."""
    return {
        "context": {
            "domain": row.domain,
            "country": "IND",
            "city": row.city,
            "action": action,
            "core_version": "1.2.0",
            "bap_id": row.bap_id,
            "bap_uri": row.bap_uri,
            "bpp_id": identity.subscriber_id,
            "bpp_uri": identity.subscriber_url,
            "transaction_id": row.transaction_id,
            "message_id": message_id,
            "timestamp": schemas.format_timestamp(now),
            "ttl": "PT30S",
        },
        "message": {"order": wire(document)},
    }


def settlement(row: OrderRow, *, delivered_at: datetime | None) -> dict[str, Any]:
    """What the seller will be paid for an order, line by line, and when.

    From the order's own quote and payment terms: the goods and the charges the buyer paid,
    less the buyer app's finder fee (a percentage of the order value or an amount, as agreed
    in ``on_init``), the amount withheld for returns, and the statutory deductions the
    collecting app makes on an e-commerce sale (1% TCS under section 52 of the CGST Act and
    1% TDS under section 194-O of the Income-tax Act, both on the order value, shown as
    estimates). Paid ``settlement_window`` after delivery when the basis is delivery.
    """
    quote = row.document.get("quote", {})
    by_type: dict[str, Decimal] = {}
    for line in quote.get("breakup", []):
        kind = line.get("@ondc/org/title_type", "misc")
        by_type[kind] = by_type.get(kind, Decimal(0)) + Decimal(line["price"]["value"])
    total = Decimal(quote.get("price", {}).get("value", "0"))
    payment = row.document.get("payment", {})
    fee_type = payment.get("@ondc/org/buyer_app_finder_fee_type", "percent")
    fee_amount = Decimal(str(payment.get("@ondc/org/buyer_app_finder_fee_amount", "0")))
    finder_fee = total * fee_amount / 100 if fee_type == "percent" else fee_amount
    withheld = Decimal(str(payment.get("@ondc/org/withholding_amount", "0")))
    tcs = total / 100
    tds = total / 100
    if row.state == "Cancelled":
        # Nothing was sold: no fee, no deductions, nothing to pay out.
        finder_fee = withheld = tcs = tds = Decimal(0)
        total = Decimal(0)
    net = total - finder_fee - withheld - tcs - tds
    window = payment.get("@ondc/org/settlement_window", "P1D")
    expected = None
    if delivered_at is not None:
        expected = schemas.format_timestamp(delivered_at + parse_duration(window))
    return {
        "order_id": row.order_id,
        "items": money(by_type.get("item", Decimal(0))),
        "delivery_charges": money(by_type.get("delivery", Decimal(0))),
        "packing_charges": money(by_type.get("packing", Decimal(0))),
        "taxes": money(by_type.get("tax", Decimal(0))),
        "discounts": money(by_type.get("discount", Decimal(0))),
        "order_value": money(total),
        "buyer_app_finder_fee": money(finder_fee),
        "finder_fee_terms": f"{fee_amount}%" if fee_type == "percent" else f"INR {fee_amount}",
        "withholding_for_returns": money(withheld),
        "tcs_gst_1_percent_estimate": money(tcs),
        "tds_194o_1_percent_estimate": money(tds),
        "net_payout": money(net),
        "settlement_basis": payment.get("@ondc/org/settlement_basis", "delivery"),
        "settlement_window": window,
        "expected_by": expected,
        "status": "cancelled: nothing to settle"
        if row.state == "Cancelled"
        else "awaiting delivery"
        if expected is None
        else "due",
    }
