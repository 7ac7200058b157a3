"""The ``ondc-seller`` command line."""

from __future__ import annotations

import typer

from adapter.cli import (
    catalog_cmd,
    config_cmd,
    demo_cmd,
    keys_cmd,
    outbox_cmd,
    registry_cmd,
    serve_cmd,
    signature_cmd,
)

__all__ = ["app", "main"]

app = typer.Typer(
    name="ondc-seller",
    help="ONDC seller adapter for One District One Product sellers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(keys_cmd.app, name="keys")
app.add_typer(signature_cmd.app, name="signature")
app.add_typer(registry_cmd.app, name="registry")
app.add_typer(config_cmd.app, name="config")
app.add_typer(catalog_cmd.app, name="catalog")
app.add_typer(outbox_cmd.outbox_app, name="outbox")
app.add_typer(outbox_cmd.audit_app, name="audit")
serve_cmd.register(app)
app.command("demo")(demo_cmd.demo)


def main() -> None:
    """Entry point of the console script."""
    app()
