"""The demo's B2B data: business buyers, letters of intent like the meet's, and the
sellers' B2B price lists and terms. All of it is made up for the sandbox and marked so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from adapter.sandbox.b2b_journey import Party

__all__ = [
    "CATERER", "COUNTER_PRICE", "DEMO_LETTERS", "EXPECTED_STAGES", "EXPORTER", "FINDER_FEE",
    "FSSAI", "MEET", "OIL_BUYER", "PRICE_LISTS", "RFQ_RULES", "SELLER_TERMS", "SOURCE",
    "SPICE_BUYER", "STOCK", "TEA_BLENDER", "DemoLetter",
]  # fmt: skip

# The finder fee (percent) the demo's buyer app names in its searches, not the marketplace's
# ONDC_BUYER_FINDER_FEE_PERCENT: on_init and on_confirm carry the search's (docs/b2b.md).
FINDER_FEE: Final = "2.5"
MEET: Final = "HIM MSME Fest 2026, Shimla (demo letters, not the meet's)"
SOURCE: Final = "demo data made up for the sandbox; no real buyer or figure"

EXPORTER: Final = Party(
    name="Himalayan Looms Export House (demo)", gstin="07AAGCH4821K1Z6",
    address="Plot 14, Okhla Industrial Area Phase II, New Delhi 110020", city="New Delhi",
    state="Delhi", std_code="011", pincode="110020", gps="28.529500,77.271800",
    phone="9811000001", email="buying@himalayan-looms.example",
)  # fmt: skip
TEA_BLENDER: Final = Party(
    name="Hooghly Tea Blenders (demo)", gstin="19AAFCH7315M1Z2",
    address="7 Brabourne Road, Kolkata 700001", city="Kolkata", state="West Bengal",
    std_code="033", pincode="700001", gps="22.572600,88.363900",
    phone="9830000002", email="orders@hooghly-tea.example",
)  # fmt: skip
OIL_BUYER: Final = Party(
    name="Konkan Organic Stores (demo)", gstin="27AAECK2468P1Z8",
    address="12 Mint Road, Fort, Mumbai 400001", city="Mumbai", state="Maharashtra",
    std_code="022", pincode="400001", gps="18.938800,72.835400",
    phone="9820000003", email="purchase@konkan-organic.example",
)  # fmt: skip
SPICE_BUYER: Final = Party(
    name="Mall Road Spice House (demo)", gstin="02AAHFM1357Q1Z4",
    address="The Mall, Shimla 171001", city="Shimla", state="Himachal Pradesh",
    std_code="0177", pincode="171001", gps="31.104800,77.173400",
    phone="9816000004", email="stores@mallroad-spice.example",
)  # fmt: skip
CATERER: Final = Party(
    name="Deccan Flight Kitchens (demo)", gstin="36AADCD5826L1Z3",
    address="Plot 9, IDA Uppal, Hyderabad 500039", city="Hyderabad", state="Telangana",
    std_code="040", pincode="500039", gps="17.401200,78.559700",
    phone="9849000005", email="stores@deccan-kitchens.example",
)  # fmt: skip
HOTELIER: Final = Party(
    name="Dhauladhar Heritage Hotels (demo)", gstin="02AAFCD4682H1Z7",
    address="Temple Road, McLeod Ganj, Dharamshala 176219", city="Dharamshala",
    state="Himachal Pradesh", std_code="01892", pincode="176219", gps="32.242300,76.324500",
    phone="9816000006", email="stores@dhauladhar-hotels.example",
)  # fmt: skip
RUMAL_BUYER_GSTIN: Final = "07AAKCD9753R1Z1"


@dataclass(frozen=True, slots=True)
class DemoLetter:
    """A demo letter of intent: who signed for what, at which agreed price."""

    reference: str
    buyer: str
    gstin: str
    district: str
    product: str
    seller: str
    sku: str
    quantity: int
    unit_price: str
    payment_type: str
    terms: str


DEMO_LETTERS: Final = (
    DemoLetter("HIM-MSME-2026-DEMO-01", EXPORTER.name, EXPORTER.gstin, "Kinnaur",
               "Kinnauri Shawl", "odopkinnaur", "odopkinnaur02", 40, "18000.00",
               "PRE-FULFILLMENT", "40 pure-wool Kinnauri shawls for export, paid in advance"),
    DemoLetter("HIM-MSME-2026-DEMO-02", TEA_BLENDER.name, TEA_BLENDER.gstin, "Kangra",
               "Kangra Tea", "odopkangra", "odopkangra01", 500, "165.00",
               "POST-FULFILLMENT", "500 packs of orthodox Kangra tea on 30 days' credit"),
    DemoLetter("HIM-MSME-2026-DEMO-03", OIL_BUYER.name, OIL_BUYER.gstin, "Kinnaur",
               "Chulli oil (wild apricot kernel)", "odopkinnaur", "odopkinnaur01", 300,
               "380.00", "ON-FULFILLMENT", "300 bottles of cold-pressed chulli oil"),
    DemoLetter("HIM-MSME-2026-DEMO-04", SPICE_BUYER.name, SPICE_BUYER.gstin, "Kinnaur",
               "Kala Zeera (black cumin)", "odopkinnaur", "odopkinnaur03", 100, "190.00",
               "ON-FULFILLMENT", "100 packs of Kinnauri kala zeera"),
    DemoLetter("HIM-MSME-2026-DEMO-05", "Delhi Heritage Crafts (demo)", RUMAL_BUYER_GSTIN,
               "Chamba", "Chamba Rumal", "odopchamba", "odopchamba01", 20, "21000.00",
               "PRE-FULFILLMENT", "20 embroidered Chamba rumals; no RFQ sent since"),
    DemoLetter("HIM-MSME-2026-DEMO-06", CATERER.name, CATERER.gstin, "Sirmaur",
               "Ginger-garlic paste", "odopsirmaur", "odopsirmaur01", 600, "76.00",
               "ON-FULFILLMENT", "600 jars of ginger-garlic paste for flight kitchens"),
)  # fmt: skip
"""Six letters like the meet's; the fifth's buyer never sends an RFQ."""

# The sellers' B2B price lists (before GST) and terms, as they would enter them.
PRICE_LISTS: Final = {
    ("odopkinnaur", "odopkinnaur02"): {
        "slabs": [{"min_quantity": 1, "max_quantity": 19, "unit_price": "19500"},
                  {"min_quantity": 20, "unit_price": "18500"}],
        "min_order_quantity": 10, "time_to_ship": "P7D", "tax_rate": "5", "origin": "IND",
        # Entered by the seller: the RET12 code ONDC's B2B verifier takes for the item's
        # retail category, Dupattas & Shawls (docs/b2b.md).
        "category_code": "RET12-1029",
    },
    ("odopkinnaur", "odopkinnaur01"): {
        "slabs": [{"min_quantity": 1, "unit_price": "400"}],
        "min_order_quantity": 50, "time_to_ship": "P3D", "tax_rate": "5", "origin": "IND",
    },
    ("odopkinnaur", "odopkinnaur03"): {
        "slabs": [{"min_quantity": 1, "unit_price": "200"}],
        "min_order_quantity": 20, "time_to_ship": "P2D", "tax_rate": "5", "origin": "IND",
    },
    ("odopsirmaur", "odopsirmaur01"): {
        "slabs": [{"min_quantity": 1, "max_quantity": 199, "unit_price": "80"},
                  {"min_quantity": 200, "unit_price": "78"}],
        "min_order_quantity": 100, "time_to_ship": "P3D", "tax_rate": "5", "origin": "IND",
    },
    ("odopkangra", "odopkangra01"): {
        "slabs": [{"min_quantity": 1, "max_quantity": 99, "unit_price": "190"},
                  {"min_quantity": 100, "unit_price": "170"}],
        "min_order_quantity": 50, "time_to_ship": "P2D", "tax_rate": "5", "origin": "IND",
    },
}  # fmt: skip
SELLER_TERMS: Final = {
    # Its minimum order value (rupees, with GST): the minimum-order journey's first RFQ is
    # below it, the other journeys of this seller above.
    "odopkinnaur": {
        "payment_types": ["ON-FULFILLMENT", "PRE-FULFILLMENT"],
        "min_order_value": "15000",
    },
    "odopkangra": {"payment_types": ["POST-FULFILLMENT", "ON-FULFILLMENT"]},
    "odopsirmaur": {"payment_types": ["ON-FULFILLMENT"]},
}
RFQ_RULES: Final = {
    # The Sirmaur cooperative answers by hand the RFQs that carry the buyer's own terms
    # (docs/b2b.md, RFQs the seller decides), within ten minutes, else from its price list.
    "odopsirmaur": {"review": "terms", "decision_seconds": 600, "default": "quote"},
}
COUNTER_PRICE: Final = "74.00"
"""The Sirmaur seller's counter-offer per jar (before GST) for jars in catering cartons."""
FSSAI: Final = {"odopkinnaur": "10026011000101", "odopkangra": "10026011000102",
                "odopsirmaur": "10026011000103"}  # demo  # fmt: skip
# Set again on each run. A rejected PO's stock stays held for ONDC_STOCK_HOLD_SECONDS (its
# buyer may still confirm), so the chulli oil covers a few runs within that hold.
# The kala zeera covers the cancelled order and, for a few runs within the hold, the 100
# packs held for the quotation the minimum-order buyer never takes further (an item the
# retail flows leave alone: they set their items' stock to one).
STOCK: Final = {"odopkinnaur02": 60, "odopkinnaur01": 1500, "odopkinnaur03": 400,
                "odopkangra01": 800, "odopsirmaur01": 1200}  # fmt: skip


EXPECTED_STAGES: Final = {
    "HIM-MSME-2026-DEMO-01": ("paid", False),
    "HIM-MSME-2026-DEMO-02": ("paid", False),
    "HIM-MSME-2026-DEMO-03": ("quoted", False),  # its PO was rejected
    "HIM-MSME-2026-DEMO-04": ("signed", False),  # cancelled: counts for nothing, but moved
    "HIM-MSME-2026-DEMO-05": ("signed", True),  # no RFQ since the meet: on paper
    "HIM-MSME-2026-DEMO-06": ("po_placed", False),  # countered by hand, then ordered
}
"""Each demo letter's stage after the journeys, and whether the sweep flags it."""
