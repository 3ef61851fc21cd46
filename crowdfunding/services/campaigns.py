"""Campaign lifecycle: create and edit a draft, submit, staff review (changes requested
with a reason, or approval), launch at the chosen time, close at the deadline, cancel,
fulfil.

    draft -> submitted -> (changes_requested -> draft) -> approved -> live
    live -> funded | failed | canceled; funded -> fulfilling -> fulfilled

The deadline (``ends_at``) is set once, when the campaign goes live (launch + duration),
and no service changes it afterwards. Launch and close are run by the chronograph
(``crowdfunding.deadlines``) under ``SKIP LOCKED``; the transition's ``FOR UPDATE`` on the
campaign row waits for pledges in flight (they hold ``FOR KEY SHARE`` on it), so the
totals a close decides on include every committed pledge and no pledge lands after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from catalog.validators import sanitise_html
from crowdfunding.errors import CrowdfundingValidationError, SettlementPending
from crowdfunding.models import Campaign, FundingModel, Pledge
from crowdfunding.rules import CrowdfundingPerm
from crowdfunding.services.common import clean_int, clean_money, clean_text, default_fees
from crowdfunding.signals import campaign_changed, campaign_listing_changed
from crowdfunding.states import CAMPAIGN_STATES, CrowdfundingAction
from marketplace.core.audit import audit_log
from marketplace.core.money import Money
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason, refuse_unknown_fields

S = Campaign.Status
NOTIFY_BACKERS = "crowdfunding.tasks.campaign_notify_backers"
EDITABLE_FIELDS = ("title", "summary", "story", "goal_amount", "currency", "duration_days",
                   "funding_model", "threshold_percent", "launch_at", "products",
                   "comments_backers_only")


def _clean(values: dict, *, organisation, currency: str) -> dict:
    """Clean the campaign fields given in ``values`` (only those)."""
    out: dict = {}
    if "title" in values:
        out["title"] = clean_text(values["title"], field="title", label=_("The title"),
                                  max_chars=200, required=True)
    if "summary" in values:
        out["summary"] = clean_text(values["summary"], field="summary", label=_("The summary"),
                                    max_chars=300)
    if "story" in values:
        # rich text: stored sanitised (the page and the API show the same HTML)
        out["story"] = sanitise_html(clean_text(values["story"], field="story",
                                                label=_("The story"), max_chars=50_000),
                                     enforce_limit=False)
    if "goal_amount" in values or "currency" in values:
        currency = values.get("currency") or currency
        goal = clean_money(values.get("goal_amount"), currency, field="goal_amount",
                           label=_("The goal"))
        out["goal_amount"], out["goal_currency"] = goal.amount, goal.currency
    if "comments_backers_only" in values:
        if not isinstance(values["comments_backers_only"], bool):
            raise CrowdfundingValidationError(_("Say yes or no to backers-only comments."),
                                              code="invalid_bool",
                                              data={"field": "comments_backers_only"})
        out["comments_backers_only"] = values["comments_backers_only"]
    if "duration_days" in values:
        out["duration_days"] = clean_int(values["duration_days"], field="duration_days",
                                         label=_("The duration"), minimum=1, maximum=60)
    if "funding_model" in values:
        if values["funding_model"] not in FundingModel.values:
            raise CrowdfundingValidationError(_("Choose a funding model."),
                                              code="invalid_choice",
                                              data={"field": "funding_model"})
        out["funding_model"] = values["funding_model"]
    if "threshold_percent" in values:
        raw = values["threshold_percent"]
        out["threshold_percent"] = None if raw in (None, "") else clean_int(
            raw, field="threshold_percent", label=_("The threshold"), minimum=1, maximum=100)
    if "launch_at" in values:
        launch_at = values["launch_at"]
        if launch_at is not None and not isinstance(launch_at, datetime):
            raise CrowdfundingValidationError(_("Give the launch time as a date and time."),
                                              code="invalid_datetime",
                                              data={"field": "launch_at"})
        if launch_at is not None and timezone.is_naive(launch_at):
            launch_at = timezone.make_aware(launch_at)
        out["launch_at"] = launch_at
    if "products" in values:
        out["products"] = _clean_products(values["products"], organisation)
    return out


def _clean_products(products, organisation) -> list[Product]:
    ids = []
    for item in products or []:
        pk = item.pk if isinstance(item, Product) else item
        if isinstance(pk, bool) or not isinstance(pk, int):
            raise CrowdfundingValidationError(_("Name products by their id."),
                                              code="invalid_product", data={"field": "products"})
        ids.append(pk)
    if not ids:
        raise CrowdfundingValidationError(_("Link at least one product of your organisation."),
                                          code="products_required", data={"field": "products"})
    found = list(Product.objects.filter(pk__in=ids, organisation=organisation)
                 .exclude(status=Product.Status.WITHDRAWN))
    if len(found) != len(set(ids)):
        raise CrowdfundingValidationError(
            _("A campaign can only link products of its own organisation that are not withdrawn."),
            code="foreign_product", data={"field": "products"})
    return found


def _check_model(campaign: Campaign) -> None:
    if campaign.funding_model == FundingModel.THRESHOLD and not campaign.threshold_percent:
        raise CrowdfundingValidationError(
            _("A threshold campaign needs the percentage of the goal that must be reached."),
            code="threshold_required", data={"field": "threshold_percent"})
    if campaign.funding_model != FundingModel.THRESHOLD:
        campaign.threshold_percent = None


def _listed(campaign: Campaign) -> Campaign:
    """Tell search (and whatever lists campaigns) that the campaign's status or page
    changed; pledges do not, they only move its live progress (``campaign_changed``)."""
    announce(campaign_listing_changed, campaign_id=campaign.pk)
    return campaign


def campaign_create(*, actor, organisation, title, goal_amount, duration_days,
                    products, currency: str | None = None,
                    funding_model: str = FundingModel.ALL_OR_NOTHING,
                    threshold_percent=None, launch_at=None, summary: str = "",
                    story: str = "", comments_backers_only: bool = False) -> Campaign:
    require_perm(actor, CrowdfundingPerm.ADD_CAMPAIGN, organisation, message=_(
        "Only the people of a verified maker organisation can start its campaigns."))
    values = _clean({
        "title": title, "summary": summary, "story": story, "goal_amount": goal_amount,
        "currency": currency or settings.MARKETPLACE_CURRENCY, "duration_days": duration_days,
        "funding_model": funding_model, "threshold_percent": threshold_percent,
        "launch_at": launch_at, "products": products,
        "comments_backers_only": comments_backers_only,
    }, organisation=organisation, currency=currency or settings.MARKETPLACE_CURRENCY)
    linked = values.pop("products")
    platform, processing = default_fees()
    campaign = Campaign(organisation=organisation, created_by=actor,
                        platform_fee_percent=platform, processing_fee_percent=processing,
                        **values)
    _check_model(campaign)
    with transaction.atomic():
        campaign.save()
        campaign.products.set(linked)
        audit_log(actor=actor, action=CrowdfundingAction.CAMPAIGN_CREATED, obj=campaign,
                  data={"organisation": organisation.pk, "goal": str(campaign.goal_amount),
                        "currency": campaign.goal_currency,
                        "products": sorted(p.pk for p in linked)})
    return campaign


def campaign_update(*, actor, campaign: Campaign, **changes) -> Campaign:
    """Change a draft (a campaign under review or approved is changed only after staff
    ask for changes)."""
    require_perm(actor, CrowdfundingPerm.CHANGE_CAMPAIGN, campaign)
    refuse_unknown_fields(changes, EDITABLE_FIELDS)
    values = _clean(changes, organisation=campaign.organisation,
                    currency=campaign.goal_currency)
    linked = values.pop("products", None)
    with transaction.atomic():
        current = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if current.status not in Campaign.EDITABLE_STATUSES:
            raise CrowdfundingValidationError(
                _("Only a draft can be edited; ask staff for changes or wait for their review."),
                code="not_editable")
        if "goal_currency" in values and values["goal_currency"] != current.goal_currency \
                and current.tiers.exists():
            raise CrowdfundingValidationError(
                _("The currency cannot change once the campaign has rewards."),
                code="currency_locked", data={"field": "currency"})
        for name, value in values.items():
            setattr(current, name, value)
        _check_model(current)
        current.save()
        if linked is not None:
            current.products.set(linked)
        audit_log(actor=actor, action=CrowdfundingAction.CAMPAIGN_UPDATED, obj=current,
                  data={"fields": sorted(changes)})
    campaign.refresh_from_db()
    return campaign


def fee_receipt(campaign: Campaign, percent_of_goal: int) -> dict:
    """What the maker receives when ``percent_of_goal`` of the goal is raised: gross,
    the two fees (rounded to the minor unit) and the net."""
    gross = (campaign.goal * percent_of_goal * _pct(1)).quantized()
    platform = (gross * _pct(campaign.platform_fee_percent)).quantized()
    processing = (gross * _pct(campaign.processing_fee_percent)).quantized()
    return {"percent_of_goal": percent_of_goal, "gross": gross, "platform_fee": platform,
            "processing_fee": processing, "net": gross - platform - processing}


def _pct(value):
    from decimal import Decimal

    return Decimal(value) / Decimal(100)


def campaign_submit(*, actor, campaign: Campaign) -> Campaign:
    """The maker sends the draft to staff, having seen the fee schedule (``fee_receipt``
    at 100 % and 150 % is shown beside the button)."""
    require_perm(actor, CrowdfundingPerm.CHANGE_CAMPAIGN, campaign)
    if not campaign.tiers.exists():
        raise CrowdfundingValidationError(_("Add at least one reward (or a pledge without reward)."),
                                          code="tiers_required")
    if not campaign.products.exists():
        raise CrowdfundingValidationError(_("Link at least one product of your organisation."),
                                          code="products_required")
    if campaign.launch_at is None or campaign.launch_at <= timezone.now():
        raise CrowdfundingValidationError(_("Choose a launch time in the future."),
                                          code="launch_in_past", data={"field": "launch_at"})
    return _listed(transition(campaign, CAMPAIGN_STATES, S.SUBMITTED, actor=actor,
                      action=CrowdfundingAction.CAMPAIGN_SUBMITTED,
                      changes={"submitted_at": timezone.now()},
                      data={"fees": [str(campaign.platform_fee_percent),
                                     str(campaign.processing_fee_percent)]}))


def campaign_request_changes(*, actor, campaign: Campaign, reason: str) -> Campaign:
    require_perm(actor, CrowdfundingPerm.REVIEW_CAMPAIGN, campaign)
    reason = clean_reason(reason, missing=_("Say what needs to change."),
                          error=CrowdfundingValidationError)
    return _listed(transition(campaign, CAMPAIGN_STATES, S.CHANGES_REQUESTED, actor=actor,
                      action=CrowdfundingAction.CAMPAIGN_CHANGES_REQUESTED,
                      changes={"review_reason": reason, "reviewed_by": actor,
                               "reviewed_at": timezone.now()},
                      data={"reason": reason}))


def campaign_revise(*, actor, campaign: Campaign) -> Campaign:
    """The maker takes the campaign back into a draft to make the changes asked for."""
    require_perm(actor, CrowdfundingPerm.CHANGE_CAMPAIGN, campaign)
    return _listed(transition(campaign, CAMPAIGN_STATES, S.DRAFT, actor=actor,
                      action=CrowdfundingAction.CAMPAIGN_REVISED))


def campaign_approve(*, actor, campaign: Campaign, reason: str = "") -> Campaign:
    require_perm(actor, CrowdfundingPerm.REVIEW_CAMPAIGN, campaign)
    reason = clean_reason(reason, required=False)
    return _listed(transition(campaign, CAMPAIGN_STATES, S.APPROVED, actor=actor,
                      action=CrowdfundingAction.CAMPAIGN_APPROVED,
                      changes={"review_reason": reason, "reviewed_by": actor,
                               "reviewed_at": timezone.now()},
                      data={"reason": reason}))


def campaign_launch(*, campaign: Campaign, now: datetime) -> Campaign:
    """The chronograph puts an approved campaign live at its launch time; the deadline is
    fixed here, once."""
    if campaign.launch_at is None or campaign.launch_at > now:
        raise CrowdfundingValidationError(_("The campaign's launch time has not come."))
    with transaction.atomic():
        transition(campaign, CAMPAIGN_STATES, S.LIVE,
                   action=CrowdfundingAction.CAMPAIGN_LAUNCHED,
                   changes={"launched_at": now,
                            "ends_at": now + timedelta(days=campaign.duration_days)})
        announce(campaign_changed, campaign_id=campaign.pk)
        _listed(campaign)
    return campaign


def campaign_totals(campaign: Campaign) -> tuple[Money, int]:
    """Pledged (active pledges) and the number of backers, read now."""
    row = Pledge.objects.filter(campaign=campaign, status=Pledge.Status.ACTIVE).aggregate(
        total=Sum("amount_value"), backers=Count("pk"))
    return Money(row["total"] or 0, campaign.goal_currency), row["backers"]


def campaign_outcome(campaign: Campaign, pledged: Money) -> str:
    """funded or failed, by the campaign's funding model."""
    if campaign.funding_model == FundingModel.FLEXIBLE:
        return S.FUNDED if not pledged.is_zero() else S.FAILED
    needed = campaign.goal
    if campaign.funding_model == FundingModel.THRESHOLD:
        needed = campaign.goal * _pct(campaign.threshold_percent)
    return S.FUNDED if pledged >= needed else S.FAILED


