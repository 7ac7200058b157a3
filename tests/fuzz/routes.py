"""Every HTTP route the app exposes, read from the app itself, and how the fuzzer reaches
each: which credentials it needs and what each path parameter may be.

A route is found by walking the app's routes (FastAPI's included routers, Starlette's
mounts), never from a list kept here: a route added to the app is fuzzed by the next run.
What this module adds per route is knowledge the app does not state in a form a fuzzer can
use (which credentials open it); ``test_route_coverage`` fails when a route has none, so a
new route cannot be fuzzed only from the outside by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final, Literal

from fastapi import FastAPI
from starlette.routing import BaseRoute, Mount

__all__ = ["AUTH_RULES", "Auth", "FuzzRoute", "app_routes", "auth_of"]

Auth = Literal["beckn", "public", "operator", "seller", "stock_webhook", "dashboard"]

# How each route is opened, by method (None: any) and path: the first rule that matches.
# A rule's path ending in "*" is a prefix; any other is matched exactly.
AUTH_RULES: Final[tuple[tuple[str | None, str, Auth], ...]] = (
    ("POST", "/ondc/on_subscribe", "public"),  # the registry's challenge: no signature
    ("GET", "/ondc-site-verification.html", "public"),
    ("GET", "/healthz", "public"),
    ("GET", "/metrics", "public"),  # loopback may read it; the fuzzer runs on loopback
    ("GET", "/", "public"),
    ("GET", "/docs", "public"),
    ("GET", "/redoc", "public"),
    ("GET", "/openapi.json", "public"),
    ("GET", "/docs/assets/*", "public"),
    # B2B invoices: opened by the HMAC signature in the link itself (no other credentials).
    ("GET", "/b2b/documents/*", "public"),
    # Catalogue files of catalog_full link answers: opened by the link's HMAC signature.
    ("GET", "/catalogue/v1/*", "public"),
    ("POST", "/ondc/*", "beckn"),
    (None, "/seller/v1/webhooks/stock/*", "stock_webhook"),
    (None, "/seller/v1/*", "seller"),
    (None, "/admin/v1/*", "operator"),
    (None, "/dashboard", "dashboard"),
    (None, "/dashboard/*", "dashboard"),
)

_PARAM: Final = re.compile(r"{([^}:]+)(?::[^}]*)?}")


@dataclass(frozen=True, slots=True)
class FuzzRoute:
    """One method of one route: its path template, path and query parameter names."""

    method: str
    path: str
    query: tuple[str, ...] = ()

    @property
    def params(self) -> tuple[str, ...]:
        """The path parameters' names, in order."""
        return tuple(_PARAM.findall(self.path))

    @property
    def label(self) -> str:
        """``METHOD /path``, for messages."""
        return f"{self.method} {self.path}"


def auth_of(route: FuzzRoute) -> Auth | None:
    """The credentials ``route`` needs, or ``None`` when no rule says."""
    for method, path, auth in AUTH_RULES:
        if method is not None and method != route.method:
            continue
        if route.path == path or (path.endswith("*") and route.path.startswith(path[:-1])):
            return auth
    return None


def _query_names(route: Any) -> tuple[str, ...]:
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return ()
    names: list[str] = []

    def walk(node: Any) -> None:
        names.extend(param.alias for param in node.query_params)
        for sub in node.dependencies:
            walk(sub)

    walk(dependant)
    return tuple(dict.fromkeys(names))


def _flat(routes: list[BaseRoute]) -> list[Any]:
    """The app's routes with included routers opened (FastAPI 0.16x keeps them nested)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        return list(routes)
    return [context.original_route for context in iter_route_contexts(routes)]


def app_routes(app: FastAPI) -> list[FuzzRoute]:
    """Every (method, path) the app answers; a mount is one GET of any path beneath it."""
    found: list[FuzzRoute] = []
    for route in _flat(app.routes):
        if isinstance(route, Mount):
            found.append(FuzzRoute("GET", f"{route.path}/{{asset}}"))
            continue
        methods = sorted(set(getattr(route, "methods", None) or ()) - {"HEAD"})
        path = getattr(route, "path", None)
        if path is None:
            raise AssertionError(f"a route the fuzzer cannot read: {route!r}")
        effective = getattr(route, "path_format", path)
        found.extend(FuzzRoute(m, effective, _query_names(route)) for m in methods)
    return found
