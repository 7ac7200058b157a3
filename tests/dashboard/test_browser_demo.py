"""The dashboard over the demo's own data, as a new user meets it: ``ondc-seller demo``
plays its orders, complaints, B2B journeys and letters of intent, and a department viewer
signs in to a ``serve`` process on what the demo left. Headless Chromium reads the overview,
the map and the letters-of-intent view and holds them to the JSON API (the six demo
letters: two paid, one quoted, one with its PO placed, one signed, one on paper), checks
that no request leaves the machine, and photographs the three views at phone and desktop
widths in English and Hindi: the pictures in ``docs/screenshots`` are these
(``ONDC_DASHBOARD_SCREENSHOTS=docs/screenshots`` refreshes them).

It reads the session's demo run (``tests/demo_run.py``) on a copy of its data directory.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By

from adapter.sandbox.b2b_demo_data import EXPECTED_STAGES
from tests.dashboard.test_browser import (
    PICTURES,
    WIDTHS,
    _chromium,
    _pictures,
    _requests,
    _rows,
    _rupees,
    _short,
    keep_pictures,
    overview_seen,
)
from tests.demo_run import DemoRuns
from tests.e2e.processes import CLI, free_port, wait_healthy
from tests.fixtures import DASHBOARD_SCREENSHOTS, REPO_ROOT, settings_values, subprocess_env

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo")]

ADMIN = {"Authorization": "Bearer admin-key-for-tests-0123456789"}


def _browse(base: str, token: str, work: Path) -> dict[str, Any]:
    """What a viewer signing in with ``token`` reads on the overview, the map and the LOI
    view (English and Hindi), the pictures, and every request the browser made."""
    driver = _chromium(work / "downloads", work / "profile", work / "chromedriver.log")
    seen: dict[str, Any] = {}
    try:
        driver.implicitly_wait(5)
        driver.get(f"{base}/dashboard/login")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        driver.find_element(By.ID, "overview")
        seen.update(overview_seen(driver))
        driver.get(f"{base}/dashboard/loi?lang=en")
        seen["loi_stages"] = _rows(driver, "loi_stages")
        seen["loi_by_district"] = _rows(driver, "loi_by_district")
        driver.get(f"{base}/dashboard/loi?lang=hi")
        seen["loi_heading_hi"] = driver.find_element(By.ID, "loi-h").text
        seen["loi_stages_hi"] = _rows(driver, "loi_stages")
        seen["pictures"] = {**_pictures(driver, base, "en"), **_pictures(driver, base, "hi")}
        seen["away"], seen["local"] = _requests(driver, base)
    finally:
        driver.quit()
    return seen


def _api(base: str, token: str) -> dict[str, Any]:
    viewer = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=30.0) as http:
        overview = http.get("/dashboard/api/overview", headers=viewer).json()
        tables = {
            table: http.get(f"/dashboard/api/tables/{table}", headers=viewer).json()
            for table in ("loi_stages", "loi_by_district")
        }
    return {"overview": overview, **tables}


def test_a_viewer_reads_the_demos_letters_and_orders_in_chromium(
    demo_runs: DemoRuns, tmp_path: Path
) -> None:
    first = demo_runs.first
    assert first.returncode == 0, first.stdout + first.stderr
    data = tmp_path / "demo"
    shutil.copytree(first.data, data, ignore=shutil.ignore_patterns("logs"))
    (tmp_path / "downloads").mkdir()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = subprocess_env(settings_values(f"sqlite:///{data / 'ondc-seller.db'}"))
    with subprocess.Popen(
        [*CLI, "serve", "--port", str(port)], cwd=tmp_path, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ) as process:  # fmt: skip
        try:
            wait_healthy(f"{base}/healthz", process)
            made = httpx.post(
                f"{base}/admin/v1/dashboard/credentials",
                json={"role": "viewer", "label": "Industries Department"},
                headers=ADMIN,
                timeout=30.0,
            )
            assert made.status_code == 201, made.text
            token = made.json()["token"]
            api = _api(base, token)
            seen = _browse(base, token, tmp_path)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)

    overview = api["overview"]
    # The demo's letters on the LOI desk (adapter/sandbox/b2b_demo_data.py, EXPECTED_STAGES):
    # two paid (Rs 7,56,000 and Rs 86,625), one quoted, one with its PO placed, one signed and
    # one on paper, and the overview's tile reads them in Indian short forms.
    letters = overview["letters"]
    assert letters["letters"] == len(EXPECTED_STAGES) == 6
    assert Decimal(letters["paid"]) == Decimal("842625.00")
    assert seen["tiles"]["tile-letters"].splitlines()[1:5] == [
        f"{_short(letters['signed'], 'en')} signed",
        f"ordered: {_short(letters['ordered'], 'en')}",
        f"delivered: {_short(letters['delivered'], 'en')}",
        f"paid: {_short(letters['paid'], 'en')}",
    ]
    orders_tile = seen["tiles"]["tile-orders"].splitlines()
    assert overview["orders"] > 50  # the certification, 1.2.5 and B2B flows' orders
    assert orders_tile[1] == str(overview["orders"])
    assert orders_tile[2] == f"worth {_short(overview['value'], 'en')}"
    assert seen["tiles"]["tile-districts"].splitlines()[1:] == [
        str(overview["districts_live"]),
        "of 12",
    ]

    # The map: the 12 districts, its table holding the API's figures.
    assert len(seen["districts"]) == 12
    for figures in overview["by_district"]:
        row = seen["map_rows"][figures["district"]]
        assert int(row["orders"]) == figures["orders"]
        assert _rupees(row["value"]) == Decimal(figures["value"])

    # The LOI view holds the API's figures, stage by stage and by district.
    stages = {row["stage"]: row for row in seen["loi_stages"]}
    for row in api["loi_stages"]["rows"]:
        shown = stages[row["stage"]]
        assert int(shown["letters_n"]) == row["letters_n"]
        assert _rupees(shown["loi_signed"]) == Decimal(row["loi_signed"])
    assert sum(int(row["letters_n"]) for row in seen["loi_stages"]) == 6
    assert (stages["paid"]["letters_n"], stages["quoted"]["letters_n"]) == ("2", "1")
    assert stages["PO placed"]["letters_n"] == "1"
    assert stages["signed"]["letters_n"] == "2"  # one of them on paper
    by_district = {row["district"]: row for row in seen["loi_by_district"]}
    for row in api["loi_by_district"]["rows"]:
        assert _rupees(by_district[row["district"]]["loi_signed"]) == Decimal(row["loi_signed"])
    assert sum(int(row["on_paper_n"]) for row in seen["loi_by_district"]) == 1
    assert seen["loi_heading_hi"] == "आशय पत्र: हस्ताक्षर से भुगतान तक"
    assert {row["stage"] for row in seen["loi_stages_hi"]} >= {"हस्ताक्षरित"}

    # Nothing the pages need comes from anywhere but the adapter.
    assert seen["away"] == []
    assert seen["local"] > 10

    pictures: dict[str, bytes] = seen["pictures"]
    assert len(pictures) == len(PICTURES) * 2 * len(WIDTHS)
    keep_pictures(pictures, tmp_path)
    if DASHBOARD_SCREENSHOTS:
        folder = REPO_ROOT / DASHBOARD_SCREENSHOTS
        folder.mkdir(parents=True, exist_ok=True)
        for name, png in pictures.items():
            (folder / f"dashboard-{name}.png").write_bytes(png)
