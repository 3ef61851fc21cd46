"""Signals reward crowdfunding announces (ids only; receivers defer their work to commit).

* ``campaign_changed``: campaign_id (status, totals or remaining units changed): the
  campaign page's live progress follows it, so it is sent on every pledge.
* ``campaign_listing_changed``: campaign_id (status changed: submitted, approved,
  launched, closed, canceled, fulfilled...): search follows it. Pledges do not send it,
  so a launch-day rush queues no index task per pledge; search shows the goal, status
  and deadline, never a running total.
"""

from django.dispatch import Signal

campaign_changed = Signal()
campaign_listing_changed = Signal()
