"""What procurement does when the payments core announces a change: a treasury transfer
of a contract approved in the payments core marks its request paid, after commit."""

from __future__ import annotations

from django.db import transaction

from marketplace.payments.models import PaymentAttempt
from marketplace.payments.signals import attempt_changed
from procurement.services.payments import SCOPE_PREFIX, payment_settle


def _attempt_changed(sender, attempt_id, status, **kwargs):
    if status != PaymentAttempt.Status.SUCCEEDED:
        return
    scope = PaymentAttempt.objects.filter(pk=attempt_id).values_list("scope", flat=True).first()
    if not (scope or "").startswith(SCOPE_PREFIX):
        return

    def settle():
        payment_settle(attempt_id=attempt_id)

    transaction.on_commit(settle)


attempt_changed.connect(_attempt_changed, dispatch_uid="procurement.attempt_changed")
