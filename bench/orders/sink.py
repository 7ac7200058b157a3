"""The buyer app's callback endpoint for bench/orders, run as its own process.

    python bench/orders/sink.py PORT FEED_PORT SELLER_PUBLIC_KEY_B64

Answers every ``POST /on_*`` with ACK, checks the seller's signature on the exact bytes
received (with the seller's key, no registry round trip per callback), stamps the arrival
with the system-wide monotonic clock and forwards one JSON line per callback to the bench
process on FEED_PORT: on_select and on_init whole (the buyer's next step is built from
them), the others as context, error code and order state.
"""

from __future__ import annotations

import asyncio
import sys
import time

import orjson

import signing

ACK = b'{"message":{"ack":{"status":"ACK"}}}'
WHOLE = {"on_select", "on_init"}


def record(body: bytes, authorization: str, key: signing.PublicKey, arrived: float) -> bytes:
    """One line for the bench: when, whether the signature holds, and what came."""
    try:
        signing.verify(body, authorization, key, now=int(time.time()))
        signed = True
    except signing.SignatureError:
        signed = False
    payload = orjson.loads(body)
    context = payload.get("context", {})
    order = (payload.get("message") or {}).get("order") or {}
    line: dict[str, object] = {
        "at": arrived,
        "signed": signed,
        "action": context.get("action"),
        "message_id": context.get("message_id"),
        "transaction_id": context.get("transaction_id"),
        "error": (payload.get("error") or {}).get("code"),
        "state": order.get("state"),
        "items": [i.get("quantity", {}).get("count") for i in order.get("items", [])],
    }
    if context.get("action") in WHOLE:
        line["payload"] = payload
    return orjson.dumps(line) + b"\n"


async def main(port: int, feed_port: int, public_key: str) -> None:
    key = signing.PublicKey.from_base64(public_key)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length, authorization = 0, ""
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                    elif name.lower() == b"authorization":
                        authorization = value.strip().decode()
                body = await reader.readexactly(length)
                arrived = time.monotonic()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(ACK), ACK))  # fmt: skip
                feed.write(record(body, authorization, key, arrived))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=1024)
    _, feed = await asyncio.open_connection("127.0.0.1", feed_port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))
