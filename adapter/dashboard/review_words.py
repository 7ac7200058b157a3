"""The words of the B2C/B2B channel, the letters-of-intent view and the monthly summary
(PDF), in English and Hindi (merged into :mod:`adapter.dashboard.i18n`)."""

from __future__ import annotations

from typing import Final

__all__ = ["REVIEW_EN", "REVIEW_HI"]

REVIEW_EN: Final[dict[str, str]] = {
    # channel
    "channel": "Channel",
    "all_channels": "B2C and B2B",
    "channel_b2c": "B2C (retail)",
    "channel_b2b": "B2B",
    "channel_note": (
        "B2C: retail orders; B2B: orders placed through ONDC B2B (purchase orders). Bars of"
        " value by district and by product are stacked B2C under B2B."
    ),
    "b2c_orders": "B2C orders",
    "b2c": "B2C",
    "b2b": "B2B",
    "b2c_requests": "B2C requests",
    "b2b_requests": "B2B requests",
    "b2c_attempts": "B2C attempts",
    "b2b_attempts": "B2B attempts",
    "b2b_orders": "B2B orders",
    "b2c_value": "B2C value (₹)",
    "b2b_value": "B2B value (₹)",
    "orders_b2b": "of which B2B: {count} ({value})",
    # the LOI view
    "section_loi": "Letters of intent: from signing to payment",
    "loi_intro": (
        "The LOI desk's letters, each at the furthest stage it has reached, and the value"
        " at each stage. A letter is flagged on paper when nothing has moved on it for a"
        " while."
    ),
    "loi_stages": "Letters by stage",
    "loi_by_district": "Letters by district",
    "loi_by_product": "Letters by ODOP product",
    "loi_on_paper": "Letters flagged on paper",
    "loi_none": "The LOI desk holds no letters yet.",
    "stage": "Stage",
    "letters_n": "Letters",
    "stage_signed": "signed",
    "stage_rfq_received": "RFQ received",
    "stage_quoted": "quoted",
    "stage_po_placed": "PO placed",
    "stage_partly_delivered": "partly delivered",
    "stage_delivered": "delivered",
    "stage_paid": "paid",
    "loi_signed": "Signed (₹)",
    "loi_quoted": "Quoted (₹)",
    "loi_ordered": "Ordered (₹)",
    "loi_delivered": "Delivered (₹)",
    "loi_paid": "Paid (₹)",
    "loi_values": "Value at each stage",
    "on_paper_n": "On paper",
    "reference": "Reference",
    "buyer_name": "Buyer",
    "last_movement": "Last movement",
    "nodal_officer": "Nodal officer",
    "loi_link": "Letters of intent",
    "overview_link": "Overview",
    # the monthly summary
    "pdf_link": "Monthly summary (PDF)",
    "pdf_title": "Monthly review: ODOP sellers on ONDC, Himachal Pradesh",
    "pdf_made": "Made {when} (IST) for {period}; filters: {filters}.",
    "pdf_key_figures": "Key figures",
    "pdf_districts": "Districts",
    "pdf_letters": "Letters of intent by stage",
    "pdf_no_font": (
        "The Hindi summary needs a Devanagari font (Lohit Devanagari, Debian package"
        " fonts-lohit-deva) and none is installed on this server; here is the English one."
    ),
}

REVIEW_HI: Final[dict[str, str]] = {
    "channel": "चैनल",
    "all_channels": "बी2सी और बी2बी",
    "channel_b2c": "बी2सी (खुदरा)",
    "channel_b2b": "बी2बी",
    "channel_note": (
        "बी2सी: खुदरा ऑर्डर; बी2बी: ओएनडीसी बी2बी से दिए गए ऑर्डर (क्रय आदेश)। ज़िले और"
        " उत्पाद के अनुसार मूल्य की पट्टियों में नीचे बी2सी और ऊपर बी2बी है।"
    ),
    "b2c_orders": "बी2सी ऑर्डर",
    "b2c": "बी2सी",
    "b2b": "बी2बी",
    "b2c_requests": "बी2सी अनुरोध",
    "b2b_requests": "बी2बी अनुरोध",
    "b2c_attempts": "बी2सी प्रयास",
    "b2b_attempts": "बी2बी प्रयास",
    "b2b_orders": "बी2बी ऑर्डर",
    "b2c_value": "बी2सी मूल्य (₹)",
    "b2b_value": "बी2बी मूल्य (₹)",
    "orders_b2b": "इनमें बी2बी: {count} ({value})",
    "section_loi": "आशय पत्र: हस्ताक्षर से भुगतान तक",
    "loi_intro": (
        "एलओआई डेस्क के आशय पत्र, हर एक अपने सबसे आगे के चरण पर, और हर चरण पर मूल्य। जिस"
        " पत्र पर कुछ समय से कुछ नहीं हुआ, उसे केवल काग़ज़ पर चिह्नित किया जाता है।"
    ),
    "loi_stages": "चरण के अनुसार आशय पत्र",
    "loi_by_district": "ज़िले के अनुसार आशय पत्र",
    "loi_by_product": "ओडीओपी उत्पाद के अनुसार आशय पत्र",
    "loi_on_paper": "केवल काग़ज़ पर चिह्नित आशय पत्र",
    "loi_none": "एलओआई डेस्क में अभी कोई आशय पत्र नहीं है।",
    "stage": "चरण",
    "letters_n": "आशय पत्र",
    "stage_signed": "हस्ताक्षरित",
    "stage_rfq_received": "आरएफ़क्यू मिला",
    "stage_quoted": "कोटेशन दिया",
    "stage_po_placed": "क्रय आदेश दिया",
    "stage_partly_delivered": "आंशिक डिलीवरी",
    "stage_delivered": "डिलीवर",
    "stage_paid": "भुगतान हुआ",
    "loi_signed": "हस्ताक्षरित (₹)",
    "loi_quoted": "कोटेशन (₹)",
    "loi_ordered": "ऑर्डर (₹)",
    "loi_delivered": "डिलीवर (₹)",
    "loi_paid": "भुगतान (₹)",
    "loi_values": "हर चरण पर मूल्य",
    "on_paper_n": "केवल काग़ज़ पर",
    "reference": "संदर्भ",
    "buyer_name": "ख़रीदार",
    "last_movement": "अंतिम गतिविधि",
    "nodal_officer": "नोडल अधिकारी",
    "loi_link": "आशय पत्र",
    "overview_link": "सारांश",
    "pdf_link": "मासिक सारांश (पीडीएफ़)",
    "pdf_title": "मासिक समीक्षा: ओएनडीसी पर ओडीओपी विक्रेता, हिमाचल प्रदेश",
    "pdf_made": "{when} (आईएसटी) को {period} के लिए बनाया गया; फ़िल्टर: {filters}।",
    "pdf_key_figures": "मुख्य आँकड़े",
    "pdf_districts": "ज़िले",
    "pdf_letters": "चरण के अनुसार आशय पत्र",
    "pdf_no_font": (
        "हिन्दी सारांश के लिए देवनागरी फ़ॉन्ट (लोहित देवनागरी, डेबियन पैकेज fonts-lohit-deva)"
        " चाहिए, जो इस सर्वर पर नहीं है; यह अंग्रेज़ी सारांश है।"
    ),
}
