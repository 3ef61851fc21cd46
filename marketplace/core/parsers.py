"""The API's JSON parser: what JSON allows but no service can store is a 400 here.

- a NUL character in any string or key (valid JSON, but PostgreSQL refuses it);
- nesting deeper than ``MAX_DEPTH`` (a deeply nested body otherwise ends in a
  ``RecursionError`` somewhere in serialisation);
- numbers that are not finite (``NaN``, ``Infinity``: Python accepts them, JSON does not).
"""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _check(value, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise ParseError(_("The JSON is nested too deeply (at most %(max)s levels).")
                         % {"max": MAX_DEPTH})
    if isinstance(value, str):
        if "\x00" in value:
            raise ParseError(_("Text must not contain NUL characters."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, depth + 1)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", "utf-8")
        try:
            text = stream.read().decode(encoding)
            data = json.loads(text, parse_constant=_reject_constant) if text else {}
        except RecursionError as exc:
            raise ParseError(_("The JSON is nested too deeply (at most %(max)s levels).")
                             % {"max": MAX_DEPTH}) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("The body is not valid JSON.")) from exc
        _check(data)
        return data
