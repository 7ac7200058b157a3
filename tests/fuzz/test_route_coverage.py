"""The fuzzer knows how to reach every route the app exposes: which credentials open it
and a plain value for each path parameter. A route added without that fails here, so it
is not fuzzed only from outside its door."""

from __future__ import annotations

from fastapi import APIRouter

from adapter.app import create_app
from tests.fuzz.routes import FuzzRoute, app_routes, auth_of
from tests.fuzz.target import _PLAIN_VALUES
from tests.fuzz.test_served import _settings, served_routes

KNOWN_PARAMETERS = {*_PLAIN_VALUES, "code", "seller_code", "sku"}


def test_every_route_of_the_app_has_credentials_and_path_values_for_the_fuzzer() -> None:
    routes = served_routes()
    assert len(routes) >= 50  # the app as of this writing has 59 (method, path) pairs
    unknown = [r.label for r in routes if auth_of(r) is None]
    assert not unknown, f"no credentials rule in tests/fuzz/routes.py for {unknown}"
    unvalued = sorted({p for r in routes for p in r.params} - KNOWN_PARAMETERS)
    assert not unvalued, f"no plain value in tests/fuzz/target.py for {unvalued}"


def test_the_routes_are_read_from_the_app_including_mounts_and_beckn_actions() -> None:
    labels = {r.label for r in served_routes()}
    assert {
        "POST /ondc/search",
        "POST /ondc/issue_status",
        "POST /ondc/on_subscribe",
        "POST /seller/v1/webhooks/stock/{code}",
        "PATCH /seller/v1/stock",
        "DELETE /admin/v1/dashboard/credentials/{credential_id}",
        "POST /dashboard/login",
        "GET /metrics",
        "GET /healthz",
        "GET /docs",
        "GET /docs/assets/{asset}",
        "GET /",
    } <= labels


def test_a_route_added_to_the_app_is_enumerated_and_refused_until_described() -> None:
    app = create_app(_settings("sqlite://"))
    extra = APIRouter()

    @extra.get("/partners/v1/{partner_ref}/report")
    async def report(partner_ref: str) -> dict[str, str]:
        return {"partner": partner_ref}

    app.include_router(extra)
    added = [r for r in app_routes(app) if r.path.startswith("/partners/")]
    assert added == [FuzzRoute("GET", "/partners/v1/{partner_ref}/report")]
    assert auth_of(added[0]) is None
    assert set(added[0].params) - KNOWN_PARAMETERS == {"partner_ref"}
