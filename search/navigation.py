"""Search's header link (registered from SearchConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.core.dashboard import Link
from marketplace.core.navigation import nav_link


@nav_link("search.page", order=90)
def search_link(user) -> Link:
    return Link(_("Search"), reverse("search:page"))
