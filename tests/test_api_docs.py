"""``/docs`` and ``/redoc`` work without the internet: every asset is the adapter's own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapter.core.clock import FixedClock
from adapter.settings import load_settings
from tests.fixtures import settings_values
from tests.network.loopback import serving

# Any absolute or scheme-relative address: a page that names one needs the internet.
OUTSIDE = re.compile(r"""(https?:)?//[a-z0-9.-]+""", re.IGNORECASE)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_reference_page_loads_only_the_adapters_own_assets(
    page: str, tmp_path: Path, clock: FixedClock
) -> None:
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/a.db"))
    async with serving(settings, clock) as http:
        reply = await http.get(page)
        assets = re.findall(r'(?:src|href)="([^"]+)"', reply.text)
        fetched = {asset: await http.get(asset) for asset in assets}
        document = await http.get("/openapi.json")

    assert reply.status_code == 200
    assert OUTSIDE.findall(reply.text) == []
    assert assets  # the page does load scripts, from here
    assert {asset: r.status_code for asset, r in fetched.items()} == dict.fromkeys(assets, 200)
    assert all(len(r.content) > 1000 for r in fetched.values())
    assert "'/openapi.json'" in reply.text or '"/openapi.json"' in reply.text
    assert document.status_code == 200
    assert any(path.startswith("/seller/v1/") for path in document.json()["paths"])


async def test_swagger_ui_is_told_not_to_call_the_online_validator(
    tmp_path: Path, clock: FixedClock
) -> None:
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/a.db"))
    async with serving(settings, clock) as http:
        reply = await http.get("/docs")

    assert '"validatorUrl": null' in reply.text
