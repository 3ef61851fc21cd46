"""Django admin for the accounts models.

Statuses are read-only here: they change only through the services (the KYC review
page, invitation revoke, organisation verification), which check the rules and write the
audit events.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import (
    Invitation,
    KycDocument,
    KycRequest,
    Membership,
    Organisation,
    User,
)
from marketplace.accounts.services.invitations import invitation_revoke
from marketplace.accounts.services.kyc import kyc_approve
from marketplace.accounts.services.organisations import (
    EDITABLE_FIELDS,
    organisation_changes_clean,
    organisation_moderate,
    organisation_verification_withdraw,
    organisation_verify,
)
from marketplace.accounts.states import AccountsAction
from marketplace.core.admin import (
    AuditedAdminMixin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceFormMixin,
)
from marketplace.core.errors import DomainError


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = fields


class UserMembershipInline(ReadOnlyInline):
    model = Membership
    fields = ("organisation", "role", "created_at")
    readonly_fields = fields


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        # Same normalisation as sign-up: addresses are stored in lower case.
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this email address already exists."))
        return email


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    """Django's user admin, keyed by email instead of a username."""

    audit_actions = {
        "changed": AccountsAction.USER_ADMIN_CHANGED,
        "created": AccountsAction.USER_ADMIN_CREATED,
        "deleted": AccountsAction.USER_ADMIN_DELETED,
    }
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm

    ordering = ("email",)
    list_display = ("email", "display_name", "verification_status", "is_panel_expert",
                    "is_staff", "is_active", "date_joined")
    list_filter = ("verification_status", "is_panel_expert", "is_staff", "is_superuser",
                   "is_active")
    search_fields = ("email", "display_name", "verified_name", "phone")
    readonly_fields = ("verification_status", "verified_name", "last_login", "date_joined")
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name", "phone",
                                         "preferred_language")}),
        (_("Real-name verification"), {"fields": ("verification_status", "verified_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser",
                                       "is_panel_expert", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1",
                                                 "password2")}),
    )


class KycDocumentInline(admin.TabularInline):
    model = KycDocument
    extra = 0
    can_delete = False
    fields = ("document_link", "content_type", "size", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("document"))
    def document_link(self, document):
        # Through the permission-checked view: the files have no public URL.
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("accounts:kyc_document", args=[document.pk]), document,
        )


@admin.register(KycRequest)
class KycRequestAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "user", "id_type", "status", "submitted_at", "reviewer")
    list_filter = ("status", "id_type")
    search_fields = ("legal_name", "user__email")
    date_hierarchy = "submitted_at"
    list_select_related = ("user", "reviewer")
    readonly_fields = ("user", "legal_name", "id_type", "id_number_last4", "status", "reviewer",
                       "rejection_reason", "submitted_at", "reviewed_at", "review_page")
    inlines = [KycDocumentInline]
    actions = ["approve_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A decision and its documents are evidence; the user's status depends on them.
        return False

    @admin.display(description=_("review"))
    def review_page(self, kyc_request):
        return format_html('<a href="{}">{}</a>', reverse("accounts:kyc_review",
                           args=[kyc_request.pk]), _("Open the review page"))

    @admin.action(description=_("Approve the selected requests"))
    def approve_selected(self, request, queryset):
        done = 0
        for kyc_request in queryset.select_related("user"):
            try:
                kyc_approve(kyc_request=kyc_request, reviewer=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{kyc_request}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(count)d request(s) approved.") % {"count": done})


class OrganisationAdminForm(ServiceFormMixin, forms.ModelForm):
    clean_changes = staticmethod(organisation_changes_clean)

    class Meta:
        model = Organisation
        fields = EDITABLE_FIELDS


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Organisations are created by their owners; staff correct the editable fields
    through ``organisation_moderate`` (same cleaning, audited, the verification withdrawn
    when the identity changes) and verify through the actions below."""

    form = OrganisationAdminForm
    list_display = ("name", "kind", "slug", "district", "verification_status", "created_at")
    list_filter = ("kind", "verification_status", "district")
    search_fields = ("name", "name_en", "slug", "unified_credit_code")
    readonly_fields = ("kind", "slug", "verification_status", "created_at", "updated_at")
    inlines = [MembershipInline]
    actions = ["verify_selected", "withdraw_verification_selected"]

    def has_add_permission(self, request):
        return False  # organisations are created by the people who run them

    def has_delete_permission(self, request, obj=None):
        return False  # products, procedures and audit events refer to it

    def save_model(self, request, obj, form, change):
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in EDITABLE_FIELDS}
        if changes:
            organisation_moderate(organisation=obj, actor=request.user, **changes)

    def _each(self, request, queryset, service, done_message):
        done = 0
        for organisation in queryset.order_by("pk"):
            try:
                service(organisation=organisation, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{organisation}: {exc.message}", messages.WARNING)
        self.message_user(request, done_message % {"count": done})

    @admin.action(description=_("Verify the selected organisations"))
    def verify_selected(self, request, queryset):
        self._each(request, queryset, organisation_verify,
                   _("%(count)d organisation(s) verified."))

    @admin.action(description=_("Withdraw the verification of the selected organisations"))
    def withdraw_verification_selected(self, request, queryset):
        self._each(request, queryset, organisation_verification_withdraw,
                   _("%(count)d verification(s) withdrawn."))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Memberships change only through the services (last-owner rule, audit events)."""

    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__email", "organisation__name")
    list_select_related = ("user", "organisation")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "status", "created_at", "expires_at",
                    "email_sent_at")
    list_filter = ("status", "role")
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation",)
    readonly_fields = ("organisation", "email", "role", "status", "invited_by", "accepted_by",
                       "created_at", "expires_at", "accepted_at", "revoked_at", "email_sent_at")
    exclude = ("token",)
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke_selected(self, request, queryset):
        done = 0
        for invitation in queryset.select_related("organisation"):
            try:
                invitation_revoke(invitation=invitation, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{invitation}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(count)d invitation(s) withdrawn.") % {"count": done})
