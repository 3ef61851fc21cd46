"""The page behind the link in an invitation email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marketplace.accounts import selectors
from marketplace.accounts.services.invitations import invitation_accept
from marketplace.core.errors import DomainError
from marketplace.core.pages import domain_errors_as_http


@login_required
@domain_errors_as_http
def invitation_accept_view(request, token: str):
    invitation = selectors.invitation_get_by_token(token)
    context = {"invitation": invitation}
    if request.method != "POST":
        return render(request, "accounts/invitation_accept.html", context)
    try:
        membership = invitation_accept(token=token, user=request.user)
    except DomainError as exc:
        context["error"] = exc
        return render(request, "accounts/invitation_accept.html", context,
                      status=exc.status_code)
    messages.success(request, _("Welcome to %(organisation)s.")
                     % {"organisation": membership.organisation})
    return redirect("accounts:organisation_detail", slug=membership.organisation.slug)
