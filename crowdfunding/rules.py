"""Permission rules of reward crowdfunding (checked object by object, and as querysets
where a list shows what a rule allows).

Makers act through their organisation: an owner or member of a *verified* maker company
creates its campaigns; owners and members of the campaign's organisation change it.
Staff review submissions (they do not edit makers' campaigns). Anyone signed in may back a
live campaign except the people of the organisation that runs it. A pledge is its
backer's alone: nobody else (staff included, through these rules) reads or changes it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from marketplace.accounts.models import MembershipRole, OrganisationKind
from marketplace.accounts.rules import is_org_member, organisation_ids_of
from marketplace.core.names import PermissionName
from marketplace.core.permissions import permission_rule

MAKER_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.MEMBER})


class CrowdfundingPerm(PermissionName):
    ADD_CAMPAIGN = "crowdfunding.add_campaign"
    CHANGE_CAMPAIGN = "crowdfunding.change_campaign"
    VIEW_CAMPAIGN = "crowdfunding.view_campaign"
    REVIEW_CAMPAIGN = "crowdfunding.review_campaign"
    CANCEL_CAMPAIGN = "crowdfunding.cancel_campaign"
    BACK_CAMPAIGN = "crowdfunding.back_campaign"
    CHANGE_PLEDGE = "crowdfunding.change_pledge"
    POST_UPDATE = "crowdfunding.post_update"
    COMMENT_CAMPAIGN = "crowdfunding.comment_campaign"
    MODERATE_COMMENT = "crowdfunding.moderate_comment"


def _is_maker(user, campaign) -> bool:
    return is_org_member(user, campaign.organisation_id, MAKER_ROLES)


@permission_rule(CrowdfundingPerm.ADD_CAMPAIGN)
def _add_campaign(user, organisation):
    """A verified maker company's owners and members."""
    return (
        organisation is not None
        and organisation.kind == OrganisationKind.MAKER_COMPANY
        and organisation.is_verified
        and is_org_member(user, organisation, MAKER_ROLES)
    )


@permission_rule(CrowdfundingPerm.CHANGE_CAMPAIGN)
def _change_campaign(user, campaign):
    return _is_maker(user, campaign)


@_change_campaign.scope
def _(user, campaigns: QuerySet) -> QuerySet:
    return campaigns.filter(organisation_id__in=organisation_ids_of(user, MAKER_ROLES))


@permission_rule(CrowdfundingPerm.VIEW_CAMPAIGN)
def _view_campaign(user, campaign):
    """A campaign that is not public yet (drafts, review, approved, canceled before
    launch): its organisation and staff. Public ones are decided by the selectors."""
    return user.is_staff or _is_maker(user, campaign)


@_view_campaign.scope
def _(user, campaigns: QuerySet) -> QuerySet:
    if user.is_staff:
        return campaigns
    return campaigns.filter(organisation_id__in=organisation_ids_of(user, MAKER_ROLES))


@permission_rule(CrowdfundingPerm.REVIEW_CAMPAIGN)
def _review_campaign(user, _campaign):
    return user.is_staff


@permission_rule(CrowdfundingPerm.CANCEL_CAMPAIGN)
def _cancel_campaign(user, campaign):
    """The maker withdraws its campaign; staff stop one (with a reason)."""
    return user.is_staff or _is_maker(user, campaign)


@permission_rule(CrowdfundingPerm.BACK_CAMPAIGN)
def _back_campaign(user, campaign):
    """Anyone signed in except the campaign's own people (no backing oneself)."""
    return not is_org_member(user, campaign.organisation_id)


@permission_rule(CrowdfundingPerm.CHANGE_PLEDGE)
def _change_pledge(user, pledge):
    return pledge.backer_id == user.pk


@_change_pledge.scope
def _(user, pledges: QuerySet) -> QuerySet:
    return pledges.filter(Q(backer_id=user.pk))


def is_backer(user, campaign) -> bool:
    """Someone whose pledge to the campaign counts (or was charged)."""
    from crowdfunding.models import Pledge

    return bool(getattr(user, "is_authenticated", False)) and Pledge.objects.filter(
        campaign_id=campaign.pk, backer_id=user.pk,
        status__in=[*Pledge.COUNTED_STATUSES, Pledge.Status.PENDING]).exists()


@permission_rule(CrowdfundingPerm.POST_UPDATE)
def _post_update(user, campaign):
    """The campaign's own people post its updates."""
    return _is_maker(user, campaign)


@permission_rule(CrowdfundingPerm.COMMENT_CAMPAIGN)
def _comment_campaign(user, campaign):
    """Anyone signed in, or only backers (and the campaign's people) when the maker
    chose so."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not campaign.comments_backers_only:
        return True
    return _is_maker(user, campaign) or is_backer(user, campaign)


@permission_rule(CrowdfundingPerm.MODERATE_COMMENT)
def _moderate_comment(user, _comment):
    return user.is_staff
