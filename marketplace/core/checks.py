"""Start-up checks of the platform's names (``manage.py check`` and every server start).

- every declared permission name has exactly one rule (a name without a rule would
  refuse everyone: the silent 403 this check exists to prevent);
- the code never passes a string literal as a permission name: it uses the enum member,
  so a typo fails at import time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks

from marketplace.core.names import PermissionName
from marketplace.core.permissions import registered_rules

# call name -> index of the permission-name argument
PERMISSION_CALLS = {"has_perm": 1, "require_perm": 1, "scope_for": 1, "permission_rule": 0}


def _project_enums() -> list[type[PermissionName]]:
    """The permission enums the installed apps declare (test modules' own are not the
    project's: they register rules of their own for the test's duration)."""
    app_modules = tuple(f"{config.name}." for config in apps.get_app_configs())
    found, stack = [], list(PermissionName.__subclasses__())
    while stack:
        enum = stack.pop()
        stack.extend(enum.__subclasses__())
        if enum.__module__.startswith(app_modules):
            found.append(enum)
    return found


def permission_problems(enums: Iterable[type[PermissionName]] | None = None) -> list[checks.Error]:
    rules = registered_rules()
    enums = _project_enums() if enums is None else enums
    declared = {m.value for enum in enums for m in enum}
    errors = [
        checks.Error(
            f"permission {name!r} is declared but no rule is registered for it",
            hint="Register it with @permission_rule in the app's rules.py (imported by ready()).",
            id="core.E001",
        )
        for name in sorted(declared - set(rules))
    ]
    return errors


def literal_permission_names(paths: Iterable[Path]) -> list[checks.Error]:
    """String literals passed where a permission name goes, with file and line."""
    errors = []
    for path in paths:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            index = PERMISSION_CALLS.get(called)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                errors.append(checks.Error(
                    f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}: permission name "
                    f"{arg.value!r} is a string literal",
                    hint="Use the app's PermissionName enum member instead.",
                    id="core.E002",
                ))
    return errors


def project_sources() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        root = Path(config.path).resolve()
        if base not in root.parents and root != base:
            continue  # third-party apps
        found.extend(p for p in root.rglob("*.py") if "migrations" not in p.parts)
    return found


@checks.register("names")
def check_permission_names(app_configs=None, **kwargs) -> list[checks.Error]:
    return permission_problems() + literal_permission_names(project_sources())
