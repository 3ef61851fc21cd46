"""The shape of the code, checked: the core imports no feature app, services never import
tasks (they enqueue by task name), and each built app has the one shape the pillars copy.
Imports are read from the source (every import, also inside functions)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FEATURE_APPS = ("catalog", "crowdfunding", "procurement", "search", "vouchers")
SHAPE = ("states.py", "errors.py", "services", "selectors.py", "rules.py", "deadlines.py",
         "tasks.py", "api", "views")
# notifications is the core's delivery channel (store, mail, push), with no state machine,
# permission rules or deadlines of its own: it keeps single modules and is not listed.
BUILT_APPS = ("marketplace/accounts", "marketplace/payments", "catalog", "crowdfunding",
              "crowdfunding/equity", "procurement", "vouchers")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _sources(folder: str):
    return [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]


def test_the_core_imports_no_feature_app():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for folder in ("marketplace/core", "marketplace/accounts", "marketplace/notifications",
                       "marketplace/settings")
        for path in _sources(folder)
        for line, name in _imports(path)
        if name.split(".")[0] in FEATURE_APPS
    ]
    assert offenders == []


def _is_service(path: Path) -> bool:
    return "services" in path.parts or path.name == "services.py"


def test_services_never_import_tasks():
    """Tasks import services; services enqueue by name (core.tasks.enqueue), so there is
    no cycle to hide behind a function-local import."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for folder in ("marketplace", *FEATURE_APPS)
        for path in _sources(folder) if _is_service(path)
        for line, name in _imports(path)
        if (name.endswith(".tasks") or ".tasks." in name)
        and not name.startswith("marketplace.core.tasks")
    ]
    assert offenders == []


@pytest.mark.parametrize("app", BUILT_APPS)
def test_each_built_app_has_the_one_shape(app):
    missing = [name for name in SHAPE if not (ROOT / app / name).exists()]
    assert missing == [], f"{app} lacks {missing}"


def test_state_machines_live_in_states_modules():
    """Machines are data of the app (states.py), not of a service module."""
    offenders = []
    for folder in ("marketplace", *FEATURE_APPS):
        for path in _sources(folder):
            if path.name == "states.py" or "tests" in path.parts or path.name == "transitions.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "StateMachine"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
