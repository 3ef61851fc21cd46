"""A person's own profile."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.accounts.models import User
from marketplace.accounts.states import AccountsAction
from marketplace.core.audit import audit_log
from marketplace.core.errors import DomainError

PROFILE_FIELDS = ("display_name", "phone", "preferred_language")


def user_update_profile(*, user: User, **values) -> User:
    """Change display name, phone or language. The audit event names the changed fields
    but not their values (a phone number is personal data)."""
    cleaned = {k: str(v).strip() for k, v in values.items() if k in PROFILE_FIELDS and v is not None}
    if len(cleaned.get("display_name", "")) > 100:
        raise DomainError(_("At most %(max)d characters.") % {"max": 100}, code="too_long",
                          data={"field": "display_name"})
    if len(cleaned.get("phone", "")) > 32:
        raise DomainError(_("At most %(max)d characters.") % {"max": 32}, code="too_long",
                          data={"field": "phone"})
    if "preferred_language" in cleaned and cleaned["preferred_language"] not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose one of the offered languages."), code="language_invalid",
                          data={"field": "preferred_language"})
    changed = [k for k, v in cleaned.items() if getattr(user, k) != v]
    if not changed:
        return user
    with transaction.atomic():
        for key in changed:
            setattr(user, key, cleaned[key])
        user.save(update_fields=changed)
        audit_log(actor=user, action=AccountsAction.USER_PROFILE_UPDATED, obj=user,
                  data={"fields": changed})
    return user
