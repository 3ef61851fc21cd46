"""Images of products that are not public (drafts, withdrawn products) are not public
either: they live outside the public upload folder, the media URL the proxy serves does
not reach them, and a checked view shows them to those who see the product. Publishing
moves them into the public folder; withdrawing moves them out again."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from catalog.media import product_image_url
from catalog.models import ProductImage
from catalog.services.images import product_image_add
from catalog.services.products import product_publish, product_withdraw
from tests.catalog.factories import image_upload

pytestmark = pytest.mark.django_db


def _on_disk(name):
    return ProductImage._meta.get_field("image").storage.exists(name)


def _in_media_root(name):
    return (Path(settings.MEDIA_ROOT) / name).is_file()


@pytest.mark.urls("tests.catalog.urls_public_media")
def test_a_drafts_image_is_seen_only_by_its_maker_and_staff(client, maker, draft, outsider,
                                                            other_maker, staff):
    image = product_image_add(actor=maker, product=draft, file=image_upload())
    name = image.image.name
    assert name.startswith("product-drafts/") and _on_disk(name)
    # in private storage: whatever serves MEDIA_ROOT (the proxy, a misconfigured web
    # server) has nothing
    assert not _in_media_root(name)
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / name).is_file()
    assert client.get(f"/media/{name}").status_code == 404
    url = product_image_url(name)
    assert url == reverse("catalog:product_image_file", kwargs={"name": name})
    for user in (None, outsider, other_maker):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        assert client.get(url).status_code == 404
    for user in (maker, staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
    # the API gives the maker the checked address, not a /media/ one
    client.force_login(maker)
    body = client.get(f"/api/catalog/products/{draft.pk}/images/").json()
    assert body[0]["url"] == url


@pytest.mark.urls("tests.catalog.urls_public_media")
def test_publishing_moves_images_out_and_withdrawing_moves_them_back(
    client, maker, draft, django_capture_on_commit_callbacks
):
    image = product_image_add(actor=maker, product=draft, file=image_upload())
    hidden = image.image.name
    with django_capture_on_commit_callbacks(execute=True):
        product_publish(actor=maker, product=draft)
    image = ProductImage.objects.get(pk=image.pk)
    public = image.image.name
    assert public == "products/" + hidden[len("product-drafts/"):]
    assert _on_disk(public) and _in_media_root(public) and not _on_disk(hidden)
    client.logout()
    assert client.get(f"/media/{public}").status_code == 200
    assert product_image_url(public).startswith(settings.MEDIA_URL)

    with django_capture_on_commit_callbacks(execute=True):
        product_withdraw(actor=maker, product=draft)
    image = ProductImage.objects.get(pk=image.pk)
    assert image.image.name == hidden and _on_disk(hidden) and not _on_disk(public)
    assert client.get(f"/media/{public}").status_code == 404


def test_a_failed_publication_leaves_the_images_where_they_were(maker, draft, monkeypatch):
    image = product_image_add(actor=maker, product=draft, file=image_upload())
    hidden = image.image.name

    def broken(*args, **kwargs):
        raise RuntimeError("search down")

    monkeypatch.setattr("catalog.services.products.announce", broken)
    with pytest.raises(RuntimeError):
        product_publish(actor=maker, product=draft)
    image.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == "draft" and image.image.name == hidden and _on_disk(hidden)
    assert not _on_disk("products/" + hidden[len("product-drafts/"):])  # the copy is gone
