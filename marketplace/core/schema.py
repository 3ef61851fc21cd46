"""OpenAPI schema glue for the HackSoft style of one view per use case.

Views nest their serializers (``KycSubmitApi.InputSerializer``), so drf-spectacular
would name every one of them "Input" or "Output" and warn about the clashes. This
schema class names a nested serializer after its view instead: ``KycSubmitInput``.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

_VIEW_SUFFIXES = ("APIView", "ViewSet", "Api", "View")


def nested_component_name(serializer_class: type) -> str:
    parts = serializer_class.__qualname__.split(".")
    name = serializer_class.__name__
    if len(parts) < 2 or "<locals>" in parts:
        return name
    owner = parts[-2]
    for suffix in _VIEW_SUFFIXES:
        if owner.endswith(suffix) and owner != suffix:
            owner = owner[: -len(suffix)]
            break
    return owner + name


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer, direction):
        return nested_component_name(type(serializer))


ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of the API (marketplace.core.api).",
    "properties": {
        "detail": {"type": "string", "description": "A message in the request's language"},
        "code": {"type": "string", "description": "A stable code, e.g. not_found"},
        "errors": {"type": "object", "additionalProperties": True,
                   "description": "Field errors of a validation failure"},
        "data": {"type": "object", "additionalProperties": True},
    },
    "required": ["detail", "code"],
}
# What any operation may answer: bad input (and unparsable bodies), refused, not found
# (also an out-of-range page), throttled; bodies in a type the view does not parse.
COMMON_ERRORS = {
    "400": "Invalid input",
    "403": "Not allowed (or not signed in)",
    "404": "Not found",
    "429": "Too many requests",
}
BODY_ERRORS = {"415": "Unsupported media type"}


def add_common_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents the error answers
    the core's exception handler can give, with the one error body."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(COMMON_ERRORS)
            if method in ("post", "put", "patch"):
                errors.update(BODY_ERRORS)
            for status, description in errors.items():
                operation["responses"].setdefault(status, {
                    "description": description,
                    "content": {"application/json": {"schema": ref}},
                })
    return result


BLANK_STRING = {"type": "string", "maxLength": 0}


def blank_is_an_alternative(result, generator, request, public):
    """drf-spectacular post-processing hook: a text field that allows blank *and* has a
    pattern is documented as ``oneOf: [<pattern>, <blank>]``; when the pattern matches
    the empty string too, the empty string matches both and ``oneOf`` would call it
    invalid. ``anyOf`` says what the field takes."""

    def walk(node):
        if isinstance(node, dict):
            alternatives = node.get("oneOf")
            if isinstance(alternatives, list) and BLANK_STRING in alternatives:
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


class ErrorSerializer(serializers.Serializer):
    """The one error body (see ``marketplace.core.api``), for ``@extend_schema``."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(required=False)
    data = serializers.DictField(required=False)


ErrorSerializer.__name__ = ERROR_COMPONENT  # its component is "Error", as the hook's
ERROR_DESCRIPTIONS = {
    400: "Invalid input (names the rule)", 402: "The card was refused", 403: "Not allowed",
    404: "Not found", 409: "Not allowed in the current state",
    503: "A service the action needs did not answer; try again",
}


def error_responses(*codes: int) -> dict:
    """``responses`` entries for ``@extend_schema``: the one error body per status."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
            for code in codes}
