"""Builders of crowdfunding test data. Campaigns are created and moved through the
services (audited), as a maker and staff would; people and cards come from the shared
and the payments factories."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from crowdfunding.models import Campaign
from crowdfunding.services.campaigns import (
    campaign_approve,
    campaign_create,
    campaign_launch,
    campaign_submit,
)
from crowdfunding.services.tiers import tier_create
from marketplace.payments.models import SavedPaymentMethod
from tests.catalog.factories import PublishedProductFactory
from tests.factories import OrganisationFactory, StaffFactory, UserFactory, member_of
from tests.payments.factories import SavedPaymentMethodFactory


def maker_setup(*, verified: bool = True):
    """A maker company (verified by default), one of its owners and a published product."""
    organisation = OrganisationFactory(verified=verified)
    maker = member_of(organisation)
    product = PublishedProductFactory(organisation=organisation)
    return organisation, maker, product


def draft_campaign(*, maker=None, organisation=None, product=None, goal="10000",
                   funding_model="all_or_nothing", threshold_percent=None, duration_days=30,
                   launch_in=timedelta(days=1), tiers=(("Early bird", "100", 50),)):
    if maker is None:
        organisation, maker, product = maker_setup()
    campaign = campaign_create(
        actor=maker, organisation=organisation, title="海洋传感器众筹", goal_amount=goal,
        duration_days=duration_days, products=[product.pk], funding_model=funding_model,
        threshold_percent=threshold_percent, launch_at=timezone.now() + launch_in,
        summary="A sensor for the sea")
    for title, price, quantity in tiers:
        tier_create(actor=maker, campaign=campaign, title=title, price=price,
                    estimated_delivery="2027-06", quantity=quantity)
    campaign.maker = maker  # handy in tests
    return campaign


def live_campaign(**kwargs) -> Campaign:
    """A campaign moved draft -> submitted -> approved -> live through the services."""
    campaign = draft_campaign(**kwargs)
    maker = campaign.maker
    campaign_submit(actor=maker, campaign=campaign)
    campaign_approve(actor=StaffFactory(), campaign=campaign)
    # the chronograph's launch, as at the launch time (a day from now)
    campaign_launch(campaign=campaign, now=campaign.launch_at)
    campaign.maker = maker
    return campaign


def backer_with_card(**card) -> tuple:
    backer = UserFactory()
    method = SavedPaymentMethodFactory(owner=backer, status=SavedPaymentMethod.Status.ACTIVE,
                                       **card)
    return backer, method


__all__ = ["Decimal", "backer_with_card", "draft_campaign", "live_campaign", "maker_setup"]
