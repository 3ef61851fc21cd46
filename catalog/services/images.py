"""Product images and makerspace photos: validated uploads, thumbnails after commit."""

from __future__ import annotations

import io
import uuid
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from PIL import ImageOps

from catalog.errors import CatalogValidationError
from catalog.models import (
    HIDDEN_PRODUCT_IMAGES,
    PUBLIC_PRODUCT_IMAGES,
    Makerspace,
    MakerspacePhoto,
    Product,
    ProductImage,
)
from catalog.rules import CatalogPerm
from catalog.services.common import clean_text, upload_name
from catalog.signals import makerspace_changed, product_changed
from catalog.states import CatalogAction
from catalog.validators import check_image, open_image
from marketplace.core.audit import audit_log
from marketplace.core.permissions import has_perm, require_perm
from marketplace.core.signals import announce
from marketplace.core.tasks import enqueue

THUMBNAIL_TASK = "catalog.product_image_make_thumbnail"
MAX_IMAGES_PER_PRODUCT = 12
MAX_PHOTOS_PER_MAKERSPACE = 20
THUMBNAIL_SIZE = (400, 400)


def _delete_files_after_commit(*files) -> None:
    names = [(f.storage, f.name) for f in files if f]

    def delete():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def product_image_add(*, actor, product: Product, file, alt: str = "") -> ProductImage:
    """Store a checked image; its thumbnail is made by a task after commit."""
    require_perm(actor, CatalogPerm.CHANGE_PRODUCT, product)
    alt = clean_text(ProductImage, "alt", alt)
    checked = check_image(file, field="image")  # before anything is written
    image = ProductImage(
        product=product, alt=alt, width=checked.width, height=checked.height,
        format=checked.format, uploaded_by=actor,
    )
    with _removing_file_on_error(image.image), transaction.atomic():
        # Lock the product so concurrent uploads cannot pass the limit together.
        Product.objects.select_for_update().filter(pk=product.pk).first()
        if product.images.count() >= MAX_IMAGES_PER_PRODUCT:
            raise CatalogValidationError(
                _("A product can have at most %(max)s images.") % {"max": MAX_IMAGES_PER_PRODUCT}
            )
        image.position = (product.images.aggregate(n=Max("position"))["n"] or 0) + 1
        image.image.save(upload_name(checked.extension), file, save=False)
        image.save()
        audit_log(
            actor=actor, action=CatalogAction.PRODUCT_IMAGE_ADDED, obj=product,
            data={"image": image.pk, "format": checked.format,
                  "size": [checked.width, checked.height]},
        )
        enqueue(THUMBNAIL_TASK, image.pk)  # after commit, through the outbox
        announce(product_changed, product_id=product.pk)
    return image


@contextmanager
def _removing_file_on_error(fieldfile):
    """A write that fails after the file was stored removes the file again, so a refused
    upload leaves nothing behind."""
    try:
        yield
    except BaseException:
        if fieldfile.name:
            fieldfile.storage.delete(fieldfile.name)
        raise


def product_image_delete(*, actor, image: ProductImage) -> None:
    """The maker removes an image; staff may too (moderation, from the admin)."""
    product = image.product
    if not has_perm(actor, CatalogPerm.MODERATE_PRODUCT, product):
        require_perm(actor, CatalogPerm.CHANGE_PRODUCT, product)
    with transaction.atomic():
        # Re-read: the thumbnail may have been written by the task since ``image`` was loaded.
        image = ProductImage.objects.select_for_update().get(pk=image.pk)
        image_id = image.pk
        image.delete()
        audit_log(
            actor=actor, action=CatalogAction.PRODUCT_IMAGE_DELETED, obj=product,
            data={"image": image_id},
        )
        _delete_files_after_commit(image.image, image.thumbnail)
        announce(product_changed, product_id=product.pk)


