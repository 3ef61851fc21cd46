"""Staff review of submitted campaigns: the queue, and one campaign's review (approve, or
ask for changes with the reason the maker reads)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crowdfunding import selectors
from crowdfunding.forms import ReviewForm
from crowdfunding.services.campaigns import (
    campaign_approve,
    campaign_request_changes,
    fee_receipt,
)
from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.pages import domain_errors_as_http, show_error_on_form


@login_required
@domain_errors_as_http
def review_queue_page(request):
    if not request.user.is_staff:
        raise PermissionDeniedError(_("Only the platform's staff review campaigns."))
    return render(request, "crowdfunding/review_queue.html",
                  {"campaigns": list(selectors.campaign_review_queue())})


DECISIONS = {"approve": (campaign_approve, _("The campaign is approved: it goes live at its "
                                             "launch time.")),
             "request_changes": (campaign_request_changes,
                                 _("Changes requested: the maker has your remarks."))}


@login_required
@domain_errors_as_http
def review_page(request, pk):
    campaign = selectors.campaign_get_for_review(user=request.user, pk=pk)
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        decision = DECISIONS.get(request.POST.get("decision", ""))
        if decision is None:
            form.is_valid()
            form.add_error(None, _("Approve the campaign or ask for changes."))
            status = 400
        elif form.is_valid():
            service, success = decision
            try:
                service(actor=request.user, campaign=campaign, reason=form.cleaned_data["reason"])
            except (PermissionDeniedError, NotFoundError):
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, success)
                return redirect("crowdfunding:review_queue")
        else:
            status = 400
    tiers = list(campaign.tiers.all())
    return render(request, "crowdfunding/review.html", {
        "campaign": campaign, "form": form, "tiers": tiers,
        "products": selectors.campaign_products(campaign, request.user),
        "fees": [fee_receipt(campaign, 100), fee_receipt(campaign, 150)],
    }, status=status)
