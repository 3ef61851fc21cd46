"""Pick an organisation by its name: nobody types a web address (slug).

``OrganisationPickerField`` renders a search box whose suggestions come from
``accounts:organisation_lookup`` as the person types (htmx fills a ``<datalist>``; with no
script the box still takes a name or a web address). A chosen suggestion reads
"Name (web-address)"; the field cleans to the organisation's web address, so the view
keeps calling the same selector and service.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation

_SUFFIX = re.compile(r"\(([a-z0-9][a-z0-9-]*)\)\s*$")


class OrganisationPickerInput(forms.TextInput):
    input_type = "search"
    template_name = "accounts/widgets/organisation_picker.html"

    def __init__(self, *, kinds=(), attrs=None):
        self.kinds = tuple(kinds)
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-choices"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["list_id"] = list_id
        query = {"field": name}
        if self.kinds:
            query["kind"] = ",".join(self.kinds)
        context["widget"]["attrs"].update({
            "hx-get": f"{reverse('accounts:organisation_lookup')}?{urlencode(query)}",
            "hx-trigger": "input changed delay:250ms", "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML", "hx-sync": "this:replace"})
        return context


class OrganisationPickerField(forms.CharField):
    """Cleans "Name (web-address)", a web address or an exact name to the web address."""

    default_error_messages = {
        "unknown": _("No organisation matches “%(text)s”. Type part of its name and pick it "
                     "from the list."),
        "ambiguous": _("Several organisations are called “%(text)s”. Pick one from the list."),
    }

    def __init__(self, *, kinds=(), **kwargs):
        self.kinds = tuple(kinds)
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("widget", OrganisationPickerInput(kinds=self.kinds))
        kwargs.setdefault("help_text", _("Type part of the name and pick it from the list."))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return text
        candidates = Organisation.objects.all()
        if self.kinds:
            candidates = candidates.filter(kind__in=self.kinds)
        found = _SUFFIX.search(text)
        slug = found.group(1) if found else text.strip().lower()
        if candidates.filter(slug=slug).exists():
            return slug
        named = list(candidates.filter(name__iexact=text.strip()).values_list("slug", flat=True)[:2]) \
            or list(candidates.filter(name_en__iexact=text.strip()).values_list("slug", flat=True)[:2])
        if len(named) == 1:
            return named[0]
        code = "ambiguous" if named else "unknown"
        raise forms.ValidationError(self.error_messages[code], code=code,
                                    params={"text": text.strip()})
