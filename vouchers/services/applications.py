"""Voucher applications: a maker applies to a makerspace admitted to the pilot; the
makerspace's operator issues the voucher (within its annual cap, to an eligible
recipient) or refuses the application with a reason."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from catalog.models import Makerspace
from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.core.audit import audit_log
from marketplace.core.money import Money
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from vouchers.errors import AboveCap, NotInPilot, UnknownCategory, VoucherValidationError
from vouchers.ledger import post_voucher_issued
from vouchers.models import PilotAdmission, Programme, Voucher, VoucherApplication
from vouchers.names import VouchersAction, VouchersPerm
from vouchers.services.allowance import allowance_take
from vouchers.services.eligibility import check_eligible, is_registered_company
from vouchers.services.notify import NOTIFY_APPLICANT_TASK
from vouchers.signals import voucher_issued
from vouchers.states import APPLICATION_STATES

A = VoucherApplication.Status
MAX_PURPOSE_CHARS = 5000


def _admission(makerspace_id: int, programme: Programme, *, lock: bool = False):
    qs = PilotAdmission.objects.filter(makerspace_id=makerspace_id, programme=programme,
                                       status=PilotAdmission.Status.ADMITTED)
    return (qs.select_for_update() if lock else qs).first()


def _clean_amount(value, programme: Programme, *, label) -> Money:
    amount = Money.from_input(value, programme.currency, label=label, positive=True)
    if amount > programme.annual_cap:
        raise AboveCap(
            _("%(label)s is above the annual issuing cap of %(cap)s.")
            % {"label": label, "cap": programme.annual_cap},
            data={"field": "amount"},
        )
    return amount


def _clean_category(code, programme: Programme) -> str:
    code = str(code or "").strip()
    if code not in programme.category_codes:
        raise UnknownCategory(
            _("The programme has no service category “%(code)s”; choose one of: "
              "%(codes)s.") % {"code": code, "codes": ", ".join(programme.category_codes)},
            data={"field": "category"},
        )
    return code


def _clean_purpose(purpose) -> str:
    purpose = "" if purpose is None else str(purpose).strip()
    if not purpose:
        raise VoucherValidationError(_("Say what the voucher is for."), code="required",
                                     data={"field": "purpose"})
    if len(purpose) > MAX_PURPOSE_CHARS:
        raise VoucherValidationError(
            _("The purpose is too long (at most %(max)s characters).") % {"max": MAX_PURPOSE_CHARS},
            code="too_long", data={"field": "purpose"},
        )
    return purpose


def _clean_registered_on(value, organisation: Organisation | None) -> date | None:
    if organisation is None or not is_registered_company(organisation):
        return None
    day = value if isinstance(value, date) else parse_date(str(value)) if value else None
    if day is None:
        raise VoucherValidationError(
            _("Give the company's registration date (YYYY-MM-DD) from its business licence."),
            code="registration_date_required", data={"field": "registered_on"},
        )
    if day > timezone.localdate():
        raise VoucherValidationError(_("The registration date cannot be in the future."),
                                     code="bad_date", data={"field": "registered_on"})
    return day


def voucher_apply(
    *, actor, makerspace: Makerspace, programme: Programme, purpose: str, category: str,
    amount, organisation: Organisation | None = None, registered_on=None,
) -> VoucherApplication:
    """Apply to ``makerspace`` for a voucher, for oneself or for one's maker team or
    company (``organisation``; a registered company gives its registration date)."""
    require_perm(actor, VouchersPerm.APPLY_VOUCHER, organisation)
    if organisation is not None and organisation.kind != OrganisationKind.MAKER_COMPANY:
        raise VoucherValidationError(
            _("Vouchers go to individual makers, maker teams and maker companies only."),
            code="not_a_maker_organisation", data={"field": "organisation"},
        )
    if _admission(makerspace.pk, programme) is None:
        raise NotInPilot(data={"field": "makerspace"})
    application = VoucherApplication(
        applicant=actor, organisation=organisation, makerspace=makerspace, programme=programme,
        purpose=_clean_purpose(purpose), category=_clean_category(category, programme),
        amount=_clean_amount(amount, programme, label=_("The amount")),
        organisation_registered_on=_clean_registered_on(registered_on, organisation),
    )
    with transaction.atomic():
        application.save()
        audit_log(actor=actor, action=VouchersAction.APPLICATION_SUBMITTED, obj=application,
                  data={"makerspace": makerspace.pk, "category": application.category,
                        "amount": str(application.amount_requested),
                        "currency": application.currency})
    return application


def _clean_categories(categories, application: VoucherApplication) -> list[str]:
    if categories is None:
        return [application.category]
    if isinstance(categories, str) or not categories:
        raise UnknownCategory(_("Name at least one service category of the programme."),
                              data={"field": "categories"})
    cleaned = []
    for code in categories:
        code = _clean_category(code, application.programme)
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def voucher_issue(*, actor, application: VoucherApplication, amount=None,
                  categories=None) -> Voucher:
    """Issue the voucher of ``application`` (by default for the amount and category
    applied for; never more than applied for). The recipient's eligibility is checked
    on the issue date, and the amount taken from the makerspace's cap of that year."""
    require_perm(actor, VouchersPerm.ISSUE_VOUCHER, application)
    programme = application.programme
    value = _clean_amount(application.amount_requested if amount is None else amount,
                          programme, label=_("The amount issued"))
    if value > application.amount:
        raise VoucherValidationError(
            _("The amount issued cannot be more than the %(asked)s applied for.")
            % {"asked": application.amount},
            code="above_requested", data={"field": "amount"},
        )
    codes = _clean_categories(categories, application)
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # the admission's row lock orders an issue against a concurrent suspension
        if _admission(application.makerspace_id, programme, lock=True) is None:
            raise NotInPilot()
        APPLICATION_STATES.check(
            VoucherApplication.objects.select_for_update().values_list("status", flat=True)
            .get(pk=application.pk), A.ISSUED,
        )
        check_eligible(application, on=today)
        allowance_take(makerspace_id=application.makerspace_id, programme=programme,
                       year=today.year, amount=value)
        voucher = Voucher.objects.create(
            application=application, recipient_id=application.applicant_id,
            organisation_id=application.organisation_id,
            makerspace_id=application.makerspace_id, programme=programme, year=today.year,
            amount=value, balance=value, categories=codes,
            # valid for ``validity_days`` days, the day of issue being the first
            valid_until=today + timedelta(days=programme.validity_days - 1),
            issued_by=actor, issued_at=now,
        )
        post_voucher_issued(voucher, actor=actor)
        audit_log(actor=actor, action=VouchersAction.VOUCHER_ISSUED, obj=voucher,
                  data={"application": application.pk, "amount": str(value.amount),
                        "currency": value.currency, "year": today.year,
                        "valid_until": voucher.valid_until.isoformat(), "categories": codes})
        transition(application, APPLICATION_STATES, A.ISSUED, actor=actor,
                   action=VouchersAction.APPLICATION_ISSUED,
                   changes={"decided_by": actor, "decided_at": now},
                   data={"voucher": voucher.pk})
        announce(voucher_issued, voucher_id=voucher.pk)
        enqueue(NOTIFY_APPLICANT_TASK, application.pk)
    return voucher


def voucher_refuse(*, actor, application: VoucherApplication, reason: str) -> VoucherApplication:
    require_perm(actor, VouchersPerm.ISSUE_VOUCHER, application)
    reason = clean_reason(reason, missing=_("Give the reason for refusing the application."))
    with transaction.atomic():
        transition(
            application, APPLICATION_STATES, A.REFUSED, actor=actor,
            action=VouchersAction.APPLICATION_REFUSED,
            changes={"decided_by": actor, "decided_at": timezone.now(), "refusal_reason": reason},
            data={"reason": reason},
        )
        enqueue(NOTIFY_APPLICANT_TASK, application.pk)
    return application
