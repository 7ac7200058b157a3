"""Callbacks out: the outbox dispatcher."""

from adapter.outbound.dispatcher import Dispatcher, backoff_delay

__all__ = ["Dispatcher", "backoff_delay"]
