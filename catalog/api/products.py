"""Product API: one thin view per use case; rules live in the services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api import schema  # noqa: F401  (registers the OpenAPI extension)
from catalog.api.common import (
    errors,
    organisation_by_slug,
    resolve_product_refs,
)
from catalog.api.serializers import (
    ImageUploadInputSerializer,
    ProductCreateInputSerializer,
    ProductDetailOutputSerializer,
    ProductImageOutputSerializer,
    ProductInputSerializer,
    ProductListOutputSerializer,
    ProductWithdrawInputSerializer,
)
from catalog.filters import ProductFilter
from catalog.selectors import (
    product_detail_get,
    product_get,
    product_image_get,
    product_images,
    product_list,
)
from catalog.services.images import product_image_add, product_image_delete
from catalog.services.products import (
    product_create,
    product_publish,
    product_update,
    product_withdraw,
)
from marketplace.core.api import Pagination


def _detail(request, pk: int):
    product = product_detail_get(user=request.user, pk=pk)
    return ProductDetailOutputSerializer(product, context={"request": request}).data


class ProductListCreateApi(generics.ListAPIView):
    """Published products for everyone; your organisation's drafts too when signed in."""

    serializer_class = ProductListOutputSerializer
    filterset_class = ProductFilter
    pagination_class = Pagination

    def get_queryset(self):
        return product_list(user=self.request.user)

    @extend_schema(
        request=ProductCreateInputSerializer,
        responses={201: ProductDetailOutputSerializer, **errors(400, 403)},
        summary="Create a draft product",
    )
    def post(self, request):
        serializer = ProductCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = resolve_product_refs(serializer.validated_data)
        organisation = organisation_by_slug(data.pop("organisation"))
        product = product_create(actor=request.user, organisation=organisation, **data)
        return Response(_detail(request, product.pk), status=status.HTTP_201_CREATED)


class ProductDetailApi(APIView):
    @extend_schema(responses={200: ProductDetailOutputSerializer, **errors(404)})
    def get(self, request, pk: int):
        return Response(_detail(request, pk))

    @extend_schema(
        request=ProductInputSerializer,
        responses={200: ProductDetailOutputSerializer, **errors(400, 403, 404)},
        summary="Change a product (owner or member of its organisation)",
    )
    def patch(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        serializer = ProductInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        product_update(
            actor=request.user, product=product, **resolve_product_refs(serializer.validated_data)
        )
        return Response(_detail(request, pk))


class ProductPublishApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ProductDetailOutputSerializer, **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        product_publish(actor=request.user, product=product_get(user=request.user, pk=pk))
        return Response(_detail(request, pk))


class ProductWithdrawApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ProductWithdrawInputSerializer,
        responses={200: ProductDetailOutputSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        serializer = ProductWithdrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product_withdraw(
            actor=request.user, product=product_get(user=request.user, pk=pk),
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(_detail(request, pk))


class ProductImageListCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: ProductImageOutputSerializer(many=True), **errors(404)})
    def get(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        images = product_images(product)
        return Response(ProductImageOutputSerializer(images, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ImageUploadInputSerializer},
        responses={201: ProductImageOutputSerializer, **errors(400, 403, 404)},
        summary="Upload a product image",
    )
    def post(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        serializer = ImageUploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        image = product_image_add(
            actor=request.user, product=product, file=serializer.validated_data["image"],
            alt=serializer.validated_data.get("alt", ""),
        )
        image.refresh_from_db()
        return Response(ProductImageOutputSerializer(image).data, status=status.HTTP_201_CREATED)


class ProductImageDeleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **errors(403, 404)})
    def delete(self, request, pk: int, image_id: int):
        product = product_get(user=request.user, pk=pk)
        image = product_image_get(user=request.user, product=product, pk=image_id)
        product_image_delete(actor=request.user, image=image)
        return Response(status=status.HTTP_204_NO_CONTENT)
