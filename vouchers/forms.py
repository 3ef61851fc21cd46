"""Forms of the voucher pages: they only collect input; the services clean and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import DateField
from marketplace.core.locale import localized


class VoucherApplyForm(forms.Form):
    makerspace = forms.ChoiceField(label=_("Makerspace"))
    organisation = forms.ChoiceField(label=_("Apply for"), required=False)
    registered_on = DateField(
        label=_("Company registration date"), required=False,
        help_text=_("For a registered company: the date on its business licence."),
    )
    category = forms.ChoiceField(label=_("Service category"))
    amount = forms.DecimalField(label=_("Amount"), max_digits=16, decimal_places=2)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea, max_length=5000)

    def __init__(self, *args, programme, makerspaces, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["makerspace"].choices = [(m.slug, localized(m, "name")) for m in makerspaces]
        self.fields["organisation"].choices = [("", _("Myself (individual maker)"))] + [
            (o.slug, localized(o, "name")) for o in organisations
        ]
        self.fields["category"].choices = [(c["code"], localized(c, "name"))
                                           for c in programme.categories]
        self.fields["amount"].help_text = _("In %(currency)s.") % {"currency": programme.currency}


class IssueForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount issued"), max_digits=16, decimal_places=2,
                                required=False)


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)


class OrderForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))
    amount = forms.DecimalField(label=_("Paid with the voucher"), max_digits=16,
                                decimal_places=2, required=False,
                                help_text=_("Empty: as much as the voucher may pay."))
    rest_payment = forms.ChoiceField(
        label=_("The rest is paid"), required=False,
        choices=[("", _("Nothing left to pay")), ("card", _("By card on the platform")),
                 ("outside", _("Outside the platform"))],
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [
            (s.pk, f"{localized(s.provider, 'name')} · {s.name} · {s.price}") for s in services
        ]


class ServiceForm(forms.Form):
    category = forms.ChoiceField(label=_("Service category"))
    name = forms.CharField(label=_("Name"), max_length=200)
    price = forms.DecimalField(label=_("Price"), max_digits=16, decimal_places=2)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea,
                                  required=False, max_length=5000)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c["code"], localized(c, "name"))
                                           for c in programme.categories]


class ClaimForm(forms.Form):
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=100)
    invoice = forms.FileField(label=_("Invoice (PDF, JPEG or PNG)"))
