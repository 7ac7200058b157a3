"""Build config/demo/odop-catalogue.json from tests/fixtures/odop-himachal.json.

One producers' cooperative per district, at the district headquarters, selling that
district's ODOP products at a price inside the published typical range. Run from the
repository root: .venv/bin/python scripts/make_demo_catalogue.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "fixtures" / "odop-himachal.json"
TARGET = ROOT / "config" / "demo" / "odop-catalogue.json"

# Hindi names, keyed by the start of the English product name.
HINDI = {
    "Amla": ("आंवला मुरब्बा", "Amla murabba"),
    "Chamba Rumal": ("चंबा रुमाल", "Chamba Rumal"),
    "Apple": ("सेब", "Himachal apples"),
    "Agro-products": ("पहाड़ी अचार", "Pahadi pickle"),
    "Kangra Tea": ("कांगड़ा चाय", "Kangra Tea"),
    "Kangra miniature": ("कांगड़ा लघु चित्रकला", "Kangra miniature painting"),
    "Himachali Chulli Oil": ("चुल्ली तेल", "Chulli oil (wild apricot kernel)"),
    "Kinnauri Shawl": ("किन्नौरी शॉल", "Kinnauri Shawl"),
    "Himachali Kala Zeera": ("काला जीरा", "Kala Zeera (black cumin)"),
    "Kullu Shawl": ("कुल्लू शॉल", "Kullu Shawl"),
    "Kullu handloom cap": ("कुल्लवी टोपी", "Kullu handloom cap"),
    "Seabuckthorn": ("सी बकथॉर्न जूस", "Sea buckthorn juice"),
    "Lahauli knitted": ("लाहौली ऊनी मोज़े", "Lahauli woollen socks"),
    "Peas": ("मटर", "Garden peas"),
    "Ginger-garlic": ("अदरक-लहसुन पेस्ट", "Ginger-garlic paste"),
    "Mushroom": ("मशरूम", "Button mushroom"),
    "Potato": ("आलू", "Potato"),
}
UNITS = {"gram": ("gram", "500"), "kilogram": ("kilogram", "1"), "unit": ("unit", "1"),
         "millilitre": ("millilitre", "250"), "litre": ("litre", "1")}  # fmt: skip
HANDMADE_DOMAINS = {"ONDC:RET12", "ONDC:RET16"}
# ONDC item attributes by product (catalog_sync/taxonomy.py says which a category requires):
# colour as the exact shade's hex code with the name of its colour family from ONDC's colour
# enumeration (adapter/sandbox/ondc_values.py: "grey" for dark slate grey #2F4F4F), the
# brand, and what the goods are made of (a miniature painted on handmade paper is
# "cellulose"; the paper is named in the long description).
ATTRIBUTES = {
    "Chamba Rumal": {
        "colour": "#FFFFF0",
        "colour_name": "off-white",
        "material": "silk",
        "length": "60",
        "breadth": "60",
    },
    "Kangra miniature": {
        "colour": "#DAA520",
        "colour_name": "gold",
        "material": "cellulose",
        "length": "30",
        "breadth": "22",
    },
    "Kinnauri Shawl": {
        "gender": "unisex",
        "colour": "#800000",
        "colour_name": "maroon",
        "size": "Free Size",
        "fabric": "wool",
        "pattern": "geometric",
    },
    "Kullu Shawl": {
        "gender": "unisex",
        "colour": "#2F4F4F",
        "colour_name": "grey",
        "size": "Free Size",
        "fabric": "wool",
        "pattern": "geometric",
    },
    "Kullu handloom cap": {
        "gender": "unisex",
        "colour": "#556B2F",
        "colour_name": "green",
        "size": "Free Size",
        "material": "wool",
    },
    "Lahauli knitted": {
        "gender": "unisex",
        "colour": "#F5F5DC",
        "colour_name": "beige",
        "size": "Free Size",
        "fabric": "wool",
    },
}
LOOSE = {"Fruits and Vegetables"}
# What the long description adds to the product's name.
MADE_OF = {"Kangra miniature": "Painted by hand on handmade paper."}


def _in_store_ean(serial: int) -> str:
    """An EAN-13 in GS1's restricted-circulation range (prefix 200), with its check digit."""
    body = f"200{serial:09d}"
    weighted = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - weighted % 10) % 10)


