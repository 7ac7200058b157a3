"""Dashboard sign-in: a server-side session in the cookie (never the key), signed out on
the server, throttled per address, and forms that need the session's csrf token; the real
app in process on each store."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from adapter.core.clock import FixedClock
from tests.network.peers import Edge, edge
from tests.orders.shop import ADMIN

KEY = ADMIN["Authorization"].removeprefix("Bearer ")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@asynccontextmanager
async def _dashboard(
    tmp_path: Path, clock: FixedClock, database_url: str, **settings: Any
) -> AsyncIterator[Edge]:
    async with edge(tmp_path, clock, database_url=database_url, **settings) as net:
        yield net


def _client(net: Edge, *, address: str = "203.0.113.7", https: bool = False) -> httpx.AsyncClient:
    scheme = "https" if https else "http"
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=net.app, client=(address, 40000)),
        base_url=f"{scheme}://seller.odop.example",
    )


async def _sign_in(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post("/dashboard/login", content=f"token={token}", headers=FORM)


def _session_cookie(response: httpx.Response) -> tuple[str, str]:
    """The session cookie's value and its whole Set-Cookie line."""
    (line,) = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    value = line.split(";", 1)[0].removeprefix("ondc_dashboard=")
    return value, line


async def test_the_cookie_holds_a_session_id_that_signing_out_kills_on_the_server(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with _dashboard(tmp_path, clock, database_url) as net, _client(net) as http:
        signed_in = await _sign_in(http, KEY)
        assert signed_in.status_code == 303, signed_in.text
        session, line = _session_cookie(signed_in)
        assert KEY not in line, "the operator's key must never be in a cookie"
        assert len(session) >= 40
        attributes = {a.strip().lower() for a in line.split(";")[1:]}
        assert {"httponly", "samesite=strict", "path=/dashboard"} <= attributes
        assert "max-age=43200" in attributes
        assert "secure" not in attributes, "plain http: a Secure cookie would never return"

        cookie = {"Cookie": f"ondc_dashboard={session}"}
        page = await http.get("/dashboard", headers=cookie)
        assert page.status_code == 200
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None, "the sign-out form must carry the session's csrf token"

        # A sign-out posted without the session's token (as from another page) is refused.
        forged = await http.post("/dashboard/logout", headers=cookie | FORM, content="")
        assert forged.status_code == 403
        other_site = await http.post(
            "/dashboard/logout",
            headers=cookie | FORM | {"Origin": "https://evil.example"},
            content=f"csrf={csrf.group(1)}",
        )
        assert other_site.status_code == 403
        assert (await http.get("/dashboard", headers=cookie)).status_code == 200

        out = await http.post(
            "/dashboard/logout", headers=cookie | FORM, content=f"csrf={csrf.group(1)}"
        )
        assert out.status_code == 303
        # The same cookie, replayed after sign-out, signs no one in.
        after = await http.get("/dashboard", headers=cookie)
        assert after.status_code == 303
        assert after.headers["location"].startswith("/dashboard/login")
        assert (await http.get("/dashboard/api/tables", headers=cookie)).status_code == 401


async def test_a_viewer_session_ends_when_its_credential_is_revoked(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with _dashboard(tmp_path, clock, database_url) as net, _client(net) as http:
        issued = await http.post(
            "/admin/v1/dashboard/credentials",
            json={"role": "viewer", "label": "department"},
            headers=ADMIN,
        )
        assert issued.status_code == 201, issued.text
        token = issued.json()["token"]
        session, line = _session_cookie(await _sign_in(http, token))
        assert token not in line
        cookie = {"Cookie": f"ondc_dashboard={session}"}
        assert (await http.get("/dashboard/api/tables", headers=cookie)).status_code == 200
        clock.advance(12 * 3600 + 1)
        assert (await http.get("/dashboard/api/tables", headers=cookie)).status_code == 401
        session, _ = _session_cookie(await _sign_in(http, token))
        cookie = {"Cookie": f"ondc_dashboard={session}"}
        revoked = await http.delete(
            f"/admin/v1/dashboard/credentials/{issued.json()['id']}", headers=ADMIN
        )
        assert revoked.status_code == 204
        assert (await http.get("/dashboard/api/tables", headers=cookie)).status_code == 401


async def test_the_cookie_is_secure_over_https_or_when_the_setting_says_so(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with _dashboard(tmp_path, clock, database_url) as net, _client(net, https=True) as http:
        _, line = _session_cookie(await _sign_in(http, KEY))
        assert "secure" in {a.strip().lower() for a in line.split(";")}
    async with (
        _dashboard(tmp_path, clock, database_url, ONDC_DASHBOARD_SECURE_COOKIE="true") as net,
        _client(net) as http,
    ):
        _, line = _session_cookie(await _sign_in(http, KEY))
        assert "secure" in {a.strip().lower() for a in line.split(";")}


async def test_sign_in_is_throttled_per_address_then_allowed_again(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with (
        _dashboard(tmp_path, clock, database_url) as net,
        _client(net) as guesser,
        _client(net, address="198.51.100.9") as colleague,
    ):
        for _ in range(5):
            assert (await _sign_in(guesser, "wrong-guess")).status_code == 401
        refused = await _sign_in(guesser, KEY)
        assert refused.status_code == 429, "the right key must not help a throttled address"
        assert 1 <= int(refused.headers["Retry-After"]) <= 900
        assert "set-cookie" not in refused.headers
        # Another address is not punished for the guesser.
        assert (await _sign_in(colleague, KEY)).status_code == 303
        clock.advance(901)
        assert (await _sign_in(guesser, KEY)).status_code == 303


async def test_a_sign_in_posted_from_another_site_is_refused(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with _dashboard(tmp_path, clock, database_url) as net, _client(net) as http:
        answer = await http.post(
            "/dashboard/login",
            content=f"token={KEY}",
            headers=FORM | {"Origin": "https://evil.example"},
        )
        assert answer.status_code == 403
        assert "set-cookie" not in answer.headers
        # Not a URL at all (an unclosed IPv6 address): refused the same way, never a 500.
        for broken in ("http://[", "http://[::1", "https://[x]:1"):
            garbled = await http.post(
                "/dashboard/login",
                content=f"token={KEY}",
                headers=FORM | {"Origin": broken},
            )
            assert garbled.status_code == 403, broken
            assert "set-cookie" not in garbled.headers
        same = await http.post(
            "/dashboard/login",
            content=f"token={KEY}",
            headers=FORM | {"Origin": "http://seller.odop.example"},
        )
        assert same.status_code == 303
        # Behind a proxy that passes its own name upstream: the public host still counts.
        proxied = await http.post(
            "/dashboard/login",
            content=f"token={KEY}",
            headers=FORM | {"Origin": "https://seller.odop.example", "Host": "127.0.0.1:8000"},
        )
        assert proxied.status_code == 303
        forwarded = await http.post(
            "/dashboard/login",
            content=f"token={KEY}",
            headers=FORM
            | {
                "Origin": "https://dash.example.in",
                "Host": "127.0.0.1:8000",
                "X-Forwarded-Host": "dash.example.in",
            },
        )
        assert forwarded.status_code == 303
