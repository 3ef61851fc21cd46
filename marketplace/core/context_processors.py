"""What every page's header and footer need, computed only when the template uses it."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from marketplace.core.navigation import ACCOUNT_MENU, MAIN_MENU, links_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_main": SimpleLazyObject(lambda: links_for(user, MAIN_MENU)),
        "nav_account": SimpleLazyObject(lambda: links_for(user, ACCOUNT_MENU)),
    }
