"""The dashboard as a person sees it: headless Chromium (Debian's ``chromium`` driven
through its ``chromium-driver``) signs in to a real ``ondc-seller serve`` process holding
orders a buyer app placed over signed HTTP and a letter of intent, reads the overview, the
map and the tables off the page and holds them to the JSON API, switches to Hindi,
downloads a CSV export, and checks from the browser's own network log that no request
left the machine. It reads the letters-of-intent view (``/dashboard/loi``) over a letter
on the LOI desk and holds it to the JSON API too. It photographs the overview, the map
and the LOI view at phone and desktop widths in English and Hindi (kept with the test's
files; the pictures in the docs are of the demo's data, ``test_browser_demo.py``).

``scripts/services`` installs both packages when they are missing; this test never skips.
"""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import sqlite3
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from adapter.dashboard.formats import Formats
from adapter.sandbox.flows import FlowPlayer
from tests.e2e.network import Network, network
from tests.e2e.processes import run_cli
from tests.fixtures import REPO_ROOT

pytestmark = pytest.mark.e2e

CATALOGUE = REPO_ROOT / "config" / "demo" / "odop-catalogue.json"
DEMO = orjson.loads(CATALOGUE.read_bytes())
ADMIN_KEY = "admin-key-for-tests-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
# (district, item index, pieces, cancelled by the seller)
ORDERS = (
    ("Kinnaur", 0, 2, False),
    ("Kangra", 0, 3, False),
    ("Kangra", 0, 1, True),
    ("Kullu", 1, 1, False),
)


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run scripts/services (it installs Debian's package)")
    return found


def _entry(district: str) -> dict[str, Any]:
    return next(s for s in DEMO["sellers"] if s["seller"]["district"] == district)


async def _place_orders(net: Network) -> None:
    """Each order through select, init and confirm, signed by the sandbox buyer app; the
    seller cancels one through the seller API."""
    port = net.adapter.port
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=15.0) as http:
        for district, index, pieces, cancel in ORDERS:
            entry = _entry(district)
            code = entry["seller"]["code"]
            made = await http.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=ADMIN)
            assert made.status_code == 201, made.text
            seller = {"Authorization": f"Bearer {made.json()['api_key']}"}

            async def act(
                order_id: str, action: str, body: dict[str, Any] | None, seller: Any = seller
            ) -> httpx.Response:
                return await http.post(
                    f"/seller/v1/orders/{order_id}/{action}", json=body, headers=seller
                )

            async def stock(sku: str, count: int) -> None:
                raise AssertionError("no flow here changes stock")

            player = FlowPlayer(
                buyer=net.buyer,
                http=net.http,
                adapter_url=net.adapter.url,
                seller_uri=net.adapter.url,
                buyer_url=net.buyer_server.url,
                seller_id="seller.odop.example",
                seller_act=act,
                seller_stock=stock,
            )
            player.buyer_near(entry)
            logs: dict[str, Any] = {}
            transaction = f"tx-{district}-{index}-{pieces}-{cancel}"
            item = entry["items"][index]
            order_id = await player.order(
                logs, entry, item, transaction_id=transaction, count=pieces
            )
            if cancel:
                cancelled = await act(order_id, "cancel", {"reason": "002"})
                assert cancelled.status_code == 200, cancelled.text


def _stored_figures(database: Path) -> dict[str, tuple[int, Decimal, int]]:
    """Orders, value of the items (cancelled orders excluded) and cancellations by the
    sellers' district, read straight from the adapter's store."""
    figures: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal("0.00"), 0])
    with sqlite3.connect(database) as store:
        homes = {
            code: orjson.loads(record)["district"]
            for code, record in store.execute("SELECT code, record FROM sellers")
        }
        rows = store.execute(
            "SELECT seller_code, state, document FROM orders WHERE confirmed_at IS NOT NULL"
        ).fetchall()
    for seller_code, state, document in rows:
        entry = figures[homes[seller_code]]
        entry[0] += 1
        if state == "Cancelled":
            entry[2] += 1
            continue
        for line in orjson.loads(document)["quote"]["breakup"]:
            if line["@ondc/org/title_type"] == "item":
                entry[1] += Decimal(line["price"]["value"])
    return {district: (o, v, c) for district, (o, v, c) in figures.items()}


def _rows(driver: WebDriver, table_id: str) -> list[dict[str, str]]:
    """The rows of one table on the page, as the text a person reads, by column key."""
    section = driver.find_element(By.ID, f"table-{table_id}")
    return [
        {
            cell.get_attribute("data-col") or "": cell.text
            for cell in row.find_elements(By.TAG_NAME, "td")
        }
        for row in section.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]


