"""The Beckn side of the adapter: what buyer apps, the gateway and the registry call."""
