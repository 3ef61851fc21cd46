"""marketplace.core.files.private_file_response: permission-checked downloads."""

import logging

import pytest
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.http import Http404

from marketplace.accounts.models import KycDocument
from marketplace.core.files import private_file_response
from marketplace.core.pages import PageNotFound, user_facing_message
from marketplace.core.storage import private_storage

# response.close() fires request_finished, which looks at the database connection
pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def stored(name="reports/2026/test-report.pdf", content=b"%PDF-1.4 report"):
    storage = private_storage()
    saved = storage.save(name, ContentFile(content))
    return FieldFile(None, KycDocument._meta.get_field("file"), saved)


def test_streams_the_file_private_and_never_sniffed():
    response = private_file_response(stored(), filename="检测报告.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 report"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''%E6%A3%80%E6%B5%8B%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]


def test_inline_with_the_stored_name_and_a_given_type():
    response = private_file_response(stored(), as_attachment=False, content_type="text/plain")
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("inline")
    assert "test-report" in response["Content-Disposition"]
    response.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_lost_file_is_logged_and_a_404(caplog, language):
    from django.utils import translation

    field_file = stored()
    private_storage().delete(field_file.name)
    with (caplog.at_level(logging.ERROR, logger="marketplace.core.files"),
          translation.override(language), pytest.raises(Http404) as exc):
        private_file_response(field_file, filename="report.pdf")
    assert isinstance(exc.value, PageNotFound)
    message = user_facing_message(exc.value)
    assert message == {
        "en": "This file is not available at the moment. Please tell the platform staff.",
        "zh-hans": "该文件暂时无法获取，请告知平台工作人员。",
    }[language]
    assert field_file.name in caplog.text


def test_an_empty_field_is_a_404():
    empty = FieldFile(None, KycDocument._meta.get_field("file"), "")
    with pytest.raises(Http404):
        private_file_response(empty)
