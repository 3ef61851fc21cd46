"""Dashboard panels of the accounts app (registered from AccountsConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.accounts import selectors
from marketplace.accounts.models import OrganisationVerification, VerificationStatus
from marketplace.core.dashboard import Link, Panel, dashboard_panel
from marketplace.core.locale import localized

PANEL_ITEMS = 5


@dashboard_panel("accounts.real_name", order=10)
def real_name(user) -> Panel | None:
    if user.verification_status == VerificationStatus.VERIFIED:
        return None
    status = user.get_verification_status_display()
    action = None
    if user.verification_status != VerificationStatus.PENDING:
        action = Link(_("Verify your real name"), reverse("accounts:profile"))
    return Panel(
        title=_("Real-name verification"), items=[Link(status, reverse("accounts:profile"))],
        action=action,
    )


@dashboard_panel("accounts.organisations", order=15)
def organisations(user) -> Panel:
    mine = list(selectors.organisations_for_user(user)[: PANEL_ITEMS + 1])
    return Panel(
        title=_("Your organisations"), count=len(mine) if len(mine) <= PANEL_ITEMS else None,
        items=[Link(localized(o, "name"), reverse("accounts:organisation_detail", args=[o.slug]),
                    "" if o.verification_status == OrganisationVerification.VERIFIED
                    else _("not yet verified")) for o in mine[:PANEL_ITEMS]],
        action=Link(_("Create an organisation"), reverse("accounts:organisation_create")),
        more=Link(_("All your organisations"), reverse("accounts:organisation_list")),
    )


@dashboard_panel("accounts.staff_queues", order=1)
def staff_queues(user) -> Panel | None:
    """Staff: every review queue of the accounts app, with its count."""
    if not user.is_staff:
        return None
    waiting_kyc = selectors.kyc_queue().count()
    waiting_orgs = selectors.organisations_awaiting_verification().count()
    return Panel(
        title=_("Review queues"), count=waiting_kyc + waiting_orgs,
        count_label=_("waiting"),
        items=[
            Link(_("Real-name verification: %(n)s waiting") % {"n": waiting_kyc},
                 reverse("accounts:kyc_queue")),
            # verified in the admin: a link only for staff who may open that list
            Link(_("Organisations to verify: %(n)s waiting") % {"n": waiting_orgs},
                 reverse("admin:accounts_organisation_changelist")
                 + "?verification_status__exact=unverified"
                 if user.has_perm("accounts.view_organisation") else ""),
        ],
        more=Link(_("Administration"), reverse("admin:index")),
    )
