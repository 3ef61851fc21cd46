"""Budget lines: what an agency may commit in a year under a budget code.

A request's ceiling is committed when it is approved: the line's row is locked
(SELECT ... FOR UPDATE) and the commitment checked against what is left in the same
transaction, so concurrent approvals queue on the line and never overspend it; the
``budget_line_within_total`` constraint is the backstop. A commitment is released when
the request is cancelled or declined, and reduced to the agreed price once one is agreed.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.money import Money
from marketplace.core.permissions import require_perm
from procurement.errors import BudgetExceeded, ProcurementValidationError
from procurement.models import BudgetLine, default_currency
from procurement.rules import ProcurementPerm
from procurement.services.common import clean_text
from procurement.states import ProcurementAction

MIN_YEAR, MAX_YEAR = 2000, 2100


def budget_line_create(
    *, actor, agency: Organisation, year, code: str, name: str, total, currency: str | None = None
) -> BudgetLine:
    require_perm(actor, ProcurementPerm.MANAGE_BUDGET, agency)
    if agency.kind != OrganisationKind.GOVERNMENT_AGENCY:
        raise ProcurementValidationError(_("Only a government agency has budget lines."))
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise ProcurementValidationError(_("Give the budget year (2000 to 2100)."),
                                         code="bad_year", data={"field": "year"})
    code = clean_text(BudgetLine, "code", code, required=True)
    name = clean_text(BudgetLine, "name", name, required=True)
    amount = Money.from_input(total, currency or default_currency(), label=_("The total"),
                              positive=True)
    line = BudgetLine(agency=agency, year=year, code=code, name=name, total=amount,
                      committed=Money.zero(amount.currency), created_by=actor)
    with transaction.atomic(), unique_conflicts(BudgetLine, {
        "budget_line_unique": _("This agency already has a budget line with this code for "
                                "this year."),
    }):
        line.save()
        audit_log(actor=actor, action=ProcurementAction.BUDGET_LINE_CREATED, obj=line,
                  data={"year": year, "code": code, "total": str(amount.amount),
                        "currency": amount.currency})
    return line


def budget_commit(*, line_id: int, amount: Money) -> BudgetLine:
    """Hold ``amount`` on the line (inside the caller's transaction, row locked); refuse
    with ``BudgetExceeded`` when less is left."""
    line = BudgetLine.objects.select_for_update().get(pk=line_id)
    if amount.currency != line.currency:
        raise ProcurementValidationError(
            _("The request is in another currency than its budget line."), code="currency"
        )
    if line.committed_amount + amount.amount > line.total_amount:
        left = line.remaining
        raise BudgetExceeded(
            _("The budget line %(code)s has %(left)s left; this request needs %(need)s.")
            % {"code": line.code, "left": left, "need": amount},
            data={"field": "budget_line", "remaining": str(left.amount)},
        )
    line.committed_amount = line.committed_amount + amount.amount
    line.save(update_fields=["committed_amount"])
    return line


def budget_release(*, line_id: int, amount: Money) -> BudgetLine:
    """Give ``amount`` back to the line (inside the caller's transaction, row locked)."""
    line = BudgetLine.objects.select_for_update().get(pk=line_id)
    released = min(Decimal(amount.amount), line.committed_amount)
    line.committed_amount = line.committed_amount - released
    line.save(update_fields=["committed_amount"])
    return line
