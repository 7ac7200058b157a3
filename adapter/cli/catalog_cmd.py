"""``ondc-seller catalog import FILE`` and ``catalog validate FILE``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from adapter.catalog.importer import ImportReport, import_catalogue, read_catalogue
from adapter.cli.settings_loader import settings_or_exit
from adapter.core.clock import SystemClock
from adapter.storage import Database, upgrade
from adapter.storage.catalog import CatalogStore

app = typer.Typer(help="Sellers' catalogues: bulk files.", no_args_is_help=True)

FileArgument = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


def _show(report: ImportReport, verb: str) -> None:
    for problem in report.problems:
        typer.echo(f"REFUSED {problem.row}: {problem.field}: {problem.reason}")
    typer.echo(f"{len(report.landed)} row(s) {verb}, {len(report.problems)} problem(s)")


@app.command("validate")
def validate(file: FileArgument) -> None:
    """Check every row of FILE without writing anything; exit 1 if any row is refused."""
    _, report = read_catalogue(file.read_bytes())
    _show(report, "would land")
    raise typer.Exit(1 if report.problems else 0)


@app.command("import")
def import_file(file: FileArgument) -> None:
    """Import FILE: good rows land (updated by SKU on re-import), bad rows are listed."""
    settings = settings_or_exit()
    upgrade(settings.database_url)
    raw = file.read_bytes()

    async def run() -> ImportReport:
        database = Database.connect(settings.database_url)
        try:
            return await import_catalogue(raw, CatalogStore(database), now=SystemClock().now())
        finally:
            await database.dispose()

    report = asyncio.run(run())
    _show(report, "landed")
    raise typer.Exit(1 if report.problems else 0)
