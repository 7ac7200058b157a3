"""The dashboard's words in English and Hindi.

Labels are looked up by key; a key missing from Hindi falls back to English, so a new
label never shows as a raw key. District and ODOP product names come from the ODOP list.
"""

from __future__ import annotations

from typing import Final, Literal

from adapter.core.odop import districts
from adapter.dashboard.overview_words import OVERVIEW_EN, OVERVIEW_HI
from adapter.dashboard.review_words import REVIEW_EN, REVIEW_HI

__all__ = ["LANGUAGES", "Language", "place", "text"]

Language = Literal["en", "hi"]
LANGUAGES: Final[tuple[Language, ...]] = ("en", "hi")

_EN: Final[dict[str, str]] = {
    "title": "ODOP order flow: Himachal Pradesh",
    "subtitle": "One District One Product sellers on ONDC",
    "period": "Last {days} days",
    "language": "हिन्दी",
    "signed_in_as": "Signed in as",
    "sign_out": "Sign out",
    "login_title": "Dashboard sign-in",
    "login_prompt": "Access token (department viewer, seller, or the operator's admin key)",
    "login_button": "Sign in",
    "login_failed": "That token is not valid.",
    "export": "Export",
    "no_rows": "Nothing in this period.",
    "role_operator": "operator",
    "role_viewer": "department viewer",
    "role_seller": "seller",
    # sections
    "section_orders": "Orders",
    "section_service": "Service levels",
    "section_coverage": "Coverage",
    "section_letters": "Letters of intent",
    # tables
    "funnel": "Order funnel",
    "timeline": "Orders and value over time",
    "by_district": "By district",
    "by_product": "By ODOP product",
    "by_gi": "By GI product",
    "by_seller": "By seller",
    "reasons_by_district": "Cancellation reasons by district",
    "reasons_by_seller": "Cancellation reasons by seller",
    "ack_latency": "ACK latency of buyer apps' requests",
    "callbacks": "Callbacks against ONDC's window ({window} s)",
    "delivery": "Callback delivery attempts",
    "parked": "Parked callbacks",
    "late_to_ship": "Sellers missing their time to ship",
    "coverage": "Districts and their ODOP products",
    "held_items": "Items held back by pre-flight checks",
    "letters": "Letters of intent and orders realised",
    # columns
    "stage": "Stage",
    "count": "Count",
    "day": "Day",
    "orders": "Orders",
    "value": "Value (₹)",
    "cancelled": "Cancelled",
    "returned": "Returned",
    "rto": "Return to origin",
    "district": "District",
    "product": "ODOP product",
    "gi": "GI product",
    "seller": "Seller",
    "reason": "Reason",
    "cancelled_by": "Cancelled by",
    "action": "Action",
    "requests": "Requests",
    "nacks": "NACKs",
    "p50_ms": "p50 (ms)",
    "p95_ms": "p95 (ms)",
    "p99_ms": "p99 (ms)",
    "queued": "Queued",
    "delivered": "Delivered",
    "on_time": "On time",
    "parked_count": "Parked",
    "pending": "Pending",
    "outcome": "Outcome",
    "attempts": "Attempts",
    "mean_latency_ms": "Mean latency (ms)",
    "job": "Job",
    "buyer_app": "Buyer app",
    "transaction_id": "Transaction",
    "created_at": "Queued at",
    "last_error": "Last error",
    "replay": "Replay",
    "late_orders": "Late orders",
    "oldest_ship_by": "Oldest due",
    "live": "Live",
    "odop_products": "ODOP products",
    "live_products": "Live products",
    "sellers": "Sellers onboarded",
    "items_published": "Items published",
    "items_held": "Items held back",
    "sku": "SKU",
    "item": "Item",
    "reasons": "Reasons",
    "buyer": "Buyer",
    "signed_on": "Signed on",
    "meet": "Meet",
    "intent_value": "Intended value (₹)",
    "realised_orders": "Orders realised",
    "realised_value": "Value realised (₹)",
    "status": "Status",
    "on_paper": "on paper only",
    "realising": "orders placed",
    "yes": "yes",
    "no": "no",
    # funnel stages
    "search": "Search",
    "select": "Select (cart quoted)",
    "init": "Init",
    "confirm": "Confirm",
    "delivered_stage": "Delivered",
}

