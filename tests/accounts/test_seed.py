import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django.urls import reverse

from marketplace.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from marketplace.accounts.models import KycRequest, Membership, Organisation, User
from marketplace.accounts.rules import is_government_buyer, is_org_member, requires_mfa
from marketplace.accounts.selectors import buyer_organisations_for
from marketplace.core.demo import registered_seeders
from marketplace.core.models import AuditEvent
from tests.accounts.factories import totp_code

pytestmark = pytest.mark.django_db

DEMO_EMAILS = {f"{name}@demo.local" for name in
               ("maker", "backer", "investor", "buyer", "expert", "operator", "staff")}


def run_seeder() -> dict:
    seeder = next(s for s in registered_seeders() if s.name == "accounts")
    assert seeder.order == 10
    return seeder.fn(lambda message: None)


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (User, Organisation, Membership, EmailAddress, Authenticator, KycRequest)
    }


def test_seeding_twice_gives_the_same_data():
    first = run_seeder()
    after_first = counts()
    password_hash = User.objects.get(email="maker@demo.local").password
    verified_events = AuditEvent.objects.filter(action="accounts.organisation.verified").count()
    second = run_seeder()
    assert second == first
    assert counts() == after_first
    assert verified_events == 3
    assert AuditEvent.objects.filter(action="accounts.organisation.verified").count() == 3
    assert User.objects.get(email="maker@demo.local").password == password_hash
    assert first["users"] == 7
    assert first["totp_secret"] == DEMO_TOTP_SECRET
    assert first["password"] == DEMO_PASSWORD
    assert first["mfa_users"] == ["buyer@demo.local", "expert@demo.local", "staff@demo.local"]


def test_the_demo_people_have_their_roles():
    run_seeder()
    users = {u.email: u for u in User.objects.filter(email__in=DEMO_EMAILS)}
    assert set(users) == DEMO_EMAILS
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert EmailAddress.objects.filter(email__in=DEMO_EMAILS, verified=True, primary=True).count() == 7

    maker_org = Organisation.objects.get(slug="demo-maker")
    assert maker_org.kind == "maker_company"
    assert is_org_member(users["maker@demo.local"], maker_org, {"owner"})
    investor_org = Organisation.objects.get(slug="demo-investor")
    assert investor_org.kind == "investor_entity"
    assert is_org_member(users["investor@demo.local"], investor_org, {"owner"})
    bureau = Organisation.objects.get(slug="qingdao-sti-bureau")
    assert bureau.kind == "government_agency"
    assert is_org_member(users["buyer@demo.local"], bureau, {"buyer_officer"})
    # buyer powers because the demo staff member verified the bureau (audited)
    assert bureau.is_verified
    assert is_government_buyer(users["buyer@demo.local"])
    assert list(buyer_organisations_for(users["buyer@demo.local"])) == [bureau]
    verified = AuditEvent.objects.get(action="accounts.organisation.verified",
                                      object_id=str(bureau.pk))
    assert verified.actor_id == users["staff@demo.local"].pk
    assert maker_org.is_verified and investor_org.is_verified

    assert users["investor@demo.local"].is_real_name_verified
    assert KycRequest.objects.get(user=users["investor@demo.local"]).status == "approved"
    assert users["expert@demo.local"].is_panel_expert
    assert users["staff@demo.local"].is_staff and users["staff@demo.local"].is_superuser
    for email in ("buyer@demo.local", "expert@demo.local", "staff@demo.local"):
        assert requires_mfa(users[email])
        totp = Authenticator.objects.get(user=users[email], type="totp")
        assert decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
        assert Authenticator.objects.filter(user=users[email], type="recovery_codes").exists()
    assert validate_totp_code(DEMO_TOTP_SECRET, totp_code(DEMO_TOTP_SECRET))
    for email in ("maker@demo.local", "backer@demo.local", "operator@demo.local"):
        assert not requires_mfa(users[email])


def test_a_person_can_log_in_as_the_demo_buyer_with_the_published_secret(client):
    run_seeder()
    client.post(reverse("account_login"), {"login": "buyer@demo.local", "password": DEMO_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)})
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_demo_site_domain_replaces_the_placeholder_only():
    from django.contrib.sites.models import Site

    Site.objects.filter(pk=1).update(domain="example.com", name="example.com")
    run_seeder()
    assert Site.objects.get(pk=1).domain == "127.0.0.1:8000"
    Site.objects.filter(pk=1).update(domain="market.example.gov.cn")
    run_seeder()
    assert Site.objects.get(pk=1).domain == "market.example.gov.cn"
