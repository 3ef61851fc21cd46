"""Certification documents live in private storage: no /media/ URL serves them, the
permission-checked download does, a lost file is a 404, and documents uploaded to the
public media directory before are moved by the data migration."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from catalog.models import CertificationDocument
from catalog.services.certification import certification_apply
from marketplace.core.storage import private_storage
from tests.catalog.factories import CertificationFactory, pdf_upload, stored_files

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _download_url(document):
    return reverse("catalog:certification_document",
                   args=[document.certification_id, document.pk])


@pytest.fixture
def document(maker, product):
    certification = certification_apply(actor=maker, product=product,
                                         documents=[pdf_upload("检测报告.pdf")])
    return certification.documents.get()


@pytest.mark.urls("tests.catalog.urls_public_media")
def test_no_media_url_serves_a_document_but_the_checked_download_does(client, document, maker,
                                                                      other_maker, staff):
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / document.file.name).is_file()
    assert stored_files(settings.MEDIA_ROOT) == []
    # what runserver with DEBUG serves: the media directory (proven with a public file)
    default_storage.save("products/1/public.txt", ContentFile(b"public"))
    assert client.get("/media/products/1/public.txt").status_code == 200
    assert client.get(f"/media/{document.file.name}").status_code == 404
    with pytest.raises(ValueError, match="no public URL"):
        document.file.url  # noqa: B018  (the storage refuses to make one)

    for user in (maker, staff):
        client.force_login(user)
        response = client.get(_download_url(document))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
    client.force_login(other_maker)
    assert client.get(_download_url(document)).status_code == 404
    client.logout()
    assert client.get(_download_url(document)).status_code == 302  # to the login page


def test_a_lost_file_is_a_404_not_a_500(client, document, staff):
    private_storage().delete(document.file.name)
    client.force_login(staff)
    response = client.get(_download_url(document), **EN)
    assert response.status_code == 404
    assert "This file is not available at the moment" in response.content.decode()
    missing = client.get(reverse("catalog:certification_document",
                                 args=[document.certification_id, document.pk + 99]))
    assert missing.status_code == 404


def test_migration_moves_public_documents_into_private_storage(product):
    migration = importlib.import_module(
        "catalog.migrations.0005_move_certification_documents_to_private_storage"
    )
    certification = CertificationFactory(product=product)
    public_name = default_storage.save(f"certifications/{certification.pk}/old.pdf",
                                       ContentFile(b"%PDF-1.4 old"))
    old = CertificationDocument.objects.create(certification=certification, file=public_name,
                                               original_name="old.pdf", size=12)
    lost = CertificationDocument.objects.create(certification=certification,
                                                file=f"certifications/{certification.pk}/lost.pdf")

    migration.move_documents(apps, None)
    old.refresh_from_db()
    assert private_storage().exists(old.file.name)
    with private_storage().open(old.file.name) as fh:
        assert fh.read() == b"%PDF-1.4 old"
    assert not default_storage.exists(public_name)
    assert stored_files(settings.MEDIA_ROOT) == []
    lost.refresh_from_db()
    assert lost.file.name.endswith("lost.pdf")  # left alone, nothing to move

    migration.move_documents(apps, None)  # again: nothing changes
    assert CertificationDocument.objects.get(pk=old.pk).file.name == old.file.name


def test_migration_finishes_an_interrupted_move(product):
    migration = importlib.import_module(
        "catalog.migrations.0005_move_certification_documents_to_private_storage"
    )
    certification = CertificationFactory(product=product)
    name = f"certifications/{certification.pk}/a.pdf"
    default_storage.save(name, ContentFile(b"%PDF public"))
    document = CertificationDocument.objects.create(certification=certification, file=name)
    # an earlier interrupted run copied it already: the public copy is simply removed
    private_storage().save(name, ContentFile(b"%PDF public"))
    migration.move_documents(apps, None)
    assert not default_storage.exists(name)
    assert CertificationDocument.objects.get(pk=document.pk).file.name == name
