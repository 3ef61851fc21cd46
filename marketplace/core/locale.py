"""The reader's language, in one place: which of a pair of texts to show, and the Babel
locale that formats numbers, money and dates.

The site speaks Chinese (zh-hans, the default) and English. Text fields come in pairs
(``name`` / ``name_en``); ``pick`` and ``localized`` choose, falling back to the other
language when the preferred one is empty.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language

ENGLISH_LOCALE = "en_US"
CHINESE_LOCALE = "zh_Hans_CN"


def is_english(language: str | None = None) -> bool:
    """Whether ``language`` (the active one when not given) is English."""
    language = language if language is not None else (get_language() or settings.LANGUAGE_CODE)
    return (language or "").replace("_", "-").lower().startswith("en")


def babel_locale(language: str | None = None) -> str:
    """The Babel locale for ``language`` (the active one when not given)."""
    return ENGLISH_LOCALE if is_english(language) else CHINESE_LOCALE


def pick(zh: str, en: str, language: str | None = None) -> str:
    """The text in the reader's language, falling back to the other one."""
    if is_english(language):
        return en or zh
    return zh or en


def localized(obj, field: str, language: str | None = None) -> str:
    """``obj.<field>_en`` for English readers when filled, else ``obj.<field>``."""
    if obj is None:
        return ""
    if isinstance(obj, dict):
        return pick(obj.get(field) or "", obj.get(f"{field}_en") or "", language)
    return pick(getattr(obj, field, "") or "", getattr(obj, f"{field}_en", "") or "", language)
