"""Who may receive a voucher, checked when it is issued.

Recipients are real-name-verified individual makers, maker teams (a maker organisation
without a registration: no unified social credit code; the person applying for it must
be real-name verified) and maker companies (a maker organisation with a credit code)
registered no more than the programme's age limit (18 months by default) before the
issue date: issued on the day the limit ends is fine, the day after is refused.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import OrganisationKind
from vouchers.errors import Ineligible
from vouchers.models import Programme, VoucherApplication


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_registered_company(organisation) -> bool:
    return bool(organisation.unified_credit_code.strip())


def last_eligible_day(registered_on: date, programme: Programme) -> date:
    return add_months(registered_on, programme.company_age_limit_months)


def check_eligible(application: VoucherApplication, *, on: date) -> None:
    """Raise ``Ineligible`` with the rule's code when the recipient of ``application``
    may not receive a voucher issued ``on``."""
    organisation = application.organisation
    if organisation is not None:
        organisation.refresh_from_db(fields=["kind", "unified_credit_code"])
        if organisation.kind != OrganisationKind.MAKER_COMPANY:
            raise Ineligible(
                _("Vouchers go to individual makers, maker teams and maker companies only."),
                code="not_a_maker_organisation",
            )
        if is_registered_company(organisation):
            registered_on = application.organisation_registered_on
            if registered_on is None:
                raise Ineligible(_("The company's registration date is not known."),
                                 code="registration_date_missing")
            last_day = last_eligible_day(registered_on, application.programme)
            if on > last_day:
                raise Ineligible(
                    _("The company was registered more than %(months)s months before the "
                      "issue date (the last eligible day was %(day)s).")
                    % {"months": application.programme.company_age_limit_months,
                       "day": last_day.isoformat()},
                    code="company_too_old", data={"last_eligible_day": last_day.isoformat()},
                )
            return
    applicant = application.applicant
    applicant.refresh_from_db(fields=["verification_status"])
    if not applicant.is_real_name_verified:
        raise Ineligible(_("The maker has not completed real-name verification."),
                         code="maker_not_verified")
