"""Creator updates and comments on the campaign page, and staff's moderation queue.
Each POST calls its service; a refusal is a 4xx page with the reason, nothing written."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crowdfunding import selectors
from crowdfunding.rules import CrowdfundingPerm
from crowdfunding.services.community import (
    comment_hide,
    comment_post,
    comment_report,
    comment_restore,
    update_post,
)
from marketplace.core.pages import domain_errors_as_http
from marketplace.core.permissions import require_perm


def _back_to(campaign_pk: int, anchor: str):
    return redirect(reverse("crowdfunding:campaign_detail", kwargs={"pk": campaign_pk})
                    + f"#{anchor}")


@login_required
@require_POST
@domain_errors_as_http
def update_post_page(request, pk):
    campaign = selectors.campaign_get_for_maker(user=request.user, pk=pk)
    update = update_post(actor=request.user, campaign=campaign,
                         title=request.POST.get("title", ""), body=request.POST.get("body", ""),
                         audience=request.POST.get("audience", "public"))
    messages.success(request, _("Your update is posted; your backers are told."))
    return _back_to(campaign.pk, f"update-{update.pk}")


@login_required
@require_POST
@domain_errors_as_http
def comment_post_page(request, pk):
    campaign = selectors.campaign_get_for_viewer(user=request.user, pk=pk)
    comment = comment_post(actor=request.user, campaign=campaign,
                           body=request.POST.get("body", ""))
    return _back_to(campaign.pk, f"comment-{comment.pk}")


@login_required
@require_POST
@domain_errors_as_http
def comment_report_page(request, pk):
    comment = selectors.comment_get_for_viewer(user=request.user, pk=pk)
    comment_report(actor=request.user, comment=comment, reason=request.POST.get("reason", ""))
    messages.success(request, _("Thank you: the moderators will look at this comment."))
    return _back_to(comment.campaign_id, f"comment-{comment.pk}")


@login_required
@require_POST
@domain_errors_as_http
def comment_moderate_page(request, pk):
    """Staff: ``action=hide`` (with a reason) or ``action=restore``."""
    comment = selectors.comment_get_for_viewer(user=request.user, pk=pk)
    if request.POST.get("action") == "restore":
        comment_restore(actor=request.user, comment=comment)
        messages.success(request, _("The comment is shown again."))
    else:
        comment_hide(actor=request.user, comment=comment, reason=request.POST.get("reason", ""))
        messages.success(request, _("The comment is hidden."))
    if request.POST.get("next") == "queue":
        return redirect("crowdfunding:moderation")
    return _back_to(comment.campaign_id, f"comment-{comment.pk}")


@login_required
@domain_errors_as_http
def moderation_page(request):
    require_perm(request.user, CrowdfundingPerm.MODERATE_COMMENT, None)
    return render(request, "crowdfunding/moderation.html",
                  {"comments": selectors.comments_reported()[:200]})
