"""The fix window: a backer whose card was declined at the deadline pays again, on the
page (3-D Secure when the bank asks), with the same or another of their cards, until the
window ends (``crowdfunding.pledge_drop`` then drops the pledge).

The two-transaction rule: a short transaction records a new on-session attempt on the
pledge (the failed one stays on record), the charge goes outside any transaction, and
``pledge_charge_settle`` moves the pledge to charged from the attempt's recorded status
(also when the bank's answer comes later, through the attempt's webhook).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfunding.errors import CrowdfundingValidationError
from crowdfunding.models import Pledge
from crowdfunding.rules import CrowdfundingPerm
from crowdfunding.services.pledges import _clean_card
from crowdfunding.services.settlement import pledge_charge_settle
from crowdfunding.states import CrowdfundingAction
from marketplace.core.audit import audit_log
from marketplace.core.errors import ConflictError
from marketplace.core.permissions import require_perm
from marketplace.payments.errors import PaymentsUnavailable
from marketplace.payments.models import PaymentAttempt
from marketplace.payments.services.attempts import (
    attempt_confirm,
    attempt_create,
    attempt_payer_error,
)

P = Pledge.Status
A = PaymentAttempt.Status


class FixWindowClosed(ConflictError):
    code = "fix_window_closed"
    default_message = _("This pledge has no payment to fix.")


def pledge_fixable(pledge: Pledge, now=None) -> bool:
    now = now or timezone.now()
    return (pledge.status == P.PAYMENT_FAILED and pledge.fix_until is not None
            and pledge.fix_until > now)


def pledge_payment_retry(*, actor, pledge: Pledge, payment_method, return_url: str = ""
                         ) -> Pledge:
    """Charge a payment_failed pledge again, with the backer present. Returns the pledge:
    charged, or still payment_failed with ``pledge.attempt.next_action_url`` when the
    bank asks the backer to confirm. A decline raises the bank's reason (402)."""
    require_perm(actor, CrowdfundingPerm.CHANGE_PLEDGE, pledge)
    card = _clean_card(actor, payment_method, off_session=False)
    with transaction.atomic():
        current = Pledge.objects.select_for_update(of=("self",)).select_related(
            "attempt", "campaign").get(pk=pledge.pk)
        if not pledge_fixable(current):
            raise FixWindowClosed()
        if current.attempt is not None and current.attempt.status in (
                A.PROCESSING, A.REQUIRES_ACTION) and current.attempt.payment_method_id == card.pk:
            attempt = current.attempt  # the same card waiting for the bank: the same attempt
        else:
            attempt = attempt_create(
                payer=actor, amount=current.amount, scope=current.campaign.scope,
                reference=current.reference, description=str(current.campaign.title)[:200],
                payment_method=card, return_url=return_url, actor=actor)
            current.attempt = attempt
            current.payment_method = card
            current.save(update_fields=["attempt", "payment_method", "updated_at"])
            audit_log(actor=actor, action=CrowdfundingAction.PLEDGE_RETRIED, obj=current,
                      data={"attempt": attempt.pk, "payment_method": card.pk})
    try:
        attempt = attempt_confirm(attempt=attempt)
    except PaymentsUnavailable as exc:
        raise CrowdfundingValidationError(
            _("The payment service does not answer; try again in a few minutes."),
            code="payments_unavailable") from exc
    pledge = pledge_charge_settle(pledge_id=pledge.pk)
    if pledge.status == P.PAYMENT_FAILED and attempt.status == A.FAILED:
        error = attempt_payer_error(attempt)
        if error is not None:
            raise error
        raise ConflictError(_("The payment did not go through; try another card."),
                            code="payment_failed")
    return pledge
