"""MFA is mandatory for government buyers, panel experts and staff.

Such a user without an active TOTP authenticator is sent to the "MFA required" page
from every page except the few needed to set it up or log out (allauth's pages under
/accounts/, the language switch, static files); API calls get a 403 with the standard
error body. Logging in itself is not affected: allauth's MFA stage asks users who have
an authenticator for a code before they count as logged in.
"""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

EXEMPT_PREFIXES = (
    "/accounts/", "/static/", "/media/", "/healthz", "/i18n/", "/jsi18n/", "/mfa-required/",
    "/status/", "/favicon.ico",
)


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._blocked(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": _(
                            "Two-factor authentication is required for your role. Set up an "
                            "authenticator app first."
                        ),
                        "code": "mfa_required",
                    },
                    status=403,
                )
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:mfa_required')}?{query}")
        return self.get_response(request)

    @staticmethod
    def _blocked(request) -> bool:
        # Exempt paths first: /healthz must answer without touching the session or the
        # database (reading request.user would), so a database outage is a 503, not a 500.
        if request.path.startswith(EXEMPT_PREFIXES):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        from marketplace.accounts.rules import requires_mfa
        from marketplace.accounts.selectors import user_has_mfa

        return requires_mfa(user) and not user_has_mfa(user)


class MembershipMemoMiddleware:
    """A request reads each person's memberships once, whatever the number of permission
    checks (see ``accounts.rules.user_memberships``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from marketplace.accounts.rules import membership_memo

        with membership_memo():
            return self.get_response(request)
