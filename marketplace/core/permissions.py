"""Object-level permission checks, in one place.

Apps declare their permission names (``marketplace.core.names.PermissionName``) and
register one rule per name; views, API views, services and selectors call ``has_perm()``,
``require_perm()`` and ``scope_for()``. A rule is ``fn(user, obj) -> bool``; it may also own
the queryset form of the same decision (``scope``), so "who may confirm this unit" and
"which units may this person confirm" are written once. Staff do not bypass rules by
default: a rule decides whether staff may act.

    @permission_rule(CatalogPerm.CHANGE_PRODUCT)
    def _change_product(user, product):
        return is_org_member(user, product.organisation, MAKER_ROLES)

    @_change_product.scope
    def _(user, products):
        return products.filter(organisation_id__in=organisation_ids_of(user, MAKER_ROLES))

An anonymous or inactive user has no permission and an empty scope. A name no enum
declares raises ``UnknownName``; the start-up check (``core.checks``) makes sure every
declared name has a rule.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import PermissionDeniedError
from marketplace.core.names import PermissionName

Check = Callable[[object, object], bool]
Scope = Callable[[object, QuerySet], QuerySet]


class Rule:
    def __init__(self, name: PermissionName, check: Check):
        self.name = name
        self.check = check
        self.scope_fn: Scope | None = None
        self.__doc__ = check.__doc__

    def __call__(self, user, obj) -> bool:
        return bool(self.check(user, obj))

    def scope(self, fn: Scope) -> Scope:
        """Decorator: the queryset of the objects this rule allows ``user``."""
        self.scope_fn = fn
        return fn


_rules: dict[str, Rule] = {}


def permission_rule(name: PermissionName):
    if not isinstance(name, PermissionName):
        raise TypeError(f"permission rules are registered under a PermissionName, not {name!r}")

    def register(fn: Check) -> Rule:
        rule = Rule(name, fn)
        _rules[name.value] = rule
        return rule

    return register


def registered_rules() -> dict[str, Rule]:
    return dict(_rules)


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _rule(name) -> Rule | None:
    return _rules.get(PermissionName.resolve(name).value)


def has_perm(user, name: PermissionName, obj=None) -> bool:
    rule = _rule(name)  # resolves first: an undeclared name is a programming error
    if not _active(user) or rule is None:
        return False
    return rule(user, obj)


def require_perm(user, name: PermissionName, obj=None, message=None) -> None:
    if not has_perm(user, name, obj):
        raise PermissionDeniedError(message or _("You do not have permission to do this."))


def scope_for(user, name: PermissionName, queryset: QuerySet) -> QuerySet:
    """The part of ``queryset`` the rule of ``name`` allows ``user`` (none for anonymous
    or inactive users). A rule without a scope cannot be used here (TypeError)."""
    rule = _rule(name)
    if rule is None or rule.scope_fn is None:
        raise TypeError(f"the rule of {name!s} has no queryset scope")
    if not _active(user):
        return queryset.none()
    return rule.scope_fn(user, queryset)
