"""Creator updates and comments: the maker's news (for everyone or backers only, backers
told after the commit) and the conversation on a campaign, moderated by staff.

    update_post        the campaign's people post an update (sanitised rich text)
    comment_post       anyone signed in (backers only when the maker chose so)
    comment_report     anyone signed in, once per comment, with a reason
    comment_hide       staff, with the reason (the author's text stays on record)
    comment_restore    staff show a hidden comment again
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from catalog.validators import sanitise_html
from crowdfunding.errors import CrowdfundingValidationError
from crowdfunding.models import Campaign, CampaignComment, CampaignUpdate, CommentReport
from crowdfunding.rules import CrowdfundingPerm
from crowdfunding.services.common import clean_text
from crowdfunding.states import COMMENT_STATES, CrowdfundingAction
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import ConflictError, PermissionDeniedError
from marketplace.core.permissions import require_perm
from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason

NOTIFY_UPDATE = "crowdfunding.tasks.update_notify_backers"
# a campaign that nobody can see yet takes no comments and no updates
OPEN_STATUSES = Campaign.PUBLIC_STATUSES


class AlreadyReported(ConflictError):
    code = "already_reported"
    default_message = _("You reported this comment already.")


def _public(campaign: Campaign) -> None:
    if campaign.status not in OPEN_STATUSES:
        raise CrowdfundingValidationError(
            _("Updates and comments open when the campaign goes live."), code="not_public")


def update_post(*, actor, campaign: Campaign, title, body, audience="public") -> CampaignUpdate:
    require_perm(actor, CrowdfundingPerm.POST_UPDATE, campaign)
    _public(campaign)
    title = clean_text(title, field="title", label=_("The title"), max_chars=200, required=True)
    body = sanitise_html(clean_text(body, field="body", label=_("The update"),
                                    max_chars=20_000, required=True), enforce_limit=False)
    if not body:
        raise CrowdfundingValidationError(_("Write the update."), code="required",
                                          data={"field": "body"})
    if audience not in CampaignUpdate.Audience.values:
        raise CrowdfundingValidationError(_("Choose who may read the update."),
                                          code="invalid_choice", data={"field": "audience"})
    with transaction.atomic():
        update = CampaignUpdate.objects.create(campaign=campaign, title=title, body=body,
                                               audience=audience, author=actor)
        audit_log(actor=actor, action=CrowdfundingAction.UPDATE_POSTED, obj=update,
                  data={"campaign": campaign.pk, "audience": audience})
        enqueue(NOTIFY_UPDATE, update.pk)  # backers told, after the commit
    return update


def comment_post(*, actor, campaign: Campaign, body) -> CampaignComment:
    require_perm(actor, CrowdfundingPerm.COMMENT_CAMPAIGN, campaign, message=_(
        "Only backers may comment on this campaign."))
    _public(campaign)
    body = clean_text(body, field="body", label=_("The comment"), max_chars=2_000,
                      required=True)
    with transaction.atomic():
        comment = CampaignComment.objects.create(campaign=campaign, author=actor, body=body)
        audit_log(actor=actor, action=CrowdfundingAction.COMMENT_POSTED, obj=comment,
                  data={"campaign": campaign.pk})
    return comment


def comment_report(*, actor, comment: CampaignComment, reason) -> CommentReport:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(_("Sign in to report a comment."))
    reason = clean_reason(reason, missing=_("Say what is wrong with this comment."),
                          error=CrowdfundingValidationError)
    with transaction.atomic(), unique_conflicts(CommentReport,
                                                {"comment_report_once": AlreadyReported()}):
        report = CommentReport.objects.create(comment=comment, reporter=actor, reason=reason)
        CampaignComment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
        audit_log(actor=actor, action=CrowdfundingAction.COMMENT_REPORTED, obj=comment,
                  data={"report": report.pk})
    return report


def comment_hide(*, actor, comment: CampaignComment, reason) -> CampaignComment:
    require_perm(actor, CrowdfundingPerm.MODERATE_COMMENT, comment)
    reason = clean_reason(reason, missing=_("Give the reason for hiding the comment."),
                          error=CrowdfundingValidationError)
    return transition(comment, COMMENT_STATES, CampaignComment.Status.HIDDEN, actor=actor,
                      action=CrowdfundingAction.COMMENT_HIDDEN,
                      changes={"moderation_reason": reason}, data={"reason": reason})


def comment_restore(*, actor, comment: CampaignComment) -> CampaignComment:
    require_perm(actor, CrowdfundingPerm.MODERATE_COMMENT, comment)
    return transition(comment, COMMENT_STATES, CampaignComment.Status.VISIBLE, actor=actor,
                      action=CrowdfundingAction.COMMENT_RESTORED,
                      changes={"moderation_reason": ""})