# Harmonised System headings (Customs Tariff of India, as on a GST invoice), by product.
# None of these goods carries a maker's EAN barcode in the demo: grocery and home items get
# an in-store number (below); a seller registered with GS1 India puts its own under "ean".
HSN = {
    "Amla": "2006",  # fruit preserved by sugar (murabba)
    "Chamba Rumal": "6304",  # other furnishing articles (embroidered coverlet)
    "Apple": "0808",
    "Agro-products": "2001",  # vegetables and fruit preserved (pickle)
    "Kangra Tea": "0902",
    "Kangra miniature": "9701",  # paintings executed entirely by hand
    "Himachali Chulli Oil": "1515",  # other fixed vegetable oils
    "Kinnauri Shawl": "621420",  # shawls of wool or fine animal hair
    "Himachali Kala Zeera": "0909",  # seeds of cumin
    "Kullu Shawl": "621420",
    "Kullu handloom cap": "6505",  # hats, made up from textiles
    "Seabuckthorn": "2009",  # fruit juices
    "Lahauli knitted": "6115",  # hosiery, knitted
    "Peas": "0708",
    "Ginger-garlic": "2103",  # mixed condiments
    "Mushroom": "0709",
    "Potato": "0701",
}


def _slug(text: str) -> str:
    """Letters and digits only: ids ONDC accepts in every retail domain (RET16's id rule
    refuses a hyphen, RET10's variant group ids are letters and digits)."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _gps(text: str) -> str:
    lat, lon = (float(part) for part in text.split(","))
    return f"{lat:.6f},{lon:.6f}"


# Retail 1.2.5's optional flows in the demo: cash on delivery from the cooperatives whose
# goods it plays in RET10 and RET12, and collection at the Kangra store (Dharamshala).
# District -> the dearest order paid in cash (rupees): a Kinnauri shawl costs over 20,000.
_TAKE_CASH = {"Kangra": "5000", "Kinnaur": "30000"}
_STORE_PICKUP = frozenset({"Kangra"})
# The Kangra store also hands packed goods to buyer apps' own couriers (retail 1.2.5
# Buyer-Delivery); each of its goods says how it is packed (one piece: kilograms, and
# centimetres long, broad, high), which the courier is booked on.
_BUYER_DELIVERY = frozenset({"Kangra"})
_PACKAGES = {
    "Kangra Tea": {"weight_kg": "0.55", "length_cm": "20", "breadth_cm": "12", "height_cm": "8"},
    "Kangra miniature": {
        "weight_kg": "0.8",
        "length_cm": "45",
        "breadth_cm": "35",
        "height_cm": "4",
    },
}


def main() -> None:
    districts = json.loads(SOURCE.read_text("utf-8"))
    sellers = []
    for district in districts:
        code = f"odop{_slug(district['district'])}"
        items = []
        for number, product in enumerate(district["odop_products"], start=1):
            key = next(k for k in HINDI if product["name"].startswith(k))
            name_hi, name = HINDI[key]
            low, high = product["typical_price_inr"]
            price = round(low + (high - low) * 0.25)
            mrp = max(price, round(price * 1.1))
            unit, value = UNITS[product["unit"]]
            handmade = product["ondc_domain"] in HANDMADE_DOMAINS
            gi = product.get("gi_tag") or {}
            item = {
                "sku": f"{code}{number:02d}",
                "domain": product["ondc_domain"],
                "category_id": product["category_id"],
                "name": name,
                "name_hi": name_hi,
                "short_desc": f"{name} from {district['district']}, Himachal Pradesh",
                "long_desc": " ".join(filter(None, (product["name"], MADE_OF.get(key)))),
                "images": [f"https://odop.himachal.example/img/{code}{number:02d}.jpg"],
                "price": f"{price:.2f}",
                "mrp": f"{mrp:.2f}",
                # Handmade pieces come few at a time: five in stock, three per order at most.
                "available": 5 if handmade else 200,
                "maximum": 3 if handmade else 20,
                "unit": unit,
                "unit_value": value,
                "returnable": True,
                "cancellable": True,
                "return_window": "P7D",
                "time_to_ship": "P5D" if handmade else "P2D",
                "gi_tag": gi.get("name"),
                "odop_district": district["district"],
                "hsn": HSN[key],
            }
            if product["ondc_domain"] in ("ONDC:RET10", "ONDC:RET16"):
                # Grocery and home buyer apps want an EAN. These goods have no maker's
                # barcode, so the marketplace numbers them itself, in GS1's range for
                # numbers a business assigns to its own goods (restricted circulation,
                # prefix 2): never a number that could belong to someone else's product.
                item["ean"] = _in_store_ean(len(sellers) * 100 + number)
            brand = {"brand": f"{district['district']} ODOP"}
            item["attributes"] = {**brand, **ATTRIBUTES.get(key, {})}
            if product["ondc_domain"] == "ONDC:RET10":
                # Every ODOP food of Himachal is vegetarian; grocery sends it as veg_nonveg.
                item["attributes"]["veg_nonveg"] = "veg"
            if product["category_id"] in ("Dupattas & Shawls", "Socks"):
                item["attributes"]["size_chart"] = (
                    "https://odop.himachal.example/size-chart/free-size.png"
                )
            if product["category_id"] not in LOOSE:
                # Legal Metrology declarations of pre-packed goods: grocery, and handloom
                # and home goods too (ONDC's fashion and home rules ask for them on every item).
                item["packaged_commodities"] = {
                    "manufacturer_or_packer_name": f"{district['district']} ODOP Producers' Cooperative",
                    "manufacturer_or_packer_address": f"Udyog Kendra, {district['hq']}, Himachal Pradesh {district['pincode']}",
                    "common_or_generic_name_of_commodity": name,
                    "month_year_of_manufacture_packing_import": "10/2026",
                }
            if product["ondc_domain"] == "ONDC:RET10" and product["category_id"] not in LOOSE:
                item["prepackaged_food"] = {
                    "nutritional_info": "Declared on the pack (demo data)",
                    "additives_info": "None",
                    "brand_owner_FSSAI_license_no": f"1002{number:02d}{int(district['pincode']):08d}",
                    # a cooperative packing its own produce: no other licensee, not imported
                    "other_FSSAI_license_no": "NA",
                    "importer_FSSAI_license_no": "NA",
                }
            if district["district"] in _TAKE_CASH:
                item["available_on_cod"] = True
            if district["district"] in _BUYER_DELIVERY:
                item["package"] = _PACKAGES[key]
            items.append(item)
        sellers.append({
            "seller": {
                "code": code,
                "name": f"{district['district']} ODOP Producers' Cooperative",
                "name_hi": None,
                "district": district["district"],
                "short_desc": f"ODOP products of {district['district']} district",
                "symbol": f"https://odop.himachal.example/img/{code}.png",
                "phone": "9800000000",
                "email": f"{code}@odop.himachal.example",
                # A cooperative's PAN (the fourth letter A: association of persons); demo
                # values of the right shape, sent as provider_tax_number.
                "pan": f"AAAAH{1000 + len(sellers):04d}C",
                **({"accepts_cash": True, "cash_limit": _TAKE_CASH[district["district"]]}
                   if district["district"] in _TAKE_CASH else {}),
            },
            "location": {
                "code": f"{code}hq",
                "street": f"Udyog Kendra, {district['hq']}",
                "locality": district["hq"],
                "city": district["hq"],
                "state": "Himachal Pradesh",
                "pincode": district["pincode"],
                "std_code": district["std_code"],
                "gps": _gps(district["gps"]),
                **({"fulfillment_types": ["Delivery", "Self-Pickup",
                                          *(["Buyer-Delivery"]
                                            if district["district"] in _BUYER_DELIVERY
                                            else [])]}
                   if district["district"] in _STORE_PICKUP else {}),
            },
            "items": items,
        })  # fmt: skip
    TARGET.write_text(
        json.dumps({"sellers": sellers}, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    print(f"wrote {TARGET} ({len(sellers)} sellers)")


if __name__ == "__main__":
    main()
