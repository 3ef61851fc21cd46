import threading

import pytest
from django.db import connection, transaction

from marketplace.accounts.models import KycRequest
from marketplace.core.api import exception_handler
from marketplace.core.errors import IllegalTransition
from marketplace.core.models import AuditEvent
from marketplace.core.names import AuditAction, UnknownName
from marketplace.core.transitions import ANY, StateMachine, transition
from tests.core.factories import KycRequestFactory, StaffFactory


class TestAction(AuditAction):
    """The audit codes the test machine's moves default to (<machine>.<target>)."""

    __test__ = False
    APPROVED = "test.kyc.approved"
    REJECTED = "test.kyc.rejected"
    SUBMITTED = "test.kyc.submitted"

# A machine defined for the tests over an existing model with a status field.
KYC = StateMachine(
    name="test.kyc",
    transitions={"submitted": {"approved", "rejected"}, "rejected": {"submitted"}},
)


def events_for(obj):
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    )


def test_machine_lists_states_and_allowed_moves():
    assert KYC.states == {"submitted", "approved", "rejected"}
    assert KYC.allowed_from("submitted") == {"approved", "rejected"}
    assert KYC.allowed_from("approved") == frozenset()
    assert KYC.can("rejected", "submitted")
    assert not KYC.can("approved", "rejected")
    assert KYC.field == "status"


@pytest.mark.django_db
def test_allowed_move_saves_and_writes_exactly_one_audit_event():
    kyc = KycRequestFactory()
    staff = StaffFactory()
    transition(kyc, KYC, "approved", actor=staff, changes={"reviewer": staff},
               data={"note": "documents match"})

    kyc.refresh_from_db()
    assert kyc.status == "approved"
    assert kyc.reviewer == staff  # the move's changes are saved with the status
    [event] = events_for(kyc)
    assert event.action == "test.kyc.approved"
    assert event.actor_id == staff.pk
    assert event.data == {"from": "submitted", "to": "approved", "note": "documents match"}
    assert event.stream == f"accounts.kycrequest:{kyc.pk}"


@pytest.mark.django_db
def test_custom_action_and_stream():
    kyc = KycRequestFactory()
    transition(kyc, KYC, "rejected", action="accounts.kyc.rejected", stream="kyc-reviews")
    [event] = AuditEvent.objects.filter(stream="kyc-reviews")
    assert event.action == "accounts.kyc.rejected"
    assert event.actor_id is None


@pytest.mark.django_db
def test_illegal_move_raises_and_writes_nothing():
    kyc = KycRequestFactory()
    transition(kyc, KYC, "approved")
    before = AuditEvent.objects.count()

    with pytest.raises(IllegalTransition) as caught:
        transition(kyc, KYC, "rejected", actor=kyc.user)

    assert caught.value.data == {"machine": "test.kyc", "from": "approved", "to": "rejected"}
    assert AuditEvent.objects.count() == before
    kyc.refresh_from_db()
    assert kyc.status == "approved"


@pytest.mark.django_db
def test_illegal_move_maps_to_409_through_the_api_handler():
    kyc = KycRequestFactory(status="approved")
    with pytest.raises(IllegalTransition) as caught:
        transition(kyc, KYC, "rejected")
    response = exception_handler(caught.value, {})
    assert response.status_code == 409
    assert response.data["code"] == "illegal_transition"
    assert response.data["data"] == {"machine": "test.kyc", "from": "approved", "to": "rejected"}
    assert response.data["detail"]


@pytest.mark.django_db
def test_the_database_status_decides_not_a_stale_object():
    kyc = KycRequestFactory()
    stale = KycRequest.objects.get(pk=kyc.pk)
    transition(kyc, KYC, "approved")
    assert stale.status == "submitted"

    with pytest.raises(IllegalTransition):
        transition(stale, KYC, "rejected")
    assert stale.status == "submitted"  # left as it was, not claiming "rejected"
    assert KycRequest.objects.get(pk=kyc.pk).status == "approved"


