"""Permission rules of equity crowdfunding (checked object by object with require_perm).

An investor acts for themselves: they submit their own profile, take the knowledge test
and acknowledge the risk warning, and see their own records. Staff review profiles, but
never their own (four eyes).
"""

from __future__ import annotations

from marketplace.core.names import PermissionName
from marketplace.core.permissions import permission_rule


class EquityPerm(PermissionName):
    SUBMIT_INVESTOR_PROFILE = "equity.submit_investor_profile"
    REVIEW_INVESTOR_PROFILE = "equity.review_investor_profile"
    VIEW_INVESTOR_PROFILE = "equity.view_investor_profile"
    TAKE_KNOWLEDGE_TEST = "equity.take_knowledge_test"
    ACKNOWLEDGE_RISK_WARNING = "equity.acknowledge_risk_warning"


def _is_person(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@permission_rule(EquityPerm.SUBMIT_INVESTOR_PROFILE)
def _submit_profile(user, _obj):
    return _is_person(user)


@permission_rule(EquityPerm.TAKE_KNOWLEDGE_TEST)
def _take_test(user, _obj):
    return _is_person(user)


@permission_rule(EquityPerm.ACKNOWLEDGE_RISK_WARNING)
def _acknowledge(user, _obj):
    return _is_person(user)


@permission_rule(EquityPerm.REVIEW_INVESTOR_PROFILE)
def _review_profile(user, profile):
    return bool(user.is_staff) and profile is not None and profile.user_id != user.pk


@permission_rule(EquityPerm.VIEW_INVESTOR_PROFILE)
def _view_profile(user, profile):
    return user.is_staff or profile.user_id == user.pk


@_view_profile.scope
def _(user, profiles):
    return profiles if user.is_staff else profiles.filter(user_id=user.pk)
