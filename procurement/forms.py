"""Forms of the procurement pages: the public portal's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from procurement.selectors import notice_agencies_public, portal_status_choices


class NoticeFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), required=False, queryset=None,
                                    empty_label=_("All agencies"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *portal_status_choices()]
        self.fields["agency"].queryset = notice_agencies_public()
