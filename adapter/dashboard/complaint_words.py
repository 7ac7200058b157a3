"""The complaints page's words in English and Hindi: its titles, notes and the column
labels of the grievance tables (:mod:`adapter.igm.reports` names them in English)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from adapter.dashboard.i18n import Language

__all__ = ["complaint_text"]

_EN: Final = MappingProxyType(
    {
        "page_title": "Complaints (ONDC grievances)",
        "link": "Complaints",
        "back": "Orders dashboard",
        "intro": (
            "Complaints buyers raised about orders of ODOP sellers, through ONDC's Issue and "
            "Grievance Management. No buyer's name, phone, e-mail or address is shown or "
            "exported."
        ),
        "sla": (
            "Service levels are the times each complaint sets: a first answer within its "
            "expected response time (ONDC's default: 1 hour) and a resolution within its "
            "expected resolution time (1 day for an issue). Late counts answers or "
            "resolutions after those times, and open complaints already past them."
        ),
        "period_note": "Complaints raised in the last {days} days.",
        "grievances_by_district": "Complaints by district",
        "grievances_by_product": "Complaints by product",
        "grievances_by_seller": "Complaints by seller",
        "grievances_open": "Open complaints, soonest due first",
        "yes": "yes",
        "no": "no",
    }
)

_HI: Final = MappingProxyType(
    {
        "page_title": "शिकायतें (ओएनडीसी शिकायत निवारण)",
        "link": "शिकायतें",
        "back": "ऑर्डर डैशबोर्ड",
        "intro": (
            "ओडीओपी विक्रेताओं के ऑर्डरों पर खरीदारों की शिकायतें, ओएनडीसी के इश्यू और शिकायत "
            "प्रबंधन (IGM) से। किसी खरीदार का नाम, फ़ोन, ई-मेल या पता न दिखाया जाता है न "
            "निर्यात होता है।"
        ),
        "sla": (
            "सेवा-स्तर वे समय हैं जो हर शिकायत स्वयं तय करती है: अपेक्षित उत्तर-समय में पहला "
            "उत्तर (ओएनडीसी का डिफ़ॉल्ट: 1 घंटा) और अपेक्षित समाधान-समय में समाधान (इश्यू के "
            "लिए 1 दिन)। देरी में उन समयों के बाद के उत्तर या समाधान, और उन्हें पार कर चुकी "
            "खुली शिकायतें गिनी जाती हैं।"
        ),
        "period_note": "पिछले {days} दिनों में दर्ज शिकायतें।",
        "grievances_by_district": "ज़िलेवार शिकायतें",
        "grievances_by_product": "उत्पादवार शिकायतें",
        "grievances_by_seller": "विक्रेतावार शिकायतें",
        "grievances_open": "खुली शिकायतें, जिनका समय पहले पूरा होता है वे पहले",
        "yes": "हाँ",
        "no": "नहीं",
        # Column labels.
        "district": "ज़िला",
        "product": "उत्पाद",
        "seller": "विक्रेता",
        "complaints": "शिकायतें",
        "open": "खुली",
        "resolved": "निपटाई गईं",
        "escalated": "शिकायत अधिकारी (GRO) तक पहुँचीं",
        "late_response": "देर से उत्तर",
        "late_resolution": "देर से / समय पार समाधान",
        "median_response_minutes": "पहले उत्तर तक माध्य मिनट",
        "median_resolution_minutes": "समाधान तक माध्य मिनट",
        "id": "शिकायत",
        "order_id": "ऑर्डर",
        "category": "शिकायत कोड",
        "status": "स्थिति",
        "level": "स्तर",
        "raised_at": "दर्ज",
        "resolve_by": "समाधान की अंतिम तिथि",
        "breaching": "समय पार",
        "owner": "ज़िम्मेदार",
    }
)


def complaint_text(key: str, language: Language, default: str = "", **values: object) -> str:
    """The page's word ``key`` in ``language`` (English, or ``default``, where Hindi has
    none), with ``values`` filled in."""
    words = _HI if language == "hi" else _EN
    found = words.get(key) or _EN.get(key) or default
    return found.format(**values) if values else found
