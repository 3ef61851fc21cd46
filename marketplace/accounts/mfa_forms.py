"""allauth's MFA code forms, telling a reused code from a wrong one (settings MFA_FORMS).

allauth answers "Incorrect code." for both; a person who typed the right code a second
time (a TOTP code already used in its window, a recovery code already spent) is told so,
and what to do instead. The rate limit and the failure signal stay allauth's.
"""

from __future__ import annotations

from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from allauth.mfa.utils import decrypt
from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

USED_TOTP = _("This code was already used. Wait for the next code in your authenticator "
              "app and enter that one.")
USED_RECOVERY = _("This recovery code was already used. Each recovery code works once: "
                  "enter another one, or a code from your authenticator app.")


def reused_code_message(user, code: str):
    """The message for ``code`` when it is a right code used before, else None."""
    code = (code or "").strip()
    if not code:
        return None
    for auth in Authenticator.objects.filter(
            user=user, type__in=(Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)):
        wrapped = auth.wrap()
        if auth.type == Authenticator.Type.TOTP:
            secret = decrypt(auth.data["secret"])
            # the same key allauth's TOTP.validate_code marks a used code with
            if validate_totp_code(secret, code) and cache.get(
                    TOTP(auth)._get_used_cache_key(code)) is not None:
                return USED_TOTP
        elif code in wrapped.generate_codes() and code not in wrapped.get_unused_codes():
            return USED_RECOVERY
    return None


class _ReusedCodeMixin:
    def clean_code(self) -> str:
        code = self.cleaned_data.get("code", "")
        try:
            return super().clean_code()
        except forms.ValidationError as exc:
            if getattr(exc, "code", None) == "incorrect_code":
                message = reused_code_message(self.user, code)
                if message is not None:
                    raise forms.ValidationError(message, code="code_already_used") from exc
            raise


class MFAAuthenticateForm(_ReusedCodeMixin, AuthenticateForm):
    """The code asked at login."""


class MFAReauthenticateForm(_ReusedCodeMixin, ReauthenticateForm):
    """The code asked again before a sensitive change."""
