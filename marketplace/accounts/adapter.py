from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Hook point for sign-up rules; the user's language follows the page language."""

    def save_user(self, request, user, form, commit=True):
        from django.utils.translation import get_language

        user.preferred_language = get_language() or "zh-hans"
        return super().save_user(request, user, form, commit=commit)