def overview_seen(driver: WebDriver) -> dict[str, Any]:
    """What the overview shows: each tile's text by its id, the map's districts, and the
    map table's cells by district and column."""
    return {
        "tiles": {
            tile.get_attribute("id"): tile.text
            for tile in driver.find_elements(By.CSS_SELECTOR, "li.tile")
        },
        "districts": [
            area.get_attribute("data-district")
            for area in driver.find_elements(By.CSS_SELECTOR, "#map a.district")
        ],
        "map_rows": {
            row.get_attribute("data-district"): {
                cell.get_attribute("data-col"): cell.text
                for cell in row.find_elements(By.CSS_SELECTOR, "th, td")
            }
            for row in driver.find_elements(By.CSS_SELECTOR, "#map-table tbody tr")
        },
    }


def keep_pictures(pictures: dict[str, bytes], folder: Path) -> None:
    """Check that ``pictures`` holds every view in both languages at both widths (and
    perhaps more), each a PNG, and write them to ``folder`` as ``dashboard-<name>.png``."""
    expected = {
        f"{picture}-{language}-{width}"
        for picture in PICTURES
        for language in ("en", "hi")
        for width in WIDTHS
    }
    assert expected <= set(pictures), sorted(expected - set(pictures))
    for name, png in pictures.items():
        assert png.startswith(b"\x89PNG"), name
        (folder / f"dashboard-{name}.png").write_bytes(png)


def _rupees(shown: str) -> Decimal:
    """An amount as the page writes it (``₹1,10,100`` or ``₹56,800.50``)."""
    assert shown.startswith("₹"), shown
    return Decimal(shown.removeprefix("₹").replace(",", ""))


def _short(paise_text: str, language: str) -> str:
    """The short form the overview writes for an amount (Babel, as the page does)."""
    return Formats(language).money_short(Decimal(paise_text))  # type: ignore[arg-type]


WIDTHS = {"desktop": 1280, "phone": 390}
PICTURES = ("overview", "map", "loi")


def _requests(driver: WebDriver, base: str) -> tuple[list[str], int]:
    """Every network URL the pages asked for that is not the adapter on loopback (the
    browser's own ``chrome://`` pages, such as the blank new tab, are not the network),
    and how many requests went to the adapter."""
    away, local = [], 0
    for entry in driver.get_log("performance"):
        message = orjson.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        url = message["params"]["request"]["url"]
        if url.startswith(base + "/"):
            local += 1
        elif url.startswith(("http:", "https:", "ws:", "wss:", "ftp:")):
            away.append(url)
    return away, local


def _pictures(driver: WebDriver, base: str, language: str) -> dict[str, bytes]:
    """The overview (the first screen), the map and the LOI view, at each width."""
    pictures = {}
    for width_name, width in WIDTHS.items():
        driver.set_window_size(width, 1400)
        for path, name, element_id in (
            ("/dashboard", "overview", "overview"),
            ("/dashboard", "map", "map"),
            ("/dashboard/loi", "loi", "loi"),
        ):
            if not driver.current_url.startswith(f"{base}{path}?"):
                driver.get(f"{base}{path}?lang={language}")
            element = driver.find_element(By.ID, element_id)
            driver.execute_script("arguments[0].scrollIntoView()", element)
            pictures[f"{name}-{language}-{width_name}"] = element.screenshot_as_png
        driver.get(f"{base}/dashboard?lang={language}")
    driver.set_window_size(1280, 1500)
    return pictures


