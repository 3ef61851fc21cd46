"""OpenAPI schema glue for the HackSoft style of one view per use case.

Views nest their serializers (``KycSubmitApi.InputSerializer``), so drf-spectacular
would name every one of them "Input" or "Output" and warn about the clashes. This
schema class names a nested serializer after its view instead: ``KycSubmitInput``.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

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
