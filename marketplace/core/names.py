"""Names that cannot be mistyped: permission names and audit action codes.

Each app declares its permission names and audit action codes as ``StrEnum``s::

    class CatalogPerm(PermissionName):
        CHANGE_PRODUCT = "catalog.change_product"

    class CatalogAction(AuditAction):
        PRODUCT_CREATED = "catalog.product.created"

and uses the members (``require_perm(user, CatalogPerm.CHANGE_PRODUCT, product)``), so a
typo is an ``AttributeError`` at import time instead of a silent 403. A string given where a
name is expected must be one that some enum declares; anything else raises
``UnknownName`` (a programming error, never shown to users). The system check in
``marketplace.core.checks`` fails start-up when a declared permission has no rule, a rule
has no declared name, or the code passes a string literal as a permission name.
"""

from __future__ import annotations

from enum import StrEnum


class UnknownName(LookupError):
    """A permission name or audit action code that no enum declares."""


class _DeclaredNames(StrEnum):
    """Base of the name enums: every subclass is remembered so names can be looked up."""

    @classmethod
    def declared(cls) -> dict[str, _DeclaredNames]:
        found: dict[str, _DeclaredNames] = {}
        for enum in [cls, *_subclasses(cls)]:
            for member in enum:
                found[member.value] = member
        return found

    @classmethod
    def resolve(cls, name: str | _DeclaredNames) -> _DeclaredNames:
        if isinstance(name, cls):
            return name
        if not isinstance(name, str):
            raise TypeError(f"expected a {cls.__name__} or its value, got {type(name).__name__}")
        member = cls.declared().get(name)
        if member is None:
            raise UnknownName(f"{name!r} is not a declared {cls.__name__}")
        return member


def _subclasses(cls) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


class PermissionName(_DeclaredNames):
    """Base of each app's permission names (``<app>.<verb>_<object>``)."""


class AuditAction(_DeclaredNames):
    """Base of each app's audit action codes (``<app>.<object>.<what happened>``)."""
