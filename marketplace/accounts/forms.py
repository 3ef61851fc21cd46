"""Page forms. They check shapes (required, lengths); the services check the rules."""

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.documents import MAX_DOCUMENTS
from marketplace.accounts.models import KycRequest, MembershipRole, OrganisationKind
from marketplace.core.kept_files import (
    KeepsFilesMixin,
    KeptMultipleFileField,
    KeptMultipleFileInput,
)
from marketplace.core.regions import district_choices


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class KycSubmitForm(KeepsFilesMixin, forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=100)
    id_type = forms.ChoiceField(label=_("Document type"), choices=KycRequest.IdType.choices)
    id_number_last4 = forms.CharField(
        label=_("Last 4 characters of the document number"), min_length=4, max_length=4
    )
    # kept when the form fails; the service checks type, size and count (and says which
    # file is empty, hence allow_empty_file)
    documents = KeptMultipleFileField(
        label=_("Documents"), required=False, allow_empty_file=True,
        widget=KeptMultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=format_lazy(
            _("PDF, JPG or PNG, at most 10 MB each, up to {max} files."), max=MAX_DOCUMENTS
        ),
    )


class KycRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. The applicant sees this text."),
    )


def _district_field():
    return forms.ChoiceField(
        label=_("District"), required=False,
        choices=[("", "—"), *district_choices()],
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    unified_credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18, required=False
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"] = _district_field()
        self.order_fields(["kind", "name", "name_en", "slug", "unified_credit_code", "district"])


class OrganisationCreateForm(OrganisationForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    slug = forms.SlugField(
        label=_("Web address"), max_length=80, required=False,
        help_text=_("Lower-case letters, digits and hyphens. Left empty, it is made from the name."),
    )


def role_choices(kind: str | None):
    from marketplace.accounts.services.organisations import GOVERNMENT_ONLY_ROLES

    if kind == OrganisationKind.GOVERNMENT_AGENCY:
        return MembershipRole.choices
    return [(v, label) for v, label in MembershipRole.choices if v not in GOVERNMENT_ONLY_ROLES]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices,
                             initial=MembershipRole.MEMBER)

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(kind)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(kind)
