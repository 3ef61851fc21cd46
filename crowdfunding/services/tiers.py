"""Reward tiers: create, change, delete.

A tier without backers can be changed freely while the campaign is not over. Once a tier
has backers it cannot be made worse for them: the price does not go up, the estimated
delivery does not move later, the quantity does not fall below what is sold (and a
limited tier does not become unlimited-then-limited below it), and the tier is not
deleted. The service refuses with the reason.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from crowdfunding.errors import CrowdfundingValidationError, TierChangeHurtsBackers, TierSoldOut
from crowdfunding.models import Campaign, Pledge, Tier, TierStock
from crowdfunding.rules import CrowdfundingPerm
from crowdfunding.services.common import clean_int, clean_money, clean_text
from crowdfunding.services.stock import stock_create, stock_remaining, stock_resize
from crowdfunding.signals import campaign_changed
from crowdfunding.states import CrowdfundingAction
from marketplace.core.audit import audit_log
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.validation import refuse_unknown_fields

OPEN_CAMPAIGN = (Campaign.Status.DRAFT, Campaign.Status.CHANGES_REQUESTED,
                 Campaign.Status.SUBMITTED, Campaign.Status.APPROVED, Campaign.Status.LIVE)
MAX_QUANTITY = 1_000_000
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIELDS = ("title", "description", "price", "estimated_delivery", "quantity", "no_reward")


def clean_month(value) -> date | None:
    """``YYYY-MM`` (or a date) -> the first day of that month."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value.replace(day=1)
    match = _MONTH.match(str(value).strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    raise CrowdfundingValidationError(_("Give the delivery month as YYYY-MM."),
                                      code="invalid_month",
                                      data={"field": "estimated_delivery"})


def _clean(values: dict, currency: str) -> dict:
    out: dict = {}
    if "title" in values:
        out["title"] = clean_text(values["title"], field="title", label=_("The title"),
                                  max_chars=200, required=True)
    if "description" in values:
        out["description"] = clean_text(values["description"], field="description",
                                        label=_("The description"), max_chars=5000)
    if "price" in values:
        price = clean_money(values["price"], currency, field="price", label=_("The price"),
                            positive=False)
        out["price_amount"], out["price_currency"] = price.amount, price.currency
    if "estimated_delivery" in values:
        out["estimated_delivery"] = clean_month(values["estimated_delivery"])
    if "quantity" in values:
        raw = values["quantity"]
        out["quantity"] = None if raw in (None, "") else clean_int(
            raw, field="quantity", label=_("The quantity"), minimum=1, maximum=MAX_QUANTITY)
    if "no_reward" in values:
        out["no_reward"] = bool(values["no_reward"])
    return out


def _check_campaign(campaign: Campaign) -> None:
    if campaign.status not in OPEN_CAMPAIGN:
        raise CrowdfundingValidationError(_("The rewards of an ended campaign cannot change."),
                                          code="campaign_closed")


def _check_shape(values: dict) -> None:
    if not values.get("no_reward") and values.get("estimated_delivery") is None:
        raise CrowdfundingValidationError(_("Give the estimated delivery month of the reward."),
                                          code="delivery_required",
                                          data={"field": "estimated_delivery"})
    if not values.get("no_reward") and not values.get("price_amount"):
        raise CrowdfundingValidationError(_("A reward needs a price above zero."),
                                          code="price_required", data={"field": "price"})


def tier_create(*, actor, campaign: Campaign, title, price, description: str = "",
                estimated_delivery=None, quantity=None, no_reward: bool = False) -> Tier:
    require_perm(actor, CrowdfundingPerm.CHANGE_CAMPAIGN, campaign)
    values = _clean({"title": title, "description": description, "price": price,
                     "estimated_delivery": estimated_delivery, "quantity": quantity,
                     "no_reward": no_reward}, campaign.goal_currency)
    if values["no_reward"]:
        values["estimated_delivery"] = None
        values["quantity"] = None
    _check_shape(values)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _check_campaign(locked)
        tier = Tier.objects.create(campaign=locked, position=locked.tiers.count(), **values)
        if tier.quantity is not None:
            stock_create(tier=tier, units=tier.quantity)
        audit_log(actor=actor, action=CrowdfundingAction.TIER_CREATED, obj=tier,
                  stream=f"crowdfunding.campaign:{campaign.pk}",
                  data={"price": str(tier.price_amount), "quantity": tier.quantity})
        announce(campaign_changed, campaign_id=campaign.pk)
    return tier


def tier_backers(tier: Tier) -> int:
    return Pledge.objects.filter(tier=tier, status__in=Pledge.HOLDING_STATUSES).count()


def tier_update(*, actor, tier: Tier, **changes) -> Tier:
    require_perm(actor, CrowdfundingPerm.CHANGE_CAMPAIGN, tier.campaign)
    refuse_unknown_fields(changes, FIELDS)
    values = _clean(changes, tier.price_currency)
    with transaction.atomic():
        current = Tier.objects.select_for_update().select_related("campaign").get(pk=tier.pk)
        _check_campaign(current.campaign)
        backers = tier_backers(current)
        if backers:
            _refuse_worse(current, values)
        merged = {f: getattr(current, f) for f in
                  ("price_amount", "estimated_delivery", "quantity", "no_reward")}
        merged.update(values)
        if merged["no_reward"]:
            merged.update(estimated_delivery=None, quantity=None)
            values.update(estimated_delivery=None, quantity=None)
        _check_shape(merged)
        _resize(current, values.get("quantity", current.quantity))
        for name, value in values.items():
            setattr(current, name, value)
        current.save()
        audit_log(actor=actor, action=CrowdfundingAction.TIER_UPDATED, obj=current,
                  stream=f"crowdfunding.campaign:{current.campaign_id}",
                  data={"fields": sorted(changes), "backers": backers})
        announce(campaign_changed, campaign_id=current.campaign_id)
    tier.refresh_from_db()
    return tier


def _refuse_worse(current: Tier, values: dict) -> None:
    if "price_amount" in values and values["price_amount"] > current.price_amount:
        raise TierChangeHurtsBackers(
            _("This reward has backers: its price cannot go up."), data={"field": "price"})
    new_delivery = values.get("estimated_delivery", current.estimated_delivery)
    if current.estimated_delivery and (new_delivery is None
                                       or new_delivery > current.estimated_delivery):
        raise TierChangeHurtsBackers(
            _("This reward has backers: its estimated delivery cannot move later."),
            data={"field": "estimated_delivery"})
    if "no_reward" in values and values["no_reward"] != current.no_reward:
        raise TierChangeHurtsBackers(
            _("This reward has backers: it cannot change into another kind of pledge."),
            data={"field": "no_reward"})


def _resize(tier: Tier, quantity: int | None) -> None:
    """Apply a new quantity to the counters: never below what is sold."""
    if quantity == tier.quantity:
        return
    sold = 0
    if tier.quantity is not None:
        sold = tier.quantity - stock_remaining(tier.pk)
    else:
        sold = tier_backers(tier)
    if quantity is not None and quantity < sold:
        raise TierChangeHurtsBackers(
            _("%(sold)s units of this reward are already pledged: the quantity cannot be "
              "lower.") % {"sold": sold}, data={"field": "quantity"})
    if tier.quantity is None:
        if quantity is not None:
            stock_create(tier=tier, units=quantity - sold)
        return
    if quantity is None:
        TierStock.objects.filter(tier=tier).delete()
        return
    try:
        stock_resize(tier_id=tier.pk, delta=quantity - tier.quantity)
    except TierSoldOut as exc:  # units were pledged meanwhile
        raise TierChangeHurtsBackers(
            _("Units of this reward were pledged meanwhile: the quantity cannot be that low."),
            data={"field": "quantity"}) from exc


def tier_delete(*, actor, tier: Tier) -> None:
    require_perm(actor, CrowdfundingPerm.CHANGE_CAMPAIGN, tier.campaign)
    with transaction.atomic():
        current = Tier.objects.select_for_update().select_related("campaign").get(pk=tier.pk)
        _check_campaign(current.campaign)
        if Pledge.objects.filter(tier=current).exists():
            raise TierChangeHurtsBackers(
                _("This reward has (or had) backers: it cannot be deleted."))
        audit_log(actor=actor, action=CrowdfundingAction.TIER_DELETED, obj=current,
                  stream=f"crowdfunding.campaign:{current.campaign_id}",
                  data={"title": current.title})
        campaign_id = current.campaign_id
        current.delete()
        announce(campaign_changed, campaign_id=campaign_id)
