"""The whole demo data command, with every app's real seeder: twice gives the same data."""

import pytest
from django.apps import apps
from django.core.management import call_command

# Rows that legitimately change between runs: sessions and the chronograph heartbeat.
VOLATILE = {"sessions.session", "core.chronographheartbeat"}


def _counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in VOLATILE and model._meta.managed
    }


@pytest.mark.django_db(transaction=True)
def test_seed_demo_twice_gives_the_same_data(capsys):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    second = _counts()

    assert second == first
    # and it really seeded every role and the catalogue
    user_model = apps.get_model("accounts", "User")
    emails = set(user_model.objects.values_list("email", flat=True))
    for role in ("maker", "backer", "investor", "operator", "buyer", "expert", "staff"):
        assert f"{role}@demo.local" in emails
    assert first["catalog.makerspace"] >= 12
    assert first["catalog.product"] >= 200
    assert first["core.auditevent"] > 0
    out = capsys.readouterr().out
    assert "demo-pass-2026" in out
