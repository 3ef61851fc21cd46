"""Forms of the crowdfunding pages (rendered with ``{{ form }}``, the site's layout)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
    from marketplace.core.formatting import format_money

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
