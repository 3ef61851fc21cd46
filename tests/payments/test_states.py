"""Every status machine of payments: each allowed move works through ``transition`` (row
lock, audit event in the record's own stream) and every other move is refused with a 409."""

from __future__ import annotations

import itertools

import pytest

from marketplace.core.errors import IllegalTransition
from marketplace.core.models import AuditEvent
from marketplace.core.names import AuditAction
from marketplace.core.transitions import transition
from marketplace.payments.states import (
    ACCOUNT_STATES,
    ATTEMPT_STATES,
    EVENT_STATES,
    METHOD_STATES,
    PAYOUT_STATES,
    REFUND_STATES,
)
from tests.payments.factories import (
    ConnectedAccountFactory,
    PaymentAttemptFactory,
    PayoutFactory,
    RefundFactory,
    SavedPaymentMethodFactory,
    WebhookEventFactory,
)

MACHINES = [
    (ATTEMPT_STATES, PaymentAttemptFactory),
    (REFUND_STATES, RefundFactory),
    (PAYOUT_STATES, PayoutFactory),
    (ACCOUNT_STATES, ConnectedAccountFactory),
    (METHOD_STATES, SavedPaymentMethodFactory),
    (EVENT_STATES, WebhookEventFactory),
]


def _pairs(machine):
    return list(itertools.product(sorted(machine.states), repeat=2))


ALLOWED = [(m, f, s, d) for m, f in MACHINES for s, d in _pairs(m) if m.can(s, d)]
REFUSED = [(m, f, s, d) for m, f in MACHINES for s, d in _pairs(m) if not m.can(s, d)]


def _id(value):
    return getattr(value, "name", None) or (value if isinstance(value, str) else "")


@pytest.mark.django_db
@pytest.mark.parametrize(("machine", "factory", "source", "target"), ALLOWED,
                         ids=lambda v: _id(v) if not isinstance(v, type) else "")
def test_allowed_moves_work_and_are_audited_per_object(machine, factory, source, target):
    obj = factory(**{machine.field: source})
    transition(obj, machine, target)
    obj.refresh_from_db()
    assert getattr(obj, machine.field) == target
    event = AuditEvent.objects.get(object_id=str(obj.pk), action=f"{machine.name}.{target}")
    assert event.stream == f"{obj._meta.label_lower}:{obj.pk}"  # never a campaign stream
    assert event.data["from"] == source


@pytest.mark.django_db
@pytest.mark.parametrize(("machine", "factory", "source", "target"), REFUSED,
                         ids=lambda v: _id(v) if not isinstance(v, type) else "")
def test_every_other_move_is_refused(machine, factory, source, target):
    obj = factory(**{machine.field: source})
    with pytest.raises(IllegalTransition) as refused:
        transition(obj, machine, target, action=AuditAction.resolve(f"{machine.name}.{source}")
                   if f"{machine.name}.{source}" in AuditAction.declared() else
                   "payments.attempt.created")
    assert refused.value.status_code == 409
    obj.refresh_from_db()
    assert getattr(obj, machine.field) == source
    assert not AuditEvent.objects.filter(object_id=str(obj.pk)).exists()


def test_every_reachable_state_has_a_declared_audit_code():
    declared = AuditAction.declared()
    missing = sorted({f"{m.name}.{d}" for m, _f, _s, d in ALLOWED} - set(declared))
    assert missing == []


def test_refusals_name_the_reason_in_words(english):
    with pytest.raises(IllegalTransition) as refused:
        ATTEMPT_STATES.check("succeeded", "canceled")
    assert refused.value.code == "attempt_succeeded"
    assert "refund" in str(refused.value.message)
