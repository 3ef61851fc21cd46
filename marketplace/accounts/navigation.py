"""The accounts app's links in the account menu (registered from AccountsConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.core.dashboard import Link
from marketplace.core.navigation import ACCOUNT_MENU, nav_link


@nav_link("accounts.self", order=10, menu=ACCOUNT_MENU)
def own_links(user) -> list[Link] | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return [Link(_("Profile"), reverse("accounts:profile")),
            Link(_("Organisations"), reverse("accounts:organisation_list"))]


@nav_link("accounts.staff", order=80, menu=ACCOUNT_MENU)
def staff_links(user) -> list[Link] | None:
    if not getattr(user, "is_staff", False):
        return None
    return [Link(_("Real-name review"), reverse("accounts:kyc_queue")),
            Link(_("Administration"), reverse("admin:index"))]
