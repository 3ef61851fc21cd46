"""The profile page: name and language, real-name verification, MFA, memberships."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.accounts import selectors
from marketplace.accounts.forms import KycSubmitForm, ProfileForm
from marketplace.accounts.models import VerificationStatus
from marketplace.accounts.rules import requires_mfa
from marketplace.accounts.services.kyc import kyc_submit
from marketplace.accounts.services.users import user_update_profile
from marketplace.core.errors import DomainError
from marketplace.core.pages import domain_errors_as_http, form_error_response

TEMPLATE = "accounts/profile.html"


def _context(request, *, profile_form=None, kyc_form=None) -> dict:
    user = request.user
    kyc_requests = list(selectors.kyc_requests_for_user(user)[:5])
    return {
        "profile_form": profile_form or ProfileForm(initial={
            "display_name": user.display_name, "phone": user.phone,
            "preferred_language": user.preferred_language,
        }),
        "kyc_form": kyc_form or KycSubmitForm(initial={"legal_name": user.verified_name}),
        "can_submit_kyc": user.verification_status
        in (VerificationStatus.UNVERIFIED, VerificationStatus.REJECTED),
        "kyc_requests": kyc_requests,
        "latest_kyc": kyc_requests[0] if kyc_requests else None,
        "mfa_types": selectors.user_mfa_types(user),
        "mfa_required": requires_mfa(user),
        "memberships": selectors.memberships_for_user(user),
    }


def _with_language_cookie(response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@login_required
@domain_errors_as_http
def profile(request):
    if request.method != "POST":
        return render(request, TEMPLATE, _context(request))
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, profile_form=form), status=400)
    try:
        user_update_profile(user=request.user, **form.cleaned_data)
    except DomainError as exc:
        return form_error_response(
            request, TEMPLATE, _context(request, profile_form=form), exc, form=form
        )
    language = request.user.preferred_language
    with translation.override(language):
        messages.success(request, _("Your profile was saved."))
    return _with_language_cookie(redirect("accounts:profile"), language)


@login_required
@require_POST
@domain_errors_as_http
def kyc_submit_view(request):
    form = KycSubmitForm(request.POST, request.FILES, session=request.session)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, kyc_form=form), status=400)
    try:
        kyc_submit(
            user=request.user, legal_name=form.cleaned_data["legal_name"],
            id_type=form.cleaned_data["id_type"],
            id_number_last4=form.cleaned_data["id_number_last4"],
            documents=form.cleaned_data["documents"],
        )
    except DomainError as exc:
        return form_error_response(
            request, TEMPLATE, _context(request, kyc_form=form), exc, form=form
        )
    messages.success(request, _("Your documents were submitted. Staff will review them."))
    return redirect("accounts:profile")


@login_required
def mfa_required(request):
    """Where RequireMFAMiddleware sends a role that needs MFA. Always reachable (the
    middleware exempts it); it leads to the set-up, first through the confirmation of an
    unconfirmed e-mail address, which allauth requires before an authenticator is added."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return render(request, "accounts/mfa_required.html", {
        "next": target, "unverified_emails": selectors.unverified_emails(request.user),
    }, status=200)
