"""The one form layout (marketplace/core/forms.py, templates/forms/): labels, help and
errors tied to their control, "Choose…" instead of "---------", dates through the date
picker in ISO form whatever the language, currencies as a choice."""

import base64
import hashlib
import re
from datetime import date

import pytest
from django import forms
from django.test import override_settings
from django.utils import translation

from marketplace.core.forms import (
    CurrencyField,
    DateField,
    RichTextField,
    currency_choices,
    editor_script_hashes,
)


class SampleForm(forms.Form):
    title = forms.CharField(label="Title", help_text="What people see first.")
    kind = forms.ChoiceField(label="Kind", choices=[("", "---------"), ("a", "A"), ("b", "B")])
    when = DateField(label="When")
    agree = forms.BooleanField(label="I agree", required=False)
    price_currency = CurrencyField()


def test_a_form_renders_in_the_site_layout_with_help_and_errors_tied_to_the_control():
    with translation.override("en"):
        html = str(SampleForm(data={"title": "", "kind": "a", "when": "2026-12-02"}))
    assert len(re.findall(r'<div class="field[ "]', html)) == 5
    assert 'class="field field-invalid field-required"' in html  # the empty title
    assert 'id="id_title_helptext"' in html and 'id="id_title_error"' in html
    assert 'aria-describedby="id_title_helptext id_title_error"' in html
    assert 'aria-invalid="true"' in html and "This field is required." in html
    assert '<label class="check" for="id_agree">' in html  # a checkbox sits in its label


def test_the_empty_choice_says_choose_in_both_languages():
    with translation.override("en"):
        html = str(SampleForm())
    assert "---------" not in html and ">Choose…</option>" in html
    with translation.override("zh-hans"):
        html = str(SampleForm())
    assert "---------" not in html and ">请选择…</option>" in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_dates_use_the_date_picker_and_travel_as_iso_in_every_language(language):
    with translation.override(language):
        form = SampleForm(initial={"when": date(2026, 12, 2)})
        assert 'type="date"' in str(form["when"]) and 'value="2026-12-02"' in str(form["when"])
        bound = SampleForm(data={"title": "t", "kind": "a", "when": "2026-12-02",
                                 "price_currency": "CNY"})
        assert bound.is_valid(), bound.errors
        assert bound.cleaned_data["when"] == date(2026, 12, 2)
        wrong = SampleForm(data={"title": "t", "kind": "a", "when": "12/02/2026",
                                 "price_currency": "CNY"})
        assert not wrong.is_valid() and "when" in wrong.errors


@override_settings(MARKETPLACE_CURRENCY="EUR", MARKETPLACE_CURRENCIES=["CNY", "EUR", "USD"])
def test_currencies_are_a_choice_with_the_marketplace_currency_first():
    with translation.override("zh-hans"):
        choices = currency_choices()
    assert [code for code, _ in choices] == ["EUR", "CNY", "USD"]
    assert choices[1] == ("CNY", "CNY · 人民币")
    form = SampleForm(data={"title": "t", "kind": "a", "when": "2026-12-02",
                            "price_currency": "JPY"})
    assert not form.is_valid() and "price_currency" in form.errors
    assert SampleForm()["price_currency"].initial == "EUR"


def test_filter_is_shaixuan_in_chinese_also_where_django_says_guolvqi():
    """Django's admin (and DRF) translate "Filter" as 过滤器; the site says 筛选 everywhere."""
    with translation.override("zh-hans"):
        assert translation.gettext("Filter") == "筛选"
        assert translation.gettext("Filters") == "筛选"
        assert translation.gettext("Any") == "不限"


class StoryForm(forms.Form):
    story = RichTextField(label="Story", required=False)


def test_rich_text_is_written_in_the_editor_served_from_our_own_static_files():
    form = StoryForm()
    html, media = str(form["story"]), str(form.media)
    assert "data-django-prose-editor-configurable" in html and "<textarea" in html
    assert '"Bold"' in html.replace("&quot;", '"') and '"Link"' in html.replace("&quot;", '"')
    assert '<script type="importmap">' in media
    assert "django_prose_editor/editor.js" in media and "//" not in media.replace("://", "")


def test_the_editor_keeps_what_it_was_given_and_the_service_sanitises():
    form = StoryForm(data={"story": "<p><strong>新品</strong> <script>x()</script></p>"})
    assert form.is_valid()
    # the form only carries the text; the catalogue service's nh3 pass removes the script
    from catalog.validators import sanitise_html

    assert sanitise_html(form.cleaned_data["story"]) == "<p><strong>新品</strong> </p>"


def test_the_site_policy_allows_the_editor_import_map_by_its_hash_and_nothing_inline(client):
    from marketplace.core.csp import site_policy

    policy = site_policy()
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src and "'sha256-" in script_src
    assert "'unsafe-inline'" not in script_src
    (expected,) = editor_script_hashes()
    assert expected in script_src
    # the hash is the one of the import map the pages render
    media = str(StoryForm().media)
    body = re.search(r'<script type="importmap">(.*?)</script>', media, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    assert expected == f"'sha256-{digest}'"
    assert client.get("/").headers["Content-Security-Policy"] == policy
