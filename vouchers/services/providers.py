"""Service providers' services: a verified service-provider organisation lists what it
offers under the programme's categories, at a price. Staff verify providers through the
accounts app's organisation verification (``organisation_verify``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.core.audit import audit_log
from marketplace.core.money import Money
from marketplace.core.permissions import require_perm
from vouchers.errors import ProviderNotVerified, VoucherValidationError
from vouchers.models import Programme, Service
from vouchers.names import VouchersAction, VouchersPerm
from vouchers.services.applications import _clean_category


def check_provider_verified(provider: Organisation) -> None:
    provider.refresh_from_db(fields=["verification_status"])
    if not provider.is_verified:
        raise ProviderNotVerified(data={"field": "provider"})


def service_create(*, actor, provider: Organisation, programme: Programme, category: str,
                   name: str, price, description: str = "") -> Service:
    require_perm(actor, VouchersPerm.MANAGE_SERVICES, provider)
    check_provider_verified(provider)
    name = str(name or "").strip()
    if not name or len(name) > 200:
        raise VoucherValidationError(_("Give the service's name (at most 200 characters)."),
                                     code="required", data={"field": "name"})
    description = str(description or "").strip()
    if len(description) > 5000:
        raise VoucherValidationError(_("The description is too long."), code="too_long",
                                     data={"field": "description"})
    service = Service(
        provider=provider, programme=programme, category=_clean_category(category, programme),
        name=name, description=description, created_by=actor,
        price=Money.from_input(price, programme.currency, label=_("The price"), positive=True),
    )
    with transaction.atomic():
        service.save()
        audit_log(actor=actor, action=VouchersAction.SERVICE_CREATED, obj=service,
                  data={"provider": provider.pk, "category": service.category,
                        "price": str(service.price_amount), "currency": service.currency})
    return service
