"""The pilot: makerspaces apply, staff admit or refuse them, and may suspend an admitted
one. Only an admitted makerspace takes applications and issues vouchers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Makerspace
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.permissions import require_perm
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from vouchers.models import PilotAdmission, Programme
from vouchers.names import VouchersAction, VouchersPerm
from vouchers.states import PILOT_STATES

P = PilotAdmission.Status


def pilot_apply(*, actor, makerspace: Makerspace, programme: Programme) -> PilotAdmission:
    require_perm(actor, VouchersPerm.APPLY_PILOT, makerspace)
    admission = PilotAdmission(makerspace=makerspace, programme=programme, applied_by=actor)
    with transaction.atomic(), unique_conflicts(PilotAdmission, {
        "voucher_pilot_one_open_per_makerspace": _(
            "This makerspace has already applied to the pilot."),
    }):
        admission.save()
        audit_log(actor=actor, action=VouchersAction.PILOT_APPLIED, obj=admission,
                  data={"makerspace": makerspace.pk, "programme": programme.pk})
    return admission


def _decide(admission, target, *, actor, action, reason=""):
    require_perm(actor, VouchersPerm.DECIDE_PILOT, admission)
    return transition(
        admission, PILOT_STATES, target, actor=actor, action=action,
        changes={"decided_by": actor, "decided_at": timezone.now(), "reason": reason},
        data={"reason": reason} if reason else None,
    )


def pilot_admit(*, actor, admission: PilotAdmission) -> PilotAdmission:
    return _decide(admission, P.ADMITTED, actor=actor, action=VouchersAction.PILOT_ADMITTED)


def pilot_refuse(*, actor, admission: PilotAdmission, reason: str) -> PilotAdmission:
    require_perm(actor, VouchersPerm.DECIDE_PILOT, admission)
    reason = clean_reason(reason, missing=_("Give the reason for refusing the makerspace."))
    return _decide(admission, P.REFUSED, actor=actor, action=VouchersAction.PILOT_REFUSED,
                   reason=reason)


def pilot_suspend(*, actor, admission: PilotAdmission, reason: str) -> PilotAdmission:
    require_perm(actor, VouchersPerm.DECIDE_PILOT, admission)
    reason = clean_reason(reason, missing=_("Give the reason for suspending the makerspace."))
    return _decide(admission, P.SUSPENDED, actor=actor, action=VouchersAction.PILOT_SUSPENDED,
                   reason=reason)