def campaign_close(*, campaign: Campaign, now: datetime) -> Campaign:
    """At the deadline, exactly once: funded or failed. Called by the chronograph with
    the row locked; the transition re-checks the status under its own lock, so a second
    worker's close is refused (nothing written twice)."""
    if campaign.ends_at is None or campaign.ends_at > now:
        raise CrowdfundingValidationError(_("The campaign has not reached its deadline."))
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != S.LIVE:
            CAMPAIGN_STATES.check(locked.status, S.FUNDED)
        pledged, backers = campaign_totals(locked)
        target = campaign_outcome(locked, pledged)
        transition(campaign, CAMPAIGN_STATES, target,
                   action=(CrowdfundingAction.CAMPAIGN_FUNDED if target == S.FUNDED
                           else CrowdfundingAction.CAMPAIGN_FAILED),
                   changes={"closed_at": now},
                   data={"pledged": str(pledged.amount), "backers": backers})
        announce(campaign_changed, campaign_id=campaign.pk)
        enqueue(NOTIFY_BACKERS, campaign.pk)  # every backer told the outcome, after commit
        _listed(campaign)
    return campaign


def campaign_cancel(*, actor, campaign: Campaign, reason: str) -> Campaign:
    """Withdraw (maker) or stop (staff) a campaign before it closes. Every open pledge is
    released; flexible charges are refunded (reserved here, sent by the payments core
    after the commit)."""
    from crowdfunding.services.pledges import pledges_release_for_cancel

    require_perm(actor, CrowdfundingPerm.CANCEL_CAMPAIGN, campaign)
    reason = clean_reason(reason, missing=_("Give the reason for the cancellation."),
                          error=CrowdfundingValidationError)
    with transaction.atomic():
        transition(campaign, CAMPAIGN_STATES, S.CANCELED, actor=actor,
                   action=CrowdfundingAction.CAMPAIGN_CANCELED,
                   changes={"cancel_reason": reason, "closed_at": timezone.now()},
                   data={"reason": reason})
        pledges_release_for_cancel(campaign=campaign, actor=actor)
        announce(campaign_changed, campaign_id=campaign.pk)
        _listed(campaign)
    return campaign


def campaign_start_fulfilment(*, actor, campaign: Campaign) -> Campaign:
    """The maker starts sending rewards: only once settlement has charged (or dropped)
    every pledge, so nobody gets a reward for a card that was never charged."""
    require_perm(actor, CrowdfundingPerm.CHANGE_CAMPAIGN, campaign)
    # (a flexible campaign charged each pledge when it was made)
    if campaign.funding_model != FundingModel.FLEXIBLE and campaign.pledges.filter(
            status__in=[Pledge.Status.ACTIVE, Pledge.Status.CHARGING,
                        Pledge.Status.PAYMENT_FAILED]).exists():
        raise SettlementPending()
    return _listed(transition(campaign, CAMPAIGN_STATES, S.FULFILLING, actor=actor,
                      action=CrowdfundingAction.CAMPAIGN_FULFILLING))


def campaign_mark_fulfilled(*, actor, campaign: Campaign) -> Campaign:
    require_perm(actor, CrowdfundingPerm.CHANGE_CAMPAIGN, campaign)
    return _listed(transition(campaign, CAMPAIGN_STATES, S.FULFILLED, actor=actor,
                      action=CrowdfundingAction.CAMPAIGN_FULFILLED))
