"""Stripe's form-encoded parameters: decoding nested keys and validating values.

The SDK sends ``metadata[pledge]=7``, ``expand[0]=latest_charge`` (it always indexes
arrays), curl users send ``expand[]=latest_charge``; both decode to the same nested
structure. Every value stays a string until a validator reads it, as Stripe does.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from . import errors

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
METADATA_MAX_KEYS = 50


def decode(body: str) -> dict[str, Any]:
    """Decode a query string or form body into nested dicts and lists."""
    root: dict[str, Any] = {}
    for raw_key, value in parse_qsl(body, keep_blank_values=True):
        head, _, rest = raw_key.partition("[")
        segments = [head] + (_SEGMENT.findall("[" + rest) if rest else [])
        node = root
        for seg in segments[:-1]:
            key = seg if seg != "" else str(len(node))
            child = node.get(key)
            if not isinstance(child, dict):
                child = {}
                node[key] = child
            node = child
        last = segments[-1]
        node[last if last != "" else str(len(node))] = value
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    items = {k: _listify(v) for k, v in node.items()}
    if items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


def check_known(data: dict[str, Any], allowed: frozenset[str] | set[str]) -> None:
    for key in data:
        if key not in allowed and key != "expand":
            raise errors.unknown_param(key)


def string(data: dict, key: str, *, required: bool = False, default: str | None = None):
    value = data.get(key)
    if value is None:
        if required:
            raise errors.missing(key)
        return default
    if not isinstance(value, str):
        raise errors.invalid(key, f"Invalid string: {key} must be a string.")
    if required and value == "":
        raise errors.invalid(key, f"You passed an empty string for '{key}'. We assume empty "
                             "values are an attempt to unset a parameter; however "
                             f"'{key}' cannot be unset.", code="parameter_invalid_empty")
    return value


def integer(data: dict, key: str, *, required: bool = False, minimum: int | None = None):
    value = data.get(key)
    if value is None:
        if required:
            raise errors.missing(key)
        return None
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value.strip()):
        raise errors.invalid(key, f"Invalid integer: {value}", code="parameter_invalid_integer")
    number = int(value)
    if minimum is not None and number < minimum:
        raise errors.invalid(
            key,
            f"This value must be greater than or equal to {minimum}.",
            code="parameter_invalid_integer",
        )
    return number


def boolean(data: dict, key: str, default: bool | None = None) -> bool | None:
    value = data.get(key)
    if value is None:
        return default
    if value in ("true", "True", "1"):
        return True
    if value in ("false", "False", "0", ""):
        return False
    raise errors.invalid(key, f"Invalid boolean: {value}", code="parameter_invalid_boolean")


def choice(data: dict, key: str, choices: tuple[str, ...], default: str | None = None):
    value = data.get(key)
    if value is None:
        return default
    if value not in choices:
        raise errors.invalid(
            key,
            f"Invalid {key}: must be one of {', '.join(choices)}",
            code="parameter_invalid_string" if isinstance(value, str) else "parameter_unknown",
        )
    return value


def mapping(data: dict, key: str) -> dict | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise errors.invalid(key, f"Invalid object: {key} must be a hash.",
                             code="parameter_invalid_string")
    return value


def string_list(data: dict, key: str) -> list[str] | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.invalid(key, f"Invalid array: {key} must be a list of strings.",
                             code="parameter_invalid_string")
    return value


def metadata(data: dict, current: dict[str, str] | None = None) -> dict[str, str]:
    """Stripe's metadata semantics: keys merge into ``current``, an empty value deletes its
    key, and ``metadata=""`` clears all."""
    result = dict(current or {})
    value = data.get("metadata")
    if value is None:
        return result
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise errors.invalid("metadata", "Invalid object", code="parameter_invalid_string")
    for key, item in value.items():
        if not isinstance(item, str):
            raise errors.invalid(f"metadata[{key}]", "Metadata values must be strings.")
        if len(key) > 40:
            raise errors.invalid(
                "metadata", f"Metadata keys can have up to 40 characters; '{key}' is too long."
            )
        if len(item) > 500:
            raise errors.invalid(
                f"metadata[{key}]", "Metadata values can have up to 500 characters."
            )
        if item == "":
            result.pop(key, None)
        else:
            result[key] = item
    if len(result) > METADATA_MAX_KEYS:
        raise errors.invalid("metadata", "You can specify up to 50 metadata keys.")
    return result
