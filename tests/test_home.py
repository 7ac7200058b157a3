"""``/``: the home page says what the service is and links to its parts, in two languages."""

from __future__ import annotations

import re
from pathlib import Path

from adapter.core.clock import FixedClock
from adapter.settings import load_settings
from tests.fixtures import settings_values
from tests.network.loopback import serving


async def test_home_page_explains_the_service_and_links_to_its_parts(
    tmp_path: Path, clock: FixedClock
) -> None:
    values = settings_values(f"sqlite:///{tmp_path}/a.db")
    settings = load_settings(env_file=None, **values)
    async with serving(settings, clock) as http:
        reply = await http.get("/")
        links = re.findall(r'href="([^"]+)"', reply.text)
        followed = {link: (await http.get(link)).status_code for link in links}

    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert "ONDC" in reply.text
    assert "One District One Product" in reply.text
    assert links == ["/?lang=hi", "/dashboard?lang=en", "/docs", "/redoc", "/healthz"]
    # Every link works: the dashboard sends a visitor to its sign-in page.
    assert followed == {
        "/?lang=hi": 200, "/dashboard?lang=en": 303, "/docs": 200, "/redoc": 200, "/healthz": 200
    }  # fmt: skip
    assert f"{str(settings.subscriber_url).rstrip('/')}/{{action}}" in reply.text


async def test_home_page_in_hindi(tmp_path: Path, clock: FixedClock) -> None:
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/a.db"))
    async with serving(settings, clock) as http:
        reply = await http.get("/", params={"lang": "hi"})

    assert reply.status_code == 200
    assert '<html lang="hi">' in reply.text
    assert "एक जिला एक उत्पाद" in reply.text
    assert 'href="/dashboard?lang=hi"' in reply.text


async def test_home_page_shows_no_secret(tmp_path: Path, clock: FixedClock) -> None:
    values = settings_values(f"sqlite:///{tmp_path}/a.db")
    settings = load_settings(env_file=None, **values)
    async with serving(settings, clock) as http:
        pages = [(await http.get("/", params={"lang": lang})).text for lang in ("en", "hi")]

    secrets = [
        values["ONDC_SIGNING_PRIVATE_KEY"],
        values["ONDC_ENCRYPTION_PRIVATE_KEY"],
        values["ONDC_ADMIN_API_KEY"],
        str(tmp_path),
    ]
    assert not [secret for secret in secrets for page in pages if secret in page]


async def test_an_unknown_language_is_a_clear_422(tmp_path: Path, clock: FixedClock) -> None:
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/a.db"))
    async with serving(settings, clock) as http:
        reply = await http.get("/", params={"lang": "fr"})

    assert reply.status_code == 422
    assert "lang" in reply.text
