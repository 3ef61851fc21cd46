"""The fix window against the fake Stripe server: the backer whose card was declined at
the deadline is told (in their language, once), pays again on the fix page with another
card (3-D Secure on the bank's page when asked), sees the bank's reason for another
decline, and cannot pay after the window or for someone else's pledge. Backers are
told how a campaign ended."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from crowdfunding.deadlines import campaign_close_due
from crowdfunding.models import Campaign, Pledge
from crowdfunding.services.notices import campaign_notify_backers, pledge_notify
from marketplace.core.models import AuditEvent
from marketplace.notifications.models import Notification
from marketplace.payments.models import SavedPaymentMethod
from tests.crowdfunding.factories import live_campaign
from tests.crowdfunding.test_settlement import _back
from tests.factories import UserFactory
from tests.payments.factories import SavedPaymentMethodFactory

pytestmark = pytest.mark.django_db(transaction=True)
P = Pledge.Status


def _declined_after_close(goal="100"):
    campaign = live_campaign(goal=goal)
    _back(campaign)
    declined = _back(campaign, "pm_card_chargeDeclined")
    assert campaign_close_due(campaign.ends_at) == 1
    declined.refresh_from_db()
    assert declined.status == P.PAYMENT_FAILED
    return campaign, declined


def _card(user, token):
    return SavedPaymentMethodFactory(owner=user, status=SavedPaymentMethod.Status.ACTIVE,
                                     provider_payment_method_id=token)


def test_the_declined_backer_is_told_once_in_their_language(requires_postgres, payments_stripe):
    campaign, declined = _declined_after_close()
    notes = Notification.objects.filter(user=declined.backer,
                                        kind="crowdfunding.pledge.payment_failed")
    assert notes.count() == 1  # by the settlement, after its commit
    note = notes.get()
    assert note.url == reverse("crowdfunding:pledge_fix", kwargs={"pk": declined.pk})
    assert "没有成功" in note.title or "未能" in note.title  # zh-hans, the backer's language
    assert pledge_notify(pledge_id=declined.pk) is False  # a retried task tells nobody twice
    assert notes.count() == 1


def test_pay_again_on_the_fix_page_with_another_card(requires_postgres, payments_stripe, client):
    campaign, declined = _declined_after_close()
    good = _card(declined.backer, "pm_card_visa")
    client.force_login(declined.backer)
    url = reverse("crowdfunding:pledge_fix", kwargs={"pk": declined.pk})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Fix your payment" in page.content.decode()
    response = client.post(url, {"payment_method": good.pk})
    assert response.status_code == 302
    declined.refresh_from_db()
    assert declined.status == P.CHARGED and declined.payment_method_id == good.pk
    charges = payments_stripe.control.ledger(metadata={"reference": declined.reference})
    assert charges["count"] == 1
    assert AuditEvent.objects.filter(action="crowdfunding.pledge.retried",
                                     object_id=str(declined.pk)).count() == 1
    # nothing left to fix
    assert client.get(url).status_code == 409


def test_another_decline_shows_the_banks_reason_and_keeps_the_window(
        requires_postgres, payments_stripe, client):
    _campaign, declined = _declined_after_close()
    client.force_login(declined.backer)
    url = reverse("crowdfunding:pledge_fix", kwargs={"pk": declined.pk})
    broke = _card(declined.backer, "pm_card_chargeDeclinedInsufficientFunds")
    response = client.post(url, {"payment_method": broke.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 402
    assert "insufficient" in response.content.decode().lower()
    declined.refresh_from_db()
    assert declined.status == P.PAYMENT_FAILED


def test_three_d_secure_goes_to_the_banks_page(requires_postgres, payments_stripe, client):
    _campaign, declined = _declined_after_close()
    client.force_login(declined.backer)
    card = _card(declined.backer, "pm_card_authenticationRequired")
    response = client.post(reverse("crowdfunding:pledge_fix", kwargs={"pk": declined.pk}),
                           {"payment_method": card.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(payments_stripe.url)
    declined.refresh_from_db()
    assert declined.status == P.PAYMENT_FAILED  # until the bank answers


def test_nobody_else_and_nothing_after_the_window(requires_postgres, payments_stripe, client):
    _campaign, declined = _declined_after_close()
    url = reverse("crowdfunding:pledge_fix", kwargs={"pk": declined.pk})
    other = UserFactory()
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"payment_method": _card(other, "pm_card_visa").pk}
                       ).status_code == 404
    client.force_login(declined.backer)
    good = _card(declined.backer, "pm_card_visa")
    with time_machine.travel(declined.fix_until + timedelta(seconds=1)):
        assert client.post(url, {"payment_method": good.pk}).status_code == 409
    declined.refresh_from_db()
    assert declined.status == P.PAYMENT_FAILED
    assert payments_stripe.control.ledger(metadata={"reference": declined.reference}
                                          )["count"] == 0


def test_backers_are_told_how_the_campaign_ended(requires_postgres):
    failed = live_campaign(goal="100000")
    backer = UserFactory(preferred_language="en")
    card = _card(backer, "pm_card_visa")
    from crowdfunding.services.pledges import pledge_create

    pledge_create(actor=backer, campaign=failed, tier=failed.tiers.first().pk, amount="100",
                  payment_method=card.pk)
    campaign_close_due(failed.ends_at)
    assert Campaign.objects.get(pk=failed.pk).status == Campaign.Status.FAILED
    # told by the close's task after its commit
    note = Notification.objects.get(user=backer)
    assert note.kind == "crowdfunding.campaign.failed"
    assert "Nobody is charged" in note.body
    assert campaign_notify_backers(campaign_id=failed.pk) == 0  # once
