"""Signals reward crowdfunding announces (ids only; receivers defer their work to commit).

* ``campaign_changed``: campaign_id (status, totals or remaining units changed)
"""

from django.dispatch import Signal

campaign_changed = Signal()
