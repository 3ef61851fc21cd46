"""Pledges: back a live campaign, change the tier or amount, cancel; flexible campaigns
charge at pledge and refund on cancel.

A pledge is written in one short transaction: the campaign's status and deadline and the
tier's terms are read ``FOR KEY SHARE`` (pledges never wait for each other; a close or a
tier change waits for them), one unit is taken from the tier's counters
(``services.stock``), the pledge row and its audit event (the pledge's own stream) are
inserted. Every check on the input runs before that transaction: bad input writes nothing.

Flexible campaigns follow the payments core's two-transaction rule: the pledge (pending)
and its payment attempt (keyed by the attempt's UUID, reference ``crowdfunding.pledge:<id>``)
are created together; after the commit the card is charged outside any transaction; the
answer is recorded by the attempt's own transition and the pledge settles from it (active,
or failed with its unit given back). A later answer (a webhook, the payments core's
resume) settles the pledge through ``attempt_changed``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfunding.errors import (
    AlreadyBacking,
    CampaignNotOpen,
    CrowdfundingValidationError,
)
from crowdfunding.models import Campaign, FundingModel, Pledge, Tier
from crowdfunding.rules import CrowdfundingPerm
from crowdfunding.services.common import clean_money
from crowdfunding.services.locks import read_campaign_and_tier, read_key_share
from crowdfunding.services.stock import stock_give_back, stock_take
from crowdfunding.signals import campaign_changed
from crowdfunding.states import PLEDGE_STATES, CrowdfundingAction
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import ConflictError
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.core.validation import refuse_unknown_fields
from marketplace.payments.models import PaymentAttempt, SavedPaymentMethod
from marketplace.payments.services.attempts import (
    attempt_confirm,
    attempt_create,
    attempt_payer_error,
)
from marketplace.payments.services.refunds import refund_request

P = Pledge.Status
A = PaymentAttempt.Status
MAX_ADD_ONS = 20


def _clean_card(actor, payment_method, *, off_session: bool) -> SavedPaymentMethod:
    pk = payment_method.pk if isinstance(payment_method, SavedPaymentMethod) else payment_method
    card = None
    if isinstance(pk, int) and not isinstance(pk, bool):
        card = SavedPaymentMethod.objects.filter(pk=pk).first()
    if card is None or card.owner_id != actor.pk:
        # the same answer for a card of someone else and one that does not exist
        raise CrowdfundingValidationError(_("Choose one of your own saved cards."),
                                          code="not_your_card",
                                          data={"field": "payment_method"})
    if card.status != SavedPaymentMethod.Status.ACTIVE:
        raise CrowdfundingValidationError(_("This card is not ready to be charged."),
                                          code="card_not_active",
                                          data={"field": "payment_method"})
    if off_session and not card.off_session_consent:
        raise CrowdfundingValidationError(
            _("Agree that this card may be charged at the campaign's deadline."),
            code="no_off_session_consent", data={"field": "payment_method"})
    return card


def _clean_tier(campaign: Campaign, tier) -> Tier:
    pk = tier.pk if isinstance(tier, Tier) else tier
    found = None
    if isinstance(pk, int) and not isinstance(pk, bool):
        found = Tier.objects.filter(pk=pk).first()
    if found is None or found.campaign_id != campaign.pk:
        raise CrowdfundingValidationError(_("Choose a reward of this campaign."),
                                          code="foreign_tier", data={"field": "tier"})
    return found


def _clean_amount(campaign: Campaign, tier: Tier, amount):
    money = clean_money(amount, campaign.goal_currency, field="amount", label=_("The amount"))
    if money < tier.price:
        raise CrowdfundingValidationError(
            _("The amount must be at least the reward's price (%(price)s).")
            % {"price": tier.price.format()}, code="below_tier_price",
            data={"field": "amount"})
    return money


def _clean_add_ons(add_ons) -> list:
    if add_ons in (None, ""):
        return []
    if not isinstance(add_ons, list | tuple):
        raise CrowdfundingValidationError(_("Add-ons are a list."), code="invalid_add_ons",
                                          data={"field": "add_ons"})
    if add_ons:
        raise CrowdfundingValidationError(_("This campaign offers no add-ons."),
                                          code="no_add_ons", data={"field": "add_ons"})
    return []


def _refuse_closed(row: dict | None, now) -> None:
    if row is None or row["status"] != Campaign.Status.LIVE or row["ends_at"] is None \
            or row["ends_at"] <= now:
        raise CampaignNotOpen()


def _check_open(campaign_id: int, now) -> dict:
    """The campaign's status and deadline, read FOR KEY SHARE in the pledge's
    transaction: a pledge is taken or changed only while the campaign is live and before
    its end."""
    row = read_key_share(Campaign, campaign_id, ["status", "ends_at"])
    _refuse_closed(row, now)
    return row


def _tier_quantity(tier_id: int) -> int | None:
    row = read_key_share(Tier, tier_id, ["quantity"])
    return None if row is None else row["quantity"]


def pledge_create(*, actor, campaign: Campaign, tier, amount, payment_method,
                  add_ons=None, anonymous: bool = False) -> Pledge:
    """Back ``campaign`` with ``amount`` (at least the tier's price) on a saved card.
    409 when the tier is sold out, the campaign not live, or the backer already backs
    it; 400 for bad input; 402 when a flexible campaign's charge is declined."""
    require_perm(actor, CrowdfundingPerm.BACK_CAMPAIGN, campaign, message=_(
        "The people of the organisation running this campaign cannot back it."))
    flexible = campaign.funding_model == FundingModel.FLEXIBLE
    tier = _clean_tier(campaign, tier)
    money = _clean_amount(campaign, tier, amount)
    _clean_add_ons(add_ons)
    if not isinstance(anonymous, bool):
        raise CrowdfundingValidationError(_("Say yes or no to backing anonymously."),
                                          code="invalid_bool", data={"field": "anonymous"})
    card = _clean_card(actor, payment_method, off_session=not flexible)
    # the whole transaction inside: a second open pledge of the backer (the partial
    # unique index) rolls everything back, its unit included, and answers 409
    with unique_conflicts(Pledge, {"pledge_one_open_per_backer": AlreadyBacking()}):
        row = read_campaign_and_tier(campaign.pk, tier.pk)
        _refuse_closed(row, timezone.now())
        shard = stock_take(tier_id=tier.pk) if row["quantity"] is not None else None
        pledge = Pledge.objects.create(
            campaign=campaign, tier=tier, stock_shard=shard, backer=actor,
            amount=money, payment_method=card, anonymous=anonymous,
            status=P.PENDING if flexible else P.ACTIVE)
        audit_log(actor=actor, action=CrowdfundingAction.PLEDGE_CREATED, obj=pledge,
                  data={"campaign": campaign.pk, "tier": tier.pk,
                        "amount": str(money.amount), "currency": money.currency})
        if flexible:
            pledge.attempt = attempt_create(
                payer=actor, amount=money, scope=campaign.scope, reference=pledge.reference,
                description=str(campaign.title)[:200], payment_method=card, actor=actor)
            pledge.save(update_fields=["attempt", "updated_at"])
        announce(campaign_changed, campaign_id=campaign.pk)
    if flexible:
        pledge = _charge_now(pledge)
    return pledge


def _charge_now(pledge: Pledge) -> Pledge:
    """Charge the flexible pledge's card (outside any transaction) and settle it."""
    attempt = attempt_confirm(attempt=pledge.attempt)
    pledge_payment_settle(pledge_id=pledge.pk)
    pledge.refresh_from_db()
    if pledge.status == P.FAILED:
        error = attempt_payer_error(attempt)
        if error is not None:
            raise error
        raise ConflictError(_("The payment did not go through; the pledge was not taken."),
                            code="payment_failed")
    return pledge


def pledge_payment_settle(*, pledge_id: int) -> Pledge | None:
    """Settle a pending (flexible) pledge from its attempt's recorded status; idempotent.
    Succeeded: active. Failed or canceled: failed, and the unit goes back."""
    with transaction.atomic():
        pledge = (Pledge.objects.select_for_update(of=("self",)).select_related("attempt")
                  .filter(pk=pledge_id).first())
        if pledge is None or pledge.status != P.PENDING or pledge.attempt is None:
            return pledge
        status = pledge.attempt.status
        if status == A.SUCCEEDED:
            transition(pledge, PLEDGE_STATES, P.ACTIVE,
                       action=CrowdfundingAction.PLEDGE_ACTIVE,
                       data={"attempt": pledge.attempt_id})
        elif status in (A.FAILED, A.CANCELED):
            transition(pledge, PLEDGE_STATES, P.FAILED,
                       action=CrowdfundingAction.PLEDGE_FAILED,
                       data={"attempt": pledge.attempt_id,
                             "code": pledge.attempt.decline_code or pledge.attempt.failure_code})
            _give_back(pledge)
        else:
            return pledge
        announce(campaign_changed, campaign_id=pledge.campaign_id)
    return pledge


def _give_back(pledge: Pledge) -> None:
    if pledge.tier_id is not None and pledge.stock_shard is not None:
        stock_give_back(tier_id=pledge.tier_id, shard=pledge.stock_shard)


def _locked_open_pledge(pledge: Pledge) -> Pledge:
    current = Pledge.objects.select_for_update(of=("self",)).select_related(
        "campaign", "tier").get(pk=pledge.pk)
    PLEDGE_STATES.check(current.status, P.CANCELED)  # canceled or failed: refused
    _check_open(current.campaign_id, timezone.now())
    return current


def pledge_update(*, actor, pledge: Pledge, **changes) -> Pledge:
    """Change the tier, the amount or anonymity until the deadline. A new tier takes its
    unit before the old one is given back, so a sold-out new tier changes nothing."""
    require_perm(actor, CrowdfundingPerm.CHANGE_PLEDGE, pledge)
    refuse_unknown_fields(changes, ("tier", "amount", "anonymous"))
    campaign = pledge.campaign
    if "anonymous" in changes and not isinstance(changes["anonymous"], bool):
        raise CrowdfundingValidationError(_("Say yes or no to backing anonymously."),
                                          code="invalid_bool", data={"field": "anonymous"})
    new_tier = _clean_tier(campaign, changes["tier"]) if "tier" in changes else None
    if campaign.funding_model == FundingModel.FLEXIBLE and (
            "amount" in changes or (new_tier is not None and new_tier.pk != pledge.tier_id)):
        raise ConflictError(
            _("A flexible pledge is charged already: cancel it (it is refunded) and pledge "
              "again."), code="flexible_pledge_charged")
    with transaction.atomic():
        current = _locked_open_pledge(pledge)
        tier = new_tier or current.tier
        amount = changes.get("amount", current.amount)
        money = _clean_amount(campaign, tier, amount)
        fields = ["amount_value", "currency", "anonymous", "updated_at"]
        before = {"tier": current.tier_id, "amount": str(current.amount_value)}
        if tier.pk != current.tier_id:
            shard = None
            if _tier_quantity(tier.pk) is not None:
                shard = stock_take(tier_id=tier.pk)
            _give_back(current)
            current.tier, current.stock_shard = tier, shard
            fields += ["tier", "stock_shard"]
        current.amount = money
        current.anonymous = changes.get("anonymous", current.anonymous)
        current.save(update_fields=fields)
        audit_log(actor=actor, action=CrowdfundingAction.PLEDGE_CHANGED, obj=current,
                  data={"before": before, "tier": tier.pk, "amount": str(money.amount),
                        "anonymous": current.anonymous})
        announce(campaign_changed, campaign_id=current.campaign_id)
    pledge.refresh_from_db()
    return pledge


def pledge_cancel(*, actor, pledge: Pledge) -> Pledge:
    """Cancel until the deadline: the unit goes back; a flexible charge is refunded (the
    refund is reserved in this transaction and sent after the commit)."""
    require_perm(actor, CrowdfundingPerm.CHANGE_PLEDGE, pledge)
    with transaction.atomic():
        current = _locked_open_pledge(pledge)
        _cancel(current, actor=actor)
        announce(campaign_changed, campaign_id=current.campaign_id)
    pledge.refresh_from_db()
    return pledge


def _cancel(pledge: Pledge, *, actor) -> None:
    transition(pledge, PLEDGE_STATES, P.CANCELED, actor=actor,
               action=CrowdfundingAction.PLEDGE_CANCELED,
               changes={"canceled_at": timezone.now()})
    _give_back(pledge)
    if pledge.attempt_id is not None:
        attempt = PaymentAttempt.objects.get(pk=pledge.attempt_id)
        if attempt.status == A.SUCCEEDED:
            pledge.refund = refund_request(attempt=attempt, reason="crowdfunding.pledge.canceled",
                                           actor=actor)
            pledge.save(update_fields=["refund", "updated_at"])


def pledges_release_for_cancel(*, campaign: Campaign, actor) -> list[int]:
    """Cancel every open pledge of a campaign being canceled (inside its transaction).
    Refunds of flexible charges are reserved here; the payments core sends them after
    the commit (its refund task, resumed by its chronograph if the provider is down)."""
    ids = []
    for pledge in (Pledge.objects.select_for_update(of=("self",))
                   .filter(campaign=campaign, status__in=Pledge.HOLDING_STATUSES).order_by("pk")):
        _cancel(pledge, actor=actor)
        ids.append(pledge.pk)
    return ids
