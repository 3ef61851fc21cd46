from django.urls import path

from catalog.views import certifications, first_sets, makerspaces, products

app_name = "catalog"
urlpatterns = [
    path("products/", products.product_list_page, name="product_list"),
    path("products/new/", products.product_create_page, name="product_create"),
    path("products/mine/", products.my_products, name="my_products"),
    path("products/<slug:slug>/", products.product_detail, name="product_detail"),
    path("products/<slug:slug>/edit/", products.product_edit_page, name="product_edit"),
    path("products/<slug:slug>/publish/", products.product_publish_page, name="product_publish"),
    path("products/<slug:slug>/withdraw/", products.product_withdraw_page, name="product_withdraw"),
    path("products/<slug:slug>/images/", products.product_image_upload_page, name="product_image_upload"),
    path("products/<slug:slug>/images/<int:image_id>/delete/", products.product_image_delete_page,
         name="product_image_delete"),
    path("products/<slug:slug>/certification/", certifications.certification_apply_page,
         name="certification_apply"),
    path("products/<slug:slug>/first-sets/", first_sets.product_first_sets_page,
         name="product_first_sets"),
    path("first-sets/awaiting/", first_sets.first_set_units_awaiting_page,
         name="first_set_units_awaiting"),
    path("first-sets/units/<int:pk>/document/", first_sets.first_set_unit_document,
         name="first_set_unit_document"),
    path("certifications/", certifications.certification_queue_page, name="certification_queue"),
    path("certifications/<int:pk>/", certifications.certification_review_page,
         name="certification_review"),
    path("certifications/<int:pk>/documents/<int:document_id>/",
         certifications.certification_document_download, name="certification_document"),
    path("makerspaces/", makerspaces.makerspace_list_page, name="makerspace_list"),
    path("makerspaces/<slug:slug>/", makerspaces.makerspace_detail, name="makerspace_detail"),
    path("makerspaces/<slug:slug>/edit/", makerspaces.makerspace_edit_page, name="makerspace_edit"),
    path("makerspaces/<slug:slug>/photos/", makerspaces.makerspace_photo_upload_page,
         name="makerspace_photo_upload"),
    path("makerspaces/<slug:slug>/photos/<int:photo_id>/delete/",
         makerspaces.makerspace_photo_delete_page, name="makerspace_photo_delete"),
    path("makerspaces/<slug:slug>/residents/", makerspaces.makerspace_resident_page,
         name="makerspace_residents"),
]
