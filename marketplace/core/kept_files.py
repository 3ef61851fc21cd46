"""Uploads a form keeps when it fails: the person does not choose the file again.

A form that mixes in ``KeepsFilesMixin`` (given the request's ``session``) and declares
``KeptFileField`` / ``KeptMultipleFileField`` fields keeps every file that arrived
without an error of its own when the form is shown again (its own errors, another
field's, or a service's DomainError put on another field): the file goes to the private
storage under ``kept-uploads/``, its entry into the session, and the page carries a
signed token in a hidden field and says "Kept: <name>" beside the file input (choosing
another file replaces it; a checkbox drops it). The next POST without a new file uses the
kept one; the copy is removed as soon as it is taken back (the form holds it in memory
from then on and keeps it again if it fails once more).

A token is refused (an error on the field, so a 400 and nothing written) when its
signature does not hold, when it is older than ``KEPT_UPLOAD_MAX_AGE``, or when its entry
is not in *this* session (another person's token). Copies nobody came back for are
deleted by the ``core.kept_uploads_expire`` deadline handler.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.forms.boundfield import BoundField
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from marketplace.core.chronograph import deadline_handler
from marketplace.core.storage import private_storage

logger = logging.getLogger(__name__)

KEPT_UPLOAD_PREFIX = "kept-uploads"
KEPT_UPLOAD_MAX_AGE = timedelta(hours=6)
# A bigger file is not kept (the person chooses it again); the forms' own limits are lower.
KEPT_UPLOAD_MAX_BYTES = 25 * 1024 * 1024
SESSION_KEY = "core.kept_uploads"
TOKEN_SALT = "marketplace.core.kept_files"
TOKEN_SUFFIX = "__kept"
DISCARD_SUFFIX = "__discard"

REFUSED = _("The file kept from your last attempt is no longer available (it expired or "
            "does not belong to this session). Choose the file again.")


class KeptFileRefused(Exception):
    """A token whose signature, age or session does not hold."""


@dataclass(frozen=True)
class KeptToken:
    """What the browser sent back instead of a file: the hidden field's token."""

    token: str


@dataclass(frozen=True)
class DroppedTokens:
    """The person ticked "do not use the kept file": these copies go now."""

    tokens: tuple[str, ...]


@dataclass(frozen=True)
class KeptFile:
    """A file kept for the next attempt, as the widget shows it."""

    token: str
    name: str
    size: int


class KeptUploads:
    """The kept files of one session."""

    def __init__(self, session):
        self.session = session

    def _entries(self) -> dict:
        return self.session.get(SESSION_KEY, {})

    def _save(self, entries: dict) -> None:
        self.session[SESSION_KEY] = entries
        self.session.modified = True

    def keep(self, upload) -> KeptFile | None:
        """Copy ``upload`` to the private storage; ``None`` when it is too big to keep."""
        size = getattr(upload, "size", None) or 0
        if size > KEPT_UPLOAD_MAX_BYTES:
            return None
        entry_id = secrets.token_urlsafe(16)
        original = (getattr(upload, "name", "") or "upload").rsplit("/", 1)[-1][-120:]
        safe = get_valid_filename(original) or "upload"
        upload.seek(0)
        path = private_storage().save(f"{KEPT_UPLOAD_PREFIX}/{entry_id}/{safe}", upload)
        upload.seek(0)
        entries = self._expired_dropped(self._entries())
        entries[entry_id] = {
            "path": path, "name": original, "size": size, "at": time.time(),
            "content_type": getattr(upload, "content_type", None) or "application/octet-stream",
        }
        self._save(entries)
        token = signing.dumps({"e": entry_id}, salt=TOKEN_SALT, compress=False)
        return KeptFile(token=token, name=original, size=size)

    def _entry_id(self, token: str) -> str:
        try:
            payload = signing.loads(token, salt=TOKEN_SALT,
                                    max_age=KEPT_UPLOAD_MAX_AGE.total_seconds())
        except signing.BadSignature as exc:  # SignatureExpired included
            raise KeptFileRefused() from exc
        entry_id = payload.get("e") if isinstance(payload, dict) else None
        if not isinstance(entry_id, str) or entry_id not in self._entries():
            raise KeptFileRefused()
        return entry_id

    def take(self, token: str) -> SimpleUploadedFile:
        """The kept file of ``token`` (read into memory), its copy removed."""
        entry_id = self._entry_id(token)
        entries = dict(self._entries())
        entry = entries.pop(entry_id)
        self._save(entries)
        storage = private_storage()
        try:
            with storage.open(entry["path"], "rb") as handle:
                content = handle.read()
        except OSError:
            logger.warning("kept upload %s is gone", entry["path"])
            raise KeptFileRefused() from None
        _delete_entry_files(entry["path"])
        return SimpleUploadedFile(entry["name"], content, content_type=entry["content_type"])

    def discard(self, token: str) -> None:
        try:
            entry_id = self._entry_id(token)
        except KeptFileRefused:
            return
        entries = dict(self._entries())
        entry = entries.pop(entry_id)
        self._save(entries)
        _delete_entry_files(entry["path"])

    def _expired_dropped(self, entries: dict) -> dict:
        oldest = time.time() - KEPT_UPLOAD_MAX_AGE.total_seconds()
        kept = {}
        for entry_id, entry in entries.items():
            if entry.get("at", 0) >= oldest:
                kept[entry_id] = entry
            else:
                _delete_entry_files(entry.get("path", ""))
        return kept


