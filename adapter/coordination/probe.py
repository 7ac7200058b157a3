"""Whether Redis at ``REDIS_URL`` answers, for ``ondc-seller config check`` and ``serve``'s
start-up. Failures are redis-py's own errors, which the command line turns into a message
naming ``REDIS_URL``."""

from __future__ import annotations

from redis import Redis

__all__ = ["redis_version"]


def redis_version(redis_url: str, *, timeout_seconds: float = 5.0) -> str:
    """Connect, authenticate and ask the server's version (``INFO server``)."""
    client = Redis.from_url(
        redis_url, socket_connect_timeout=timeout_seconds, socket_timeout=timeout_seconds
    )
    try:
        info: dict[str, object] = client.info("server")  # type: ignore[assignment]
        return str(info.get("redis_version", "unknown"))
    finally:
        client.close()
