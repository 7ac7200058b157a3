"""Payment and settlement terms (Beckn core 1.2.0 ``Payment``, ONDC ``@ondc/org/...``).

In ONDC retail 1.2.0 the buyer app states its finder fee at ``/search``
(``@ondc/org/buyer_app_finder_fee_type`` ``percent``/``amount`` and ``..._amount``), the
seller answers ``/on_init`` with how and when the seller is paid
(``@ondc/org/settlement_basis``, ``@ondc/org/settlement_window``,
``@ondc/org/withholding_amount``, ``@ondc/org/settlement_details``), and the collector
reports ``status`` ``PAID``/``NOT-PAID`` with ``params``.
"""

from __future__ import annotations

from pydantic import Field

from schemas._base import DecimalValue, WireModel
from schemas._descriptor import TagGroup
from schemas._time import Time, Timestamp


class PaymentParams(WireModel):
    """Payment parameters (Beckn core 1.2.0 ``Payment.params``).

    ONDC retail 1.2.0: ``amount`` and ``currency``, and once paid the collector's
    ``transaction_id``.
    """

    transaction_id: str | None = None
    transaction_status: str | None = None
    amount: DecimalValue | None = None
    currency: str | None = None
    bank_code: str | None = None
    bank_account_number: str | None = None
    virtual_payment_address: str | None = None


class SettlementDetail(WireModel):
    """Where and how one party is settled (ONDC retail 1.2.0 ``@ondc/org/settlement_details``).

    ``settlement_counterparty`` ``seller-app``/``buyer-app``..., ``settlement_phase``
    ``sale-amount``, ``settlement_type`` ``upi``/``neft``/``rtgs`` with the bank or UPI
    fields; after settling, ``settlement_status``, ``settlement_reference`` and
    ``settlement_timestamp``.
    """

    settlement_counterparty: str | None = None
    settlement_phase: str | None = None
    settlement_type: str | None = None
    settlement_amount: DecimalValue | None = None
    settlement_bank_account_no: str | None = None
    settlement_ifsc_code: str | None = None
    upi_address: str | None = None
    bank_name: str | None = None
    branch_name: str | None = None
    beneficiary_name: str | None = None
    beneficiary_address: str | None = None
    settlement_status: str | None = None
    settlement_reference: str | None = None
    settlement_timestamp: Timestamp | None = None


class Payment(WireModel):
    """The payment of an order or a search intent (Beckn core 1.2.0 ``Payment``).

    ``type`` ``ON-ORDER``/``ON-FULFILLMENT``/``POST-FULFILLMENT``, ``collected_by``
    ``BAP``/``BPP``, ``status`` ``PAID``/``NOT-PAID``. ONDC retail 1.2.0 extensions:
    ``buyer_app_finder_fee_type``/``..._amount``, ``settlement_basis``
    (``delivery``/``shipment``/``return_window_expiry``), ``settlement_window`` (ISO 8601;
    the validator wants ``PT<n>H``), ``withholding_amount``, ``settlement_details``.
    """

    uri: str | None = None
    tl_method: str | None = None
    params: PaymentParams | None = None
    type: str | None = None
    status: str | None = None
    time: Time | None = None
    collected_by: str | None = None
    buyer_app_finder_fee_type: str | None = Field(
        default=None, alias="@ondc/org/buyer_app_finder_fee_type"
    )
    buyer_app_finder_fee_amount: DecimalValue | None = Field(
        default=None, alias="@ondc/org/buyer_app_finder_fee_amount"
    )
    settlement_basis: str | None = Field(default=None, alias="@ondc/org/settlement_basis")
    settlement_window: str | None = Field(default=None, alias="@ondc/org/settlement_window")
    withholding_amount: DecimalValue | None = Field(
        default=None, alias="@ondc/org/withholding_amount"
    )
    settlement_details: list[SettlementDetail] | None = Field(
        default=None, alias="@ondc/org/settlement_details"
    )
    tags: list[TagGroup] | None = None
