"""The buyer's callback endpoint for bench/edge, in a process of its own.

It answers every POST with an ACK at once and records when each message id first arrived
(``time.monotonic``, the same system-wide clock the load generator stamps requests with).
Running it apart from the load generator and the sandbox registry keeps it from being
starved: a slow sink would show up as callback latency and retried deliveries that are the
bench's fault, not the adapter's.

The parent talks to it over a pipe: ``"count"`` -> number of message ids seen,
``"collect"`` -> ``{message_id: arrived_at}``, ``"stop"``.
"""

from __future__ import annotations

import asyncio
import time
from multiprocessing.connection import Connection

ACK = b'{"message":{"ack":{"status":"ACK"}}}'
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(ACK),
    ACK,
)
MARK = b'"message_id":"'


def _message_id(body: bytes) -> str | None:
    # The first message_id in the body is the context's (context comes first in our
    # callbacks); a substring search keeps the sink cheap.
    start = body.find(MARK)
    if start < 0:
        return None
    start += len(MARK)
    return body[start : body.index(b'"', start)].decode()


async def _main(port: int, control: Connection) -> None:
    arrived: dict[str, float] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length)
                now = time.monotonic()
                writer.write(RESPONSE)
                message_id = _message_id(body)
                if message_id is not None:
                    arrived.setdefault(message_id, now)
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    loop = asyncio.get_running_loop()
    control.send("ready")
    while True:
        command = await loop.run_in_executor(None, control.recv)
        if command == "count":
            control.send(len(arrived))
        elif command == "collect":
            control.send(dict(arrived))
        else:
            break
    server.close()


def serve(port: int, control: Connection) -> None:
    """Process entry point."""
    asyncio.run(_main(port, control))