@pytest.mark.django_db
def test_a_failure_after_the_check_rolls_everything_back(monkeypatch):
    kyc = KycRequestFactory()

    def broken_audit_log(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("marketplace.core.audit.audit_log", broken_audit_log)
    with pytest.raises(RuntimeError):
        transition(kyc, KYC, "approved")
    assert kyc.status == "submitted"
    assert KycRequest.objects.get(pk=kyc.pk).status == "submitted"
    assert events_for(kyc) == []


@pytest.mark.django_db
def test_new_object_is_created_in_the_target_state_with_an_event():
    user = StaffFactory()
    kyc = KycRequest(user=user, legal_name="张三", id_type="passport", id_number_last4="0001",
                     status="rejected")
    transition(kyc, KYC, "submitted", actor=user)
    assert kyc.pk is not None
    assert KycRequest.objects.get(pk=kyc.pk).status == "submitted"
    [event] = events_for(kyc)
    assert event.data == {"from": "rejected", "to": "submitted"}


@pytest.mark.django_db
def test_on_commit_side_effect_runs_only_after_commit(django_capture_on_commit_callbacks):
    kyc = KycRequestFactory()
    calls = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition(kyc, KYC, "approved", on_commit=lambda: calls.append("sent"))
        assert calls == []
    assert calls == ["sent"]
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_on_commit_side_effect_never_runs_when_rolled_back(django_capture_on_commit_callbacks):
    kyc = KycRequestFactory()
    calls = []
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(IllegalTransition),
    ):
        transition(kyc, KYC, "submitted", on_commit=lambda: calls.append("sent"))
    assert calls == []
    assert callbacks == []


