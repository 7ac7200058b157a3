"""The served adapter under fuzzing: its credentials, the request each route's fuzz case
becomes, and what every answer must satisfy.

One :class:`Target` per ``ondc-seller serve`` process. Requests are made with a blocking
client from a thread of their own, so the sandbox registry and buyer app (served by the
test's event loop) keep answering the adapter's lookups and callbacks meanwhile.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, urlencode

import httpx
import orjson
from hypothesis import strategies as st

import schemas
from adapter.core.catalog_inc import incremental_request
from adapter.core.clock import SystemClock
from adapter.sandbox.buyer import SandboxBuyer
from adapter.seller_api.stock_webhook import sign_stock_push
from tests.fixtures import REPO_ROOT, settings_values
from tests.fuzz.inputs import (
    Encoded,
    encoded_bodies,
    json_values,
    junk_headers,
    mutated,
    path_segments,
    to_json,
)
from tests.fuzz.routes import FuzzRoute, auth_of
from tests.schemas.examples import payload_action, payload_files, read_example

__all__ = [
    "Credentials",
    "Sent",
    "Target",
    "expects_callback",
    "finish",
    "fuzz_request",
    "seed_request",
]

DEMO: Final = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())
SELLER: Final = DEMO["sellers"][0]
SUBSCRIBER_ID: Final = settings_values("sqlite://")["ONDC_SUBSCRIBER_ID"]
MEGABYTE: Final = 1024 * 1024


def _examples() -> dict[str, list[dict[str, Any]]]:
    by_action: dict[str, list[dict[str, Any]]] = {}
    for name in payload_files():
        document = orjson.loads(read_example(name))
        action = payload_action(document)
        if action is not None and isinstance(document.get("message"), dict):
            by_action.setdefault(action, []).append(document)
    return by_action


EXAMPLES: Final = _examples()


@dataclass(frozen=True, slots=True)
class Credentials:
    """What the fuzzer signs in with: the operator's key, one seller's API key and webhook
    secret, a dashboard session opened with the operator's key."""

    admin_key: str
    seller_code: str
    seller_key: str
    webhook_secret: str
    session: str


@dataclass(frozen=True, slots=True)
class Sent:
    """A request as it goes on the wire."""

    method: str
    url: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    chunked: bool = False
    action: str | None = None  # a Beckn action whose ACK promises a callback

    def describe(self) -> str:
        """The request, short enough for a failure message."""
        return (
            f"{self.method} {self.url[:300]}\nheaders: {self.headers!r:.1000}\n"
            f"body ({len(self.body)} bytes{', chunked' if self.chunked else ''}): "
            f"{self.body[:400]!r}"
        )


@dataclass
class Target:
    """A served adapter, the identities that talk to it, and what the fuzz saw."""

    origin: str  # http://127.0.0.1:PORT
    pid: int
    log: Path
    buyer: SandboxBuyer
    buyer_url: str
    credentials: Credentials
    hits: Counter[str] = field(default_factory=Counter)
    passed_auth: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    acked: list[tuple[str, str, bytes]] = field(default_factory=list)  # action, message id, body
    # A connection per request: a server that answers and closes (a refused body) must not
    # make the next request fail on a connection the pool kept.
    client: httpx.Client = field(
        default_factory=lambda: httpx.Client(
            timeout=30.0, limits=httpx.Limits(max_keepalive_connections=0)
        )
    )

    def send(self, route: FuzzRoute, sent: Sent, *, refused: bool = False) -> httpx.Response | None:
        """Send ``sent`` and hold its answer to the fuzz's rules: never a 5xx, never a
        traceback, a compressed body refused with 415, a Beckn answer an ACK or a NACK.

        ``refused``: a body past the route's limit, which the server may answer and close
        on while the client is still sending (the client then sees the connection reset,
        not the answer: ``None``)."""
        body: Any = sent.body
        if sent.chunked:
            content = sent.body
            body = (content[i : i + 65536] for i in range(0, max(len(content), 1), 65536))
        self.hits[route.label] += 1
        try:
            answer = self.client.request(sent.method, sent.url, headers=sent.headers, content=body)
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
            if refused:
                return None
            raise AssertionError(f"no answer ({exc!r}) to\n{sent.describe()}") from exc
        except httpx.TransportError as exc:
            raise AssertionError(f"no answer ({exc!r}) to\n{sent.describe()}") from exc
        self.statuses[answer.status_code] += 1
        if answer.status_code not in (401, 403):
            self.passed_auth[route.label] += 1
        assert answer.status_code < 500, (
            f"{answer.status_code} {answer.text[:500]}\n{sent.describe()}"
        )
        assert b"Traceback" not in answer.content, sent.describe()
        encodings = [v for n, v in sent.headers if n.lower() == b"content-encoding"]
        if encodings and encodings[0].strip().lower() not in (b"", b"identity"):
            assert answer.status_code == 415, f"{answer.status_code}\n{sent.describe()}"
        if route.method == "POST" and auth_of(route) == "beckn":
            self._beckn_answer(route, sent, answer)
        return answer

    def _beckn_answer(self, route: FuzzRoute, sent: Sent, answer: httpx.Response) -> None:
        reply = answer.json()
        status = reply["message"]["ack"]["status"]
        assert status in ("ACK", "NACK"), reply
        if status == "NACK":
            assert answer.status_code >= 400, reply
            error = reply["error"]
            assert error["code"].isdigit(), reply
            assert error["message"], reply
            return
        assert answer.status_code == 200, reply
        if sent.action is None:
            return
        parsed = orjson.loads(sent.body)
        message_id = parsed["context"]["message_id"]
        self.acked.append((sent.action, message_id, sent.body))


