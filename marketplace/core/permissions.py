"""Object-level permission checks, in one place.

Apps register a rule per permission name; views, API views and services call
``has_perm()`` / ``require_perm()``. A rule is ``fn(user, obj) -> bool``. Unknown
permission names are denied (never silently allowed). Staff do not bypass rules by
default: a rule decides whether staff may act.

    @permission_rule("catalog.change_product")
    def _(user, product):
        return is_org_member(user, product.organisation, roles={"owner", "member"})
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import PermissionDeniedError

Rule = Callable[[object, object], bool]
_rules: dict[str, Rule] = {}


def permission_rule(name: str):
    def register(fn: Rule) -> Rule:
        _rules[name] = fn
        return fn

    return register


def has_perm(user, name: str, obj=None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = _rules.get(name)
    if rule is None:
        return False
    return bool(rule(user, obj))


def require_perm(user, name: str, obj=None, message=None) -> None:
    if not has_perm(user, name, obj):
        raise PermissionDeniedError(message or _("You do not have permission to do this."))
