"""Peers' answers read with a cap on their decoded size and an overall deadline.

Every outbound request (a callback to a buyer app, a notification to a seller's system, a
stock feed) goes through :func:`exchange`. The answer is streamed, never read whole: the
raw bytes are counted as they arrive and a compressed answer is inflated here a bounded
piece at a time, so a small gzip answer that inflates to a gigabyte costs at most the cap
(plus one network read) and is refused. The whole exchange (connect, send, every read)
runs under one deadline: httpx's per-read timeouts alone never trip on a peer that sends
a byte every few seconds.

Errors::

    OutboundError
    ├── AnswerTooLarge     the decoded answer passed the cap
    ├── AnswerTooSlow      the exchange passed its deadline
    ├── AnswerUnreadable   an encoding we do not inflate, or damaged compressed data
    └── UnsafeDestination  (adapter.outbound.destination) the URL may not be called
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Final

import httpx

__all__ = [
    "ACCEPT_ENCODING",
    "Answer",
    "AnswerTooLarge",
    "AnswerTooSlow",
    "AnswerUnreadable",
    "OutboundError",
    "exchange",
    "read_capped",
]

# Answers are asked for plain or gzip; gzip and deflate are inflated here, bounded. Any
# other coding (br, zstd) is refused rather than handed to a decoder we cannot bound.
ACCEPT_ENCODING: Final = "gzip, deflate;q=0.5, identity;q=0.1"
_INFLATED: Final = frozenset({"gzip", "x-gzip", "deflate"})
# Inflate at most this much per step, so memory stays near the cap whatever the ratio.
_STEP: Final = 64 * 1024


class OutboundError(Exception):
    """An outbound exchange that did not give a usable answer."""


class AnswerTooLarge(OutboundError):
    """The answer, decoded, is larger than the caller allows."""


class AnswerTooSlow(OutboundError):
    """The whole exchange took longer than its deadline."""


class AnswerUnreadable(OutboundError):
    """The answer's content coding is not one we read, or its compressed data is damaged."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A peer's answer: its status, headers and decoded body (at most the cap)."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes


async def exchange(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    max_bytes: int,
    deadline_seconds: float,
    phases: httpx.Timeout,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """Send one request and read its answer, decoded, up to ``max_bytes``, all within
    ``deadline_seconds``; ``phases`` are httpx's per-phase timeouts inside that.

    Raises :class:`AnswerTooLarge`, :class:`AnswerTooSlow`, :class:`AnswerUnreadable` or
    ``httpx.HTTPError`` (no connection, a per-phase timeout, a broken answer).
    """
    sent = {**(headers or {}), "Accept-Encoding": ACCEPT_ENCODING}
    try:
        async with asyncio.timeout(deadline_seconds):
            async with http.stream(
                method, url, content=content, headers=sent, timeout=phases
            ) as response:
                if response.is_stream_consumed:
                    # An answer made in memory (a test transport handing out one response
                    # object again): nothing is left to stream, its body is already here.
                    body = response.content
                    if len(body) > max_bytes:
                        raise AnswerTooLarge(f"answer is larger than {max_bytes} bytes")
                else:
                    body = await _read_capped(response, max_bytes)
                return Answer(response.status_code, response.headers, body)
    except TimeoutError:
        raise AnswerTooSlow(f"no complete answer within {deadline_seconds:g} s") from None


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, read as raw bytes and inflated here a step at a time."""
    coding = response.headers.get("content-encoding", "identity")
    return await read_capped(response.aiter_raw(), coding, max_bytes)


async def read_capped(raw_chunks: AsyncIterator[bytes], coding: str, max_bytes: int) -> bytes:
    """The decoded body of an answer whose raw (still encoded) bytes come as
    ``raw_chunks`` with content coding ``coding``: counted as they arrive, inflated here
    a bounded step at a time, refused past ``max_bytes`` (whichever HTTP client read it)."""
    coding = coding.strip().lower()
    if coding in ("", "identity"):
        inflater = None
    elif coding in _INFLATED:
        # wbits 47: a gzip or a zlib header, whichever the answer has.
        inflater = zlib.decompressobj(47)
    else:
        raise AnswerUnreadable(f"answer uses content coding {coding!r}, which is not read")
    parts: list[bytes] = []
    size = 0
    async for raw in raw_chunks:
        if inflater is None:
            size += len(raw)
            if size > max_bytes:
                raise AnswerTooLarge(f"answer is larger than {max_bytes} bytes")
            parts.append(raw)
            continue
        pending = raw
        while pending:
            try:
                piece = inflater.decompress(pending, _STEP)
            except zlib.error as exc:
                raise AnswerUnreadable(f"damaged {coding} data: {exc}") from None
            pending = inflater.unconsumed_tail
            size += len(piece)
            if size > max_bytes:
                raise AnswerTooLarge(f"answer is larger than {max_bytes} bytes when inflated")
            parts.append(piece)
            if inflater.eof:
                break
    return b"".join(parts)
