"""Admin of equity crowdfunding: read-only rows; staff approve investor profiles through
the service (``investor_profile_approve``: permission, transition, audit, notice). The
evidence file is not linked here: it is private."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from crowdfunding.equity.models import (
    Commitment,
    InvestorProfile,
    KnowledgeTestAttempt,
    Offering,
    RiskWarningAcknowledgement,
)
from crowdfunding.equity.services.investors import investor_profile_approve
from marketplace.core.admin import ReadOnlyAdmin
from marketplace.core.errors import DomainError


@admin.register(InvestorProfile)
class InvestorProfileAdmin(ReadOnlyAdmin):
    list_display = ("user", "classification", "status", "rule_pack", "submitted_at",
                    "valid_until", "reviewer")
    list_filter = ("status", "classification", "rule_pack")
    list_select_related = ("user", "reviewer")
    search_fields = ("user__email", "user__verified_name")
    exclude = ("evidence",)
    actions = ["approve_selected"]

    @admin.action(description=_("Approve the selected investor profiles"))
    def approve_selected(self, request, queryset):
        done = 0
        for profile in queryset.select_related("user"):
            try:
                investor_profile_approve(actor=request.user, profile=profile)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{profile}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(count)d profile(s) approved.") % {"count": done})


@admin.register(KnowledgeTestAttempt)
class KnowledgeTestAttemptAdmin(ReadOnlyAdmin):
    list_display = ("user", "score", "total", "passed", "test_version", "taken_at")
    list_filter = ("passed", "test_version")
    list_select_related = ("user",)
    search_fields = ("user__email",)


@admin.register(RiskWarningAcknowledgement)
class RiskWarningAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("user", "warning_version", "acknowledged_at")
    list_select_related = ("user",)
    search_fields = ("user__email",)


@admin.register(Offering)
class OfferingAdmin(ReadOnlyAdmin):
    """Offerings change only through their services (review, launch and close by the
    chronograph, cancel), each audited."""

    list_display = ("pk", "title", "organisation", "status", "instrument", "rule_pack",
                    "deadline")
    list_filter = ("status", "instrument", "rule_pack")
    list_select_related = ("organisation",)
    search_fields = ("title", "organisation__name")


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ("pk", "offering", "investor", "status", "committed_at")
    list_filter = ("status",)
    list_select_related = ("offering", "investor")
