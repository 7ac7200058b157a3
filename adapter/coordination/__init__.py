"""What several adapter processes must share quickly, behind one interface.

The registry key cache, message-id dedupe windows and per-subscriber rate limits live in
Redis when ``REDIS_URL`` is set, and in process memory otherwise (single node). Both
implementations pass one contract test suite.
"""

from adapter.coordination.memory import MemoryState
from adapter.coordination.port import Admission, SharedState
from adapter.coordination.redis_state import RedisState

__all__ = ["Admission", "MemoryState", "RedisState", "SharedState"]
