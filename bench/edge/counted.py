"""What bench/edge counts under callgrind, and only that: the instructions a process spends
on the work of answering searches, whatever the run's wall time.

``counted.c`` is a trampoline callgrind toggles collection on (``--toggle-collect``): a
function called through it is counted, with all it calls, on its own thread. This module
routes the entry points through it (:func:`install`):

- the HTTP server's and the HTTP client's protocol ``data_received`` (uvicorn reading a
  request, aiohttp reading a buyer app's answer to a callback);
- every step of a task created by counted work: a request's ASGI task (uvicorn creates it
  while reading the request), the edge's group commit, the callbacks' attempts;
- the outbox dispatcher's rounds (claim, build, sign, POST, settle; ``--dispatcher``);
- a function counted work hands to a thread (``ThreadPoolExecutor.submit``: SQLite's
  writer and readers, the parser) or to aiosqlite's thread.

Nothing else is: the periodic background tasks (admission snapshots, outbox
reconciliation, timers) run with collection off, so the figure does not grow with the
seconds a slow run takes.

What a process does once in its life is not counted either: before the count, bench/edge
has the adapter open every SQLite reader (:func:`warm_readers`). A reader opened inside
the count (when two reads first overlapped there) put its schema read and its statements'
preparation into the build stage: 0.23 or 0.32 M per answered search from one run to the
next. The dispatcher's idle polls look for due jobs before they
claim (outside a round, so uncounted), so the rounds counted are the ones the searches
cause (and their retries). bench/edge counts an idle window after the searches and
prints it beside the figure: it should be about nothing.
"""

from __future__ import annotations

import asyncio
import collections.abc
import functools
import importlib
import os
import pkgutil
import signal
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TOGGLE = "ondc_bench_counted"

_state = threading.local()
_ext: Any = None


def build(where: Path) -> Path:
    """Compile the trampoline into ``where``; the folder to put on ``sys.path``."""
    where.mkdir(parents=True, exist_ok=True)
    target = where / ("_counted" + sysconfig.get_config_var("EXT_SUFFIX"))
    subprocess.run(
        ["gcc", "-O0", "-shared", "-fPIC", f"-I{sysconfig.get_paths()['include']}",
         str(HERE / "counted.c"), "-o", str(target)],
        check=True,
    )  # fmt: skip
    return where


