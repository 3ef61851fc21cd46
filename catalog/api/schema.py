"""OpenAPI tweaks. The product detail is documented as the list item plus the detail
fields (allOf), so the product status enum lives in one component only and its name does
not collide with other apps' "status" enums."""

from drf_spectacular.extensions import OpenApiSerializerExtension


class ProductDetailSchema(OpenApiSerializerExtension):
    target_class = "catalog.api.serializers.ProductDetailOutputSerializer"

    def map_serializer(self, auto_schema, direction):
        from catalog.api.serializers import (
            ProductDetailExtraOutputSerializer,
            ProductListOutputSerializer,
        )

        return {
            "allOf": [
                auto_schema.resolve_serializer(ProductListOutputSerializer, direction).ref,
                auto_schema.resolve_serializer(ProductDetailExtraOutputSerializer, direction).ref,
            ]
        }
