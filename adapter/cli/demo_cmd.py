"""``ondc-seller demo``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from adapter.cli.ports import ensure_free

__all__ = ["demo"]


def demo(
    port: Annotated[int, typer.Option(help="Adapter port on 127.0.0.1.")] = 8000,
    registry_port: Annotated[int, typer.Option(help="Sandbox registry port.")] = 8001,
    buyer_port: Annotated[int, typer.Option(help="Sandbox buyer app port.")] = 8002,
    data_dir: Annotated[Path, typer.Option(help="Keys and the SQLite file.")] = Path("var/demo"),
    once: Annotated[bool, typer.Option(help="Run the checks, then stop.")] = False,
) -> None:
    """Everything on loopback with embedded defaults: the adapter on SQLite, a sandbox
    registry and buyer app; onboarding, self-test and a signed search, then serve."""
    for option, number in (
        ("--port", port),
        ("--registry-port", registry_port),
        ("--buyer-port", buyer_port),
    ):
        ensure_free("127.0.0.1", number, option)
    from adapter.sandbox.demo import DemoOptions, run_demo

    options = DemoOptions(
        data_dir=data_dir, port=port, registry_port=registry_port, buyer_port=buyer_port, once=once
    )
    passed = asyncio.run(run_demo(options, typer.echo))
    raise typer.Exit(0 if passed else 1)
