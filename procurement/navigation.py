"""Procurement's header link: the public portal of notices (registered from
ProcurementConfig.ready; no query of its own)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.core.dashboard import Link
from marketplace.core.navigation import nav_link


@nav_link("procurement.notices", order=40)
def notices_link(user) -> Link:
    return Link(_("Procurement"), reverse("procurement:notices"))
