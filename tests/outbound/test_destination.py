"""The outbound URL guard: https, no credentials or query games, public addresses only."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest

from adapter.core.clock import FixedClock
from adapter.outbound.client import CallbackClient
from adapter.outbound.delivery import Delivery
from adapter.outbound.destination import Destinations, UnsafeDestination, callback_url
from adapter.settings import Settings

PRODUCTION = Destinations()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://8.8.8.8/hook", "scheme 'http' is not allowed"),
        ("ftp://8.8.8.8/hook", "scheme 'ftp' is not allowed"),
        ("https://127.0.0.1/hook", "not a public address"),
        ("https://localhost:6379/", "not a public address"),
        ("https://169.254.169.254/latest/meta-data/", "not a public address"),
        ("https://10.1.2.3/hook", "not a public address"),
        ("https://192.168.0.10/hook", "not a public address"),
        ("https://100.64.0.1/hook", "not a public address"),
        ("https://[::1]/hook", "not a public address"),
        ("https://[::ffff:127.0.0.1]/hook", "not a public address"),
        ("https://[fe80::1]/hook", "not a public address"),
        ("https://0.0.0.0/hook", "not a public address"),
        ("https://user:secret@8.8.8.8/hook", "user name or password"),
        ("https://8.8.8.8/hook#x", "fragment"),
        ("https:///hook", "no host"),
    ],
)
async def test_unsafe_urls_are_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(UnsafeDestination, match=reason):
        await PRODUCTION.check(url)


async def test_a_public_https_url_passes() -> None:
    await PRODUCTION.check("https://8.8.8.8/ondc/on_search")
    await PRODUCTION.check("https://8.8.8.8/feed.csv?seller=odop-kullu")


async def test_a_callback_url_may_not_carry_a_query() -> None:
    with pytest.raises(UnsafeDestination, match="query"):
        await PRODUCTION.check("https://8.8.8.8/ondc?/on_search", query_allowed=False)


async def test_the_loopback_settings_let_tests_and_the_demo_through() -> None:
    await Destinations(allow_http=True, allow_private=True).check("http://127.0.0.1:8080/x")


@pytest.mark.parametrize("bap_uri", ["https://b.example/ondc?", "https://b.example/x?a=1",
                                     "https://b.example/ondc#",
                                     "http://[", "https://[::1"])  # fmt: skip
def test_on_action_is_never_swallowed_by_a_query_or_fragment(bap_uri: str) -> None:
    with pytest.raises(UnsafeDestination):
        callback_url(bap_uri, "on_search")


def test_on_action_is_appended_as_the_last_path_segment() -> None:
    assert callback_url("https://b.example/ondc/", "on_init") == "https://b.example/ondc/on_init"


def test_delivery_checks_a_callback_urls_form_once_and_refuses_a_bad_one_every_time(
    monkeypatch: pytest.MonkeyPatch, clock: FixedClock
) -> None:
    checked: list[str] = []
    check_form = Destinations.check_form

    def counted(self: Destinations, url: str, *, query_allowed: bool = True) -> None:
        checked.append(url)
        check_form(self, url, query_allowed=query_allowed)

    monkeypatch.setattr(Destinations, "check_form", counted)
    settings = SimpleNamespace(outbound_allow_http=False, outbound_allow_private=False,
                               outbound_deadline_seconds=10.0, callbacks_per_peer=8)  # fmt: skip
    delivery = Delivery(settings=cast(Settings, settings), client=cast(CallbackClient, None),
                        clock=clock, concurrency=1)  # fmt: skip
    for _ in range(3):
        delivery._check_form("https://buyer.example/ondc/on_search")
        with pytest.raises(UnsafeDestination, match="must not have a query"):
            delivery._check_form("https://buyer.example/ondc/on_search?to=internal")
    assert checked.count("https://buyer.example/ondc/on_search") == 1
    assert checked.count("https://buyer.example/ondc/on_search?to=internal") == 3
