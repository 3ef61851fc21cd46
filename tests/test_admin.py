"""Django admin for every model of the project (inline-only models through their parent)."""

import pytest
from django.apps import apps
from django.contrib import admin

from tests.factories import SuperuserFactory

PROJECT_APPS = ("marketplace", "catalog", "crowdfunding", "procurement", "search")


def _inline_models() -> set:
    found = set()
    for model_admin in admin.site._registry.values():
        for inline in model_admin.inlines:
            found.add(inline.model)
    return found


def test_every_project_model_has_an_admin():
    inline = _inline_models()
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.split(".")[0] in PROJECT_APPS
        and model not in admin.site._registry
        and model not in inline
    ]
    assert missing == []


@pytest.mark.django_db
def test_search_index_admin_is_read_only(client):
    client.force_login(SuperuserFactory(mfa=True))
    response = client.get("/admin/search/searchentry/")
    assert response.status_code == 200
    assert client.get("/admin/search/searchentry/add/").status_code == 403