_HI: Final[dict[str, str]] = {
    "title": "ओडीओपी ऑर्डर प्रवाह: हिमाचल प्रदेश",
    "subtitle": "ओएनडीसी पर एक ज़िला एक उत्पाद विक्रेता",
    "period": "पिछले {days} दिन",
    "language": "English",
    "signed_in_as": "लॉग-इन:",
    "sign_out": "लॉग-आउट",
    "login_title": "डैशबोर्ड लॉग-इन",
    "login_prompt": "एक्सेस टोकन (विभाग दर्शक, विक्रेता, या ऑपरेटर की एडमिन कुंजी)",
    "login_button": "लॉग-इन करें",
    "login_failed": "यह टोकन मान्य नहीं है।",
    "export": "निर्यात",
    "no_rows": "इस अवधि में कुछ नहीं।",
    "role_operator": "ऑपरेटर",
    "role_viewer": "विभाग दर्शक",
    "role_seller": "विक्रेता",
    "section_orders": "ऑर्डर",
    "section_service": "सेवा स्तर",
    "section_coverage": "कवरेज",
    "section_letters": "आशय पत्र",
    "funnel": "ऑर्डर फ़नल",
    "timeline": "समय के साथ ऑर्डर और मूल्य",
    "by_district": "ज़िले के अनुसार",
    "by_product": "ओडीओपी उत्पाद के अनुसार",
    "by_gi": "जीआई उत्पाद के अनुसार",
    "by_seller": "विक्रेता के अनुसार",
    "reasons_by_district": "ज़िले के अनुसार रद्द करने के कारण",
    "reasons_by_seller": "विक्रेता के अनुसार रद्द करने के कारण",
    "ack_latency": "खरीदार ऐप के अनुरोधों की ACK देरी",
    "callbacks": "ओएनडीसी समय-सीमा ({window} सेकंड) में कॉलबैक",
    "delivery": "कॉलबैक भेजने के प्रयास",
    "parked": "रुके हुए कॉलबैक",
    "late_to_ship": "भेजने की समय-सीमा चूकने वाले विक्रेता",
    "coverage": "ज़िले और उनके ओडीओपी उत्पाद",
    "held_items": "प्री-फ़्लाइट जाँच में रोकी गई वस्तुएँ",
    "letters": "आशय पत्र और प्राप्त ऑर्डर",
    "stage": "चरण",
    "count": "संख्या",
    "day": "दिन",
    "orders": "ऑर्डर",
    "value": "मूल्य (₹)",
    "cancelled": "रद्द",
    "returned": "वापसी",
    "rto": "मूल स्थान पर वापसी",
    "district": "ज़िला",
    "product": "ओडीओपी उत्पाद",
    "gi": "जीआई उत्पाद",
    "seller": "विक्रेता",
    "reason": "कारण",
    "cancelled_by": "किसने रद्द किया",
    "action": "कार्रवाई",
    "requests": "अनुरोध",
    "nacks": "NACK",
    "p50_ms": "p50 (मि.से.)",
    "p95_ms": "p95 (मि.से.)",
    "p99_ms": "p99 (मि.से.)",
    "queued": "कतार में",
    "delivered": "पहुँचाए गए",
    "on_time": "समय पर",
    "parked_count": "रुके हुए",
    "pending": "लंबित",
    "outcome": "परिणाम",
    "attempts": "प्रयास",
    "mean_latency_ms": "औसत देरी (मि.से.)",
    "job": "कार्य",
    "buyer_app": "खरीदार ऐप",
    "transaction_id": "लेन-देन",
    "created_at": "कतार में लगा",
    "last_error": "अंतिम त्रुटि",
    "replay": "फिर भेजें",
    "late_orders": "देर वाले ऑर्डर",
    "oldest_ship_by": "सबसे पुरानी समय-सीमा",
    "live": "सक्रिय",
    "odop_products": "ओडीओपी उत्पाद",
    "live_products": "सक्रिय उत्पाद",
    "sellers": "जुड़े विक्रेता",
    "items_published": "प्रकाशित वस्तुएँ",
    "items_held": "रोकी गई वस्तुएँ",
    "sku": "एसकेयू",
    "item": "वस्तु",
    "reasons": "कारण",
    "buyer": "खरीदार",
    "signed_on": "हस्ताक्षर तिथि",
    "meet": "मेला",
    "intent_value": "आशय मूल्य (₹)",
    "realised_orders": "प्राप्त ऑर्डर",
    "realised_value": "प्राप्त मूल्य (₹)",
    "status": "स्थिति",
    "on_paper": "केवल काग़ज़ पर",
    "realising": "ऑर्डर आए",
    "yes": "हाँ",
    "no": "नहीं",
    "search": "खोज",
    "select": "चयन (कोटेशन)",
    "init": "आरंभ",
    "confirm": "पुष्टि",
    "delivered_stage": "डिलीवर",
}


_EN.update(OVERVIEW_EN)
_HI.update(OVERVIEW_HI)
_EN.update(REVIEW_EN)
_HI.update(REVIEW_HI)


def text(key: str, language: Language, **values: object) -> str:
    """The label ``key`` in ``language`` (English if Hindi lacks it), filled in."""
    words = (_HI if language == "hi" else _EN).get(key) or _EN.get(key, key)
    return words.format(**values) if values else words


def place(name: str, language: Language) -> str:
    """A district's or ODOP product's name in ``language``; other names unchanged."""
    if language == "en":
        return name
    for district in districts():
        if district.name == name:
            return district.name_hi
        for product in district.products:
            if product.name == name:
                return product.name_hi
    return name
