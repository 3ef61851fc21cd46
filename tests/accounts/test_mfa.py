"""MFA is mandatory for government buyers, panel experts and staff."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core import mail
from django.urls import reverse

from marketplace.accounts.models import MembershipRole
from marketplace.accounts.rules import requires_mfa
from tests.accounts.factories import (
    PASSWORD,
    TOTP_SECRET,
    ExpertFactory,
    MembershipFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
    buyer_officer,
    mfa_activate,
    totp_code,
)

pytestmark = pytest.mark.django_db

MFA_REQUIRED = reverse("accounts:mfa_required")


def approver():
    return MembershipFactory(
        organisation__kind="government_agency", role=MembershipRole.APPROVER
    ).user


ROLE_FACTORIES = {
    "buyer officer": buyer_officer,
    "approver": approver,
    "panel expert": ExpertFactory,
    "staff": StaffFactory,
}


@pytest.fixture(params=list(ROLE_FACTORIES))
def mfa_user(request):
    return ROLE_FACTORIES[request.param]()


class TestEnforcement:
    def test_pages_redirect_to_mfa_required(self, client, mfa_user):
        client.force_login(mfa_user)
        response = client.get("/profile/?tab=kyc")
        assert response.status_code == 302
        assert response["Location"].startswith(MFA_REQUIRED)
        assert "next=%2Fprofile%2F%3Ftab%3Dkyc" in response["Location"]
        assert client.get("/").status_code == 302

    def test_api_answers_403_json(self, client, mfa_user):
        client.force_login(mfa_user)
        response = client.get("/api/me/")
        assert response.status_code == 403
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "mfa_required"
        assert response.json()["detail"]

    def test_setting_up_mfa_and_logging_out_stay_reachable(self, client, mfa_user):
        client.force_login(mfa_user)
        page = client.get(MFA_REQUIRED + "?next=/profile/")
        assert page.status_code == 200
        assert reverse("mfa_activate_totp").encode() in page.content
        assert client.get(reverse("mfa_index")).status_code == 200
        assert client.post(reverse("account_logout")).status_code == 302
        assert "_auth_user_id" not in client.session

    def test_with_an_authenticator_the_pages_open(self, client, mfa_user):
        mfa_activate(mfa_user)
        client.force_login(mfa_user)
        assert client.get("/profile/").status_code == 200
        assert client.get("/api/me/").json()["mfa_enabled"] is True

    def test_recovery_codes_alone_are_not_enough(self, client):
        buyer = buyer_officer()
        RecoveryCodes.activate(buyer)
        client.force_login(buyer)
        assert client.get("/profile/").status_code == 302

    def test_makers_members_and_backers_are_not_asked(self, client):
        maker = OwnerFactory().user
        # a plain member of a government agency does not buy
        member = MembershipFactory(organisation__kind="government_agency").user
        for user in (maker, member, UserFactory()):
            client.force_login(user)
            assert client.get("/profile/").status_code == 200
            assert client.get("/api/me/").json()["mfa_required"] is False

    def test_anonymous_visitors_are_not_affected(self, client):
        assert client.get("/").status_code == 200

    def test_an_open_redirect_in_next_is_ignored(self, client):
        client.force_login(buyer_officer())
        page = client.get(MFA_REQUIRED + "?next=https://evil.example.com/")
        assert page.context["next"] == "/"


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


class TestLoginStage:
    def test_password_then_totp_code(self, client):
        buyer = buyer_officer()
        mfa_activate(buyer)

        response = login(client, buyer.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        # not logged in yet: the code is still missing
        assert "_auth_user_id" not in client.session
        assert client.get("/profile/").status_code == 302

        response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(buyer.pk)
        assert client.get("/profile/").status_code == 200

    def test_a_wrong_code_keeps_the_door_shut(self, client):
        buyer = buyer_officer()
        mfa_activate(buyer)
        login(client, buyer.email)
        wrong = "000000" if totp_code() != "000000" else "111111"
        response = client.post(reverse("mfa_authenticate"), {"code": wrong})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize(("language", "expected"), [
        ("zh-hans", "该验证码已使用过。"), ("en", "This code was already used.")])
    def test_a_code_cannot_be_replayed(self, client, isolated_cache, language, expected):
        buyer = buyer_officer()
        mfa_activate(buyer)
        code = totp_code()
        login(client, buyer.email)
        client.post(reverse("mfa_authenticate"), {"code": code})
        client.post(reverse("account_logout"))
        login(client, buyer.email)
        response = client.post(reverse("mfa_authenticate"), {"code": code},
                               HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        # told that the code was used, not that it is wrong
        [message] = response.context["form"].errors["code"]
        assert message.startswith(expected)

    def test_a_wrong_code_is_still_incorrect(self, client, isolated_cache):
        buyer = buyer_officer()
        mfa_activate(buyer)
        login(client, buyer.email)
        wrong = "000000" if totp_code() != "000000" else "111111"
        response = client.post(reverse("mfa_authenticate"), {"code": wrong},
                               HTTP_ACCEPT_LANGUAGE="en")
        assert response.context["form"].errors["code"] == ["Incorrect code."]

    def test_a_spent_recovery_code_is_reported_as_used(self, client, isolated_cache):
        staff = StaffFactory()
        mfa_activate(staff)
        codes = RecoveryCodes.activate(staff).get_unused_codes()
        login(client, staff.email)
        client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        client.post(reverse("account_logout"))
        login(client, staff.email)
        response = client.post(reverse("mfa_authenticate"), {"code": codes[0]},
                               HTTP_ACCEPT_LANGUAGE="en")
        assert "_auth_user_id" not in client.session
        [message] = response.context["form"].errors["code"]
        assert "recovery code was already used" in message

    def test_a_recovery_code_also_works(self, client):
        staff = StaffFactory()
        mfa_activate(staff)
        codes = RecoveryCodes.activate(staff).get_unused_codes()
        login(client, staff.email)
        client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        assert client.session["_auth_user_id"] == str(staff.pk)

    def test_users_without_mfa_log_in_with_the_password_alone(self, client):
        maker = OwnerFactory().user
        response = login(client, maker.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard")
        assert client.session["_auth_user_id"] == str(maker.pk)


def test_a_buyer_sets_up_totp_through_allauth_and_gets_in(client):
    buyer = buyer_officer()
    login(client, buyer.email)
    assert client.get("/profile/").status_code == 302

    # allauth asks for the password again before adding an authenticator
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=buyer, type="totp").exists()
    assert client.get("/profile/").status_code == 200
    assert secret != TOTP_SECRET


class TestUnverifiedEmailMustSetUpMFA:
    """Whoever must have MFA can always reach its set-up, also with an unconfirmed
    e-mail address (allauth refuses to add an authenticator until it is confirmed): the
    MFA page says so, and confirming the address is never blocked."""

    @pytest.fixture
    def agency_creator(self, client):
        user = UserFactory(verified_email=False)
        EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
        client.force_login(user)
        response = client.post(reverse("accounts:organisation_create"), {
            "kind": "government_agency", "name": "崂山区科技局", "name_en": "Laoshan Science",
        })
        assert response.status_code == 302
        assert requires_mfa(user)
        return user

    def test_pages_send_them_to_the_mfa_page_which_opens(self, client, agency_creator):
        response = client.get("/profile/")
        assert response.status_code == 302
        assert response["Location"].startswith(MFA_REQUIRED)
        assert client.get(response["Location"]).status_code == 200

    @pytest.mark.parametrize(("language", "text"), [
        ("en", "Step 1: confirm your e-mail address"), ("zh-hans", "第一步：确认您的电子邮箱"),
    ])
    def test_the_mfa_page_tells_them_to_confirm_their_address(self, client, agency_creator,
                                                             language, text):
        page = client.get(MFA_REQUIRED, HTTP_ACCEPT_LANGUAGE=language)
        html = page.content.decode()
        assert page.status_code == 200
        assert text in html
        assert agency_creator.email in html
        assert f'action="{reverse("account_email")}"' in html

    def test_confirming_the_address_then_setting_up_totp_is_never_blocked(
        self, client, agency_creator
    ):
        mail.outbox.clear()
        response = client.post(reverse("account_email"),
                               {"email": agency_creator.email, "action_send": ""})
        assert response.status_code == 302
        assert not response["Location"].startswith(MFA_REQUIRED)
        (message,) = mail.outbox
        confirm_path = re.search(r"/accounts/confirm-email/[^/\s]+/", message.body)[0]
        assert client.get(confirm_path).status_code == 200
        assert client.post(confirm_path).status_code == 302
        assert EmailAddress.objects.get(user=agency_creator).verified

        # now the MFA page leads to the set-up, which works
        page = client.get(MFA_REQUIRED)
        assert reverse("mfa_activate_totp").encode() in page.content
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
        secret = client.session[SECRET_SESSION_KEY]
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        assert response.status_code == 302
        assert client.get("/profile/").status_code == 200

    @pytest.mark.parametrize(("language", "text"), [
        ("en", "until you have verified your email address"),
        ("zh-hans", "在验证您的Email地址之前，您不能激活两步验证。"),
    ])
    def test_the_totp_set_up_explains_why_it_waits(self, client, agency_creator, language,
                                                   text):
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        response = client.get(reverse("mfa_activate_totp"), follow=True,
                              HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("mfa_index")  # not MFA_REQUIRED
        assert text in response.content.decode()
        assert not Authenticator.objects.filter(user=agency_creator).exists()

    def test_logging_out_is_not_blocked(self, client, agency_creator):
        assert client.post(reverse("account_logout")).status_code == 302
        assert "_auth_user_id" not in client.session
