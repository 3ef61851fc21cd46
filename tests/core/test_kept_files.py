"""The store behind kept files (marketplace.core.kept_files): tokens expire, copies
nobody came back for are deleted by the chronograph handler."""

from datetime import timedelta

import pytest
from django import forms
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from marketplace.core import kept_files
from marketplace.core.chronograph import registered_handlers
from marketplace.core.kept_files import (
    KeepsFilesMixin,
    KeptFileField,
    KeptFileRefused,
    KeptUploads,
    kept_uploads_expire,
)
from marketplace.core.storage import private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    with translation.override("en"):
        yield


def test_the_widget_speaks_chinese_too():
    with translation.override("zh-hans"):
        failed = NoteForm(data={"title": "too long"}, files={"file": _upload()},
                          session=SessionStore())
        html = str(failed)
    assert "已保留：note.txt" in html and "不使用保留的文件" in html


class NoteForm(KeepsFilesMixin, forms.Form):
    title = forms.CharField(max_length=5)
    file = KeptFileField()


def _upload():
    return SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")


def test_keep_and_take_back_once():
    session = SessionStore()
    kept = KeptUploads(session).keep(_upload())
    assert kept.name == "note.txt" and kept.size == 5
    taken = KeptUploads(session).take(kept.token)
    assert taken.read() == b"hello" and taken.name == "note.txt"
    assert taken.content_type == "text/plain"
    with pytest.raises(KeptFileRefused):
        KeptUploads(session).take(kept.token)


def test_an_expired_token_is_refused(monkeypatch):
    session = SessionStore()
    kept = KeptUploads(session).keep(_upload())
    monkeypatch.setattr(kept_files, "KEPT_UPLOAD_MAX_AGE", timedelta(seconds=-1))
    with pytest.raises(KeptFileRefused):
        KeptUploads(session).take(kept.token)


def test_a_form_without_a_session_refuses_tokens_and_keeps_nothing():
    session = SessionStore()
    kept = KeptUploads(session).keep(_upload())
    form = NoteForm(data={"title": "ok", "file__kept": kept.token})
    assert not form.is_valid() and form.errors["file"][0].startswith("The file kept")
    failed = NoteForm(data={"title": "too long"}, files={"file": _upload()})
    assert not failed.is_valid() and "__kept" not in str(failed)


def test_the_form_offers_the_file_again_and_uses_it():
    session = SessionStore()
    failed = NoteForm(data={"title": "too long"}, files={"file": _upload()}, session=session)
    assert not failed.is_valid()
    html = str(failed)
    assert "Kept: note.txt" in html and 'name="file__kept"' in html
    token = failed["file"].value().token
    again = NoteForm(data={"title": "ok", "file__kept": token}, session=session)
    assert again.is_valid(), again.errors
    assert again.cleaned_data["file"].read() == b"hello"


def test_the_handler_deletes_old_copies_only():
    assert registered_handlers()["core.kept_uploads_expire"] is kept_uploads_expire
    session = SessionStore()
    kept = KeptUploads(session).keep(_upload())
    assert kept_uploads_expire(timezone.now()) == 0
    assert KeptUploads(session).take(kept.token).read() == b"hello"
    KeptUploads(session).keep(_upload())
    assert kept_uploads_expire(timezone.now() + timedelta(hours=7)) == 1
    assert private_storage().listdir("kept-uploads") == ([], [])
