"""Forms of the crowdfunding pages (rendered with ``{{ form }}``, the site's layout)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfunding.models import FundingModel
from marketplace.core.formatting import format_money
from marketplace.core.forms import CurrencyField, DateField, RichTextField
from marketplace.core.locale import localized
from marketplace.core.regions import district_choices


class DiscoverFilterForm(forms.Form):
    """Discover's filters: the category of the linked products (only categories that
    live campaigns link) and the district. An unknown value is refused (400), never
    silently ignored."""

    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Any"))]
        self.fields["category"].choices = any_choice + [
            (c.path, localized(c, "name")) for c in categories]
        self.fields["district"].choices = any_choice + list(district_choices())


def _tier_label(tier) -> str:
    label = f"{tier.title} · {format_money(tier.price)}"
    if getattr(tier, "sold_out", False):
        label += " · " + str(_("Sold out"))
    return label


def _card_label(card) -> str:
    label = f"{card.brand or _('Card')} •••• {card.last4 or '----'}"
    if card.exp_month:
        label += f" ({card.exp_month:02d}/{card.exp_year})"
    return label


class PledgeForm(forms.Form):
    """Choose a reward, the amount (at least its price), a saved card and whether to back
    anonymously. The service cleans the amount and the card (one rule, one message); the
    form only offers the campaign's own tiers and the person's own active cards."""

    tier = forms.TypedChoiceField(label=_("Reward"), coerce=int, widget=forms.RadioSelect)
    amount = forms.CharField(
        label=_("Amount"), max_length=30,
        help_text=_("At least the reward's price; add more to support the maker."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    payment_method = forms.TypedChoiceField(label=_("Card"), coerce=int)
    anonymous = forms.BooleanField(label=_("Back anonymously (your name is not shown)"),
                                   required=False)

    def __init__(self, *args, tiers=(), cards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [(t.pk, _tier_label(t)) for t in tiers]
        self.fields["payment_method"].choices = [(c.pk, _card_label(c)) for c in cards]


class PledgeFixForm(forms.Form):
    """Pay a declined pledge again with one of the person's own active cards."""

    payment_method = forms.TypedChoiceField(label=_("Card"), coerce=int)

    def __init__(self, *args, cards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_method"].choices = [(c.pk, _card_label(c)) for c in cards]


class PledgeChangeForm(forms.Form):
    """Change the reward, the amount or anonymity of an open pledge."""

    tier = forms.TypedChoiceField(label=_("Reward"), coerce=int, widget=forms.RadioSelect)
    amount = forms.CharField(
        label=_("Amount"), max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    anonymous = forms.BooleanField(label=_("Back anonymously (your name is not shown)"),
                                   required=False)

    def __init__(self, *args, tiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [(t.pk, _tier_label(t)) for t in tiers]


class MonthInput(forms.TextInput):
    """The browser's month picker (``YYYY-MM``, whatever the language)."""

    input_type = "month"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class CampaignForm(forms.Form):
    """A draft campaign. The services clean every value again (one rule, one message);
    the form offers only valid choices: the maker's own products, the currencies, the
    funding models, a launch day and time through the browser's pickers."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False,
                              help_text=_("One or two sentences shown on the campaign cards."))
    story = RichTextField(label=_("Story"), required=False, max_length=50_000)
    goal_amount = forms.DecimalField(label=_("Goal"), max_digits=14, decimal_places=2,
                                     min_value=Decimal("0.01"))
    currency = CurrencyField()
    funding_model = forms.ChoiceField(label=_("Funding model"), choices=FundingModel.choices,
                                      widget=forms.RadioSelect,
                                      initial=FundingModel.ALL_OR_NOTHING)
    threshold_percent = forms.IntegerField(
        label=_("Threshold (% of the goal)"), min_value=1, max_value=100, required=False,
        help_text=_("Only for the threshold model: cards are charged if this share of the "
                    "goal is pledged."))
    launch_date = DateField(label=_("Launch day"))
    launch_time = forms.TimeField(label=_("Launch time"), widget=TimeInput(),
                                  input_formats=["%H:%M", "%H:%M:%S"])
    duration_days = forms.IntegerField(label=_("Duration in days"), min_value=1, max_value=60,
                                       initial=30)
    products = forms.TypedMultipleChoiceField(
        label=_("Products"), coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=_("The products of your organisation the campaign is about."))

    comments_backers_only = forms.BooleanField(
        label=_("Only backers may comment"), required=False)

    field_order = ("title", "summary", "story", "goal_amount", "currency", "funding_model",
                   "threshold_percent", "launch_date", "launch_time", "duration_days",
                   "products", "comments_backers_only")

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].choices = [(p.pk, localized(p, "name")) for p in products]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        launch = datetime.combine(data.pop("launch_date"), data.pop("launch_time"))
        data["launch_at"] = timezone.make_aware(launch)
        return data


class TierForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    price = forms.DecimalField(label=_("Price"), max_digits=14, decimal_places=2,
                               min_value=Decimal(0))
    no_reward = forms.BooleanField(label=_("Pledge without reward"), required=False)
    estimated_delivery = forms.CharField(
        label=_("Estimated delivery month"), required=False, widget=MonthInput(),
        help_text=_("Not needed for a pledge without reward."))
    quantity = forms.IntegerField(label=_("Limited quantity"), min_value=1, required=False,
                                  help_text=_("Leave empty for an unlimited reward."))

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["estimated_delivery"] = data["estimated_delivery"] or None
        return data


class ReviewForm(forms.Form):
    reason = forms.CharField(label=_("Remarks"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when you ask for changes; the maker "
                                         "reads them."))


class UpdateForm(forms.Form):
    """A creator update: a title, the news (rich text; the service sanitises it) and who
    may read it."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = RichTextField(label=_("Update"), max_length=20_000)
    audience = forms.ChoiceField(label=_("Who may read it"), choices=[
        ("public", _("Everyone")), ("backers", _("Backers only"))])
