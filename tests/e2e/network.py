"""A small ONDC network on loopback: sandbox registry and buyer app served in the test
process, the adapter as a real ``ondc-seller serve`` process."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

import signing
from adapter.core.clock import SystemClock
from adapter.sandbox.buyer import SandboxBuyer
from adapter.sandbox.registry import SandboxRegistry
from adapter.sandbox.servers import LoopbackServer
from tests.e2e.processes import CLI, free_port
from tests.fixtures import (
    REPO_ROOT,
    migrated_sqlite,
    settings_values,
    signing_vectors,
    subprocess_env,
)

KEYS = signing_vectors()["keys"]


class AdapterProcess:
    """``ondc-seller serve`` in a child process, restartable on the same database."""

    def __init__(
        self, env: dict[str, str], port: int, workdir: Path, serve_args: tuple[str, ...] = ()
    ) -> None:
        self.env = env
        self.port = port
        self.workdir = workdir
        self.serve_args = serve_args
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / f"adapter-{port}.log"

    @property
    def url(self) -> str:
        """Base URL of the Beckn endpoints."""
        return f"http://127.0.0.1:{self.port}/ondc"

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [*CLI, "serve", "--port", str(self.port), *self.serve_args],
                cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    async def start(self) -> None:
        """Start and wait until /healthz answers."""
        self.process = self._spawn()
        # A deadline, not a count of polls: on a busy machine one interpreter start (imports,
        # migrations) can take tens of seconds, and a poll itself can wait its timeout.
        deadline = asyncio.get_running_loop().time() + 90
        async with httpx.AsyncClient() as http:
            while asyncio.get_running_loop().time() < deadline:
                if self.process.poll() is not None:
                    raise AssertionError(f"adapter exited: {self.log.read_text()[-2000:]}")
                try:
                    if (await http.get(f"http://127.0.0.1:{self.port}/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        # Not left running after the test.
        self.process.kill()
        self.process.wait()
        log = self.log.read_text()[-2000:]
        raise AssertionError(f"adapter did not become healthy in 90 s: {log}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no goodbye."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)


@dataclass
class Network:
    """The participants and a client for the buyer's outgoing requests."""

    registry: SandboxRegistry
    buyer: SandboxBuyer
    buyer_server: LoopbackServer
    adapters: list[AdapterProcess]
    http: httpx.AsyncClient
    seller_public_key: str  # base64, as the registry publishes it

    @property
    def adapter(self) -> AdapterProcess:
        """The first adapter process."""
        return self.adapters[0]

    def search(self) -> dict[str, object]:
        """A signed-ready /search from the buyer, with a Hindi item name."""
        return {
            "context": self.buyer.context("search", bap_uri=self.buyer_server.url),
            "message": {"intent": {"item": {"descriptor": {"name": "शॉल"}}}},
        }

    async def send(
        self, action: str, payload: dict[str, object], *, via: int = 0
    ) -> httpx.Response:
        """The buyer signs and posts ``payload`` to adapter process ``via``."""
        return await self.buyer.send(self.http, f"{self.adapters[via].url}/{action}", payload)


@asynccontextmanager
async def network(
    tmp_path: Path,
    *,
    buyer_up: bool = True,
    processes: int = 1,
    serve_args: tuple[str, ...] = (),
    **overrides: str,
) -> AsyncIterator[Network]:
    """Registry and buyer in this process, the adapter in ``processes`` child processes
    sharing one subscriber URL (as behind a load balancer) and one store; ``serve_args``
    are added to each ``ondc-seller serve``."""
    clock = SystemClock()
    registry = SandboxRegistry(clock=clock)
    registry_server = LoopbackServer(registry.app(), free_port())
    await registry_server.start()
    buyer = SandboxBuyer(
        subscriber_id="buyer.loopback.example",
        unique_key_id="buyer-k2",
        key=signing.PrivateKey.from_base64(KEYS["k2"]["private_key_b64"]),
        registry_url=registry_server.url,
        clock=clock,
    )
    buyer_server = LoopbackServer(buyer.app(), free_port())
    registry.add(buyer.registry_record(buyer_server.url))
    ports = [free_port() for _ in range(processes)]
    port = ports[0]
    database = tmp_path / "adapter.db"
    if processes == 1 and "DATABASE_URL" not in overrides and not database.exists():
        # A copy of a database migrated once: ``serve`` finds it at head. Processes that
        # start together migrate a fresh database between them, as they would in production.
        migrated_sqlite(database)
    values = settings_values(
        f"sqlite:///{database}",
        ONDC_SUBSCRIBER_URL=f"http://127.0.0.1:{port}/ondc",
        ONDC_REGISTRY_URL=registry_server.url,
        **overrides,
    )
    seller = signing.PrivateKey.from_base64(values["ONDC_SIGNING_PRIVATE_KEY"])
    registry.add(
        {
            "subscriber_id": values["ONDC_SUBSCRIBER_ID"],
            "ukId": values["ONDC_UNIQUE_KEY_ID"],
            "subscriber_url": f"http://127.0.0.1:{port}/ondc",
            "type": "BPP",
            "signing_public_key": seller.public_key.to_base64(),
            "status": "SUBSCRIBED",
            "valid_until": "2035-01-01T00:00:00.000Z",
        }
    )
    adapters = [AdapterProcess(subprocess_env(values), p, tmp_path, serve_args) for p in ports]
    try:
        # Inside the try: when one process does not become healthy, those already
        # started are stopped too (they were left serving after a failed test).
        if buyer_up:
            await buyer_server.start()
        for adapter in adapters:
            await adapter.start()
        async with httpx.AsyncClient(timeout=10.0) as http:
            yield Network(
                registry, buyer, buyer_server, adapters, http, seller.public_key.to_base64()
            )
    finally:
        for adapter in adapters:
            adapter.stop()
        if buyer_server._task is not None:
            await buyer_server.stop()
        await registry_server.stop()


__all__ = ["REPO_ROOT", "AdapterProcess", "Network", "network"]