def _inside() -> bool:
    return getattr(_state, "depth", 0) > 0


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, counted (once: a call inside counted work is already)."""
    if _inside():
        return fn(*args, **kwargs)
    _state.depth = 1
    try:
        return _ext.call(fn, *args, **kwargs)
    finally:
        _state.depth = 0


class Counted(collections.abc.Coroutine):  # type: ignore[type-arg]
    """A coroutine whose every step is counted."""

    __slots__ = ("_coro",)

    def __init__(self, coro: Any) -> None:
        self._coro = coro

    def send(self, value: Any) -> Any:
        return call(self._coro.send, value)

    def throw(self, *exc: Any) -> Any:
        return call(self._coro.throw, *exc)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Any:
        return self

    def __iter__(self) -> Any:
        return self

    def __next__(self) -> Any:
        return self.send(None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._coro, name)


def task_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
    """The loop's task factory: a task created by counted work is counted, and one created
    inside a stage (a build's per-job tasks) is that stage's too. The protocol reads'
    stages pass nothing on: the request's whole task starts in uvicorn's read."""
    if _inside():
        stage = getattr(_state, "part", None)
        if stage is not None and stage not in (_HTTP_IN, _ANSWER_IN):
            coro = _PartCoroutine(stage, coro)
        else:
            coro = Counted(coro)
    return asyncio.Task(coro, loop=loop, **kwargs)


def _counted_method(cls: type, name: str, index: int) -> None:
    original = cls.__dict__[name]

    @functools.wraps(original)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return call(part, index, original, self, *args, **kwargs)

    setattr(cls, name, method)


def _counted_coroutine_method(cls: type, name: str) -> None:
    original = cls.__dict__[name]

    @functools.wraps(original)
    async def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return await Counted(original(self, *args, **kwargs))

    setattr(cls, name, method)


def _submit_counted() -> None:
    from concurrent.futures import ThreadPoolExecutor

    submit = ThreadPoolExecutor.submit

    def counted_submit(self: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        if _inside():
            stage = getattr(_state, "part", None)
            if stage is not None:
                fn = functools.partial(part, stage, fn)
            return submit(self, functools.partial(call, fn), *args, **kwargs)
        return submit(self, fn, *args, **kwargs)

    ThreadPoolExecutor.submit = counted_submit  # type: ignore[method-assign]


def _aiosqlite_counted() -> None:
    import aiosqlite.core

    connection = aiosqlite.core.Connection
    execute = connection._execute

    async def counted_execute(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if _inside():
            stage = getattr(_state, "part", None)
            if stage is not None:
                fn = functools.partial(part, stage, fn)
            return await execute(self, functools.partial(call, fn), *args, **kwargs)
        return await execute(self, fn, *args, **kwargs)

    connection._execute = counted_execute  # type: ignore[method-assign]


def _loop_counted() -> None:
    import uvicorn.server

    serve = uvicorn.server.Server.serve

    async def counted_serve(self: Any, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        loop.set_task_factory(task_factory)  # type: ignore[arg-type]
        loop.add_signal_handler(WARM_SIGNAL, lambda: loop.create_task(warm_readers()))
        return await serve(self, *args, **kwargs)

    uvicorn.server.Server.serve = counted_serve  # type: ignore[method-assign]


# Sent by bench/edge to the adapter once it has answered its warm-up searches.
WARM_SIGNAL = signal.SIGUSR1


def warmed_file(folder: Path, pid: int) -> Path:
    """The file the adapter process ``pid`` writes into ``folder`` (the trampoline's,
    ``BENCH_EDGE_COUNTED``) once its readers are warm: what it opened, in one line."""
    return folder / f"readers-warm-{pid}"


# The SQLite databases read by counted work, and the reads it made (the latest of each
# function: the catalogue's search), recorded until the readers are warm.
_databases: dict[int, Any] = {}
_reads: dict[Any, Callable[[Any], Any]] = {}


_plain_read: Any = None


def _record_reads() -> None:
    """Record what counted work reads from SQLite (``Database.read``), until
    :func:`_stop_recording`."""
    global _plain_read
    from adapter.storage.database import Database

    _plain_read = read = Database.__dict__["read"]

    @functools.wraps(read)
    async def recorded(self: Any, work: Callable[[Any], Any]) -> Any:
        if _inside() and self._readers is not None:
            _databases[id(self)] = self
            _reads[getattr(work, "__code__", work)] = work
        return await read(self, work)

    Database.read = recorded  # type: ignore[method-assign]


def _stop_recording() -> None:
    """``Database.read`` as it is again: the counted reads pay for no recording."""
    if _plain_read is not None:
        from adapter.storage.database import Database

        Database.read = _plain_read  # type: ignore[method-assign]


def _open_readers(database: Any, works: list[Callable[[Any], Any]]) -> int:
    """Every connection the reader pool of ``database`` may hand out, open at once, each
    having made ``works`` (its schema read, its statements prepared); how many."""
    engine = database._sync_engine
    held = [engine.connect() for _ in range(engine.pool.size())]
    try:
        for connection in held:
            for work in works:
                work(connection)
    finally:
        for connection in held:
            connection.close()
    return len(held)


async def warm_readers() -> None:
    """Open what the searches' reads use once per process life (SQLite's reader threads
    and every pooled connection of theirs, and the writer thread that checkpoints with
    them), make each connection run the reads counted work made, then stop recording
    reads; say what was opened in :func:`warmed_file`."""
    loop = asyncio.get_running_loop()
    _stop_recording()
    works = list(_reads.values())
    opened = []
    for database in _databases.values():
        threads = database._readers._max_workers
        # Each waits until all have started: one task per thread, every thread started.
        started = threading.Barrier(threads)
        await asyncio.gather(*(loop.run_in_executor(database._readers, started.wait, 60)
                               for _ in range(threads)))  # fmt: skip
        await loop.run_in_executor(database._writer, lambda: None)
        connections = await loop.run_in_executor(database._readers, _open_readers, database, works)
        opened.append(f"{threads} reader threads and the writer's, {connections} connections "
                      f"each making {len(works)} reads")  # fmt: skip
    folder = Path(os.environ["BENCH_EDGE_COUNTED"])
    warmed_file(folder, os.getpid()).write_text("; ".join(opened) or "no SQLite reads")


# The stages whose share of the count bench/edge prints (callgrind's inclusive count of
# ondc_bench_part_N, N the position here): module, class, method. A stage inside another
# (signing inside delivery) is counted in both. An empty class names a module function.
PARTS: list[tuple[str, str, str, str]] = [
    ("HTTP request read (uvicorn)", "", "", ""),
    ("endpoint, whole", "adapter.network.inbound", "_Endpoint", "__call__"),
    ("  verify signature", "adapter.network.authentication", "Authenticator", "authenticate"),
    # A function: patched where the endpoint calls it (the name it imported).
    ("  parse", "adapter.network.inbound", "", "parse_body"),
    ("  context checks", "adapter.network.inbound", "_Endpoint", "_check"),
    ("  rate limit + dedupe (memory)", "adapter.coordination.memory", "MemoryState", "admit"),
    ("  rate limit + dedupe (redis)", "adapter.coordination.redis_state", "RedisState", "admit"),
    ("group commit write", "adapter.storage.group_commit", "InboundWriter", "_write"),
    ("dispatcher: lease renewal", "adapter.outbound.in_flight", "InFlight", "renew"),
    ("dispatcher: claim", "adapter.storage.outbox", "Outbox", "claim"),
    ("dispatcher: build", "adapter.outbound.builder", "CallbackBuilder", "build"),
    ("dispatcher: save callback bytes", "adapter.storage.outbox", "Outbox", "save_callbacks"),
    ("dispatcher: deliver (sign, POST, answer)", "adapter.outbound.delivery", "Delivery", "send"),
    ("  answer read (aiohttp protocol)", "", "", ""),
    ("dispatcher: release retries", "adapter.storage.leases", "LeasedQueue", "release"),
    ("dispatcher: settle", "adapter.storage.outbox", "Outbox", "settle_many"),
]
_HTTP_IN, _ANSWER_IN = 0, 13


def part(index: int, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` attributed to stage ``index`` (and its thread work too)."""
    if getattr(_state, "part", None) == index:
        return fn(*args, **kwargs)
    previous = getattr(_state, "part", None)
    _state.part = index
    try:
        return _ext.part(index, fn, *args, **kwargs)
    finally:
        _state.part = previous


