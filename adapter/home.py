"""``/``: a page saying what this service is and where its parts are, in English and Hindi.

Anyone who opens the adapter's address in a browser (an operator checking a deployment, a
seller given the link, ONDC's onboarding team) lands here instead of on a 404. The page
holds only what is public anyway: the Beckn endpoint base registered with ONDC and the
paths of the adapter's own pages. No setting's value, no order, no person's data.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Query
from starlette.responses import HTMLResponse

__all__ = ["home_page", "home_router"]

Language = Literal["en", "hi"]

_WORDS: Final[dict[Language, dict[str, str]]] = {
    "en": {
        "title": "ONDC seller adapter: Himachal Pradesh ODOP",
        "about": (
            "This service puts Himachal Pradesh's One District One Product sellers (Chamba"
            " rumal, Kangra tea and paintings, Kinnauri and Kullu shawls, and more) on India's"
            " Open Network for Digital Commerce (ONDC). It is the seller-side network"
            " participant: buyer apps send it signed Beckn requests, and it answers with"
            " signed callbacks."
        ),
        "where": "Where to go",
        "dashboard": "Dashboard: the department's view of orders by district, product and seller",
        "docs": "Seller API reference (OpenAPI): catalogues, stock and orders for sellers' systems",
        "redoc": "The same reference, as one long page",
        "healthz": "Health check: is the database (and Redis) reachable",
        "beckn": "Beckn endpoint base, for buyer apps and the ONDC gateway (signed POST only)",
        "other": "हिन्दी",
    },
    "hi": {
        "title": "ONDC विक्रेता एडेप्टर: हिमाचल प्रदेश ODOP",
        "about": (
            "यह सेवा हिमाचल प्रदेश के एक जिला एक उत्पाद (ODOP) विक्रेताओं (चंबा रूमाल, कांगड़ा"
            " चाय और चित्रकला, किन्नौरी और कुल्लू शॉल, और भी) को भारत के ओपन नेटवर्क फ़ॉर डिजिटल"
            " कॉमर्स (ONDC) पर लाती है। यह विक्रेता की ओर का नेटवर्क प्रतिभागी है: खरीदार ऐप इसे"
            " हस्ताक्षरित Beckn अनुरोध भेजते हैं, और यह हस्ताक्षरित कॉलबैक से उत्तर देता है।"
        ),
        "where": "कहाँ जाएँ",
        "dashboard": "डैशबोर्ड: जिले, उत्पाद और विक्रेता के अनुसार ऑर्डर, विभाग के लिए",
        "docs": "विक्रेता API संदर्भ (OpenAPI): विक्रेताओं के सिस्टम के लिए कैटलॉग, स्टॉक और ऑर्डर",
        "redoc": "वही संदर्भ, एक लंबे पृष्ठ पर",
        "healthz": "स्वास्थ्य जाँच: क्या डेटाबेस (और Redis) उपलब्ध है",
        "beckn": "Beckn एंडपॉइंट का आधार, खरीदार ऐप और ONDC गेटवे के लिए (केवल हस्ताक्षरित POST)",
        "other": "English",
    },
}


def home_page(language: Language, beckn_base: str) -> str:
    """The home page's HTML in ``language``, pointing at the Beckn endpoints' ``beckn_base``."""
    words = _WORDS[language]
    other: Language = "hi" if language == "en" else "en"
    links = [
        (f"/dashboard?lang={language}", words["dashboard"]),
        ("/docs", words["docs"]),
        ("/redoc", words["redoc"]),
        ("/healthz", words["healthz"]),
    ]
    items = "".join(
        f'<li><a href="{escape(href)}"><code>{escape(href.split("?")[0])}</code></a> {escape(text)}'
        "</li>"
        for href, text in links
    )
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(words['title'])}</title>"
        "<style>body{font-family:system-ui,'Lohit Devanagari',sans-serif;max-width:46rem;"
        "margin:2rem auto;padding:0 1rem;line-height:1.5}code{background:#f3f3f3;"
        "padding:0 .2rem}</style></head><body>"
        f'<p><a id="language" href="/?lang={other}">{escape(words["other"])}</a></p>'
        f"<h1>{escape(words['title'])}</h1><p>{escape(words['about'])}</p>"
        f"<h2>{escape(words['where'])}</h2><ul>{items}"
        f"<li><code>{escape(beckn_base)}/{{action}}</code> {escape(words['beckn'])}</li>"
        "</ul></body></html>"
    )


def home_router(beckn_base: str) -> APIRouter:
    """``GET /``: the home page; ``beckn_base`` is the path the Beckn endpoints live under."""
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    async def home(
        lang: Annotated[Language, Query(description="`en` or `hi` (Hindi).")] = "en",
    ) -> HTMLResponse:
        return HTMLResponse(home_page(lang, beckn_base or ""))

    return router
