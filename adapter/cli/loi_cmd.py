"""``ondc-seller loi import FILE``, ``loi report`` and ``loi sweep``: the LOI desk from the
command line (the same work as ``/admin/v1/loi``)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer

from adapter.cli.settings_loader import settings_or_exit

# The storage layer and the spreadsheet reader are imported inside the commands, so the
# other commands start as fast as before.

app = typer.Typer(help="Letters of intent: import, report, on-paper sweep.", no_args_is_help=True)

FileArgument = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


def _run(work: Any) -> Any:
    from adapter.storage import Database, upgrade
    from adapter.storage.loi_desk import LoiDesk

    settings = settings_or_exit()
    upgrade(settings.database_url)

    async def run() -> Any:
        database = Database.connect(settings.database_url)
        try:
            return await work(LoiDesk(database), settings, database)
        finally:
            await database.dispose()

    return asyncio.run(run())


@app.command("import")
def import_file(file: FileArgument) -> None:
    """Import letters from a CSV or XLSX FILE (one row per item). Exit 0 when every row
    landed, 1 when some rows are refused, 2 when the file cannot be read (nothing lands)."""
    from adapter.b2b.loi_import import import_letters
    from adapter.catalog.sheets import FileUnusable, size_problem
    from adapter.core.clock import SystemClock

    too_large = size_problem(file.stat().st_size)
    if too_large is not None:
        typer.echo(f"UNUSABLE file: {too_large}", err=True)
        raise typer.Exit(2)
    raw = file.read_bytes()

    async def work(desk: Any, _settings: Any, _database: Any) -> dict[str, Any]:
        return await import_letters(raw, file.name, desk, now=SystemClock().now())

    try:
        result = _run(work)
    except FileUnusable as exc:
        typer.echo(f"UNUSABLE file: {exc}", err=True)
        raise typer.Exit(2) from None
    for row in result["report"]:
        if row["status"] == "refused":
            typer.echo(f"REFUSED {row['row']}: {'; '.join(row['problems'])}")
    typer.echo(
        f"{result['letters_saved']} letter(s) saved from {result['rows']} row(s), "
        f"{result['rows_refused']} row(s) refused"
    )
    raise typer.Exit(1 if result["rows_refused"] else 0)


@app.command("report")
def report(
    by: Annotated[str, typer.Option(help="district, product or buyer")] = "district",
) -> None:
    """Value signed, quoted, ordered, delivered and paid (rupees), by district, product or
    buyer."""
    from adapter.b2b.loi_report import GROUPINGS, loi_report

    if by not in GROUPINGS:
        typer.echo(f"--by: one of {', '.join(GROUPINGS)}", err=True)
        raise typer.Exit(2)

    async def work(desk: Any, _settings: Any, _database: Any) -> dict[str, Any]:
        return await loi_report(desk, by=by)

    result = _run(work)
    columns = " ".join(f"{name:>14}" for name in ("signed", "ordered", "delivered", "paid"))
    typer.echo(f"{by:<28} {'letters':>7} {columns} on paper")
    for group in [*result["groups"], result["total"]]:
        typer.echo(
            f"{group['key'][:28]:<28} {group['letters']:>7} "
            + " ".join(f"{group[k] / 100:>14,.2f}" for k in ("signed_paise", "ordered_paise",
                                                             "delivered_paise", "paid_paise"))
            + f" {group['on_paper']:>8}"
        )  # fmt: skip


@app.command("sweep")
def sweep() -> None:
    """Flag the letters on paper now and queue their sellers' webhooks."""
    from datetime import timedelta

    from adapter.core.clock import SystemClock
    from adapter.storage.notifications import SellerNotifications

    async def work(desk: Any, settings: Any, database: Any) -> list[Any]:
        notifications = SellerNotifications(
            database, retry_window=timedelta(hours=settings.seller_webhook_deadline_hours)
        )
        flagged: list[Any] = await desk.sweep(
            now=SystemClock().now(), quiet_days=settings.loi_on_paper_days,
            notifications=notifications,
        )  # fmt: skip
        return flagged

    for letter in _run(work):
        typer.echo(f"ON PAPER {letter.reference} (sellers: {', '.join(letter.sellers)})")
