"""The real-name form keeps its documents when it fails (marketplace.core.kept_files)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import KycRequest, VerificationStatus
from tests.accounts.factories import UserFactory, pdf, png, upload

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _form(**overrides):
    data = {"legal_name": "李四", "id_type": "resident_id", "id_number_last4": "123X"}
    data.update(overrides)
    return data


def _tokens(html):
    return re.findall(r'name="documents__kept" value="([^"]+)"', html)


def _failed(client):
    response = client.post(reverse("accounts:kyc_submit"),
                           _form(id_number_last4="12", documents=[pdf(), png()]), **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kept: id-card.pdf" in html and "Kept: id-card.png" in html
    return _tokens(html)


def test_a_failed_submission_keeps_the_documents_for_the_next(client, private_root):
    user = UserFactory()
    client.force_login(user)
    tokens = _failed(client)
    assert len(tokens) == 2
    response = client.post(reverse("accounts:kyc_submit"), _form(documents__kept=tokens))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.verification_status == VerificationStatus.PENDING
    request = KycRequest.objects.get(user=user)
    assert sorted(d.original_name for d in request.documents.all()) == [
        "id-card.pdf", "id-card.png"]


def test_a_refused_document_is_not_kept(client, private_root):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:kyc_submit"),
                           _form(documents=[upload("virus.exe", b"MZ\x90\x00")]), **EN)
    assert response.status_code == 400 and _tokens(response.content.decode()) == []


def test_another_sessions_documents_are_refused(client, private_root):
    user = UserFactory()
    client.force_login(user)
    tokens = _failed(client)
    other = Client()
    other.force_login(user)
    response = other.post(reverse("accounts:kyc_submit"), _form(documents__kept=tokens), **EN)
    assert response.status_code == 400 and "no longer available" in response.content.decode()
    assert not KycRequest.objects.filter(user=user).exists()
