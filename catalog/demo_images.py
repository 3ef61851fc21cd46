"""Pictures for the demo, drawn by code at seed time (Pillow): each top-level category has
its colour and motif, each product and makerspace its own arrangement (seeded by its slug),
so the catalogue and search show pictures without shipping any. Idempotent: only a
product without images, or a makerspace without photos, gets one."""

from __future__ import annotations

import hashlib
import io
import math
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFilter

SIZE = (800, 600)
THUMBNAIL = (400, 300)

# top-level category -> (base colour, accent colour, motif)
CATEGORY_LOOKS: dict[str, tuple[tuple[int, int, int], tuple[int, int, int], str]] = {
    "smart-hardware": ((32, 76, 140), (120, 200, 255), "circuit"),
    "marine-equipment": ((12, 84, 120), (140, 220, 230), "waves"),
    "new-energy": ((30, 110, 60), (250, 210, 80), "rays"),
    "biomedicine": ((120, 40, 90), (250, 170, 210), "cells"),
    "agritech": ((70, 110, 30), (200, 230, 120), "leaves"),
    "industrial-design": ((90, 60, 140), (230, 200, 255), "shapes"),
    "advanced-manufacturing": ((70, 75, 85), (250, 150, 60), "gears"),
    "software-services": ((25, 35, 60), (90, 230, 170), "grid"),
}
MAKERSPACE_LOOK = ((150, 80, 30), (255, 220, 160), "blocks")


def _rng(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))  # noqa: S311


def look_for(category_path: str):
    root = (category_path or "").split("/", 1)[0]
    if root in CATEGORY_LOOKS:
        return CATEGORY_LOOKS[root]
    rng = _rng(root)  # an unknown category still gets a stable look of its own
    base = tuple(rng.randrange(20, 140) for _ in range(3))
    accent = tuple(min(255, c + 110) for c in base)
    return base, accent, rng.choice(["circuit", "waves", "shapes", "grid"])


def _background(base, accent) -> Image.Image:
    width, height = SIZE
    img = Image.new("RGB", SIZE, base)
    draw = ImageDraw.Draw(img)
    for y in range(height):  # a vertical gradient towards a lighter tone
        t = y / height * 0.45
        draw.line([(0, y), (width, y)],
                  fill=tuple(int(b + (a - b) * t) for b, a in zip(base, accent, strict=True)))
    return img


