"""The overview's, map's, filters' and sign-in page's words in English and Hindi (merged
into :mod:`adapter.dashboard.i18n`, which holds the tables' words)."""

from __future__ import annotations

from typing import Final

__all__ = ["OVERVIEW_EN", "OVERVIEW_HI"]

OVERVIEW_EN: Final[dict[str, str]] = {
    "skip": "Skip to the figures",
    "period_day": "Last 24 hours",
    "period_label": "Period",
    "filters": "Filters",
    "all_districts": "All 12 districts",
    "all_products": "All ODOP products",
    "all_sellers": "All sellers (code)",
    "devanagari_digits": "Devanagari digits",
    "apply": "Show",
    "overview": "At a glance",
    "overview_note": "{period}, {filters}. Each figure links to its detail.",
    "no_filter": "all districts and products",
    "tile_letters": "Letters of intent",
    "letters_signed": "signed",
    "letters_ordered": "ordered",
    "letters_delivered": "delivered",
    "letters_paid": "paid",
    "letters_count": "letters: {count}, with orders: {realising}",
    "not_yet_available": "not yet available",
    "tile_orders": "Orders",
    "orders_value": "worth {value}",
    "orders_cancelled": "{count} cancelled",
    "tile_sellers": "Sellers live",
    "of_onboarded": "of {total} onboarded",
    "tile_districts": "Districts live",
    "of_districts": "of {total}",
    "tile_complaints": "Complaints",
    "complaints_open": "open",
    "complaints_breaching": "{count} past their deadline",
    "complaints_missing": "The grievance desk is not connected yet.",
    "tile_callbacks": "Callbacks on time",
    "callbacks_of": "{on_time} of {delivered} within {window} s",
    "callbacks_none": "no callbacks in this period",
    "section_map": "Districts",
    "map_title": "Himachal Pradesh's districts by {measure}",
    "measure": "Colour by",
    "measure_orders": "orders",
    "measure_value": "value",
    "measure_loi": "letter of intent realisation",
    "measure_sellers": "sellers live",
    "map_low": "none",
    "map_high": "most",
    "map_attribution": "Boundaries: DataMeet, CC BY 4.0",
    "district_table": "The map's figures",
    "loi_realisation": "Letters realised",
    "sellers_live": "Sellers live",
    "hour": "Hour",
    "live_orders": "Live",
    "confirmed_value": "Value confirmed, cancelled included (₹)",
    "meaning": "Meaning",
    "reason_none": "no reason given",
    "reason_unknown": "code not in ONDC's list",
    "actor_buyer": "buyer",
    "actor_seller": "seller",
    "actor_logistics": "logistics",
    "actor_system": "system",
    "rows_shown": "The first {shown} of {total} rows; the CSV and XLSX exports hold them all.",
    "home": "Home",
    "login_intro": (
        "The Industries Department's view of the One District One Product sellers on ONDC:"
        " orders, value and letters of intent by district, product and seller. No buyer's"
        " personal data is shown."
    ),
    "login_who": (
        "Department officers and sellers get an access token from the adapter's operator;"
        " operators sign in with the admin key."
    ),
    "login_help": (
        "Paste the token and press Sign in. It is checked once; the browser keeps a session."
    ),
    "login_throttled": "Too many failed attempts. Please wait a few minutes and try again.",
}

OVERVIEW_HI: Final[dict[str, str]] = {
    "skip": "आँकड़ों पर जाएँ",
    "period_day": "पिछले 24 घंटे",
    "period_label": "अवधि",
    "filters": "फ़िल्टर",
    "all_districts": "सभी 12 ज़िले",
    "all_products": "सभी ओडीओपी उत्पाद",
    "all_sellers": "सभी विक्रेता (कोड)",
    "devanagari_digits": "देवनागरी अंक",
    "apply": "दिखाएँ",
    "overview": "एक नज़र में",
    "overview_note": "{period}, {filters}। हर आँकड़ा अपने विवरण से जुड़ा है।",
    "no_filter": "सभी ज़िले और उत्पाद",
    "tile_letters": "आशय पत्र",
    "letters_signed": "हस्ताक्षरित",
    "letters_ordered": "ऑर्डर हुए",
    "letters_delivered": "डिलीवर हुए",
    "letters_paid": "भुगतान हुआ",
    "letters_count": "पत्र: {count}, ऑर्डर आए: {realising}",
    "not_yet_available": "अभी उपलब्ध नहीं",
    "tile_orders": "ऑर्डर",
    "orders_value": "मूल्य {value}",
    "orders_cancelled": "{count} रद्द",
    "tile_sellers": "सक्रिय विक्रेता",
    "of_onboarded": "{total} जुड़े विक्रेताओं में से",
    "tile_districts": "सक्रिय ज़िले",
    "of_districts": "{total} में से",
    "tile_complaints": "शिकायतें",
    "complaints_open": "खुली",
    "complaints_breaching": "{count} समय-सीमा पार",
    "complaints_missing": "शिकायत डेस्क अभी जुड़ा नहीं है।",
    "tile_callbacks": "समय पर कॉलबैक",
    "callbacks_of": "{delivered} में से {on_time}, {window} सेकंड के भीतर",
    "callbacks_none": "इस अवधि में कोई कॉलबैक नहीं",
    "section_map": "ज़िले",
    "map_title": "हिमाचल प्रदेश के ज़िले: {measure}",
    "measure": "रंग का आधार",
    "measure_orders": "ऑर्डर",
    "measure_value": "मूल्य",
    "measure_loi": "आशय पत्रों की पूर्ति",
    "measure_sellers": "सक्रिय विक्रेता",
    "map_low": "कोई नहीं",
    "map_high": "सबसे अधिक",
    "map_attribution": "सीमाएँ: DataMeet, CC BY 4.0",
    "district_table": "नक्शे के आँकड़े",
    "loi_realisation": "आशय पत्रों की पूर्ति",
    "sellers_live": "सक्रिय विक्रेता",
    "hour": "घंटा",
    "live_orders": "चालू",
    "confirmed_value": "पुष्ट मूल्य, रद्द सहित (₹)",
    "meaning": "अर्थ",
    "reason_none": "कोई कारण नहीं दिया",
    "reason_unknown": "कोड ओएनडीसी की सूची में नहीं",
    "actor_buyer": "खरीदार",
    "actor_seller": "विक्रेता",
    "actor_logistics": "लॉजिस्टिक्स",
    "actor_system": "सिस्टम",
    "rows_shown": "{total} में से पहली {shown} पंक्तियाँ; CSV और XLSX निर्यात में सभी हैं।",
    "home": "मुखपृष्ठ",
    "login_intro": (
        "ओएनडीसी पर एक ज़िला एक उत्पाद विक्रेताओं का उद्योग विभाग का दृश्य: ज़िले, उत्पाद और"
        " विक्रेता के अनुसार ऑर्डर, मूल्य और आशय पत्र। किसी खरीदार का व्यक्तिगत डेटा नहीं दिखाया"
        " जाता।"
    ),
    "login_who": (
        "विभाग के अधिकारियों और विक्रेताओं को एडेप्टर के ऑपरेटर से एक्सेस टोकन मिलता है;"
        " ऑपरेटर एडमिन कुंजी से लॉग-इन करते हैं।"
    ),
    "login_help": "टोकन चिपकाएँ और लॉग-इन दबाएँ। इसकी एक बार जाँच होती है; ब्राउज़र एक सत्र रखता है।",
    "login_throttled": "बहुत अधिक असफल प्रयास। कृपया कुछ मिनट रुककर फिर प्रयास करें।",
}
