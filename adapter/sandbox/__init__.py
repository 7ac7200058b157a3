"""Stand-ins for the network's other participants, for the demo and end-to-end tests.

They speak the real protocol over real HTTP (signed requests, registry lookups, the
onboarding challenge); they are not mocks of the adapter's own parts.
"""
