"""A B2B order's documents: the proforma invoice (from the purchase order on) and the tax
invoice (once the goods are picked up), as PDF files with the GST breakup, served at
signed URLs.

A document's URL is ``{origin}/b2b/documents/{seller}/{order_id}/{kind}.pdf?sig=...``: the
signature (HMAC-SHA256 with a key of this deployment) makes the URL unguessable, so a buyer
app can fetch it without an account and nobody can list other orders' documents. The PDF is
drawn from the order as stored when it is fetched.

GST: the buyer's state is the first two digits of its GSTIN; an order within the seller's
state (Himachal Pradesh, 02) is taxed as CGST + SGST (half each), one across states as IGST.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal

from fpdf import FPDF

from adapter.signed_links import LinkSigner

__all__ = ["KINDS", "DocumentLinks", "invoice_pdf"]

Kind = Literal["proforma", "invoice"]
KINDS: Final[dict[str, str]] = {"proforma": "PROFORMA_INVOICE", "invoice": "INVOICE"}
"""URL kind -> the ``documents[].label`` B2B 2.0.2 uses."""
_SELLER_STATE: Final = "02"  # Himachal Pradesh's GST state code


class DocumentLinks:
    """Signed URLs of order documents, and their check."""

    def __init__(self, subscriber_url: str, secret: str) -> None:
        self._signer = LinkSigner(subscriber_url, secret, purpose="ondc-b2b-documents")

    def url(self, seller_code: str, order_id: str, kind: Kind) -> str:
        """The signed URL of a document."""
        signature = self._signer.sign(seller_code, order_id, kind)
        path = f"/b2b/documents/{seller_code}/{order_id}/{kind}.pdf"
        return f"{self._signer.origin}{path}?sig={signature}"

    def valid(self, seller_code: str, order_id: str, kind: str, signature: str) -> bool:
        """Whether ``signature`` is this document's."""
        return self._signer.valid(signature, seller_code, order_id, kind)


def _latin(text: Any) -> str:
    # The PDF's core fonts are Latin-1: other characters (Devanagari, the rupee sign) are
    # written as "?" rather than failing the document.
    return str(text).encode("latin-1", "replace").decode("latin-1")


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,}"


def invoice_pdf(
    wire: dict[str, Any], *, kind: Kind, seller_name: str, seller_gstin: str | None,
    issued: datetime,
) -> bytes:  # fmt: skip
    """The document of a B2B order as PDF bytes."""
    billing = wire.get("billing") or {}
    buyer_gstin = str(billing.get("tax_id") or "")
    inter_state = buyer_gstin[:2] != _SELLER_STATE
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    title = "PROFORMA INVOICE" if kind == "proforma" else "TAX INVOICE"
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    for line in (
        f"Order {wire.get('id', '')}    issued {issued:%Y-%m-%d %H:%M} UTC",
        f"Seller: {seller_name}    GSTIN {seller_gstin or '-'}",
        f"Buyer: {billing.get('name', '')}    GSTIN {buyer_gstin or '-'}",
        f"Billing address: {billing.get('address', '')}",
        f"Supply: {'inter-state (IGST)' if inter_state else 'intra-state (CGST + SGST)'}",
    ):
        pdf.cell(0, 5, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (70, 18, 26, 28, 26, 22)
    pdf.set_font("Helvetica", "B", 9)
    for width, head in zip(widths, ("Item", "Qty", "Unit price", "Taxable", "GST", "Rate"),
                           strict=True):  # fmt: skip
        pdf.cell(width, 6, head, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=9)
    names = {item["id"]: item["id"] for item in wire.get("items", [])}
    taxes: dict[str, Decimal] = {}
    charges = Decimal(0)
    lines = wire["quote"]["breakup"]
    for line in lines:
        kind_of = line.get("@ondc/org/title_type")
        if kind_of == "tax":
            sku = str(line.get("@ondc/org/item_id"))
            taxes[sku] = taxes.get(sku, Decimal(0)) + Decimal(line["price"]["value"])
        elif kind_of in ("delivery", "packing", "misc"):
            charges += Decimal(line["price"]["value"])
    for line in lines:
        if line.get("@ondc/org/title_type") != "item":
            continue
        sku = str(line.get("@ondc/org/item_id"))
        taxable = Decimal(line["price"]["value"])
        tax = taxes.get(sku, Decimal(0))
        rate = (tax / taxable * 100).quantize(Decimal("0.01")) if taxable else Decimal(0)
        count = line.get("@ondc/org/item_quantity", {}).get("count", "")
        unit = (line.get("item") or {}).get("price", {}).get("value", "")
        cells = (f"{line.get('title') or names.get(sku, sku)}", str(count), str(unit),
                 _money(taxable), _money(tax), f"{rate}%")  # fmt: skip
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 6, _latin(text)[:40], border=1)
        pdf.ln()
    total_tax = sum(taxes.values(), Decimal(0))
    pdf.ln(2)
    if inter_state:
        summary = [("IGST", total_tax)]
    else:
        half = (total_tax / 2).quantize(Decimal("0.01"))
        summary = [("CGST", half), ("SGST", total_tax - half)]
    for label, amount in [*summary, ("Delivery and packing", charges)]:
        pdf.cell(0, 5, _latin(f"{label}: Rs {_money(amount)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 10)
    total = Decimal(wire["quote"]["price"]["value"])
    pdf.cell(0, 7, f"Total: Rs {_money(total)}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
