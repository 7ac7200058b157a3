"""``/docs`` and ``/redoc``, the OpenAPI reference, served without the internet.

FastAPI's own pages load Swagger UI and ReDoc from a CDN (and ReDoc its fonts from
Google), so on a machine without internet access, or behind a strict proxy, they are
blank. These pages load the same scripts from the ``fastapi-offline`` package, installed
with the adapter, under :data:`ASSETS_PATH`; nothing on them names an outside host.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Final

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

__all__ = ["ASSETS_PATH", "install_api_docs"]

ASSETS_PATH: Final = "/docs/assets"
_ASSETS = Path(str(files("fastapi_offline") / "static"))
# Swagger UI asks validator.swagger.io to validate the document, and shows its badge,
# unless told not to: an outside host, and a needless one (FastAPI's document is valid).
_SWAGGER_PARAMETERS: Final = {"validatorUrl": None}


def install_api_docs(app: FastAPI) -> None:
    """Serve ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from the installed assets.

    ``app`` must have been made with ``docs_url=None, redoc_url=None``, so that FastAPI's
    CDN pages are not also routed.
    """
    app.mount(ASSETS_PATH, StaticFiles(directory=_ASSETS), name="api-docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title}: API reference",
            swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
            swagger_ui_parameters=_SWAGGER_PARAMETERS,
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title}: API reference",
            redoc_js_url=f"{root}{ASSETS_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
            with_google_fonts=False,
        )
