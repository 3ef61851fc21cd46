"""The maker's pages: my campaigns, create and edit a draft, its rewards, the fee
schedule before submitting, submit for review, revise after staff asked for changes,
withdraw before launch; the campaign's backers and funding chart. Every write goes
through crowdfunding.services; a refusal is shown on the form or as a message with its
4xx status, and nothing is written."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crowdfunding import selectors
from crowdfunding.charts import funding_chart_svg
from crowdfunding.forms import CampaignForm, TierForm
from crowdfunding.models import Campaign
from crowdfunding.services.campaigns import (
    campaign_cancel,
    campaign_create,
    campaign_revise,
    campaign_submit,
    campaign_update,
    fee_receipt,
)
from crowdfunding.services.tiers import tier_create, tier_delete, tier_update
from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.pages import domain_errors_as_http, show_error_on_form

MANAGE_BACKERS = 50


@login_required
def my_campaigns(request):
    return render(request, "crowdfunding/my_campaigns.html", {
        "campaigns": list(selectors.campaigns_of_maker(request.user)),
        "can_start": bool(selectors.organisations_that_may_start(request.user)),
    })


def _organisation_for_new(request):
    """The verified maker company the new campaign is for: the only one, or the one
    chosen (``?organisation=<id>``) among those the person may start campaigns for."""
    organisations = selectors.organisations_that_may_start(request.user)
    if not organisations:
        raise PermissionDeniedError(_(
            "Only the people of a verified maker organisation can start its campaigns."))
    wanted = request.GET.get("organisation") or request.POST.get("organisation")
    if len(organisations) == 1 and not wanted:
        return organisations[0], organisations
    chosen = next((o for o in organisations if str(o.pk) == str(wanted)), None)
    return chosen, organisations


@login_required
@domain_errors_as_http
def campaign_create_page(request):
    organisation, organisations = _organisation_for_new(request)
    if organisation is None:
        return render(request, "crowdfunding/campaign_pick_organisation.html",
                      {"organisations": organisations})
    form = CampaignForm(request.POST or None,
                        products=selectors.maker_products_for_campaign(organisation))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                campaign = campaign_create(actor=request.user, organisation=organisation,
                                           **form.service_data())
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Draft saved. Add its rewards, then submit it "
                                            "for review."))
                return redirect("crowdfunding:campaign_manage", pk=campaign.pk)
        else:
            status = 400
    return render(request, "crowdfunding/campaign_form.html", {
        "form": form, "organisation": organisation, "creating": True}, status=status)


def _campaign_initial(campaign: Campaign) -> dict:
    launch = timezone.localtime(campaign.launch_at) if campaign.launch_at else None
    return {
        "title": campaign.title, "summary": campaign.summary, "story": campaign.story,
        "goal_amount": campaign.goal.quantized().amount, "currency": campaign.goal_currency,
        "funding_model": campaign.funding_model,
        "threshold_percent": campaign.threshold_percent,
        "launch_date": launch.date() if launch else None,
        "launch_time": launch.time().replace(second=0, microsecond=0) if launch else None,
        "duration_days": campaign.duration_days,
        "products": [p.pk for p in campaign.products.all()],
        "comments_backers_only": campaign.comments_backers_only,
    }


@login_required
@domain_errors_as_http
def campaign_edit_page(request, pk):
    campaign = selectors.campaign_get_for_maker(user=request.user, pk=pk)
    if campaign.status not in Campaign.EDITABLE_STATUSES:
        messages.error(request, _("Only a draft can be edited; ask staff for changes or wait "
                                  "for their review."))
        return redirect("crowdfunding:campaign_manage", pk=campaign.pk)
    form = CampaignForm(request.POST or None, initial=_campaign_initial(campaign),
                        products=selectors.maker_products_for_campaign(campaign.organisation))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                campaign_update(actor=request.user, campaign=campaign, **form.service_data())
            except (PermissionDeniedError, NotFoundError):
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("crowdfunding:campaign_manage", pk=campaign.pk)
        else:
            status = 400
    return render(request, "crowdfunding/campaign_form.html", {
        "form": form, "organisation": campaign.organisation, "campaign": campaign},
        status=status)


def _manage_context(campaign: Campaign, tier_form=None) -> dict:
    tiers = list(campaign.tiers.all())
    for tier in tiers:
        tier.remaining = selectors.tier_remaining(tier)
    return {
        "campaign": campaign,
        "progress": selectors.campaign_progress(campaign),
        "tiers": tiers,
        "tier_form": tier_form or TierForm(),
        "fees": [fee_receipt(campaign, 100), fee_receipt(campaign, 150)],
        "backers": list(selectors.campaign_backers(campaign)[:MANAGE_BACKERS]),
        "chart": funding_chart_svg(selectors.campaign_funding_by_day(campaign),
                                   goal=campaign.goal),
        "editable": campaign.status in Campaign.EDITABLE_STATUSES,
        "tiers_open": campaign.status in (Campaign.Status.DRAFT,
                                          Campaign.Status.CHANGES_REQUESTED,
                                          Campaign.Status.SUBMITTED, Campaign.Status.APPROVED,
                                          Campaign.Status.LIVE),
        "withdrawable": campaign.status in (Campaign.Status.DRAFT, Campaign.Status.SUBMITTED,
                                            Campaign.Status.CHANGES_REQUESTED,
                                            Campaign.Status.APPROVED),
    }


@login_required
@domain_errors_as_http
def campaign_manage_page(request, pk):
    campaign = selectors.campaign_get_for_maker(user=request.user, pk=pk)
    return render(request, "crowdfunding/campaign_manage.html", _manage_context(campaign))


def _refused(request, campaign_pk, exc: DomainError):
    """Show the manage page again with the refusal, answering with its 4xx status."""
    messages.error(request, str(exc.message))
    campaign = selectors.campaign_get_for_maker(user=request.user, pk=campaign_pk)
    return render(request, "crowdfunding/campaign_manage.html", _manage_context(campaign),
                  status=exc.status_code)


def _campaign_action(request, pk, service, success, **extra):
    campaign = selectors.campaign_get_for_maker(user=request.user, pk=pk)
    try:
        service(actor=request.user, campaign=campaign, **extra)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        return _refused(request, pk, exc)
    messages.success(request, success)
    return redirect("crowdfunding:campaign_manage", pk=pk)


@login_required
@require_POST
@domain_errors_as_http
def campaign_submit_page(request, pk):
    return _campaign_action(request, pk, campaign_submit,
                            _("Submitted: staff will review the campaign."))


@login_required
@require_POST
@domain_errors_as_http
def campaign_revise_page(request, pk):
    return _campaign_action(request, pk, campaign_revise,
                            _("The campaign is a draft again: make the changes, then submit it."))


@login_required
@require_POST
@domain_errors_as_http
def campaign_withdraw_page(request, pk):
    return _campaign_action(request, pk, campaign_cancel, _("The campaign is withdrawn."),
                            reason=request.POST.get("reason", ""))


@login_required
@require_POST
@domain_errors_as_http
def tier_create_page(request, pk):
    campaign = selectors.campaign_get_for_maker(user=request.user, pk=pk)
    form = TierForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            tier_create(actor=request.user, campaign=campaign, **form.service_data())
        except (PermissionDeniedError, NotFoundError):
            raise
        except DomainError as exc:
            status = show_error_on_form(form, exc)
        else:
            messages.success(request, _("Reward added."))
            return redirect("crowdfunding:campaign_manage", pk=campaign.pk)
    return render(request, "crowdfunding/campaign_manage.html",
                  _manage_context(campaign, tier_form=form), status=status)


@login_required
@domain_errors_as_http
def tier_edit_page(request, pk):
    tier = selectors.tier_get_for_maker(user=request.user, pk=pk)
    initial = {"title": tier.title, "description": tier.description,
               "price": tier.price.quantized().amount, "no_reward": tier.no_reward,
               "estimated_delivery": tier.estimated_delivery.strftime("%Y-%m")
               if tier.estimated_delivery else None,
               "quantity": tier.quantity}
    form = TierForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = {k: v for k, v in form.service_data().items() if v != initial[k]}
            try:
                if changes:
                    tier_update(actor=request.user, tier=tier, **changes)
            except (PermissionDeniedError, NotFoundError):
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Reward saved.") if changes
                                 else _("Nothing was changed."))
                return redirect("crowdfunding:campaign_manage", pk=tier.campaign_id)
        else:
            status = 400
    return render(request, "crowdfunding/tier_form.html",
                  {"form": form, "tier": tier, "campaign": tier.campaign}, status=status)


@login_required
@require_POST
@domain_errors_as_http
def tier_delete_page(request, pk):
    tier = selectors.tier_get_for_maker(user=request.user, pk=pk)
    try:
        tier_delete(actor=request.user, tier=tier)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        return _refused(request, tier.campaign_id, exc)
    messages.success(request, _("Reward deleted."))
    return redirect("crowdfunding:campaign_manage", pk=tier.campaign_id)


def _cell(value) -> str:
    """A spreadsheet cell that is never a formula (a backer's name is their own input)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@domain_errors_as_http
def backers_csv(request, pk):
    """The maker's list of backers for fulfilment (every pledge, anonymous ones included:
    anonymity hides a backer from the public, not from the maker who ships the reward)."""
    campaign = selectors.campaign_get_for_maker(user=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-backers.csv"'
    response.write("\ufeff")  # so spreadsheet programs read Chinese names as UTF-8
    writer = csv.writer(response)
    writer.writerow(["pledge", "backer", "email", "reward", "amount", "currency", "status",
                     "anonymous", "pledged_at"])
    for pledge in selectors.campaign_backers(campaign):
        backer = pledge.backer
        writer.writerow([pledge.pk, _cell(backer.display_name or ""), _cell(backer.email),
                         _cell(pledge.tier.title if pledge.tier else ""),
                         pledge.amount.quantized().amount,
                         pledge.currency, pledge.status, "yes" if pledge.anonymous else "no",
                         pledge.created_at.isoformat()])
    return response