def _signed_beckn(target: Target, body: bytes, mode: str) -> list[tuple[bytes, bytes]]:
    now = SystemClock().timestamp()
    signer = target.buyer.signer
    if mode == "none":
        return []
    if mode == "expired":
        header = signer.sign(body, created=now - 7200, expires=now - 3600)
    elif mode == "long-lived":
        header = signer.sign(body, created=now, expires=now + 10 * 365 * 86400)
    elif mode == "other body":
        header = signer.sign(body + b" ", created=now, expires=now + 30)
    else:
        header = signer.sign(body, created=now, expires=now + 30)
    if mode == "flipped":
        cut = len(header) - 10
        header = header[:cut] + ("A" if header[cut] != "A" else "B") + header[cut + 1 :]
    headers = [(b"authorization", header.encode())]
    if mode == "gateway":
        headers.append((b"x-gateway-authorization", header.encode()))
    return headers


def _context(target: Target, action: str) -> dict[str, Any]:
    if action == "search":
        return target.buyer.context(action, bap_uri=target.buyer_url)
    igm = action in ("issue", "issue_status")
    return target.buyer.context(
        action,
        bap_uri=target.buyer_url,
        bpp_id=SUBSCRIBER_ID,
        bpp_uri=f"{target.origin}/ondc",
        **({"core_version": "1.0.0"} if igm else {}),
    )


def _beckn_document(target: Target, action: str, example: int) -> dict[str, Any]:
    found = EXAMPLES.get(action) or [{"message": {}}]
    message = found[example % len(found)]["message"]
    return {"context": _context(target, action), "message": message}


def _api_document(route: FuzzRoute, creds: Credentials) -> Any:
    """A body the route accepts, to mutate from (the route's validation lives past it)."""
    item = SELLER["items"][0]
    path = route.path
    if path == "/admin/v1/sellers/{code}":
        return {"seller": SELLER["seller"], "location": SELLER["location"]}
    if path == "/admin/v1/sellers/{code}/feed":
        return {"url": "https://feeds.example.in/stock.csv", "interval_seconds": 900}
    if path == "/admin/v1/sellers/{code}/keys":
        return {"label": "shop system"}
    if path == "/seller/v1/items/{sku}":
        return item
    if path in ("/seller/v1/stock", "/seller/v1/webhooks/stock/{code}"):
        return {"items": [{"sku": item["sku"], "available": 7}]}
    if path == "/seller/v1/notifications/endpoint":
        return {"url": "https://shop.example.in/hooks/ondc", "enabled": True}
    if path == "/seller/v1/complaints":
        return {"order_id": "O1", "code": "PMT002", "short_desc": "COD parcel refused"}
    if path == "/seller/v1/orders/{order_id}/part_cancel":
        return {"items": [{"sku": item["sku"], "quantity": 1}], "reason": "002"}
    if path == "/seller/v1/b2b/orders/{order_id}/reject":
        return {"reason": "credit limit for this buyer reached"}
    if path.startswith("/seller/v1/orders/"):
        return {"reason": "002", "tracking_url": "https://track.example.in/1"}
    if path == "/admin/v1/dashboard/credentials":
        return {"role": "seller", "seller_code": creds.seller_code, "label": "कुल्लू"}
    if path == "/admin/v1/dashboard/letters":
        return {
            "buyer": "Himachal Emporium", "product": "Kullu shawl", "district": "Kullu",
            "value": "125000.00", "signed_on": "2026-11-02", "meet": "Shimla buyer-seller meet",
        }  # fmt: skip
    return {}


