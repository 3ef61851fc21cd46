"""How every form on the site is rendered, and the fields the site's forms share.

``SiteFormRenderer`` (the ``FORM_RENDERER`` setting) renders ``{{ form }}`` and
``{{ field.as_field_group }}`` through ``templates/forms/``: one layout for every app's
forms (label, control, help text and errors tied to the control for screen readers), and
the empty choice says "Choose…" instead of Django's "---------"
(``templates/django/forms/widgets/select_option.html``). Pages write ``{{ form }}``; an
app never hand-rolls a field loop.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField

from marketplace.core.formatting import currency_name


class SiteFormRenderer(TemplatesSetting):
    form_template_name = "forms/site_form.html"
    field_template_name = "forms/site_field.html"


def currency_choices() -> list[tuple[str, str]]:
    """The currencies a price may be given in (``MARKETPLACE_CURRENCIES``, the marketplace
    currency first), named in the active language."""
    codes = dict.fromkeys([settings.MARKETPLACE_CURRENCY, *settings.MARKETPLACE_CURRENCIES])
    return [(code, f"{code} · {currency_name(code)}") for code in codes]


class CurrencyField(forms.ChoiceField):
    """A currency picked from the list, never typed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Currency"))
        kwargs.setdefault("initial", lambda: settings.MARKETPLACE_CURRENCY)
        super().__init__(choices=currency_choices, **kwargs)


class DatePickerInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO 8601 whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    widget = DatePickerInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)


# What the editor offers: the formatting the stored HTML keeps (the services sanitise what
# arrives with nh3 whatever sent it; the editor only makes it easy to write).
RICH_TEXT_EXTENSIONS = {
    "Bold": True, "Italic": True, "Underline": True, "BulletList": True, "OrderedList": True,
    "ListItem": True, "Blockquote": True, "HardBreak": True, "Heading": {"levels": [3, 4]},
    "Link": {"enableTarget": False}, "History": True, "Typographic": True,
}


class RichTextField(ProseEditorFormField):
    """Rich text through django-prose-editor (ProseMirror/Tiptap, served from our static
    files): bold, italics, lists, quotes, small headings and links, no HTML to type.
    Without script the textarea still takes HTML; the service sanitises either way."""

    def __init__(self, **kwargs):
        kwargs.setdefault("extensions", RICH_TEXT_EXTENSIONS)
        super().__init__(**kwargs)


def editor_script_hashes() -> list[str]:
    """CSP sources for the one inline script the editor needs, its import map (a
    ``<script type="importmap">`` cannot be a file): its SHA-256, from what it renders."""
    import base64
    import hashlib
    import re

    from django_prose_editor.widgets import importmap

    found = re.search(r"<script[^>]*>(.*)</script>", str(importmap), re.S)
    if not found:
        return []
    digest = hashlib.sha256(found.group(1).encode()).digest()
    return [f"'sha256-{base64.b64encode(digest).decode()}'"]
