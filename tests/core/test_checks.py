"""The start-up check of names: a permission name without a rule, or a permission name
written as a string literal, stops ``manage.py check`` (and every server start)."""

import gc
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from marketplace.core.checks import literal_permission_names, permission_problems
from marketplace.core.names import PermissionName


def test_the_project_passes_the_check():
    call_command("check", tags=["names"])


def test_a_declared_permission_without_a_rule_fails_start_up():
    class Typos(PermissionName):
        CHANGE = "catalog.chnage_product"  # a typo: no rule has this name

    Typos.__module__ = "catalog.rules"  # as if the catalogue declared it
    try:
        [error] = permission_problems(enums=[Typos])
        assert error.id == "core.E001" and "catalog.chnage_product" in error.msg
        with pytest.raises(SystemCheckError, match="catalog.chnage_product"):
            call_command("check", tags=["names"])
    finally:
        del Typos
        gc.collect()  # the enum registry holds its subclasses weakly
    call_command("check", tags=["names"])


def test_string_literal_permission_names_are_reported_with_their_place(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    source = tmp_path / "views.py"
    source.write_text(
        "from marketplace.core.permissions import has_perm, require_perm\n"
        "def view(request, product):\n"
        "    if has_perm(request.user, 'catalog.change_product', product):\n"
        "        require_perm(request.user, CatalogPerm.CHANGE_PRODUCT, product)\n"
        "    require_perm(\n        request.user, \"catalog.view_prodcut\")\n"
    )
    errors = literal_permission_names([Path(source)])
    assert [(e.id, e.msg.split(": ")[0]) for e in errors] == [
        ("core.E002", "views.py:3"), ("core.E002", "views.py:5"),
    ]
