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
