"""The demo seeder points the Site (links in mails sent by a worker) at the address the
demo server really listens on: HOST and PORT, as scripts/run.sh uses them."""

import pytest
from django.contrib.sites.models import Site

from marketplace.accounts.demo import _site

pytestmark = pytest.mark.django_db


def _domain():
    return Site.objects.get(pk=1).domain


@pytest.fixture
def site():
    return Site.objects.update_or_create(pk=1, defaults={"domain": "example.com",
                                                          "name": "example.com"})[0]


def test_the_port_is_honoured(site, monkeypatch):
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.delenv("HOST", raising=False)
    _site(print)
    assert _domain() == "127.0.0.1:9123"


def test_a_later_run_on_another_port_follows_it(site, monkeypatch):
    monkeypatch.setenv("PORT", "8000")
    _site(print)
    monkeypatch.setenv("PORT", "8100")
    monkeypatch.setenv("HOST", "0.0.0.0")
    _site(print)
    assert _domain() == "127.0.0.1:8100"


def test_the_default_is_port_8000(site, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("HOST", raising=False)
    _site(print)
    assert _domain() == "127.0.0.1:8000"


def test_a_real_domain_is_left_alone(site, monkeypatch):
    Site.objects.filter(pk=1).update(domain="market.example.gov")
    monkeypatch.setenv("PORT", "9123")
    _site(print)
    assert _domain() == "market.example.gov"