class _PartCoroutine(Counted):
    __slots__ = ("_index",)

    def __init__(self, index: int, coro: Any) -> None:
        super().__init__(coro)
        self._index = index

    # Through call: a task's own coroutine is stepped from the loop, outside counted work.
    def send(self, value: Any) -> Any:
        return call(part, self._index, self._coro.send, value)

    def throw(self, *exc: Any) -> Any:
        return call(part, self._index, self._coro.throw, *exc)


def _attribute(index: int, owner: Any, name: str) -> None:
    """Route ``owner.name`` (a class's method or a module's function) through stage
    ``index``."""
    original = vars(owner)[name]
    if asyncio.iscoroutinefunction(original):

        @functools.wraps(original)
        async def stage(*args: Any, **kwargs: Any) -> Any:
            return await _PartCoroutine(index, original(*args, **kwargs))

    else:

        @functools.wraps(original)
        def stage(*args: Any, **kwargs: Any) -> Any:
            return part(index, original, *args, **kwargs)

    setattr(owner, name, stage)


def _looks_first(dispatcher: type) -> None:
    """Idle polls look before they claim: the dispatcher's loop asks the store whether a
    job is due (uncounted, as it runs outside a round) and starts a round only then. An
    idle poll would otherwise be an empty counted round a second, a cost per second of
    the run, not per search; retries still go out when due."""
    init = dispatcher.__init__

    @functools.wraps(init)
    def looks_first(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self._poll_first = True

    dispatcher.__init__ = looks_first  # type: ignore[method-assign]


def _patient_client() -> None:
    """Phase limits for valgrind's pace: a process running fifty times slower on a busy
    machine missed the 2 s connect limit (timed out, retried and counted again), which a
    full-speed run does not."""
    import adapter.outbound.client as client

    client._CONNECT_SECONDS = 60.0  # type: ignore[misc]
    client._READ_SECONDS = 60.0  # type: ignore[misc]


def install(*, dispatcher: bool) -> None:
    """Route the entry points through the trampoline (see the module's docstring)."""
    global _ext
    _ext = importlib.import_module("_counted")
    import uvicorn.protocols.http as http_protocols
    from aiohttp.client_proto import ResponseHandler

    for info in pkgutil.iter_modules(http_protocols.__path__):
        try:
            module = importlib.import_module(f"{http_protocols.__name__}.{info.name}")
        except ImportError:  # an optional parser that is not installed
            continue
        for value in vars(module).values():
            if (isinstance(value, type) and value.__module__ == module.__name__
                    and "data_received" in value.__dict__):  # fmt: skip
                _counted_method(value, "data_received", _HTTP_IN)
    _counted_method(ResponseHandler, "data_received", _ANSWER_IN)
    _submit_counted()
    _aiosqlite_counted()
    _loop_counted()
    if dispatcher:
        _record_reads()
        from adapter.outbound.dispatcher import Dispatcher

        _counted_coroutine_method(Dispatcher, "_round")
        _looks_first(Dispatcher)
        _patient_client()
        for index, (_, module, cls, name) in enumerate(PARTS):
            if module:
                owner = importlib.import_module(module)
                _attribute(index, getattr(owner, cls) if cls else owner, name)


def start() -> None:
    """Switch callgrind's instrumentation on (from inside the process)."""
    _ext.start()


def stop() -> None:
    """Switch it off."""
    _ext.stop()


if __name__ == "__main__":
    sys.exit("import this module; bench/edge/counted_run.py runs processes with it")