def _in_thread(fn, results, key):
    try:
        results[key] = fn()
    except Exception as exc:  # collected and asserted by the test
        results[key] = exc
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("targets", [("approved", "approved"), ("approved", "rejected")])
def test_two_racing_transitions_exactly_one_wins(requires_postgres, targets):
    kyc = KycRequestFactory()
    barrier = threading.Barrier(len(targets))
    results: dict = {}

    def attempt(target):
        obj = KycRequest.objects.get(pk=kyc.pk)  # both start from "submitted"
        barrier.wait()
        return transition(obj, KYC, target).status

    threads = [
        threading.Thread(target=_in_thread, args=(lambda t=t: attempt(t), results, i))
        for i, t in enumerate(targets)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)

    winners = [r for r in results.values() if isinstance(r, str)]
    losers = [r for r in results.values() if isinstance(r, IllegalTransition)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert KycRequest.objects.get(pk=kyc.pk).status == winners[0]
    assert len(events_for(kyc)) == 1


@pytest.mark.django_db(transaction=True)
def test_second_transition_waits_for_the_row_lock_then_sees_the_new_status(requires_postgres):
    kyc = KycRequestFactory()
    holding, release = threading.Event(), threading.Event()
    results: dict = {}

    def first():
        with transaction.atomic():
            transition(KycRequest.objects.get(pk=kyc.pk), KYC, "approved")
            holding.set()
            release.wait(10)
        return "approved"

    def second():
        return transition(KycRequest.objects.get(pk=kyc.pk), KYC, "rejected").status

    t1 = threading.Thread(target=_in_thread, args=(first, results, "first"))
    t1.start()
    assert holding.wait(10)
    t2 = threading.Thread(target=_in_thread, args=(second, results, "second"))
    t2.start()
    t2.join(0.5)
    assert t2.is_alive(), "the second transition must wait for the first one's row lock"
    release.set()
    t1.join(10)
    t2.join(10)

    assert results["first"] == "approved"
    assert isinstance(results["second"], IllegalTransition)
    assert KycRequest.objects.get(pk=kyc.pk).status == "approved"
    assert [e.data["to"] for e in events_for(kyc)] == ["approved"]


@pytest.mark.django_db
def test_refusal_message_uses_state_labels_in_the_active_language():
    from django.utils import translation

    machine = StateMachine(
        name="test.kyc",
        transitions={"submitted": {"approved"}},
        labels=dict(KycRequest.Status.choices),
    )
    kyc = KycRequestFactory(status="approved")
    with translation.override("en"), pytest.raises(IllegalTransition) as caught:
        transition(kyc, machine, "submitted")
    assert str(caught.value.message) == "The status cannot change from “Approved” to “Submitted”."
    with translation.override("zh-hans"), pytest.raises(IllegalTransition) as caught:
        transition(kyc, machine, "submitted")
    assert str(caught.value.message).startswith("状态不能从“")


@pytest.mark.django_db
def test_caller_data_cannot_forge_from_and_to():
    kyc = KycRequestFactory()
    transition(kyc, KYC, "approved", data={"from": "rejected", "to": "x", "reason": "ok"})
    [event] = events_for(kyc)
    assert event.data == {"from": "submitted", "to": "approved", "reason": "ok"}


@pytest.mark.django_db
def test_changes_are_applied_after_the_check_and_restored_when_refused():
    kyc = KycRequestFactory()
    first, second = StaffFactory(), StaffFactory()
    transition(kyc, KYC, "approved", changes={"reviewer": first, "rejection_reason": ""})

    with pytest.raises(IllegalTransition):
        transition(kyc, KYC, "rejected",
                   changes={"reviewer": second, "rejection_reason": "forged"})

    # in memory: every change undone, the foreign key and its cached object included
    assert kyc.status == "approved"
    assert kyc.reviewer_id == first.pk and kyc.reviewer == first
    assert kyc.rejection_reason == ""
    kyc.refresh_from_db()
    assert (kyc.status, kyc.reviewer_id, kyc.rejection_reason) == ("approved", first.pk, "")


@pytest.mark.django_db
def test_changes_are_restored_when_the_save_fails(monkeypatch):
    kyc = KycRequestFactory()
    staff = StaffFactory()

    def broken_audit_log(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("marketplace.core.audit.audit_log", broken_audit_log)
    with pytest.raises(RuntimeError):
        transition(kyc, KYC, "rejected", changes={"reviewer": staff, "rejection_reason": "x"})
    assert (kyc.status, kyc.reviewer_id, kyc.rejection_reason) == ("submitted", None, "")
    kyc.refresh_from_db()
    assert (kyc.status, kyc.reviewer_id, kyc.rejection_reason) == ("submitted", None, "")


@pytest.mark.django_db
def test_changes_of_a_refused_move_never_reach_the_database_even_if_set_before():
    """A stale object: another request moved the row; this one's changes are refused
    with the move and the row keeps the other request's values."""
    kyc = KycRequestFactory()
    stale = KycRequest.objects.get(pk=kyc.pk)
    winner = StaffFactory()
    transition(kyc, KYC, "approved", changes={"reviewer": winner})
    with pytest.raises(IllegalTransition):
        transition(stale, KYC, "rejected", changes={"reviewer": StaffFactory()})
    assert KycRequest.objects.get(pk=kyc.pk).reviewer_id == winner.pk


def test_refusal_messages_per_move_source_and_target():
    machine = StateMachine(
        name="test.kyc",
        transitions={"submitted": {"approved", "rejected"}, "rejected": {"submitted"}},
        refusals={
            ("approved", "rejected"): "already approved, cannot reject",
            ("approved", ANY): "already approved",
            (ANY, "submitted"): "only a rejected request is resubmitted",
        },
    )
    assert machine.refusal("approved", "rejected") == "already approved, cannot reject"
    assert machine.refusal("approved", "approved") == "already approved"
    assert machine.refusal("submitted", "submitted") == "only a rejected request is resubmitted"
    generic = machine.refusal("rejected", "approved")
    assert "rejected" in generic and "approved" in generic
    with pytest.raises(IllegalTransition) as caught:
        machine.check("approved", "submitted")
    assert caught.value.message == "already approved"  # the source rule is more specific


def test_refusals_must_name_states_of_the_machine():
    with pytest.raises(ValueError, match="unknown states"):
        StateMachine(name="test.kyc", transitions={"a": {"b"}}, refusals={("a", "c"): "no"})


@pytest.mark.django_db
def test_an_undeclared_audit_action_is_refused_before_anything_is_written():
    machine = StateMachine(name="test.undeclared", transitions={"submitted": {"approved"}})
    kyc = KycRequestFactory()
    with pytest.raises(UnknownName):
        transition(kyc, machine, "approved")
    with pytest.raises(UnknownName):
        transition(kyc, KYC, "approved", action="test.kyc.aproved")  # a typo
    kyc.refresh_from_db()
    assert kyc.status == "submitted" and events_for(kyc) == []
