"""The backer's pages: pledge on a live campaign, my pledges, change or cancel a pledge
until the deadline. Every write goes through crowdfunding.services.pledges; a refusal is
shown on the form (or as a message) with its 4xx status and nothing is written."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crowdfunding import selectors
from crowdfunding.errors import CampaignNotOpen
from crowdfunding.forms import PledgeChangeForm, PledgeFixForm, PledgeForm
from crowdfunding.models import Campaign, FundingModel, Pledge
from crowdfunding.rules import CrowdfundingPerm
from crowdfunding.services.fix import FixWindowClosed, pledge_fixable, pledge_payment_retry
from crowdfunding.services.pledges import pledge_cancel, pledge_create, pledge_update
from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.pages import domain_errors_as_http, show_error_on_form
from marketplace.core.permissions import require_perm
from marketplace.payments.models import SavedPaymentMethod
from marketplace.payments.selectors import payment_methods_of


def _active_cards(user) -> list[SavedPaymentMethod]:
    return list(payment_methods_of(user).filter(status=SavedPaymentMethod.Status.ACTIVE)
                .order_by("-created_at", "-pk"))


def _tier_from_query(request, tiers) -> int | None:
    try:
        wanted = int(request.GET.get("tier", ""))
    except ValueError:
        return None
    return wanted if any(t.pk == wanted for t in tiers) else None


@login_required
@domain_errors_as_http
def pledge_page(request, pk):
    campaign = selectors.campaign_get_for_viewer(user=request.user, pk=pk)
    if campaign.status != Campaign.Status.LIVE:
        raise CampaignNotOpen()
    require_perm(request.user, CrowdfundingPerm.BACK_CAMPAIGN, campaign, message=_(
        "The people of the organisation running this campaign cannot back it."))
    existing = selectors.pledge_open_of_backer(request.user, campaign)
    if existing is not None:
        messages.info(request, _("You already back this campaign; change your pledge here."))
        return redirect("crowdfunding:pledge_change", pk=existing.pk)
    tiers = selectors.campaign_tiers_for_pledge(campaign)
    cards = _active_cards(request.user)
    initial = {}
    chosen = _tier_from_query(request, tiers)
    if chosen is not None:
        tier = next(t for t in tiers if t.pk == chosen)
        initial = {"tier": chosen, "amount": tier.price.quantized().amount}
    form = PledgeForm(request.POST or None, initial=initial, tiers=tiers, cards=cards)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                pledge = pledge_create(actor=request.user, campaign=campaign,
                                       **form.cleaned_data)
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                return _after_pledge(request, pledge)
        else:
            status = 400
    return render(request, "crowdfunding/pledge_form.html", {
        "campaign": campaign, "form": form, "tiers": tiers, "cards": cards,
        "flexible": campaign.funding_model == FundingModel.FLEXIBLE,
    }, status=status)


def _after_pledge(request, pledge: Pledge):
    """A flexible pledge whose charge waits for the payer (3-D Secure) is pending: send
    them to their bank's page; otherwise thank them."""
    if pledge.status == Pledge.Status.PENDING:
        messages.info(request, _("Your pledge waits for the payment to be confirmed."))
        attempt = pledge.attempt
        if attempt is not None and attempt.next_action_url:
            return redirect(attempt.next_action_url)
        return redirect("crowdfunding:pledge_list")
    messages.success(request, _("Thank you: your pledge is recorded."))
    return redirect("crowdfunding:pledge_list")


@login_required
def pledge_list(request):
    pledges = list(selectors.pledges_of_backer(request.user))
    for pledge in pledges:
        pledge.changeable = selectors.pledge_is_changeable(pledge)
    return render(request, "crowdfunding/pledge_list.html", {
        "pledges": pledges,
        "needing": {p.pk for p in selectors.pledges_needing_action(request.user)},
    })


def _changes(form, pledge) -> dict:
    """Only what the backer changed (a flexible pledge refuses any amount or tier
    change, even to the same value)."""
    data, changes = form.cleaned_data, {}
    if data["tier"] != pledge.tier_id:
        changes["tier"] = data["tier"]
    try:
        same_amount = Decimal(data["amount"].strip()) == pledge.amount_value
    except (InvalidOperation, AttributeError):
        same_amount = False  # the service explains what is wrong with it
    if not same_amount:
        changes["amount"] = data["amount"]
    if data["anonymous"] != pledge.anonymous:
        changes["anonymous"] = data["anonymous"]
    return changes


@login_required
@domain_errors_as_http
def pledge_change_page(request, pk):
    pledge = selectors.pledge_get_for_viewer(user=request.user, pk=pk)
    if not selectors.pledge_is_changeable(pledge):
        raise CampaignNotOpen(_("This pledge can no longer be changed."))
    tiers = selectors.campaign_tiers_for_pledge(pledge.campaign)
    form = PledgeChangeForm(request.POST or None, tiers=tiers, initial={
        "tier": pledge.tier_id, "amount": pledge.amount.quantized().amount,
        "anonymous": pledge.anonymous})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = _changes(form, pledge)
            if not changes:
                messages.info(request, _("Nothing was changed."))
                return redirect("crowdfunding:pledge_list")
            try:
                pledge_update(actor=request.user, pledge=pledge, **changes)
            except (PermissionDeniedError, NotFoundError):
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Your pledge is changed."))
                return redirect("crowdfunding:pledge_list")
        else:
            status = 400
    return render(request, "crowdfunding/pledge_change.html", {
        "pledge": pledge, "campaign": pledge.campaign, "form": form, "tiers": tiers,
        "flexible": pledge.campaign.funding_model == FundingModel.FLEXIBLE,
    }, status=status)


@login_required
@require_POST
@domain_errors_as_http
def pledge_cancel_page(request, pk):
    pledge = selectors.pledge_get_for_viewer(user=request.user, pk=pk)
    try:
        pledge_cancel(actor=request.user, pledge=pledge)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        response = pledge_list(request)
        response.status_code = exc.status_code
        return response
    messages.success(request, _("Your pledge is canceled."))
    return redirect("crowdfunding:pledge_list")


@login_required
@domain_errors_as_http
def pledge_fix_page(request, pk):
    """The fix window: a declined pledge paid again, on the page (the bank's own page when
    it asks for 3-D Secure), until the window ends."""
    pledge = selectors.pledge_get_for_viewer(user=request.user, pk=pk)
    if not pledge_fixable(pledge):
        raise FixWindowClosed()
    cards = _active_cards(request.user)
    form = PledgeFixForm(request.POST or None, cards=cards,
                         initial={"payment_method": pledge.payment_method_id})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                pledge = pledge_payment_retry(
                    actor=request.user, pledge=pledge,
                    payment_method=form.cleaned_data["payment_method"],
                    return_url=request.build_absolute_uri(request.path))
            except (PermissionDeniedError, NotFoundError):
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                if pledge.status == Pledge.Status.CHARGED:
                    messages.success(request, _("Thank you: your payment went through."))
                    return redirect("crowdfunding:pledge_list")
                if pledge.attempt is not None and pledge.attempt.next_action_url:
                    return redirect(pledge.attempt.next_action_url)
                messages.info(request, _("Your payment waits for your bank's answer."))
                return redirect("crowdfunding:pledge_list")
        else:
            status = 400
    return render(request, "crowdfunding/pledge_fix.html", {
        "pledge": pledge, "campaign": pledge.campaign, "form": form, "cards": cards,
    }, status=status)
