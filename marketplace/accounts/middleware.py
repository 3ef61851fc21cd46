"""MFA is mandatory for government buyers, panel experts and staff.

Such a user without an active authenticator is sent to the MFA set-up page for every
page except the few needed to set it up or log out; API calls get a 403.
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz", "/i18n/", "/mfa-required/")


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(
            EXEMPT_PREFIXES
        ):
            from marketplace.accounts.rules import requires_mfa
            from marketplace.accounts.selectors import user_has_mfa

            if requires_mfa(user) and not user_has_mfa(user):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "detail": _("Two-factor authentication is required for your role."),
                            "code": "mfa_required",
                        },
                        status=403,
                    )
                return redirect(f"{reverse('accounts:mfa_required')}?next={request.path}")
        return self.get_response(request)
