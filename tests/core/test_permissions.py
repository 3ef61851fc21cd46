"""Object permission rules: declared names, per-object checks, queryset scopes."""

import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.accounts.models import User
from marketplace.core import permissions
from marketplace.core.errors import PermissionDeniedError
from marketplace.core.names import PermissionName, UnknownName
from marketplace.core.permissions import has_perm, permission_rule, require_perm, scope_for
from tests.core.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestPerm(PermissionName):
    __test__ = False
    EDIT_THING = "test.edit_thing"
    SEE_PEOPLE = "test.see_people"
    NO_SCOPE = "test.no_scope"


@pytest.fixture
def rules(monkeypatch):
    fresh: dict = {}
    monkeypatch.setattr(permissions, "_rules", fresh)

    @permission_rule(TestPerm.EDIT_THING)
    def _(user, thing):
        return thing is not None and thing["owner"] == user.pk

    @permission_rule(TestPerm.SEE_PEOPLE)
    def see_people(user, person):
        return user.is_staff or person.pk == user.pk

    @see_people.scope
    def _(user, people):
        return people if user.is_staff else people.filter(pk=user.pk)

    @permission_rule(TestPerm.NO_SCOPE)
    def _(user, obj):
        return True

    return fresh


def test_rule_decides_per_object(rules):
    owner, other = UserFactory(), UserFactory()
    thing = {"owner": owner.pk}
    assert has_perm(owner, TestPerm.EDIT_THING, thing)
    assert not has_perm(other, TestPerm.EDIT_THING, thing)
    # the declared value works too (a name read from data), resolved to its member
    assert has_perm(owner, "test.edit_thing", thing)


def test_an_undeclared_name_is_a_programming_error_not_a_silent_403(rules):
    with pytest.raises(UnknownName):
        has_perm(StaffFactory(), "test.edit_thnig", object())
    with pytest.raises(UnknownName):
        require_perm(StaffFactory(), "test.no_such_rule")


def test_a_declared_name_without_a_rule_is_denied(rules):
    del rules["test.edit_thing"]
    assert not has_perm(StaffFactory(), TestPerm.EDIT_THING, {"owner": 1})


def test_rules_are_registered_under_declared_names_only():
    with pytest.raises(TypeError):
        permission_rule("test.edit_thing")


def test_anonymous_and_inactive_users_are_denied(rules):
    owner = UserFactory()
    thing = {"owner": owner.pk}
    assert not has_perm(AnonymousUser(), TestPerm.EDIT_THING, thing)
    assert not has_perm(None, TestPerm.EDIT_THING, thing)
    owner.is_active = False
    assert not has_perm(owner, TestPerm.EDIT_THING, thing)


def test_staff_do_not_bypass_rules(rules):
    assert not has_perm(StaffFactory(), TestPerm.EDIT_THING, {"owner": -1})


def test_require_perm_raises_a_403_domain_error(rules):
    with pytest.raises(PermissionDeniedError) as caught:
        require_perm(UserFactory(), TestPerm.EDIT_THING, {"owner": -1})
    assert caught.value.status_code == 403
    with pytest.raises(PermissionDeniedError, match="only the owner"):
        require_perm(UserFactory(), TestPerm.EDIT_THING, {"owner": -1}, message="only the owner")
    owner = UserFactory()
    assert require_perm(owner, TestPerm.EDIT_THING, {"owner": owner.pk}) is None


def test_scope_is_the_queryset_form_of_the_same_rule(rules):
    me, other, staff = UserFactory(), UserFactory(), StaffFactory()
    people = User.objects.filter(pk__in=[me.pk, other.pk])
    assert list(scope_for(me, TestPerm.SEE_PEOPLE, people)) == [me]
    assert set(scope_for(staff, TestPerm.SEE_PEOPLE, people)) == {me, other}
    # every row the scope gives, the object rule allows, and the other way round
    for user in (me, other, staff):
        allowed = {p for p in people if has_perm(user, TestPerm.SEE_PEOPLE, p)}
        assert set(scope_for(user, TestPerm.SEE_PEOPLE, people)) == allowed


def test_scope_is_empty_for_anonymous_users(rules):
    assert list(scope_for(AnonymousUser(), TestPerm.SEE_PEOPLE, User.objects.all())) == []


def test_scope_of_a_rule_without_one_is_refused(rules):
    with pytest.raises(TypeError, match="no queryset scope"):
        scope_for(UserFactory(), TestPerm.NO_SCOPE, User.objects.all())