def _motif(draw: ImageDraw.ImageDraw, motif: str, accent, rng: random.Random) -> None:
    width, height = SIZE
    soft = (*accent, 110)
    if motif == "circuit":
        for _ in range(14):
            x, y = rng.randrange(width), rng.randrange(height)
            points = [(x, y)]
            for _ in range(4):
                x += rng.choice((-1, 1)) * rng.randrange(40, 140)
                y += rng.choice((-1, 0, 1)) * rng.randrange(30, 90)
                points.append((x, y))
            draw.line(points, fill=soft, width=5)
            draw.ellipse([x - 9, y - 9, x + 9, y + 9], fill=accent)
    elif motif == "waves":
        for i in range(9):
            amp, phase, base_y = rng.randrange(12, 40), rng.random() * 6, 120 + i * 55
            points = [(x, base_y + amp * math.sin(x / 60 + phase)) for x in range(0, width + 10, 10)]
            draw.line(points, fill=soft, width=6)
    elif motif == "rays":
        cx, cy = rng.randrange(200, 600), rng.randrange(150, 300)
        for i in range(24):
            angle = i * math.pi / 12 + rng.random() * .1
            draw.line([(cx, cy), (cx + 900 * math.cos(angle), cy + 900 * math.sin(angle))],
                      fill=soft, width=8)
        draw.ellipse([cx - 70, cy - 70, cx + 70, cy + 70], fill=accent)
    elif motif == "cells":
        for _ in range(22):
            x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(20, 70)
            draw.ellipse([x - r, y - r, x + r, y + r], outline=accent, width=5, fill=(*accent, 40))
            draw.ellipse([x - r // 4, y - r // 4, x + r // 4, y + r // 4], fill=soft)
    elif motif == "leaves":
        for _ in range(18):
            x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(30, 80)
            draw.chord([x - r, y - r // 2, x + r, y + r // 2], 0, 180, fill=soft)
            draw.chord([x - r, y - r // 2, x + r, y + r // 2], 180, 360, fill=(*accent, 70))
    elif motif == "gears":
        for _ in range(6):
            x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(50, 120)
            teeth = 10
            points = []
            for i in range(teeth * 2):
                angle = i * math.pi / teeth
                radius = r if i % 2 == 0 else r * .78
                points.append((x + radius * math.cos(angle), y + radius * math.sin(angle)))
            draw.polygon(points, outline=accent, width=6)
            draw.ellipse([x - r // 3, y - r // 3, x + r // 3, y + r // 3], outline=accent, width=6)
    elif motif == "grid":
        step = rng.choice((40, 50, 60))
        for x in range(0, width, step):
            draw.line([(x, 0), (x, height)], fill=(*accent, 50), width=1)
        for y in range(0, height, step):
            draw.line([(0, y), (width, y)], fill=(*accent, 50), width=1)
        for _ in range(16):
            x, y = rng.randrange(0, width, step), rng.randrange(0, height, step)
            draw.rectangle([x, y, x + step, y + step], fill=soft)
    else:  # shapes, blocks
        for _ in range(12):
            x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(30, 110)
            kind = rng.choice(("rect", "ellipse", "triangle")) if motif == "shapes" else "rect"
            if kind == "rect":
                draw.rectangle([x - r, y - r // 2, x + r, y + r // 2], fill=soft)
            elif kind == "ellipse":
                draw.ellipse([x - r, y - r, x + r, y + r], fill=soft)
            else:
                draw.polygon([(x, y - r), (x + r, y + r), (x - r, y + r)], fill=soft)


def picture(key: str, look) -> Image.Image:
    base, accent, motif = look
    img = _background(base, accent)
    overlay = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    _motif(ImageDraw.Draw(overlay), motif, accent, _rng(key))
    overlay = overlay.filter(ImageFilter.SMOOTH)
    img.paste(overlay, (0, 0), overlay)
    return img


def encoded(img: Image.Image, *, fmt: str, size=None, quality: int = 82) -> bytes:
    if size is not None:
        img = img.copy()
        img.thumbnail(size)
    out = io.BytesIO()
    img.save(out, format=fmt, quality=quality)
    return out.getvalue()


def seed_pictures(products, makerspaces, log) -> tuple[int, int]:
    """A picture (and its thumbnail) for each product without images, a photo for each
    makerspace without photos. Returns how many of each were made."""
    from catalog.models import MakerspacePhoto, ProductImage

    with_images = set(ProductImage.objects.filter(product__in=products)
                      .values_list("product_id", flat=True))
    made_images = 0
    for product in products:
        if product.pk in with_images:
            continue
        img = picture(product.slug, look_for(product.category.path))
        image = ProductImage(product=product, alt=product.name, position=1,
                             width=SIZE[0], height=SIZE[1], format="JPEG")
        image.image.save(f"demo-{product.slug}.jpg",
                         ContentFile(encoded(img, fmt="JPEG")), save=False)
        image.thumbnail.save(f"demo-{product.slug}-thumb.webp",
                             ContentFile(encoded(img, fmt="WEBP", size=THUMBNAIL)), save=False)
        image.save()
        made_images += 1
    with_photos = set(MakerspacePhoto.objects.filter(makerspace__in=makerspaces)
                      .values_list("makerspace_id", flat=True))
    made_photos = 0
    for space in makerspaces:
        if space.pk in with_photos:
            continue
        img = picture(space.slug, MAKERSPACE_LOOK)
        photo = MakerspacePhoto(makerspace=space, caption=space.name, position=1)
        photo.image.save(f"demo-{space.slug}.jpg", ContentFile(encoded(img, fmt="JPEG")),
                         save=False)
        photo.save()
        made_photos += 1
    if made_images or made_photos:
        log(f"pictures: {made_images} product images, {made_photos} makerspace photos")
    return made_images, made_photos
