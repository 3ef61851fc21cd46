"""``marketplace.core.db.unique_conflicts``: a uniqueness violation of a named field or
constraint becomes a ConflictError (409) carrying the given message and the field, in a
savepoint so the caller's transaction goes on; any other violation is re-raised. Under a
real race on PostgreSQL (both creators past the "is it taken?" check) one succeeds and the
other gets the message, never a 500."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Membership, Organisation
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import ConflictError
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

TAKEN = "This web address is taken."
TAKEN_ZH = "此网址标识已被占用。"


def test_a_unique_field_violation_becomes_a_conflict_with_the_message_and_field():
    OrganisationFactory(slug="haier")
    messages = {"slug": _("This web address is taken.")}
    with pytest.raises(ConflictError) as exc, unique_conflicts(Organisation, messages):
        Organisation.objects.create(kind="maker_company", name="x", slug="haier")
    with translation.override("en"):
        assert str(exc.value.message) == TAKEN
    with translation.override("zh-hans"):
        assert str(exc.value.message) == TAKEN_ZH
    assert exc.value.code == "slug_taken"
    assert exc.value.data == {"field": "slug"}
    assert exc.value.status_code == 409


def test_a_ready_conflict_error_is_raised_as_given():
    OrganisationFactory(slug="haier")
    given = ConflictError("taken!", code="my_code", data={"field": "slug"})
    with pytest.raises(ConflictError) as exc, unique_conflicts(Organisation, {"slug": given}):
        Organisation.objects.create(kind="maker_company", name="x", slug="haier")
    assert exc.value is given


def test_a_named_unique_constraint_is_matched():
    membership = MembershipFactory()
    messages = {"membership_unique": "Already a member."}
    with pytest.raises(ConflictError) as exc, unique_conflicts(Membership, messages):
        Membership.objects.create(organisation=membership.organisation,
                                  user=membership.user, role="member")
    assert exc.value.code == "membership_unique_taken"
    assert str(exc.value.message) == "Already a member."


def test_another_constraint_is_re_raised():
    OrganisationFactory(slug="haier")
    user = UserFactory()
    with pytest.raises(IntegrityError), unique_conflicts(Organisation, {"slug": TAKEN}):
        type(user).objects.create_user(email=user.email, password="x")


def test_the_callers_transaction_stays_usable():
    OrganisationFactory(slug="haier")
    with transaction.atomic():
        with pytest.raises(ConflictError), unique_conflicts(Organisation, {"slug": TAKEN}):
            Organisation.objects.create(kind="maker_company", name="x", slug="haier")
        Organisation.objects.create(kind="maker_company", name="y", slug="haier-2")
    assert set(Organisation.objects.values_list("slug", flat=True)) == {"haier", "haier-2"}


def test_no_violation_passes_through():
    with unique_conflicts(Organisation, {"slug": TAKEN}):
        Organisation.objects.create(kind="maker_company", name="x", slug="free")
    assert Organisation.objects.filter(slug="free").exists()


# --- a real race ------------------------------------------------------------------------


def _wait_for_a_lock_wait(waiter: threading.Thread) -> bool:
    """True once some other session of this database waits on a lock (the second insert
    of the same slug, queued behind the first one's open transaction); False when the
    waiter ended without ever waiting. No clock: the waiter cannot end before the first
    transaction is released unless it never queued."""
    import time

    with connection.cursor() as cursor:
        while waiter.is_alive():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_two_creators_of_the_same_slug_at_once_one_wins_the_other_gets_the_message(
    requires_postgres, monkeypatch, language
):
    """The first creator holds its transaction open after the insert (in its audit write);
    the second passes the "is it taken?" check (the first row is not committed yet), then
    its insert waits on the first; when the first commits, the second ends in
    ``unique_conflicts``: a 409 with the message through the API."""
    from rest_framework.test import APIClient

    from marketplace.accounts.services import organisations as service

    first_inserted, release = threading.Event(), threading.Event()
    real_audit_log = service.audit_log

    def audit_log_held_open(**kwargs):
        if threading.current_thread().name == "first":
            first_inserted.set()
            release.wait(30)
        return real_audit_log(**kwargs)

    monkeypatch.setattr(service, "audit_log", audit_log_held_open)
    creators = [UserFactory(), UserFactory()]
    responses = {}

    def create(name, user):
        try:
            client = APIClient()
            client.force_login(user)
            responses[name] = client.post(
                "/api/organisations/",
                {"kind": "maker_company", "name": f"海尔 {name}", "slug": "haier"},
                format="json", HTTP_ACCEPT_LANGUAGE=language,
            )
        finally:
            connection.close()

    first = threading.Thread(target=create, args=("first", creators[0]), name="first")
    second = threading.Thread(target=create, args=("second", creators[1]), name="second")
    first.start()
    assert first_inserted.wait(30)
    second.start()
    try:
        assert _wait_for_a_lock_wait(second), "the second insert never queued behind the first"
    finally:
        release.set()
        first.join(30)
        second.join(30)

    assert responses["first"].status_code == 201, responses["first"].content
    refused = responses["second"]
    assert refused.status_code == 409, refused.content
    body = refused.json()
    assert body["detail"] == (TAKEN if language == "en" else TAKEN_ZH)
    assert body["code"] == "slug_taken"
    assert body["data"] == {"field": "slug"}
    organisation = Organisation.objects.get()
    assert organisation.name == "海尔 first"
    # nothing of the refused creation is left (no membership for the second creator)
    assert list(Membership.objects.values_list("user", flat=True)) == [creators[0].pk]
