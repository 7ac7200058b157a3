"""Seller records to ONDC catalogue: the transform and the search match are pure
(``catalog_sync.records``, ``catalog_sync.transform``); sources and jobs do I/O."""
