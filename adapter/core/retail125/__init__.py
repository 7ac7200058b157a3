"""Retail 1.2.5, the contract family served beside retail 1.2.0 (pure).

- :mod:`~adapter.core.retail125.routing`: P2P and P2H2P, and the delivery states each allows;
- :mod:`~adapter.core.retail125.replies`: 1.2.0's reply builders with 1.2.5's changes
  (``bpp_terms`` in on_search; routing, GI credentials and GST terms in on_confirm; ttl);
- :mod:`~adapter.core.retail125.sequence`: Pramaan's sequence rules, checked at the edge.
- :mod:`~adapter.core.retail125.replacement`: a returned piece replaced by a second delivery;
- :mod:`~adapter.core.retail125.force_cancel`: a buyer app's forced cancel of a late order;
- :mod:`~adapter.core.retail125.delivery_update`: buyer instructions and a new address;
- :mod:`~adapter.core.retail125.delivery_auth`: a delivery authorised by a code at the door;
- :mod:`~adapter.core.retail125.cash_on_delivery`: paid in cash at the door, PAID at delivery;
- :mod:`~adapter.core.retail125.bap_features`: what a buyer app says it supports;
- :mod:`~adapter.core.retail125.delivery_slots`: delivery in a time slot the buyer chooses,
  and :mod:`~adapter.core.retail125.slot_offers`, the slots a store has room in.
- :mod:`~adapter.core.retail125.seller_collects`: paid on the seller app's own gateway;
- :mod:`~adapter.core.retail125.purchase_finance`: the buyer app's finance terms, kept.

The family itself is put together in ``adapter.core.contract_table`` (``RETAIL_1_2_5``).
"""
