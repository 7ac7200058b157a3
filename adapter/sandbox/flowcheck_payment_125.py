"""The flow rules of who pays whom in retail 1.2.5, restated (pure): the seller app
collecting the payment (Pramaan's ``SNP_Collecting_Payment_Flow``, ONDC feature 007) and the
buyer app financing the purchase (``Purchase_Finance_Flow``, feature 0099). ONDC's
log-validation-utility (c3d10fe) names both flows (007, 0099) but judges neither (they are
not among its 1.2.5 flows), so each rule has our own name.

A transaction whose ``/on_init`` payment is ``collected_by`` BPP and ``ON-ORDER`` is paid on
the seller app's gateway:

- ``snp_link``: the answer to the init gives the link (``uri``, https), NOT-PAID, and an
  amount to pay (``params.amount``, which Pramaan's example leaves out) that is the quote's
  total;
- ``snp_collected_by``: every later payment is still collected by BPP, ON-ORDER;
- ``snp_paid_before_confirm``: an on_init says PAID, with the gateway's
  ``params.transaction_id`` and ``bpp_collect`` ``success`` Y, before the confirm;
- ``snp_paid_kept``: on_confirm and every later callback say PAID with that transaction id.

A transaction whose ``/init`` carries ``bap_terms`` ``finance_cost_type`` and
``finance_cost_value`` is financed by the buyer app:

- ``finance_echoed``: on_init carries the same finance terms in its ``bap_terms``;
- ``finance_kept``: on_confirm's ``bap_terms``, when they give a finance cost, give the
  init's;
- ``finance_quote``: the finance changes no price: on_init quotes on_select's total.

Other transactions are not judged by them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from adapter.sandbox.flowcheck import Violation

__all__ = ["check_purchase_finance", "check_seller_collection"]

_AFTER_CONFIRM: Final = frozenset({"on_confirm", "on_status", "on_update", "on_cancel"})
_PAY: Final = "$.message.order.payment"


def _parts(body: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    action = str((body.get("context") or {}).get("action", ""))
    return action, (body.get("message") or {}).get("order") or {}


def _collected(payment: Mapping[str, Any]) -> bool:
    return payment.get("collected_by") == "BPP" and payment.get("type") == "ON-ORDER"


def _success(payment: Mapping[str, Any]) -> str | None:
    for tag in payment.get("tags") or []:
        if tag.get("code") == "bpp_collect":
            for entry in tag.get("list") or []:
                if entry.get("code") == "success":
                    return str(entry.get("value"))
    return None


def check_seller_collection(steps: Sequence[tuple[str, Mapping[str, Any]]]) -> Iterator[Violation]:
    """The rules of a payment the seller app collects that the ordered ``steps`` of one
    transaction break (none when the buyer app collects)."""
    collecting = False
    paid_with: str | None = None
    answered_init = False
    for key, body in steps:
        action, order = _parts(body)
        payment = order.get("payment") or {}
        if action == "on_init" and not collecting and _collected(payment):
            collecting = True
        if not collecting or not payment:
            continue
        if action == "on_init" and not answered_init:
            answered_init = True
            yield from _link(key, order, payment)
            continue
        if action.startswith("on_") and not _collected(payment):
            yield Violation(
                "snp_collected_by", key, f"{_PAY}.collected_by",
                f"{payment.get('collected_by')!r}/{payment.get('type')!r}: the seller app "
                "collects an ON-ORDER payment",
            )  # fmt: skip
        params = payment.get("params") or {}
        if action == "on_init" and payment.get("status") == "PAID":
            if not params.get("transaction_id") or _success(payment) != "Y":
                yield Violation(
                    "snp_paid_before_confirm", key, _PAY,
                    "PAID needs params.transaction_id and bpp_collect success Y",
                )  # fmt: skip
            paid_with = params.get("transaction_id")
        elif action == "confirm" and paid_with is None:
            yield Violation(
                "snp_paid_before_confirm", key, _PAY,
                "confirmed before an on_init said the seller app was paid",
            )  # fmt: skip
            paid_with = params.get("transaction_id")  # later callbacks judged by it
        elif action in _AFTER_CONFIRM and (
            payment.get("status") != "PAID" or params.get("transaction_id") != paid_with
        ):
            yield Violation(
                "snp_paid_kept", key, _PAY,
                f"{payment.get('status')} {params.get('transaction_id')!r}: the payment the "
                f"seller app recorded was PAID {paid_with!r}",
            )  # fmt: skip


def _link(key: str, order: Mapping[str, Any], payment: Mapping[str, Any]) -> Iterator[Violation]:
    if not str(payment.get("uri") or "").startswith("https://"):
        yield Violation("snp_link", key, f"{_PAY}.uri", "the gateway link (https) is required")
    if payment.get("status") != "NOT-PAID":
        yield Violation("snp_link", key, f"{_PAY}.status", "NOT-PAID before the buyer pays")
    total = (order.get("quote") or {}).get("price", {}).get("value")
    amount = (payment.get("params") or {}).get("amount")
    if amount is not None and (total is None or float(amount) != float(total)):
        yield Violation(
            "snp_link", key, f"{_PAY}.params.amount", f"{amount!r} is not the quote's {total!r}"
        )


def _finance(order: Mapping[str, Any]) -> dict[str, Any] | None:
    for tag in order.get("tags") or []:
        if tag.get("code") == "bap_terms":
            terms = {e.get("code"): e.get("value") for e in tag.get("list") or []}
            if "finance_cost_type" in terms or "finance_cost_value" in terms:
                return {k: terms.get(k) for k in ("finance_cost_type", "finance_cost_value")}
    return None


def check_purchase_finance(steps: Sequence[tuple[str, Mapping[str, Any]]]) -> Iterator[Violation]:
    """The rules of a purchase the buyer app finances that the ordered ``steps`` of one
    transaction break (none for a purchase it does not)."""
    asked: dict[str, Any] | None = None
    quoted: Any = None
    for key, body in steps:
        action, order = _parts(body)
        where = "$.message.order.tags[bap_terms]"
        if action == "on_select":
            quoted = (order.get("quote") or {}).get("price", {}).get("value")
        elif action == "init":
            asked = _finance(order)
        elif asked is None:
            continue
        elif action == "on_init":
            if _finance(order) != asked:
                yield Violation("finance_echoed", key, where, f"the init's {asked} is required")
            total = (order.get("quote") or {}).get("price", {}).get("value")
            if quoted is not None and total is not None and float(total) != float(quoted):
                yield Violation(
                    "finance_quote", key, "$.message.order.quote.price.value",
                    f"{total} is not on_select's {quoted}: finance changes no price",
                )  # fmt: skip
        elif action == "on_confirm":
            kept = _finance(order)
            if kept is not None and kept != asked:
                yield Violation("finance_kept", key, where, f"{kept} is not the init's {asked}")