class product_images_moved:  # noqa: N801  (used as a context manager, like a function)
    """Move a product's images (and thumbnails) into the public upload folder when it is
    published, into private storage when it is withdrawn, with the transaction that
    changes its status::

        with product_images_moved(product, public=True) as move, transaction.atomic():
            transition(...)
            move()

    Copies are written first and the rows updated; the old files go after commit. Should
    anything in the block fail (the transaction rolls back), the copies are deleted, so the
    rows, which roll back too, still point at files that exist."""

    def __init__(self, product: Product, *, public: bool):
        self.product, self.public = product, public
        self.copies: list = []

    def __enter__(self):
        return self.move

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for storage, name in self.copies:
                storage.delete(name)
        return False

    def move(self) -> None:
        source, target = ((HIDDEN_PRODUCT_IMAGES, PUBLIC_PRODUCT_IMAGES) if self.public
                          else (PUBLIC_PRODUCT_IMAGES, HIDDEN_PRODUCT_IMAGES))
        originals = []
        for image in ProductImage.objects.select_for_update().filter(product=self.product):
            changed = []
            for field in ("image", "thumbnail"):
                fieldfile = getattr(image, field)
                if not fieldfile.name or not fieldfile.name.startswith(source):
                    continue
                new_name = target + fieldfile.name[len(source):]
                with fieldfile.storage.open(fieldfile.name, "rb") as handle:
                    stored = fieldfile.storage.save(new_name, handle)
                self.copies.append((fieldfile.storage, stored))
                originals.append((fieldfile.storage, fieldfile.name))
                setattr(image, field, stored)
                changed.append(field)
            if changed:
                image.save(update_fields=changed)

        def delete_originals():
            for storage, name in originals:
                storage.delete(name)

        transaction.on_commit(delete_originals)


def make_thumbnail(source) -> ContentFile:
    """A WebP thumbnail of at most 400 x 400 px, oriented by EXIF."""
    source.open("rb")
    try:
        with open_image(source) as img:
            img = ImageOps.exif_transpose(img)
            if img.mode not in ("RGB", "RGBA"):
                img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
            img.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            img.save(out, format="WEBP", quality=80, method=4)
    finally:
        source.close()
    return ContentFile(out.getvalue())


def product_image_thumbnail_generate(*, image_id: int) -> bool:
    """Idempotent: an image that already has a thumbnail (or no longer exists) is left
    alone. Returns whether a thumbnail was written."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or image.thumbnail:
        return False
    content = make_thumbnail(image.image)
    name = image.thumbnail.field.generate_filename(image, f"thumb-{uuid.uuid4().hex}.webp")
    stored = image.thumbnail.storage.save(name, content)
    with transaction.atomic():
        updated = ProductImage.objects.filter(pk=image_id, thumbnail="").update(thumbnail=stored)
        if not updated:  # another worker won the race; drop our copy
            transaction.on_commit(lambda: image.thumbnail.storage.delete(stored))
            return False
        announce(product_changed, product_id=image.product_id)
    return True


def makerspace_photo_add(*, actor, makerspace: Makerspace, file, caption: str = "") -> MakerspacePhoto:
    require_perm(actor, CatalogPerm.CHANGE_MAKERSPACE, makerspace)
    caption = clean_text(MakerspacePhoto, "caption", caption)
    checked = check_image(file, field="image")
    photo = MakerspacePhoto(makerspace=makerspace, caption=caption)
    with _removing_file_on_error(photo.image), transaction.atomic():
        Makerspace.objects.select_for_update().filter(pk=makerspace.pk).first()
        if makerspace.photos.count() >= MAX_PHOTOS_PER_MAKERSPACE:
            raise CatalogValidationError(
                _("A makerspace can have at most %(max)s photos.")
                % {"max": MAX_PHOTOS_PER_MAKERSPACE}
            )
        photo.position = (makerspace.photos.aggregate(n=Max("position"))["n"] or 0) + 1
        photo.image.save(upload_name(checked.extension), file, save=False)
        photo.save()
        audit_log(
            actor=actor, action=CatalogAction.MAKERSPACE_PHOTO_ADDED, obj=makerspace,
            data={"photo": photo.pk},
        )
        announce(makerspace_changed, makerspace_id=makerspace.pk)
    return photo


def makerspace_photo_delete(*, actor, photo: MakerspacePhoto) -> None:
    makerspace = photo.makerspace
    require_perm(actor, CatalogPerm.CHANGE_MAKERSPACE, makerspace)
    with transaction.atomic():
        photo_id = photo.pk
        photo.delete()
        audit_log(
            actor=actor, action=CatalogAction.MAKERSPACE_PHOTO_DELETED, obj=makerspace,
            data={"photo": photo_id},
        )
        _delete_files_after_commit(photo.image)
        announce(makerspace_changed, makerspace_id=makerspace.pk)
