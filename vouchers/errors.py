"""Errors of the voucher programme a user may see (translated, a code naming the rule,
mapped to 4xx in one place)."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import ConflictError, NotFoundError
from marketplace.core.validation import InvalidInput


class VoucherValidationError(InvalidInput):
    """Bad input to a voucher service (400)."""


class UnknownCategory(VoucherValidationError):
    code = "unknown_category"
    default_message = _("The programme has no such service category.")


class AboveCap(VoucherValidationError):
    code = "above_cap"
    default_message = _("The amount is above the makerspace's annual issuing cap.")


class CapExhausted(ConflictError):
    code = "cap_exhausted"
    default_message = _("The makerspace has not enough of this year's issuing cap left.")


class NotInPilot(ConflictError):
    code = "not_in_pilot"
    default_message = _("This makerspace is not admitted to the voucher pilot.")


class NoProgramme(NotFoundError):
    code = "no_programme"
    default_message = _("No voucher programme runs in this region.")


class Ineligible(ConflictError):
    """The recipient does not meet the programme's eligibility rules (the code names the
    rule: ``maker_not_verified``, ``company_too_old``, ``not_a_maker_organisation``)."""

    code = "ineligible"
    default_message = _("The applicant is not eligible for a voucher.")


class ProviderNotVerified(ConflictError):
    code = "provider_not_verified"
    default_message = _("Staff have not verified this service provider yet.")


class RelatedParty(ConflictError):
    code = "related_party"
    default_message = _(
        "A voucher cannot pay for a service of the recipient's own organisation, of an "
        "organisation sharing a person with it, or of the issuing makerspace's operator."
    )


class AboveBalance(ConflictError):
    code = "above_balance"
    default_message = _("The voucher's balance is not enough for this amount.")


class AboveShare(VoucherValidationError):
    code = "above_share"
    default_message = _("A voucher may cover only part of this service's price.")


class VoucherNotUsable(ConflictError):
    code = "voucher_not_usable"
    default_message = _("This voucher cannot be used.")


class InvoiceRequired(VoucherValidationError):
    code = "invoice_required"
    default_message = _("A redemption claim needs the invoice.")


class NotRedeemed(ConflictError):
    code = "not_redeemed"
    default_message = _("An order is reimbursed once its redemption was approved.")
