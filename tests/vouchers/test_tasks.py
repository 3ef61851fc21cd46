"""The applicant hears of the decision after commit, once, in their language."""

import pytest

from marketplace.notifications.models import Notification
from vouchers.services.applications import voucher_issue, voucher_refuse
from vouchers.services.notify import DECIDED_KIND, applicant_notify_of_decision

pytestmark = pytest.mark.django_db


def test_the_applicant_is_told_of_the_voucher(application, operator, maker,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        voucher_issue(actor=operator, application=application)
    note = Notification.objects.get(user=maker, kind=DECIDED_KIND)
    assert "海创空间" in note.title and "创新券" in note.title  # zh-hans, the default
    assert applicant_notify_of_decision(application_id=application.pk) == 0  # once


def test_the_applicant_reads_the_reason_of_a_refusal(application, operator, maker,
                                                     django_capture_on_commit_callbacks):
    maker.preferred_language = "en"
    maker.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        voucher_refuse(actor=operator, application=application, reason="用途不符")
    note = Notification.objects.get(user=maker, kind=DECIDED_KIND)
    assert note.title.startswith("海创空间 refused your voucher application: 用途不符")


def test_nothing_is_told_before_a_decision(application):
    assert applicant_notify_of_decision(application_id=application.pk) == 0
    assert applicant_notify_of_decision(application_id=999999) == 0