_PLAIN_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "action": ("accept", "reject", "pack", "ship", "deliver", "cancel", "approve", "liquidate"),
    "fmt": ("csv", "xlsx"),
    "table_id": ("orders_by_district", "sla", "parked", "grievances_open"),
    "asset": ("swagger-ui.css", "redoc.standalone.js", "..%2F..%2Fpyproject.toml"),
    "job_id": ("1", "2"),
    "notification_id": ("1",),
    "credential_id": ("1",),
    "return_id": ("R1",),
    "order_id": ("O1",),
    "transaction_id": ("T1",),
    "pk": ("1",),
    "step": (
        "process",
        "ask_info",
        "propose",
        "resolve",
        "cascade",
        "accept",
        "escalate",
        "close",
    ),
    "letter_id": ("1",),
    "rfq_id": ("1",),
    "kind": ("proforma", "invoice"),
    "domain": ("ONDC:RET12", "ONDC:RET10"),
}


def _param_values(name: str, creds: Credentials) -> tuple[str, ...]:
    known = {
        "code": (creds.seller_code,),
        "seller_code": (creds.seller_code,),
        "sku": (SELLER["items"][0]["sku"],),
    }
    return known.get(name) or _PLAIN_VALUES.get(name) or ("x",)


def _param_value(name: str, creds: Credentials) -> st.SearchStrategy[str]:
    values = _param_values(name, creds)
    return st.one_of(st.sampled_from(values), st.sampled_from(values), path_segments())


def _url(target: Target, route: FuzzRoute, params: dict[str, str], query: str) -> str:
    path = route.path
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    return f"{target.origin}{path}" + (f"?{query}" if query else "")


def _auth_headers(target: Target, route: FuzzRoute, mode: str) -> list[tuple[bytes, bytes]]:
    creds = target.credentials
    auth = auth_of(route)
    if mode == "none" or auth in ("public", "beckn", None):
        return []
    key = {"operator": creds.admin_key, "seller": creds.seller_key}.get(auth or "")
    if auth == "dashboard":
        if mode == "session":
            return [(b"cookie", f"ondc_dashboard={creds.session}".encode())]
        key = creds.admin_key
    if key is None:
        return []
    if mode == "wrong":
        key = key[::-1]
    return [(b"authorization", f"Bearer {key}".encode())]


def _form(route: FuzzRoute, creds: Credentials) -> bytes:
    if route.path == "/dashboard/login":
        return urlencode({"token": creds.admin_key}).encode()
    return urlencode({"csrf": "not-this-sessions"}).encode()


_FORMS: Final = frozenset(
    {"/dashboard/login", "/dashboard/logout", "/dashboard/outbox/{job_id}/replay"}
)


def _body_document(target: Target, route: FuzzRoute, example: int) -> tuple[Any, str | None]:
    """The unmutated body of ``route`` (a JSON document or form bytes) and, for a Beckn
    action that answers with a callback, the action."""
    auth = auth_of(route)
    if auth == "beckn":
        action = route.path.rsplit("/", 1)[1]
        return _beckn_document(target, action, example), action
    if route.path in _FORMS:
        return _form(route, target.credentials), None
    if route.path == "/ondc/on_subscribe":
        return {"subscriber_id": "seller.odop.example", "challenge": "AAAA"}, None
    if route.method in ("POST", "PUT", "PATCH", "DELETE"):
        return _api_document(route, target.credentials), None
    return None, None


