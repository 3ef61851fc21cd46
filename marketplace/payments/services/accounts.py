"""Payees' connected accounts (Stripe Connect Express): create, onboard, follow.

The account's status is derived from what the provider reports (``account_status``):
``enabled`` once payouts are enabled and the transfers capability is active,
``restricted`` when details were submitted but payouts are not (or no longer) enabled,
``onboarding`` until then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.payments.errors import PaymentsConflict
from marketplace.payments.models import ConnectedAccount
from marketplace.payments.providers import get_provider
from marketplace.payments.providers.base import AccountRequest, AccountResult
from marketplace.payments.rules import PaymentsPerm
from marketplace.payments.services.common import fresh, locked
from marketplace.payments.services.gateway import provider_call
from marketplace.payments.signals import account_changed
from marketplace.payments.states import ACCOUNT_STATES, PaymentsAction

C = ConnectedAccount.Status


def account_status(result: AccountResult) -> str:
    if result.payouts_enabled and result.transfers_active:
        return C.ENABLED
    if result.details_submitted:
        return C.RESTRICTED
    return C.ONBOARDING


def payout_account_ensure(*, actor, organisation) -> ConnectedAccount:
    """The organisation's payout account, created at the provider once (a retry reuses
    the key). Only its owners may set it up."""
    require_perm(actor, PaymentsPerm.MANAGE_PAYOUT_ACCOUNT, organisation,
                 message=_("Only an owner of %(organisation)s can set up its payout account.")
                 % {"organisation": organisation.name})
    account = ConnectedAccount.objects.filter(organisation=organisation).first()
    if account is None:
        with transaction.atomic(), unique_conflicts(ConnectedAccount, {
                "organisation": _("This organisation already has a payout account.")}):
            account = ConnectedAccount.objects.create(
                organisation=organisation, country=settings.STRIPE_CONNECT_COUNTRY,
                email=actor.email)
            audit_log(actor=actor, action=PaymentsAction.ACCOUNT_CREATED, obj=account,
                      data={"organisation": organisation.pk})
    if account.provider_account_id:
        return account
    provider = get_provider("stripe")
    request = AccountRequest(idempotency_key=account.key, country=account.country,
                             email=account.email,
                             metadata={"account": str(account.uid),
                                       "organisation": organisation.slug})
    result = provider_call(lambda: provider.account_create(request),
                           what=f"connected account {account.pk}")
    return payout_account_record(account=account, result=result, actor=actor)


def payout_account_record(*, account: ConnectedAccount, result: AccountResult,
                          actor=None) -> ConnectedAccount:
    """Record the provider's view of the account (flags, requirements, status)."""
    with transaction.atomic():
        current = locked(account)
        if current.provider_account_id and current.provider_account_id != result.account_id:
            return current  # another account's answer: never overwrite
        values = {
            "provider_account_id": result.account_id,
            "details_submitted": result.details_submitted,
            "charges_enabled": result.charges_enabled,
            "payouts_enabled": result.payouts_enabled,
            "transfers_active": result.transfers_active,
            "disabled_reason": result.disabled_reason[:100],
            "requirements_due": list(result.requirements_due),
            "synced_at": timezone.now(),
        }
        target = account_status(result)
        if target != current.status:
            transition(current, ACCOUNT_STATES, target, actor=actor, changes=values,
                       data={"payouts_enabled": result.payouts_enabled,
                             "disabled_reason": result.disabled_reason})
            announce(account_changed, account_id=current.pk, status=target)
        else:
            for name, value in values.items():
                setattr(current, name, value)
            current.save(update_fields=[*values, "updated_at"])
    return current


def payout_account_sync(*, account: ConnectedAccount) -> ConnectedAccount:
    account = fresh(account)
    if not account.provider_account_id:
        return account
    provider = get_provider("stripe")
    result = provider_call(lambda: provider.account_retrieve(account.provider_account_id),
                           what=f"connected account {account.pk} re-read")
    return payout_account_record(account=account, result=result)


def payout_account_onboarding_link(*, actor, account: ConnectedAccount, refresh_url: str,
                                   return_url: str) -> str:
    """A one-time link to the provider's onboarding pages (nothing is stored)."""
    require_perm(actor, PaymentsPerm.MANAGE_PAYOUT_ACCOUNT, account.organisation)
    if not account.provider_account_id:
        raise PaymentsConflict(_("The payout account has not been created yet."),
                               code="account_not_created")
    provider = get_provider("stripe")
    return provider_call(
        lambda: provider.account_onboarding_link(account.provider_account_id,
                                                 refresh_url=refresh_url,
                                                 return_url=return_url),
        what=f"onboarding link {account.pk}")


def payout_refusal(account: ConnectedAccount) -> str | None:
    """Why ``account`` cannot receive a payout now (None when it can), in words."""
    if account.can_receive_payouts and account.payouts_enabled:
        return None
    if not account.provider_account_id:
        return str(_("The payee has not created its payout account yet."))
    if not account.details_submitted:
        return str(_("The payee has not finished onboarding its payout account."))
    if account.disabled_reason:
        return str(_("The payee's payout account is restricted by the provider (%(reason)s).")
                   % {"reason": account.disabled_reason})
    due = ", ".join(account.requirements_due or ())
    if due:
        return str(_("The payee's payout account cannot receive payouts until it provides: "
                     "%(due)s.") % {"due": due})
    return str(_("The payee's payout account cannot receive payouts yet."))
