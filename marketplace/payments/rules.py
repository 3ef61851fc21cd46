"""Permission rules of payments.

* A payer sees and removes only their own saved cards and sees only their own payments
  (another payer's card is a 404: its existence is not revealed).
* A payee organisation's owners set up its payout account; its members see its status.
* Staff review payments, approve payouts and request refunds; they never see card numbers
  (we store none).
* Treasury transfers: a buyer of the paying agency (verified agency, buyer role) records
  one; an *approver* of the same agency confirms it, with MFA, and never the person who
  recorded it (four eyes). Staff cannot approve for an agency.
* Treasury payouts to a payee organisation (``services.offline_payouts``): who records and
  who approves is the registered cause's to say (``payout_causes``); the approver is never
  the recorder and has MFA.
"""

from __future__ import annotations

from django.db.models import QuerySet

from marketplace.accounts.models import MembershipRole
from marketplace.accounts.rules import (
    is_buyer_of,
    is_org_member,
    organisation_ids_of,
)
from marketplace.accounts.selectors import user_has_mfa
from marketplace.core.names import PermissionName
from marketplace.core.permissions import permission_rule


class PaymentsPerm(PermissionName):
    ADD_PAYMENT_METHOD = "payments.add_payment_method"
    VIEW_PAYMENT_METHOD = "payments.view_payment_method"
    REMOVE_PAYMENT_METHOD = "payments.remove_payment_method"
    VIEW_ATTEMPT = "payments.view_attempt"
    MANAGE_PAYOUT_ACCOUNT = "payments.manage_payout_account"
    VIEW_PAYOUT_ACCOUNT = "payments.view_payout_account"
    REVIEW_PAYMENTS = "payments.review_payments"
    REQUEST_REFUND = "payments.request_refund"
    REQUEST_PAYOUT = "payments.request_payout"
    APPROVE_PAYOUT = "payments.approve_payout"
    RECORD_OFFLINE_TRANSFER = "payments.record_offline_transfer"
    APPROVE_OFFLINE_TRANSFER = "payments.approve_offline_transfer"
    RECORD_OFFLINE_PAYOUT = "payments.record_offline_payout"
    APPROVE_OFFLINE_PAYOUT = "payments.approve_offline_payout"


PAYEE_MANAGERS = frozenset({MembershipRole.OWNER})


@permission_rule(PaymentsPerm.ADD_PAYMENT_METHOD)
def _add_method(user, _obj):
    return True  # any signed-in, active user saves their own cards


@permission_rule(PaymentsPerm.VIEW_PAYMENT_METHOD)
def _view_method(user, method):
    return method.owner_id == user.pk


@_view_method.scope
def _(user, methods: QuerySet) -> QuerySet:
    return methods.filter(owner_id=user.pk)


@permission_rule(PaymentsPerm.REMOVE_PAYMENT_METHOD)
def _remove_method(user, method):
    return method.owner_id == user.pk


@permission_rule(PaymentsPerm.VIEW_ATTEMPT)
def _view_attempt(user, attempt):
    return user.is_staff or attempt.payer_id == user.pk


@_view_attempt.scope
def _(user, attempts: QuerySet) -> QuerySet:
    return attempts if user.is_staff else attempts.filter(payer_id=user.pk)


@permission_rule(PaymentsPerm.MANAGE_PAYOUT_ACCOUNT)
def _manage_payout_account(user, organisation):
    return is_org_member(user, organisation, PAYEE_MANAGERS)


@permission_rule(PaymentsPerm.VIEW_PAYOUT_ACCOUNT)
def _view_payout_account(user, organisation):
    return user.is_staff or is_org_member(user, organisation)


@_view_payout_account.scope
def _(user, accounts: QuerySet) -> QuerySet:
    if user.is_staff:
        return accounts
    return accounts.filter(organisation_id__in=organisation_ids_of(user))


@permission_rule(PaymentsPerm.REVIEW_PAYMENTS)
def _review_payments(user, _obj):
    return user.is_staff


@permission_rule(PaymentsPerm.REQUEST_REFUND)
def _request_refund(user, _attempt):
    return user.is_staff


@permission_rule(PaymentsPerm.REQUEST_PAYOUT)
def _request_payout(user, _account):
    return user.is_staff


@permission_rule(PaymentsPerm.APPROVE_PAYOUT)
def _approve_payout(user, payout):
    """Staff, and not the staff member who requested it."""
    return user.is_staff and (payout is None or payout.requested_by_id != user.pk)


@permission_rule(PaymentsPerm.RECORD_OFFLINE_TRANSFER)
def _record_offline(user, agency):
    return is_buyer_of(user, agency)


def is_agency_approver(user, agency) -> bool:
    return bool(agency is not None and agency.is_verified
                and is_org_member(user, agency, {MembershipRole.APPROVER}, fresh=True))


@permission_rule(PaymentsPerm.APPROVE_OFFLINE_TRANSFER)
def _approve_offline(user, transfer):
    """An approver of the paying agency, with MFA, other than the recorder."""
    agency = transfer.attempt.payer_organisation
    return (
        is_agency_approver(user, agency)
        and transfer.recorded_by_id != user.pk
        and user_has_mfa(user)
    )


@permission_rule(PaymentsPerm.RECORD_OFFLINE_PAYOUT)
def _record_offline_payout(user, ref):
    """``ref``: a ``payout_causes.CauseRef``."""
    return bool(ref.cause.may_record(user, ref.record))


@permission_rule(PaymentsPerm.APPROVE_OFFLINE_PAYOUT)
def _approve_offline_payout(user, payout):
    """Whom the cause allows, other than the recorder, with MFA."""
    from marketplace.payments.payout_causes import cause_resolve

    ref = cause_resolve(payout.cause)
    return (payout.recorded_by_id != user.pk and user_has_mfa(user)
            and bool(ref.cause.may_approve(user, ref.record)))
