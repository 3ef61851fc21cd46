"""Creator updates and comments: who may post, backers-only updates locked for others,
backers-only comments, reports once each, staff hide (with a reason) and restore, bad
input refused with nothing written, backers told of an update; and the pages."""

import pytest
from django.urls import reverse

from crowdfunding.models import CampaignComment, CampaignUpdate, CommentReport
from crowdfunding.selectors import campaign_comments_for_viewer, campaign_updates_for_viewer
from crowdfunding.services.community import (
    comment_hide,
    comment_post,
    comment_report,
    comment_restore,
    update_post,
)
from crowdfunding.services.notices import update_notify_backers
from marketplace.core.errors import ConflictError, IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.validation import InvalidInput
from marketplace.notifications.models import Notification
from tests.crowdfunding.factories import backer_with_card, draft_campaign, live_campaign
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _backer(campaign):
    from crowdfunding.services.pledges import pledge_create

    backer, card = backer_with_card()
    pledge_create(actor=backer, campaign=campaign, tier=campaign.tiers.first().pk,
                  amount="100", payment_method=card.pk)
    return backer


def test_the_maker_posts_updates_and_backers_only_ones_are_locked_for_others():
    campaign = live_campaign()
    backer = _backer(campaign)
    public = update_post(actor=campaign.maker, campaign=campaign, title="Tooling done",
                         body="<p>Moulds <script>x()</script>ready</p>")
    private = update_post(actor=campaign.maker, campaign=campaign, title="Survey",
                          body="<p>Your address</p>", audience="backers")
    assert "<script>" not in public.body
    assert AuditEvent.objects.filter(action="crowdfunding.update.posted").count() == 2
    locked = {u.pk: u.locked for u in campaign_updates_for_viewer(campaign, UserFactory())}
    assert locked == {public.pk: False, private.pk: True}
    for insider in (backer, campaign.maker, StaffFactory()):
        assert not any(u.locked for u in campaign_updates_for_viewer(campaign, insider))
    # backers are told, once
    assert update_notify_backers(update_id=private.pk) == 1
    assert update_notify_backers(update_id=private.pk) == 0
    assert Notification.objects.filter(user=backer, kind="crowdfunding.campaign.update").exists()


def test_updates_refused_for_others_bad_input_and_drafts():
    campaign = live_campaign()
    for outsider in (UserFactory(), StaffFactory(), _backer(campaign)):
        with pytest.raises(PermissionDeniedError):
            update_post(actor=outsider, campaign=campaign, title="x", body="y")
    for title, body, audience in (("", "y", "public"), ("x", "", "public"),
                                  ("x", "<script></script>", "public"), ("x", "y", "friends")):
        with pytest.raises(InvalidInput):
            update_post(actor=campaign.maker, campaign=campaign, title=title, body=body,
                        audience=audience)
    draft = draft_campaign()
    with pytest.raises(InvalidInput, match="goes live"):
        update_post(actor=draft.maker, campaign=draft, title="x", body="y")
    assert not CampaignUpdate.objects.exists()


def test_comments_backers_only_reports_once_and_moderation():
    campaign = live_campaign()
    stranger, backer, staff = UserFactory(), _backer(campaign), StaffFactory()
    comment = comment_post(actor=stranger, campaign=campaign, body="When does it ship?")
    type(campaign).objects.filter(pk=campaign.pk).update(comments_backers_only=True)
    campaign.refresh_from_db()
    with pytest.raises(PermissionDeniedError, match="Only backers"):
        comment_post(actor=UserFactory(), campaign=campaign, body="me too")
    comment_post(actor=backer, campaign=campaign, body="I back it")
    comment_post(actor=campaign.maker, campaign=campaign, body="June")
    with pytest.raises(InvalidInput):
        comment_post(actor=backer, campaign=campaign, body="   ")
    # reports: once per person, with a reason
    comment_report(actor=backer, comment=comment, reason="spam")
    with pytest.raises(ConflictError):
        comment_report(actor=backer, comment=comment, reason="spam again")
    with pytest.raises(InvalidInput):
        comment_report(actor=staff, comment=comment, reason="")
    comment.refresh_from_db()
    assert comment.report_count == 1 and CommentReport.objects.count() == 1
    # staff hide with a reason; others cannot
    with pytest.raises(PermissionDeniedError):
        comment_hide(actor=campaign.maker, comment=comment, reason="no")
    with pytest.raises(InvalidInput):
        comment_hide(actor=staff, comment=comment, reason="")
    comment_hide(actor=staff, comment=comment, reason="Advertising")
    with pytest.raises(IllegalTransition):
        comment_hide(actor=staff, comment=comment, reason="again")
    assert comment not in campaign_comments_for_viewer(campaign, backer)
    assert comment in campaign_comments_for_viewer(campaign, staff)
    comment_restore(actor=staff, comment=comment)
    comment.refresh_from_db()
    assert comment.status == CampaignComment.Status.VISIBLE and comment.moderation_reason == ""
    assert AuditEvent.objects.filter(object_type="crowdfunding.campaigncomment",
                                     object_id=str(comment.pk)).count() >= 3


def test_the_pages(client):
    campaign = live_campaign()
    page = reverse("crowdfunding:campaign_detail", kwargs={"pk": campaign.pk})
    # anonymous: sign in to comment; posting needs a login
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in to comment" in html and "Post an update" not in html
    assert client.post(reverse("crowdfunding:comment_post", kwargs={"pk": campaign.pk}),
                       {"body": "hi"}).status_code == 302
    assert not CampaignComment.objects.exists()
    # a person comments; an empty comment is a 400 with nothing written
    person = UserFactory()
    client.force_login(person)
    url = reverse("crowdfunding:comment_post", kwargs={"pk": campaign.pk})
    assert client.post(url, {"body": ""}).status_code == 400
    response = client.post(url, {"body": "Looks great"})
    assert response.status_code == 302 and "#comment-" in response["Location"]
    assert "Looks great" in client.get(page).content.decode()
    # the maker posts an update from the page; a stranger cannot
    update_url = reverse("crowdfunding:update_post", kwargs={"pk": campaign.pk})
    assert client.post(update_url, {"title": "x", "body": "y"}).status_code == 404
    client.force_login(campaign.maker)
    assert "Post an update" in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.post(update_url, {"title": "Moulds ready", "body": "<p>Done</p>",
                                        "audience": "public"})
    assert response.status_code == 302
    assert "Moulds ready" in client.get(page).content.decode()
    # staff's moderation queue
    comment = CampaignComment.objects.get()
    comment_report(actor=UserFactory(), comment=comment, reason="rude")
    client.force_login(StaffFactory(mfa=True))
    queue = client.get(reverse("crowdfunding:moderation"), HTTP_ACCEPT_LANGUAGE="en")
    assert queue.status_code == 200 and "Looks great" in queue.content.decode()
    hide = reverse("crowdfunding:comment_moderate", kwargs={"pk": comment.pk})
    assert client.post(hide, {"action": "hide", "reason": "Rude", "next": "queue"}
                       ).status_code == 302
    comment.refresh_from_db()
    assert comment.status == CampaignComment.Status.HIDDEN
    client.force_login(person)
    assert client.get(reverse("crowdfunding:moderation")).status_code == 403