def _chromium(downloads: Path, profile: Path, log: Path) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = _binary("chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1500",
        f"--user-data-dir={profile}",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    # The browser's network log, read to prove that no request leaves the machine.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    service = Service(executable_path=_binary("chromedriver"), log_output=str(log))
    return webdriver.Chrome(options=options, service=service)


def _browse(base: str, token: str, work: Path) -> dict[str, Any]:
    """What a person signing in with ``token`` sees: the overview, the map and the figures
    in English, the Hindi page's labels, the CSV export they download, the pictures, and
    every request the browser made."""
    downloads = work / "downloads"
    downloads.mkdir()
    driver = _chromium(downloads, work / "profile", work / "chromedriver.log")
    seen: dict[str, Any] = {}
    try:
        driver.implicitly_wait(5)
        driver.get(f"{base}/dashboard")  # not signed in: sent to the sign-in page
        assert driver.current_url.startswith(f"{base}/dashboard/login")
        seen["login_heading"] = driver.find_element(By.CSS_SELECTOR, "main h2").text
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        driver.find_element(By.ID, "table-by_district")
        seen["title"] = driver.title
        seen["who"] = driver.find_element(By.ID, "who").text
        seen.update(overview_seen(driver))
        seen["by_district"] = _rows(driver, "by_district")
        seen["charts"] = len(driver.find_elements(By.CSS_SELECTOR, "svg.chart"))
        seen["screenshot"] = driver.get_screenshot_as_png()

        driver.find_element(By.ID, "language").click()
        driver.find_element(By.CSS_SELECTOR, "html[lang=hi]")
        seen["title_hi"] = driver.find_element(By.TAG_NAME, "h1").text
        seen["tiles_hi"] = {
            tile.get_attribute("id"): tile.text
            for tile in driver.find_elements(By.CSS_SELECTOR, "li.tile")
        }
        section = driver.find_element(By.ID, "table-by_district")
        seen["heading_hi"] = section.find_element(By.TAG_NAME, "h3").text
        seen["labels_hi"] = [th.text for th in section.find_elements(By.TAG_NAME, "th")]
        seen["by_district_hi"] = _rows(driver, "by_district")
        section.find_element(By.PARTIAL_LINK_TEXT, "CSV").click()
        exported = downloads / "odop-by_district-hi.csv"
        deadline = time.monotonic() + 15
        while not exported.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert exported.exists(), f"no download: {sorted(p.name for p in downloads.iterdir())}"
        seen["csv"] = exported.read_bytes()
        driver.find_element(By.CSS_SELECTOR, "nav.top a[href^='/dashboard/loi']").click()
        driver.find_element(By.ID, "table-loi_stages")
        seen["loi_heading_hi"] = driver.find_element(By.ID, "loi-h").text
        seen["loi_stages_hi"] = _rows(driver, "loi_stages")
        seen["loi_by_district_hi"] = _rows(driver, "loi_by_district")
        seen["pictures"] = {
            **_pictures(driver, base, "en"),
            **_pictures(driver, base, "hi"),
        }
        seen["away"], seen["local"] = _requests(driver, base)
    finally:
        driver.quit()
    return seen


async def test_a_department_viewer_reads_the_stored_orders_in_chromium(tmp_path: Path) -> None:
    async with network(tmp_path) as net:
        env = net.adapter.env
        imported = await asyncio.to_thread(run_cli, "catalog", "import", str(CATALOGUE), env=env)
        assert imported.returncode == 0, imported.stdout + imported.stderr
        await _place_orders(net)
        base = f"http://127.0.0.1:{net.adapter.port}"
        made = await net.http.post(
            f"{base}/admin/v1/dashboard/credentials",
            json={"role": "viewer", "label": "Industries Department"},
            headers=ADMIN,
        )
        assert made.status_code == 201, made.text
        token = made.json()["token"]
        kinnaur = _entry("Kinnaur")
        desk_letter = await net.http.post(
            f"{base}/admin/v1/loi/letters",
            json={
                "reference": "HIM-MEET-2026-014",
                "buyer_name": "Himalayan Naturals, New Delhi",
                "buyer_gstin": "07ABCDE1234F1Z5",
                "district": "Kinnaur",
                "product": "Chulli oil (wild apricot kernel)",
                "value": "450000",
                "signed_on": "2026-01-15",
                "meet": "ODOP buyer-seller meet, Shimla",
                "items": [
                    {
                        "seller_code": kinnaur["seller"]["code"],
                        "sku": kinnaur["items"][0]["sku"],
                        "quantity": 500,
                        "unit_price": "900",
                    }
                ],
            },
            headers=ADMIN,
        )
        assert desk_letter.status_code == 201, desk_letter.text
        viewer = {"Authorization": f"Bearer {token}"}
        overview = (await net.http.get(f"{base}/dashboard/api/overview", headers=viewer)).json()
        loi_api = {
            table: (
                await net.http.get(f"{base}/dashboard/api/tables/{table}?lang=hi", headers=viewer)
            ).json()
            for table in ("loi_stages", "loi_by_district")
        }
        seen = await asyncio.to_thread(_browse, base, token, tmp_path)

    stored = _stored_figures(tmp_path / "adapter.db")
    assert sorted(stored) == ["Kangra", "Kinnaur", "Kullu"]
    assert stored["Kangra"][0] == 2
    assert stored["Kangra"][2] == 1

    assert seen["login_heading"] == "Dashboard sign-in"
    assert seen["title"] == "ODOP order flow: Himachal Pradesh"
    assert seen["who"] == "Signed in as department viewer"
    assert seen["charts"] >= 2
    shown = {
        row["district"]: (int(row["orders"]), _rupees(row["value"]), int(row["cancelled"]))
        for row in seen["by_district"]
    }
    assert shown == stored

    # The overview shows the JSON API's figures, in Indian short forms.
    tiles = seen["tiles"]
    assert overview["orders"] == sum(o for o, _, _ in stored.values())
    assert overview["cancelled"] == sum(c for _, _, c in stored.values())
    assert Decimal(overview["value"]) == sum(v for _, v, _ in stored.values())
    orders_tile = tiles["tile-orders"].splitlines()
    assert orders_tile[1] == str(overview["orders"])
    assert orders_tile[2] == f"worth {_short(overview['value'], 'en')}"
    assert orders_tile[3] == f"{overview['cancelled']} cancelled"
    b2b = overview["b2b"]
    assert orders_tile[4] == f"of which B2B: {b2b['orders']} ({_short(b2b['value'], 'en')})"
    letters = overview["letters"]
    # Once the LOI desk holds a letter the tile reads it (signed, ordered, delivered, paid):
    # no B2B purchase order has been placed against it yet.
    assert letters == {
        "letters": 1, "realising": 0, "signed": "450000.00", "ordered": "0.00",
        "delivered": "0.00", "paid": "0.00",
    }  # fmt: skip
    assert tiles["tile-letters"].splitlines()[1:5] == [
        f"{_short(letters['signed'], 'en')} signed",
        f"ordered: {_short(letters['ordered'], 'en')}",
        f"delivered: {_short(letters['delivered'], 'en')}",
        f"paid: {_short(letters['paid'], 'en')}",
    ]
    assert tiles["tile-sellers"].splitlines()[1:] == [
        str(overview["sellers_live"]),
        f"of {overview['sellers_onboarded']} onboarded",
    ]
    assert tiles["tile-districts"].splitlines()[1:] == [str(overview["districts_live"]), "of 12"]
    assert tiles["tile-complaints"].splitlines()[1] == "0 open"  # counted by the grievance desk
    assert overview["complaints"] == {"open": 0, "breaching_sla": 0}
    assert seen["tiles_hi"]["tile-complaints"].splitlines()[1] == "0 खुली"
    assert seen["tiles_hi"]["tile-letters"].splitlines()[1] == (
        f"{_short(letters['signed'], 'hi')} हस्ताक्षरित"
    )

    # The map: the 12 districts, and its table holds the API's figures.
    assert sorted(seen["districts"]) == sorted(d["district"] for d in overview["by_district"])
    assert len(seen["districts"]) == 12
    for figures in overview["by_district"]:
        row = seen["map_rows"][figures["district"]]
        assert int(row["orders"]) == figures["orders"]
        assert _rupees(row["value"]) == Decimal(figures["value"])

    assert seen["title_hi"] == "ओडीओपी ऑर्डर प्रवाह: हिमाचल प्रदेश"
    assert seen["heading_hi"] == "ज़िले के अनुसार"
    assert seen["labels_hi"][:3] == ["ज़िला", "ऑर्डर", "मूल्य (₹)"]
    districts_hi = {row["district"] for row in seen["by_district_hi"]}
    assert districts_hi == {"कांगड़ा", "किन्नौर", "कुल्लू"}

    raw: bytes = seen["csv"]
    assert raw.startswith(b"\xef\xbb\xbf")
    exported = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert exported[0][:3] == ["ज़िला", "ऑर्डर", "मूल्य (₹)"]
    assert {r[0]: (int(r[1]), Decimal(r[2]), int(r[3])) for r in exported[1:]} == {
        {"Kangra": "कांगड़ा", "Kinnaur": "किन्नौर", "Kullu": "कुल्लू"}[d]: figures
        for d, figures in stored.items()
    }

    # The LOI view, in Hindi, shows the JSON API's figures: the letter signed, nothing
    # moved on it yet.
    assert seen["loi_heading_hi"] == "आशय पत्र: हस्ताक्षर से भुगतान तक"
    stages = {row["stage"]: row for row in seen["loi_stages_hi"]}
    assert len(stages) == 7
    for row in loi_api["loi_stages"]["rows"]:
        shown_row = stages[row["stage"]]
        assert int(shown_row["letters_n"]) == row["letters_n"]
        assert _rupees(shown_row["loi_signed"]) == Decimal(row["loi_signed"])
    assert stages["हस्ताक्षरित"]["letters_n"] == "1"
    [district_row] = seen["loi_by_district_hi"]
    [api_row] = loi_api["loi_by_district"]["rows"]
    assert district_row["district"] == api_row["district"] == "किन्नौर"
    assert _rupees(district_row["loi_signed"]) == Decimal(api_row["loi_signed"]) == 450000

    # Nothing the pages need comes from anywhere but the adapter.
    assert seen["away"] == []
    assert seen["local"] > 10  # the log did see the pages' own requests

    keep_pictures({**seen["pictures"], "dashboard": seen["screenshot"]}, tmp_path)