def finish(
    target: Target,
    route: FuzzRoute,
    url: str,
    encoded: Encoded | None,
    auth_mode: str,
    extra: list[tuple[bytes, bytes]],
    *,
    chunked: bool = False,
    callback: str | None = None,
) -> Sent:
    """The request: ``encoded`` with its headers, the route's credentials as ``auth_mode``
    says (Beckn and webhook signatures made over the final bytes), then ``extra``."""
    body = encoded.body if encoded else b""
    headers: list[tuple[bytes, bytes]] = []
    if encoded is not None and encoded.content_type is not None:
        headers.append((b"content-type", encoded.content_type.encode()))
    if encoded is not None and encoded.content_encoding is not None:
        headers.append((b"content-encoding", encoded.content_encoding.encode()))
    auth = auth_of(route)
    if auth == "beckn":
        headers += _signed_beckn(target, body, auth_mode)
    elif auth == "stock_webhook" and auth_mode != "none":
        stamp = SystemClock().timestamp() - (3600 if auth_mode == "stale" else 0)
        delivery = str(uuid.uuid4())
        secret = target.credentials.webhook_secret + ("x" if auth_mode == "wrong" else "")
        headers += [
            (b"x-odop-timestamp", str(stamp).encode()),
            (b"x-odop-delivery", delivery.encode()),
            (b"x-odop-signature", sign_stock_push(secret, stamp, delivery, body).encode()),
        ]
    else:
        headers += _auth_headers(target, route, auth_mode)
    headers += extra
    valid_callback = callback if auth == "beckn" and auth_mode in ("valid", "gateway") else None
    return Sent(route.method, url, headers, body, chunked=chunked, action=valid_callback)


def seed_request(target: Target, route: FuzzRoute) -> Sent:
    """``route`` asked as a client that knows it would: its credentials, plain path values,
    the body from which the fuzz mutates."""
    creds = target.credentials
    params = {name: _param_values(name, creds)[0] for name in route.params}
    document, callback = _body_document(target, route, 0)
    encoded = None
    if document is not None:
        raw = document if isinstance(document, bytes) else orjson.dumps(document)
        kind = (
            "application/x-www-form-urlencoded"
            if isinstance(document, bytes)
            else "application/json"
        )
        encoded = Encoded(raw, kind)
    mode = "session" if auth_of(route) == "dashboard" and route.method == "POST" else "valid"
    return finish(
        target, route, _url(target, route, params, ""), encoded, mode, [], callback=callback
    )


_AUTH_MODES: Final = {
    "beckn": ("valid",) * 8 + ("gateway", "none", "flipped", "expired", "long-lived", "other body"),
    "stock_webhook": ("valid",) * 5 + ("none", "wrong", "stale"),
    "dashboard": ("valid", "valid", "session", "none", "wrong"),
}


@st.composite
def fuzz_request(draw: st.DrawFn, target: Target, route: FuzzRoute) -> Sent:
    """One hostile request to ``route``: path values, query, credentials, headers and a
    body, each sometimes right and sometimes not."""
    creds = target.credentials
    params = {name: draw(_param_value(name, creds)) for name in route.params}
    names = [*route.query, "lang", "days", "limit", "x"]
    query_pairs = draw(st.lists(st.tuples(st.sampled_from(names), path_segments()), max_size=3))
    query = "&".join(f"{quote(k)}={v}" for k, v in query_pairs)
    document, callback = _body_document(target, route, draw(st.integers(0, 50)))
    if document is None and draw(st.integers(0, 5)) == 0:
        document = draw(json_values())  # a body where none is expected
    encoded = None
    if document is not None:
        if isinstance(document, bytes):
            raw = draw(
                st.one_of(st.just(document), st.binary(max_size=200), json_values().map(to_json))
            )
        else:
            if callback is not None:
                # Fresh ids stay fresh: a mutation of the context keeps them most times.
                document["context"]["message_id"] = str(uuid.uuid4())
            raw = to_json(draw(mutated(document)))
        encoded = draw(encoded_bodies(raw))
    auth_mode = draw(
        st.sampled_from(_AUTH_MODES.get(auth_of(route) or "", ("valid",) * 3 + ("none", "wrong")))
    )
    extra = draw(junk_headers())
    chunked = draw(st.integers(0, 7)) == 0
    url = _url(target, route, params, query)
    return finish(target, route, url, encoded, auth_mode, extra, chunked=chunked, callback=callback)


def expects_callback(action: str, body: bytes) -> bool:
    """Whether an ACKed ``action`` with this body owes a callback (a catalogue
    subscription's start or stop, and a catalogue rejection, are answered by none)."""
    if action == "catalog_rejection":
        return False
    if action == "search":
        search = schemas.parse(schemas.PAYLOAD_MODELS["search"], body)
        assert isinstance(search, schemas.SearchRequest)
        incremental = incremental_request(search)
        return incremental is None or incremental.mode == "pull"
    return True
