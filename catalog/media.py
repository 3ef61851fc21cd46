"""Addresses of product images: public files for published products, a checked view for
the others (see ``catalog.models.product_image_path``)."""

from __future__ import annotations

from django.urls import reverse

from catalog.models import PUBLIC_PRODUCT_IMAGES, MakerspacePhoto, ProductImage


def product_image_url(name: str | None) -> str | None:
    """The URL of a stored product image or thumbnail (``None`` for no file)."""
    if not name:
        return None
    if name.startswith(PUBLIC_PRODUCT_IMAGES):
        return ProductImage._meta.get_field("image").storage.url(name)
    return reverse("catalog:product_image_file", kwargs={"name": name})


def makerspace_photo_url(name: str | None) -> str | None:
    """The URL of a stored makerspace photo (public: makerspaces are public pages)."""
    if not name:
        return None
    return MakerspacePhoto._meta.get_field("image").storage.url(name)
