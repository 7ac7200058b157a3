"""The ``ondc-seller`` command line.

Start-up is kept short (``--help`` and ``config check`` in a fraction of a second): command
modules import the web framework, the database layer and the like inside the commands that
use them, never at module level. Errors become one or two plain lines and a documented exit
code in one place, :mod:`adapter.cli.failures`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from adapter.cli import (
    catalog_cmd,
    config_cmd,
    demo_cmd,
    keys_cmd,
    loi_cmd,
    outbox_cmd,
    registry_cmd,
    serve_cmd,
    signature_cmd,
)
from adapter.cli.failures import FailureMappingGroup, want_tracebacks

__all__ = ["app", "main"]

_DISTRIBUTION = "ondc-seller-adapter"

app = typer.Typer(
    name="ondc-seller",
    cls=FailureMappingGroup,
    help="ONDC seller adapter for One District One Product sellers.\n\n"
    "Exit codes: 0 done; 1 the work failed; 2 a bad option, input file or setting; "
    "3 the database, Redis, the registry or a port is unavailable.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"ondc-seller {version(_DISTRIBUTION)}")
        raise typer.Exit(0)


@app.callback()
def _options(
    ctx: typer.Context,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
    show_traceback: Annotated[
        bool,
        typer.Option("--traceback", help="On an error, print its traceback too (bug reports)."),
    ] = False,
) -> None:
    if show_traceback:
        want_tracebacks(ctx)


app.add_typer(keys_cmd.app, name="keys")
app.add_typer(signature_cmd.app, name="signature")
app.add_typer(registry_cmd.app, name="registry")
app.add_typer(config_cmd.app, name="config")
app.add_typer(catalog_cmd.app, name="catalog")
app.add_typer(loi_cmd.app, name="loi")
app.add_typer(outbox_cmd.outbox_app, name="outbox")
app.add_typer(outbox_cmd.audit_app, name="audit")
serve_cmd.register(app)
app.command("demo")(demo_cmd.demo)


def main() -> None:
    """Entry point of the console script."""
    app()
