"""A payer's saved cards; a payee's payout account."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.accounts.selectors import organisation_get
from marketplace.core.errors import DomainError, PermissionDeniedError
from marketplace.core.pages import domain_errors_as_http, show_error_on_form
from marketplace.core.permissions import has_perm
from marketplace.payments import selectors
from marketplace.payments.csp import allow_stripe_js
from marketplace.payments.rules import PaymentsPerm
from marketplace.payments.services.accounts import (
    payout_account_ensure,
    payout_account_onboarding_link,
    payout_account_sync,
    payout_refusal,
)
from marketplace.payments.services.methods import (
    payment_method_remove,
    payment_method_save,
    payment_method_sync,
)

# Stripe's documented test payment methods, offered by name when Stripe.js cannot load
# (the embedded demo and tests run offline against the fake server).
TEST_CARDS = [
    ("pm_card_visa", gettext_lazy("Visa 4242 (succeeds)")),
    ("pm_card_mastercard", gettext_lazy("Mastercard 4444 (succeeds)")),
    ("pm_card_authenticationRequiredOnSetup",
     gettext_lazy("3-D Secure at setup, then charges off-session")),
    ("pm_card_authenticationRequired", gettext_lazy("3-D Secure on every payment")),
    ("pm_card_chargeDeclined", gettext_lazy("Declined")),
    ("pm_card_chargeDeclinedInsufficientFunds", gettext_lazy("Declined: insufficient funds")),
    ("pm_card_chargeDeclinedExpiredCard", gettext_lazy("Declined: expired card")),
]


def uses_stripe_elements() -> bool:
    """Real keys and the real Stripe: card entry through Stripe Elements. Otherwise (the
    fake server, no network) the page offers the test payment methods by name."""
    return bool(settings.STRIPE_PUBLISHABLE_KEY and not settings.STRIPE_API_BASE)


class CardForm(forms.Form):
    payment_method = forms.CharField(label=gettext_lazy("Card"), max_length=100)
    off_session_consent = forms.BooleanField(
        label=gettext_lazy("I agree that this card may be charged later, while I am away "
                           "(for example when a campaign I back is funded)."),
        required=False)


@login_required
@domain_errors_as_http
def cards_page(request):
    form = CardForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                method = payment_method_save(
                    user=request.user, **form.cleaned_data,
                    return_url=request.build_absolute_uri(reverse("payments:cards")))
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                if method.next_action_url:
                    return redirect(method.next_action_url)
                messages.success(request, _("Card saved."))
                return redirect("payments:cards")
        else:
            status = 400
    for method in selectors.payment_methods_of(request.user).filter(status="pending"):
        if method.provider_setup_intent_id and request.GET.get("setup_intent"):
            payment_method_sync(method=method)  # back from 3-D Secure
    elements = uses_stripe_elements()
    response = render(request, "payments/cards.html", {
        "form": form, "cards": selectors.payment_methods_of(request.user),
        "test_cards": TEST_CARDS, "elements": elements,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
    }, status=status)
    return allow_stripe_js(response) if elements else response


@login_required
@require_POST
@domain_errors_as_http
def card_remove(request, pk: int):
    method = selectors.payment_method_get_for_viewer(user=request.user, pk=pk)
    payment_method_remove(actor=request.user, method=method)
    messages.success(request, _("Card removed."))
    return redirect("payments:cards")


@login_required
@domain_errors_as_http
def payout_account_page(request, slug: str):
    organisation = organisation_get(slug)
    account = selectors.payout_account_for_viewer(user=request.user, organisation=organisation)
    if request.method == "POST":
        account = payout_account_ensure(actor=request.user, organisation=organisation)
        back = request.build_absolute_uri(reverse("payments:payout_account", args=[slug]))
        return redirect(payout_account_onboarding_link(
            actor=request.user, account=account, refresh_url=back,
            return_url=back + "?returned=1"))
    if account is not None and request.GET.get("returned"):
        account = payout_account_sync(account=account)
    return render(request, "payments/payout_account.html", {
        "organisation": organisation, "account": account,
        "refusal": payout_refusal(account) if account else None,
        "can_manage": has_perm(request.user, PaymentsPerm.MANAGE_PAYOUT_ACCOUNT, organisation),
    })
