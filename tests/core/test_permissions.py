import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.core import permissions
from marketplace.core.errors import PermissionDeniedError
from marketplace.core.permissions import has_perm, permission_rule, require_perm
from tests.core.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(monkeypatch):
    fresh: dict = {}
    monkeypatch.setattr(permissions, "_rules", fresh)

    @permission_rule("test.edit_thing")
    def _(user, thing):
        return thing is not None and thing["owner"] == user.pk

    return fresh


def test_rule_decides_per_object(rules):
    owner, other = UserFactory(), UserFactory()
    thing = {"owner": owner.pk}
    assert has_perm(owner, "test.edit_thing", thing)
    assert not has_perm(other, "test.edit_thing", thing)


def test_unknown_permission_is_denied_even_for_staff(rules):
    assert not has_perm(StaffFactory(), "test.no_such_rule", object())


def test_anonymous_and_inactive_users_are_denied(rules):
    owner = UserFactory()
    thing = {"owner": owner.pk}
    assert not has_perm(AnonymousUser(), "test.edit_thing", thing)
    assert not has_perm(None, "test.edit_thing", thing)
    owner.is_active = False
    assert not has_perm(owner, "test.edit_thing", thing)


def test_staff_do_not_bypass_rules(rules):
    assert not has_perm(StaffFactory(), "test.edit_thing", {"owner": -1})


def test_require_perm_raises_a_403_domain_error(rules):
    with pytest.raises(PermissionDeniedError) as caught:
        require_perm(UserFactory(), "test.edit_thing", {"owner": -1})
    assert caught.value.status_code == 403
    with pytest.raises(PermissionDeniedError, match="only the owner"):
        require_perm(UserFactory(), "test.edit_thing", {"owner": -1}, message="only the owner")
    owner = UserFactory()
    assert require_perm(owner, "test.edit_thing", {"owner": owner.pk}) is None
