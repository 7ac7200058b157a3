"""ONDC B2B retail 2.0.2: the family's context rules, replies and the LOI price agreement
(pure)."""
