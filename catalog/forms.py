"""Page forms. They only shape input; the services apply the rules and their
DomainErrors are shown on the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import ProductStage
from catalog.selectors import categories, makerspaces_for_resident
from catalog.validators import MAX_SPEC_KEYS
from marketplace.accounts.models import OrganisationKind
from marketplace.accounts.pickers import OrganisationPickerField
from marketplace.core.forms import CurrencyField, DateField, RichTextField
from marketplace.core.kept_files import KeepsFilesMixin, KeptFileField, KeptMultipleFileField
from marketplace.core.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS
from marketplace.core.regions import district_choices, focus_area_choices


def parse_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_specifications(text: str) -> dict[str, str]:
    """One "name: value" per line."""
    specs: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        if ":" not in line and "：" not in line:
            raise forms.ValidationError(
                _("Line %(n)s: write “name: value”.") % {"n": number}, code="spec_line"
            )
        key, value = line.replace("：", ":", 1).split(":", 1)
        if key.strip() in specs:
            raise forms.ValidationError(
                _("The specification “%(key)s” appears twice.") % {"key": key.strip()}
            )
        specs[key.strip()] = value.strip()
    if len(specs) > MAX_SPEC_KEYS:
        raise forms.ValidationError(
            _("At most %(max)s specifications are allowed.") % {"max": MAX_SPEC_KEYS}
        )
    return specs


def format_specifications(specs: dict) -> str:
    return "\n".join(f"{k}: {v}" for k, v in (specs or {}).items())


class ProductForm(KeepsFilesMixin, forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=_("Maker organisation"))
    category = forms.ModelChoiceField(queryset=None, label=_("Category"))
    # only the published makerspaces the maker is a resident of (set in __init__)
    makerspace = forms.ModelChoiceField(queryset=None, required=False, label=_("Makerspace"))
    name = forms.CharField(max_length=200, label=_("Name"))
    name_en = forms.CharField(max_length=200, required=False, label=_("English name"))
    model_code = forms.CharField(
        max_length=64, required=False, label=_("Model number"),
        help_text=_("As printed on the product, e.g. LS-147: buyers search by it."),
    )
    summary = forms.CharField(max_length=300, required=False, label=_("Summary"))
    summary_en = forms.CharField(max_length=300, required=False, label=_("English summary"))
    description = RichTextField(required=False, label=_("Description"))
    description_en = RichTextField(required=False, label=_("English description"))
    specifications = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label=_("Specifications"),
        help_text=_("One per line: name: value (at most 50)."),
    )
    price_amount = forms.DecimalField(
        max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES, required=False,
        label=_("Price"),
        help_text=_("Leave empty for “price on request”."),
    )
    price_currency = CurrencyField()
    stage = forms.ChoiceField(choices=ProductStage.choices, label=_("Stage"))
    stock = forms.IntegerField(min_value=0, initial=0, label=_("Stock"))
    is_first_set = forms.BooleanField(required=False, label=_("First set of equipment"))
    first_set_catalogue_ref = forms.CharField(
        max_length=100, required=False, label=_("First-set catalogue reference")
    )
    image = KeptFileField(
        required=False, label=_("Add an image"),
        help_text=_("JPEG, PNG or WebP, at most 5 MB and 8000 x 8000 pixels."),
    )

    def __init__(self, *args, organisations=None, editing=False, **kwargs):
        """``organisations``: the maker companies the product may belong to (when
        creating), or the product's own organisation (when editing)."""
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories()
        self.fields["makerspace"].queryset = makerspaces_for_resident(organisations)
        if editing:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations

    def clean_specifications(self):
        return parse_specifications(self.cleaned_data.get("specifications", ""))

    def service_data(self) -> dict:
        """Arguments of product_create / product_update (the image included)."""
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        if not data.get("image"):
            data.pop("image", None)
        return data


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Image"))
    alt = forms.CharField(max_length=200, required=False, label=_("Alternative text"))


class CertificationApplyForm(KeepsFilesMixin, forms.Form):
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000, required=False,
        label=_("Innovation statement"),
    )
    documents = KeptMultipleFileField(
        label=_("Supporting documents"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB each (test reports, patents, licences)."),
    )


class CertifyForm(forms.Form):
    certificate_number = forms.CharField(max_length=50, label=_("Certificate number"))
    valid_from = DateField(label=_("Valid from"))
    valid_until = DateField(label=_("Valid until"))


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Reason"))


class MakerspaceForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    name_en = forms.CharField(max_length=200, required=False, label=_("English name"))
    district = forms.ChoiceField(choices=district_choices, label=_("District"))
    address = forms.CharField(max_length=300, required=False, label=_("Address"))
    focus_areas = forms.MultipleChoiceField(
        choices=focus_area_choices, required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Focus areas"),
    )
    description = RichTextField(required=False, max_length=5000, label=_("Description"))
    description_en = RichTextField(required=False, max_length=5000,
                                   label=_("English description"))
    services = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               label=_("Services"), help_text=_("One per line."))
    equipment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                label=_("Equipment"), help_text=_("One per line."))
    opening_hours = forms.CharField(max_length=200, required=False, label=_("Opening hours"))

    def clean_services(self):
        return parse_lines(self.cleaned_data.get("services"))

    def clean_equipment(self):
        return parse_lines(self.cleaned_data.get("equipment"))


class PhotoForm(KeepsFilesMixin, forms.Form):
    image = KeptFileField(label=_("Photo"))
    caption = forms.CharField(max_length=200, required=False, label=_("Caption"))


class ResidentForm(forms.Form):
    organisation = OrganisationPickerField(kinds=[OrganisationKind.MAKER_COMPANY],
                                           label=_("Maker company"))


class FirstSetUnitForm(KeepsFilesMixin, forms.Form):
    buyer = OrganisationPickerField(label=_("Buying organisation"))
    serial_number = forms.CharField(max_length=100, label=_("Serial number"))
    put_into_use_on = DateField(label=_("Put into use on"))
    purchase_document = KeptFileField(
        label=_("Purchase contract or invoice"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB. Only the two sides and the platform "
                    "staff can open it."),
    )


class InsuranceForm(forms.Form):
    insurer = forms.CharField(max_length=200, label=_("Insurer"))
    policy_number = forms.CharField(max_length=100, label=_("Policy number"))
    insured_amount = forms.DecimalField(max_digits=AMOUNT_MAX_DIGITS,
                                        decimal_places=AMOUNT_DECIMAL_PLACES,
                                        label=_("Insured amount"))
    rate_percent = forms.DecimalField(max_digits=7, decimal_places=4, label=_("Premium rate (%)"),
                                      help_text=_("At most 3 %."))
    premium_amount = forms.DecimalField(
        max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES, required=False,
        label=_("Premium"),
        help_text=_("Insured amount × rate; leave empty to have it computed."),
    )
    starts_on = DateField(label=_("Starts on"))
    ends_on = DateField(label=_("Ends on"))
