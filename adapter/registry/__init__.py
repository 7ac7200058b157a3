"""The ONDC registry: lookups, a key cache that honours ``valid_until``, onboarding."""

from adapter.registry.client import RegistryClient
from adapter.registry.directory import KeyDirectory
from adapter.registry.records import SubscriberRecord

__all__ = ["KeyDirectory", "RegistryClient", "SubscriberRecord"]
