"""The annual issuing cap of a makerspace.

Issuing takes the amount from the (makerspace, programme, year) allowance row under its
row lock (SELECT ... FOR UPDATE), in the issuing transaction: concurrent issues queue on
the row and never exceed the cap; ``voucher_allowance_within_cap`` is the backstop. The
row is created on first use with INSERT ... ON CONFLICT DO NOTHING, so two first issues
of a year cannot both create it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marketplace.core.money import Money
from vouchers.errors import CapExhausted, VoucherValidationError
from vouchers.models import IssuingAllowance, Programme


def allowance_take(*, makerspace_id: int, programme: Programme, year: int,
                   amount: Money) -> IssuingAllowance:
    """Take ``amount`` from the year's allowance (inside the caller's transaction);
    refuse with ``CapExhausted`` naming what is left."""
    if amount.currency != programme.currency:
        raise VoucherValidationError(_("The amount is in another currency than the programme."),
                                     code="currency", data={"field": "amount"})
    IssuingAllowance.objects.bulk_create(
        [IssuingAllowance(makerspace_id=makerspace_id, programme=programme, year=year,
                          cap=programme.annual_cap, issued=Money.zero(programme.currency))],
        ignore_conflicts=True,
    )
    allowance = IssuingAllowance.objects.select_for_update().get(
        makerspace_id=makerspace_id, programme=programme, year=year
    )
    if allowance.issued_amount + amount.amount > allowance.cap_amount:
        left = allowance.remaining
        raise CapExhausted(
            _("The makerspace has %(left)s of its %(year)s issuing cap left; this voucher "
              "needs %(need)s.") % {"left": left, "year": year, "need": amount},
            data={"field": "amount", "remaining": str(left.amount)},
        )
    allowance.issued_amount = allowance.issued_amount + amount.amount
    allowance.save(update_fields=["issued_amount"])
    return allowance
