"""Makerspace and category API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import errors, organisation_by_slug
from catalog.api.serializers import (
    CategoryOutputSerializer,
    MakerspaceCreateInputSerializer,
    MakerspaceDetailOutputSerializer,
    MakerspaceInputSerializer,
    MakerspaceListOutputSerializer,
    MakerspacePhotoOutputSerializer,
    MakerspaceResidentInputSerializer,
    PhotoUploadInputSerializer,
)
from catalog.filters import MakerspaceFilter
from catalog.selectors import categories, makerspace_get, makerspace_list, makerspace_photo_get
from catalog.services.images import makerspace_photo_add, makerspace_photo_delete
from catalog.services.makerspaces import (
    makerspace_create,
    makerspace_resident_add,
    makerspace_resident_remove,
    makerspace_update,
)
from marketplace.core.api import Pagination


def _detail(request, slug: str):
    return MakerspaceDetailOutputSerializer(makerspace_get(user=request.user, slug=slug)).data


class CategoryListApi(generics.ListAPIView):
    """The whole category tree in tree order (not paginated: it is reference data)."""

    serializer_class = CategoryOutputSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return categories().select_related("parent")


class MakerspaceListCreateApi(generics.ListAPIView):
    serializer_class = MakerspaceListOutputSerializer
    filterset_class = MakerspaceFilter
    pagination_class = Pagination

    def get_queryset(self):
        return makerspace_list()

    @extend_schema(
        request=MakerspaceCreateInputSerializer,
        responses={201: MakerspaceDetailOutputSerializer, **errors(400, 403)},
        summary="Onboard a makerspace (staff)",
    )
    def post(self, request):
        serializer = MakerspaceCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        operator = organisation_by_slug(data.pop("operator"))
        makerspace = makerspace_create(actor=request.user, operator=operator, **data)
        return Response(_detail(request, makerspace.slug), status=status.HTTP_201_CREATED)


class MakerspaceDetailApi(APIView):
    @extend_schema(responses={200: MakerspaceDetailOutputSerializer, **errors(404)})
    def get(self, request, slug: str):
        return Response(_detail(request, slug))

    @extend_schema(
        request=MakerspaceInputSerializer,
        responses={200: MakerspaceDetailOutputSerializer, **errors(400, 403, 404)},
        summary="Change a makerspace (its operator)",
    )
    def patch(self, request, slug: str):
        makerspace = makerspace_get(user=request.user, slug=slug)
        serializer = MakerspaceInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        makerspace_update(actor=request.user, makerspace=makerspace, **serializer.validated_data)
        return Response(_detail(request, slug))


class MakerspaceResidentApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=MakerspaceResidentInputSerializer,
        responses={200: MakerspaceDetailOutputSerializer, **errors(400, 403, 404)},
        summary="Add a resident maker (operator)",
    )
    def post(self, request, slug: str):
        makerspace = makerspace_get(user=request.user, slug=slug)
        serializer = MakerspaceResidentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        makerspace_resident_add(
            actor=request.user, makerspace=makerspace,
            organisation=organisation_by_slug(serializer.validated_data["organisation"]),
        )
        return Response(_detail(request, slug))

    @extend_schema(
        request=MakerspaceResidentInputSerializer,
        responses={200: MakerspaceDetailOutputSerializer, **errors(400, 403, 404)},
        summary="Remove a resident maker (operator)",
    )
    def delete(self, request, slug: str):
        makerspace = makerspace_get(user=request.user, slug=slug)
        serializer = MakerspaceResidentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        makerspace_resident_remove(
            actor=request.user, makerspace=makerspace,
            organisation=organisation_by_slug(serializer.validated_data["organisation"]),
        )
        return Response(_detail(request, slug))


class MakerspacePhotoCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request={"multipart/form-data": PhotoUploadInputSerializer},
        responses={201: MakerspacePhotoOutputSerializer, **errors(400, 403, 404)},
    )
    def post(self, request, slug: str):
        makerspace = makerspace_get(user=request.user, slug=slug)
        serializer = PhotoUploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo = makerspace_photo_add(
            actor=request.user, makerspace=makerspace, file=serializer.validated_data["image"],
            caption=serializer.validated_data.get("caption", ""),
        )
        return Response(MakerspacePhotoOutputSerializer(photo).data, status=status.HTTP_201_CREATED)


class MakerspacePhotoDeleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **errors(403, 404)})
    def delete(self, request, slug: str, photo_id: int):
        makerspace = makerspace_get(user=request.user, slug=slug)
        photo = makerspace_photo_get(makerspace=makerspace, pk=photo_id)
        makerspace_photo_delete(actor=request.user, photo=photo)
        return Response(status=status.HTTP_204_NO_CONTENT)
