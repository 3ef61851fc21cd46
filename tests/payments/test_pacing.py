"""The provider pacer: one schedule of start slots, ``1 / rate`` apart, shared by every
pacer of the same key (Redis: every process), kept apart for another key. Sleeps are
recorded, not slept, so nothing here depends on the machine's speed."""

import uuid

import pytest

from marketplace.payments import pacing


@pytest.fixture
def slept(monkeypatch):
    delays: list[float] = []
    monkeypatch.setattr(pacing.time, "sleep", delays.append)
    return delays


def test_local_pacer_hands_out_slots_one_interval_apart(monkeypatch, slept):
    monkeypatch.setattr(pacing.time, "monotonic", lambda: 1000.0)
    pacer = pacing.LocalPacer(rate=4)
    for _ in range(4):
        pacer.wait()
    assert slept == [0.25, 0.5, 0.75]  # the first starts at once


def test_local_pacer_without_a_rate_never_waits(slept):
    pacer = pacing.LocalPacer(rate=0)
    for _ in range(3):
        pacer.wait()
    assert slept == []


def test_redis_pacers_of_one_key_share_one_schedule(requires_redis, settings, slept):
    key = f"test-{uuid.uuid4().hex}"
    # two pacers stand for two processes: each takes the next free slot of the other
    one, other = pacing.pacer(key, 0.1), pacing.pacer(key, 0.1)
    assert isinstance(one, pacing.RedisPacer)
    one.wait()
    other.wait()
    one.wait()
    assert len(slept) == 2  # the first slot was free
    assert 9.0 < slept[0] <= 10.0
    assert 19.0 < slept[1] <= 20.0
    # another key (another provider account) has its own schedule
    pacing.pacer(f"{key}-other", 0.1).wait()
    assert len(slept) == 2


def test_without_redis_the_pacer_is_the_process_one(settings):
    settings.REDIS_URL = ""
    assert isinstance(pacing.pacer("stripe", 25), pacing.LocalPacer)
