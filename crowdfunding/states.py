"""Allowed status moves of reward crowdfunding, written down as data, and its audit codes."""

from django.utils.translation import gettext_lazy as _

from crowdfunding.models import Campaign, CampaignComment, Pledge
from marketplace.core.names import AuditAction
from marketplace.core.transitions import ANY, StateMachine


class CrowdfundingAction(AuditAction):
    CAMPAIGN_CREATED = "crowdfunding.campaign.created"
    CAMPAIGN_UPDATED = "crowdfunding.campaign.updated"
    CAMPAIGN_SUBMITTED = "crowdfunding.campaign.submitted"
    CAMPAIGN_CHANGES_REQUESTED = "crowdfunding.campaign.changes_requested"
    CAMPAIGN_REVISED = "crowdfunding.campaign.revised"
    CAMPAIGN_APPROVED = "crowdfunding.campaign.approved"
    CAMPAIGN_LAUNCHED = "crowdfunding.campaign.launched"
    CAMPAIGN_FUNDED = "crowdfunding.campaign.funded"
    CAMPAIGN_FAILED = "crowdfunding.campaign.failed"
    CAMPAIGN_CANCELED = "crowdfunding.campaign.canceled"
    CAMPAIGN_FULFILLING = "crowdfunding.campaign.fulfilling"
    CAMPAIGN_FULFILLED = "crowdfunding.campaign.fulfilled"
    TIER_CREATED = "crowdfunding.tier.created"
    TIER_UPDATED = "crowdfunding.tier.updated"
    TIER_DELETED = "crowdfunding.tier.deleted"
    PLEDGE_CREATED = "crowdfunding.pledge.created"
    PLEDGE_ACTIVE = "crowdfunding.pledge.active"
    PLEDGE_CHANGED = "crowdfunding.pledge.changed"
    PLEDGE_CANCELED = "crowdfunding.pledge.canceled"
    PLEDGE_FAILED = "crowdfunding.pledge.failed"
    PLEDGE_CHARGING = "crowdfunding.pledge.charging"
    PLEDGE_CHARGED = "crowdfunding.pledge.charged"
    PLEDGE_PAYMENT_FAILED = "crowdfunding.pledge.payment_failed"
    PLEDGE_DROPPED = "crowdfunding.pledge.dropped"
    PLEDGE_REFUNDED = "crowdfunding.pledge.refunded"
    PLEDGE_RETRIED = "crowdfunding.pledge.retried"
    UPDATE_POSTED = "crowdfunding.update.posted"
    COMMENT_POSTED = "crowdfunding.comment.posted"
    COMMENT_REPORTED = "crowdfunding.comment.reported"
    COMMENT_HIDDEN = "crowdfunding.comment.hidden"
    COMMENT_RESTORED = "crowdfunding.comment.restored"
    CAMPAIGN_FAILED_AFTER_DROPS = "crowdfunding.campaign.failed_after_drops"
    CAMPAIGN_PAYOUT_REQUESTED = "crowdfunding.campaign.payout_requested"


C = Campaign.Status
#   draft -> submitted -> approved -> live -> funded | failed | canceled
#   submitted -> changes_requested -> draft (the maker revises and submits again)
#   funded -> fulfilling -> fulfilled
# A campaign that has not gone live may be withdrawn (canceled) by its maker; once live only
# the deadline (or a cancellation, which releases every pledge) ends it.
CAMPAIGN_STATES = StateMachine(
    name="crowdfunding.campaign",
    transitions={
        C.DRAFT: {C.SUBMITTED, C.CANCELED},
        C.SUBMITTED: {C.CHANGES_REQUESTED, C.APPROVED, C.CANCELED},
        C.CHANGES_REQUESTED: {C.DRAFT, C.CANCELED},
        C.APPROVED: {C.LIVE, C.CANCELED},
        C.LIVE: {C.FUNDED, C.FAILED, C.CANCELED},
        # dropped pledges took an all-or-nothing or threshold campaign below what it
        # needed: it fails after all and every charge is refunded
        C.FUNDED: {C.FULFILLING, C.FAILED},
        C.FULFILLING: {C.FULFILLED},
    },
    labels=dict(C.choices),
    refusals={
        (C.DRAFT, C.APPROVED): _("Submit the campaign for review first."),
        (C.DRAFT, C.LIVE): _("Only an approved campaign can go live."),
        (C.SUBMITTED, C.LIVE): _("Only an approved campaign can go live."),
        (C.SUBMITTED, C.SUBMITTED): _("The campaign is already waiting for review."),
        (C.LIVE, C.LIVE): _("The campaign is already live."),
        (C.LIVE, C.DRAFT): _("A live campaign cannot be edited back into a draft."),
        (C.FUNDED, C.CANCELED): _("A funded campaign cannot be canceled."),
        (C.FAILED, ANY): _("This campaign has ended without being funded."),
        (C.CANCELED, ANY): _("This campaign was canceled."),
        (C.FULFILLED, ANY): _("This campaign has delivered its rewards."),
    },
)

P = Pledge.Status
#   pending (flexible: being charged) -> active | failed
#   active -> canceled (the unit goes back; a flexible charge is refunded)
#   settlement: active -> charging -> charged | payment_failed;
#   payment_failed -> charged (fixed in the window) | dropped (the unit goes back)
#   charged -> refunded (drops sank the campaign after all)
PLEDGE_STATES = StateMachine(
    name="crowdfunding.pledge",
    transitions={P.PENDING: {P.ACTIVE, P.FAILED, P.CANCELED},
                 P.ACTIVE: {P.CANCELED, P.CHARGING},
                 P.CHARGING: {P.CHARGED, P.PAYMENT_FAILED},
                 P.PAYMENT_FAILED: {P.CHARGED, P.DROPPED},
                 P.CHARGED: {P.REFUNDED}},
    labels=dict(P.choices),
    refusals={
        (P.CANCELED, ANY): _("This pledge was canceled."),
        (P.FAILED, ANY): _("The payment of this pledge failed."),
        (P.CHARGED, ANY): _("This pledge has been charged."),
        (P.DROPPED, ANY): _("This pledge was dropped: its payment was not fixed in time."),
    },
)


K = CampaignComment.Status
# visible <-> hidden, by staff, each with its reason and audit event
COMMENT_STATES = StateMachine(
    name="crowdfunding.comment",
    transitions={K.VISIBLE: {K.HIDDEN}, K.HIDDEN: {K.VISIBLE}},
    labels=dict(K.choices),
    refusals={
        (K.HIDDEN, K.HIDDEN): _("This comment is hidden already."),
        (K.VISIBLE, K.VISIBLE): _("This comment is shown already."),
    },
)
