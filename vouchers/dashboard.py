"""Dashboard panels of the voucher programme (registered from VouchersConfig.ready)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.dashboard import Link, Panel, dashboard_panel
from marketplace.core.formatting import format_money
from marketplace.core.locale import localized
from vouchers.models import (
    PilotAdmission,
    Programme,
    Voucher,
    VoucherApplication,
    VoucherOrder,
)
from vouchers.selectors import makerspace_cap_used, makerspaces_in_pilot_operated_by, my_vouchers

PANEL_ITEMS = 5


@dashboard_panel("vouchers.mine", order=60)
def my_vouchers_panel(user) -> Panel | None:
    vouchers = list(my_vouchers(user=user).filter(status=Voucher.Status.ACTIVE)[:PANEL_ITEMS])
    if not vouchers:
        return None
    return Panel(
        title=_("Your innovation vouchers"), count=len(vouchers),
        items=[Link(localized(v.makerspace, "name"), reverse("vouchers:mine"),
                    _("%(balance)s left") % {"balance": format_money(v.balance)})
               for v in vouchers],
        more=Link(_("All your vouchers"), reverse("vouchers:mine")),
    )


@dashboard_panel("vouchers.makerspaces", order=61)
def issuing_panel(user) -> Panel | None:
    spaces = list(makerspaces_in_pilot_operated_by(user=user)[:PANEL_ITEMS])
    if not spaces:
        return None
    year = timezone.localdate().year
    items = []
    for space in spaces:
        waiting = VoucherApplication.objects.filter(
            makerspace=space, status=VoucherApplication.Status.SUBMITTED).count()
        used = format_money(makerspace_cap_used(space, year))
        items.append(Link(localized(space, "name"), reverse("vouchers:makerspace", args=[space.slug]),
                          _("%(n)s to decide, %(used)s issued in %(year)s")
                          % {"n": waiting, "used": used, "year": year}))
    return Panel(title=_("Innovation vouchers you issue"), count=len(spaces), items=items)


@dashboard_panel("vouchers.office", order=62)
def office_panel(user) -> Panel | None:
    """Staff: pilot applications and redemption claims waiting (nothing until the region
    has a programme: the office page has nothing to show before)."""
    if not user.is_staff or not Programme.objects.filter(
            region=settings.MARKETPLACE_REGION).exists():
        return None
    applied = PilotAdmission.objects.filter(status=PilotAdmission.Status.APPLIED).count()
    claimed = VoucherOrder.objects.filter(status=VoucherOrder.Status.CLAIMED).count()
    office = reverse("vouchers:office")
    return Panel(
        title=_("Voucher programme office"), count=applied,
        items=[Link(_("%(n)s pilot applications to decide") % {"n": applied}, office),
               Link(_("%(n)s redemption claims waiting for their makerspace") % {"n": claimed},
                    office)],
        more=Link(_("Statistics"), office),
    )
