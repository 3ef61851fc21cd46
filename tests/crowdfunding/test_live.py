"""Live progress pushes coalesced under load (real Redis): the first change of a window
pushes at once, the next asks once for a trailing push at the window's end (which reads
the state then), further changes in the window add nothing; with Redis down every change
pushes at once."""

import uuid

import pytest

from crowdfunding.services import live

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(monkeypatch, settings, requires_redis):
    settings.CROWDFUNDING_PROGRESS_PUSH_INTERVAL = 30  # a window no test outlives
    sent, trailing = [], []
    monkeypatch.setattr(live, "campaign_progress_send",
                        lambda *, campaign_id: sent.append(campaign_id) or True)
    monkeypatch.setattr(live, "_send_trailing",
                        lambda campaign_id, delay: trailing.append((campaign_id, delay)))
    return sent, trailing


def _pushes(campaign_id, n, django_capture_on_commit_callbacks):
    for _ in range(n):
        with django_capture_on_commit_callbacks(execute=True):
            live.campaign_progress_push(campaign_id=campaign_id)


def test_a_rush_pushes_once_now_and_once_at_the_end_of_the_window(
        recorded, django_capture_on_commit_callbacks):
    sent, trailing = recorded
    campaign_id = uuid.uuid4().int % 10**9  # keys of its own on the shared Redis
    _pushes(campaign_id, 5, django_capture_on_commit_callbacks)
    assert sent == [campaign_id]
    assert trailing == [(campaign_id, 30.0)]
    other = campaign_id + 1  # another campaign has its own window
    _pushes(other, 1, django_capture_on_commit_callbacks)
    assert sent == [campaign_id, other]


def test_without_a_window_or_without_redis_every_change_pushes(
        recorded, settings, monkeypatch, django_capture_on_commit_callbacks):
    sent, trailing = recorded
    settings.CROWDFUNDING_PROGRESS_PUSH_INTERVAL = 0
    _pushes(7, 3, django_capture_on_commit_callbacks)
    assert sent == [7, 7, 7]
    settings.CROWDFUNDING_PROGRESS_PUSH_INTERVAL = 30

    class Down:
        def set(self, *args, **kwargs):
            raise ConnectionError("redis down")

    monkeypatch.setattr(live, "_redis", lambda: Down())
    _pushes(8, 2, django_capture_on_commit_callbacks)
    assert sent == [7, 7, 7, 8, 8] and trailing == []


def test_the_trailing_task_reads_and_pushes_the_state_then(monkeypatch):
    from crowdfunding.tasks import campaign_progress_push

    pushed = []
    monkeypatch.setattr(live, "campaign_progress_send",
                        lambda *, campaign_id: pushed.append(campaign_id) or True)
    assert campaign_progress_push(42) is True and pushed == [42]
