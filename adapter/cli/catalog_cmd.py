"""``ondc-seller catalog import FILE``, ``catalog validate FILE``, ``catalog template`` and
``catalog preflight``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapter.cli.settings_loader import settings_or_exit

if TYPE_CHECKING:
    from adapter.catalog.importer import ImportReport

# The importer, the storage layer and the spreadsheet library are imported inside the
# commands: importing them here would slow down every other command's start-up.

app = typer.Typer(help="Sellers' catalogues: bulk files.", no_args_is_help=True)

FileArgument = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


# Exit codes scripts can rely on (docs/catalogue.md).
ALL_ROWS_GOOD = 0
ROWS_REFUSED = 1
FILE_UNUSABLE = 2


def _show(report: ImportReport, verb: str) -> int:
    """Print the report; the exit code it calls for."""
    if report.unusable is not None:
        typer.echo(f"UNUSABLE file: {report.unusable}", err=True)
        typer.echo(f"nothing {verb}: the file cannot be read as a catalogue", err=True)
        return FILE_UNUSABLE
    for problem in report.problems:
        typer.echo(f"REFUSED {problem.row}: {problem.field}: {problem.reason}")
    for held in report.held:
        typer.echo(f"HELD    {held.row}: {held.reason}")
    typer.echo(
        f"{len(report.landed)} row(s) {verb}, {len(report.problems)} problem(s), "
        f"{len(report.held)} held back from buyers by pre-flight checks"
    )
    return ROWS_REFUSED if report.problems else ALL_ROWS_GOOD


def _read(file: Path) -> bytes | ImportReport:
    """The file's bytes, or the report refusing it when it is too large to read at all."""
    from adapter.catalog.importer import ImportReport
    from adapter.catalog.sheets import size_problem

    too_large = size_problem(file.stat().st_size)
    return file.read_bytes() if too_large is None else ImportReport.of_unusable_file(too_large)


@app.command("validate")
def validate(file: FileArgument) -> None:
    """Check every row of FILE without writing anything. Exit 0 when every row is good, 1
    when some rows are refused, 2 when the file itself cannot be read."""
    from adapter.catalog.importer import ImportReport, read_catalogue_file

    raw = _read(file)
    report = raw if isinstance(raw, ImportReport) else read_catalogue_file(file.name, raw)[1]
    raise typer.Exit(_show(report, "would land"))


@app.command("import")
def import_file(file: FileArgument) -> None:
    """Import FILE: good rows land (updated by SKU on re-import), bad rows are listed. Exit
    0 when every row landed, 1 when some rows are refused, 2 when the file itself cannot be
    read (nothing lands)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from adapter.catalog.importer import ImportReport, import_catalogue
    from adapter.catalog.push import CatalogPush
    from adapter.coordination.wakeup import LocalWakeup
    from adapter.core.clock import SystemClock
    from adapter.core.replies import Identity
    from adapter.storage import Database, upgrade
    from adapter.storage.catalog import CatalogStore
    from adapter.storage.outbox import Outbox

    raw = _read(file)
    if isinstance(raw, ImportReport):
        raise typer.Exit(_show(raw, "landed"))
    settings = settings_or_exit()
    upgrade(settings.database_url)

    async def run() -> ImportReport:
        database = Database.connect(settings.database_url)
        clock = SystemClock()
        store = CatalogStore(database)
        identity = Identity(settings.subscriber_id, str(settings.subscriber_url))
        # Pushes are queued in the shared outbox; a running adapter delivers them.
        push = CatalogPush(store, Outbox(database), LocalWakeup(), identity, clock)
        try:
            with Progress(
                TextColumn("importing {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=True,
            ) as bar:
                task = bar.add_task(file.name, total=None)
                return await import_catalogue(
                    raw,
                    store,
                    now=clock.now(),
                    name=file.name,
                    push=push,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        finally:
            await database.dispose()

    report = asyncio.run(run())
    raise typer.Exit(_show(report, "landed"))


@app.command("template")
def template(
    output: Annotated[Path, typer.Argument(help="Where to write: a .csv or .xlsx file.")],
    category: Annotated[
        str, typer.Option(help="ONDC category of the template: its attribute columns.")
    ] = "Dupattas & Shawls",
    domain: Annotated[
        str | None, typer.Option(help="ONDC domain (default: the category's own).")
    ] = None,
) -> None:
    """Write a spreadsheet template for a category: every column, the category's attribute
    columns, and an example row."""
    from adapter.catalog.spreadsheet import template_csv, template_xlsx
    from catalog_sync.taxonomy import category_problem, domain_of

    if output.suffix.lower() not in (".csv", ".xlsx"):
        typer.echo("the template must be a .csv or .xlsx file", err=True)
        raise typer.Exit(2)
    domain = domain or domain_of(category)
    if domain is None:
        typer.echo(f"--domain: say which ONDC domain {category!r} belongs to", err=True)
        raise typer.Exit(2)
    problem = category_problem(domain, category)
    if problem is not None:
        typer.echo(f"--category: {problem}", err=True)
        raise typer.Exit(2)
    data = (
        template_csv(category, domain)
        if output.suffix.lower() == ".csv"
        else (template_xlsx(category, domain))
    )
    output.write_bytes(data)
    typer.echo(f"wrote {output}: one row per item; seller and location columns repeat")


@app.command("preflight")
def preflight(
    seller: Annotated[
        str | None, typer.Option(help="Only this seller's items (its seller code).")
    ] = None,
) -> None:
    """Check the stored catalogue again with the pre-flight rules (ONDC's rules, as the
    conformance gate holds them): list every item held back from buyers with its reasons,
    and publish the items that pass now (queued to subscribed buyer apps). Exit 0 when no
    item is held, 1 when some are."""
    from adapter.catalog.push import CatalogPush
    from adapter.coordination.wakeup import LocalWakeup
    from adapter.core.clock import SystemClock
    from adapter.core.replies import Identity
    from adapter.storage import Database, upgrade
    from adapter.storage.catalog import CatalogStore
    from adapter.storage.held_items import HeldItems, Recheck
    from adapter.storage.outbox import Outbox

    settings = settings_or_exit()
    upgrade(settings.database_url)

    async def run() -> Recheck:
        database = Database.connect(settings.database_url)
        clock = SystemClock()
        try:
            result = await HeldItems(database).recheck(seller, now=clock.now())
            store = CatalogStore(database)
            identity = Identity(settings.subscriber_id, str(settings.subscriber_url))
            push = CatalogPush(store, Outbox(database), LocalWakeup(), identity, clock)
            for code in sorted({code for code, _ in result.released}):
                await push.changed(code, [sku for owner, sku in result.released if owner == code])
            return result
        finally:
            await database.dispose()

    result = asyncio.run(run())
    for item in result.held:
        typer.echo(f"HELD      {item.seller_code} {item.sku} ({item.name}):")
        for reason in item.reasons:
            typer.echo(f"            {reason}")
    for code, sku in result.released:
        typer.echo(f"PUBLISHED {code} {sku}: passes pre-flight now")
    typer.echo(
        f"{result.checked} item(s) checked, {len(result.held)} held back from buyers, "
        f"{len(result.released)} published by this check"
    )
    raise typer.Exit(1 if result.held else 0)