def _delete_entry_files(path: str) -> None:
    if not path.startswith(f"{KEPT_UPLOAD_PREFIX}/"):
        return
    try:
        private_storage().delete(path)
    except OSError:
        logger.warning("could not delete kept upload %s", path, exc_info=True)


@deadline_handler("core.kept_uploads_expire")
def kept_uploads_expire(now: datetime) -> int:
    """Delete the kept copies older than ``KEPT_UPLOAD_MAX_AGE``; returns how many."""
    storage = private_storage()
    if not storage.exists(KEPT_UPLOAD_PREFIX):
        return 0
    oldest = now - KEPT_UPLOAD_MAX_AGE
    removed = 0
    folders, _files = storage.listdir(KEPT_UPLOAD_PREFIX)
    for folder in folders:
        base = f"{KEPT_UPLOAD_PREFIX}/{folder}"
        _subfolders, names = storage.listdir(base)
        for name in names:
            path = f"{base}/{name}"
            try:
                if storage.get_modified_time(path) < oldest:
                    storage.delete(path)
                    removed += 1
            except OSError:
                logger.warning("could not expire kept upload %s", path, exc_info=True)
        with contextlib.suppress(OSError):  # not empty or gone: the next run sees it again
            if not storage.listdir(base)[1]:
                os.rmdir(storage.path(base))
    return removed


# --- the widget, the fields and the form mixin ----------------------------------------------


class KeptFileInput(forms.FileInput):
    """The file input, and for each kept file a hidden token and "Kept: name"."""

    template_name = "forms/widgets/kept_file.html"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload:  # a new file replaces what was kept
            return upload
        tokens = data.getlist(name + TOKEN_SUFFIX) if hasattr(data, "getlist") else (
            [data[name + TOKEN_SUFFIX]] if data.get(name + TOKEN_SUFFIX) else [])
        if data.get(name + DISCARD_SUFFIX):
            return DroppedTokens(tuple(t for t in tokens if t))
        tokens = [KeptToken(t) for t in tokens if t]
        if self.allow_multiple_selected:
            return tokens
        return tokens[0] if tokens else None

    def value_omitted_from_data(self, data, files, name):
        return (super().value_omitted_from_data(data, files, name)
                and name + TOKEN_SUFFIX not in data)

    def format_value(self, value):
        return None  # a file input never has a value

    def get_context(self, name, value, attrs):
        kept = [v for v in (value if isinstance(value, list | tuple) else [value])
                if isinstance(v, KeptFile)]
        if kept and attrs:
            attrs = {k: v for k, v in attrs.items() if k != "required"}
        context = super().get_context(name, None, attrs)
        context["widget"].update({
            "kept": kept, "token_name": name + TOKEN_SUFFIX,
            "discard_name": name + DISCARD_SUFFIX,
            "discard_id": f"{context['widget']['attrs'].get('id') or name}{DISCARD_SUFFIX}",
        })
        return context


class KeptMultipleFileInput(KeptFileInput):
    allow_multiple_selected = True


class KeptBoundField(BoundField):
    """Offers the files that arrived without an error of their own as kept files."""

    def value(self):
        if not self.form.is_bound:
            return None
        if hasattr(self, "_kept_value"):
            return self._kept_value
        self._kept_value = None
        store = getattr(self.form, "kept_uploads", None)
        if store is None or self.errors:
            return None  # no session to keep it in, or the file itself was refused
        cleaned = getattr(self.form, "cleaned_data", {}).get(self.name)
        uploads = cleaned if isinstance(cleaned, list | tuple) else [cleaned]
        kept = [store.keep(u) for u in uploads if isinstance(u, UploadedFile)]
        kept = [k for k in kept if k is not None]
        self._kept_value = kept if self.field.widget.allow_multiple_selected else (
            kept[0] if kept else None)
        return self._kept_value


class _KeptFileMixin:
    kept_uploads: KeptUploads | None = None  # set by KeepsFilesMixin

    def get_bound_field(self, form, field_name):
        return KeptBoundField(form, self, field_name)

    def _dropped(self, data):
        """``None`` for dropped kept files (their copies deleted), else ``data``."""
        if not isinstance(data, DroppedTokens):
            return data
        if self.kept_uploads is not None:
            for token in data.tokens:
                self.kept_uploads.discard(token)
        return None

    def _take(self, value):
        if not isinstance(value, KeptToken):
            return value
        if self.kept_uploads is None:
            raise forms.ValidationError(REFUSED, code="kept_file_refused")
        try:
            return self.kept_uploads.take(value.token)
        except KeptFileRefused:
            raise forms.ValidationError(REFUSED, code="kept_file_refused") from None

    def bound_data(self, data, initial):
        return initial


class KeptFileField(_KeptFileMixin, forms.FileField):
    """A file that survives a failed attempt (in a ``KeepsFilesMixin`` form)."""

    widget = KeptFileInput

    def clean(self, data, initial=None):
        return super().clean(self._take(self._dropped(data)), initial)


class KeptMultipleFileField(_KeptFileMixin, forms.FileField):
    """Several files that survive a failed attempt; ``cleaned_data`` holds a list."""

    widget = KeptMultipleFileInput

    def clean(self, data, initial=None):
        data = self._dropped(data)
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [self._take(item) for item in items]
        single = super().clean
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [single(f, initial) for f in files]


class KeepsFilesMixin:
    """For a form with kept-file fields: pass ``session=request.session``. Without a
    session the fields behave as plain file fields and refuse any token."""

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_uploads = KeptUploads(session) if session is not None else None
        for field in self.fields.values():
            if isinstance(field, _KeptFileMixin):
                field.kept_uploads = self.kept_uploads
