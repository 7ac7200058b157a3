"""What ONDC's cancellation reason codes mean, in English and Hindi, for the dashboard.

The codes are ONDC retail's (``Cancellation.yaml`` of retail 1.2.0, and the 1.2.5 codes the
log validator checks): a bare ``010`` tells a department officer nothing, "010: buyer wants
to modify address or other order details" does.
"""

from __future__ import annotations

from typing import Final

from adapter.dashboard.i18n import Language, text

__all__ = ["reason_meaning"]

_EN: Final[dict[str, str]] = {
    "001": "price of one or more items has changed",
    "002": "one or more items not available",
    "003": "product available at lower price",
    "005": "merchant rejected the order",
    "006": "order not received within the promised time",
    "007": "order cancelled by the logistics buyer app",
    "008": "order not ready for pickup",
    "009": "wrong product delivered",
    "010": "buyer wants to modify address or other order details",
    "011": "buyer not reachable",
    "012": "buyer does not want the product any more",
    "013": "buyer refused to accept delivery",
    "014": "address not found",
    "015": "buyer not available at the address",
    "016": "could not be delivered: accident, rain or strike",
    "017": "delivery delayed",
    "018": "delivery pin code not serviceable",
    "019": "pickup pin code not serviceable",
    "020": "order lost in transit",
    "021": "packed order not complete",
    "022": "payment failed",
    "023": "outside the store's working hours",
    "024": "store too busy",
    "051": "store is not accepting orders",
    "052": "order not received within the promised time",
    "053": "buyer wants to modify details",
    "996": "order confirmation failure",
    "997": "order confirmation failure",
    "998": "order confirmation failure (seller)",
    "999": "order confirmation failure (buyer app)",
}

_HI: Final[dict[str, str]] = {
    "001": "एक या अधिक वस्तुओं का मूल्य बदल गया",
    "002": "एक या अधिक वस्तुएँ उपलब्ध नहीं",
    "003": "उत्पाद कम मूल्य पर उपलब्ध",
    "005": "विक्रेता ने ऑर्डर अस्वीकार किया",
    "006": "वादे के समय में ऑर्डर नहीं पहुँचा",
    "007": "लॉजिस्टिक्स खरीदार ऐप ने ऑर्डर रद्द किया",
    "008": "ऑर्डर पिकअप के लिए तैयार नहीं",
    "009": "गलत उत्पाद पहुँचाया गया",
    "010": "खरीदार पता या ऑर्डर का अन्य विवरण बदलना चाहता है",
    "011": "खरीदार से संपर्क नहीं हो सका",
    "012": "खरीदार को अब उत्पाद नहीं चाहिए",
    "013": "खरीदार ने डिलीवरी लेने से मना किया",
    "014": "पता नहीं मिला",
    "015": "खरीदार पते पर उपलब्ध नहीं",
    "016": "दुर्घटना, बारिश या हड़ताल के कारण डिलीवरी नहीं हो सकी",
    "017": "डिलीवरी में देरी",
    "018": "डिलीवरी पिन कोड पर सेवा उपलब्ध नहीं",
    "019": "पिकअप पिन कोड पर सेवा उपलब्ध नहीं",
    "020": "रास्ते में ऑर्डर खो गया",
    "021": "पैक किया गया ऑर्डर अधूरा",
    "022": "भुगतान विफल",
    "023": "दुकान के काम के घंटों के बाहर",
    "024": "दुकान में अत्यधिक भीड़",
    "051": "दुकान ऑर्डर स्वीकार नहीं कर रही",
    "052": "वादे के समय में ऑर्डर नहीं पहुँचा",
    "053": "खरीदार विवरण बदलना चाहता है",
    "996": "ऑर्डर की पुष्टि विफल",
    "997": "ऑर्डर की पुष्टि विफल",
    "998": "ऑर्डर की पुष्टि विफल (विक्रेता)",
    "999": "ऑर्डर की पुष्टि विफल (खरीदार ऐप)",
}


def reason_meaning(code: str | None, language: Language) -> str:
    """What reason ``code`` means in ``language``; an unknown code is said to be so."""
    if not code:
        return text("reason_none", language)
    meaning = (_HI if language == "hi" else _EN).get(code)
    return meaning if meaning is not None else text("reason_unknown", language)
