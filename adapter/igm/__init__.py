"""Grievances (ONDC IGM 1.0.0 and 2.0.0): a buyer's complaint about an order, from the
buyer app's ``/issue`` to its resolution, with the seller as the respondent.

``issue2`` and ``issue1`` hold each version's rules over the issue as a JSON document
(pure); ``replies`` answers the buyer app's requests; ``desk`` applies the seller's (and
``timers``') steps and queues the unsolicited callbacks; ``remedies`` turns an agreed refund,
return or replacement into the retail ``on_update`` of the order; ``reports`` sums the
complaints for the department.
"""
