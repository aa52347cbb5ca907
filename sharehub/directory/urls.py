from django.urls import path

from .views import export, manage, public, staff, suggest

app_name = "directory"
urlpatterns = [
    path("", public.listing_list, name="list"),
    path("map/", public.listing_map, name="map"),
    path("listings.geojson", public.listings_geojson, name="geojson"),
    path("suggest/", suggest.suggest_listing, name="suggest"),
    path("suggestions/<int:pk>/", suggest.suggestion_detail, name="suggestion"),
    path("categories/", staff.category_list, name="categories"),
    path("categories/<int:pk>/", staff.category_edit, name="category_edit"),
    path("export.csv", export.listings_csv, name="export"),
    path("import/", staff.import_csv, name="import"),
    path("import/<int:pk>/confirm/", staff.import_confirm, name="import_confirm"),
    path("<str:slug>/", public.listing_detail, name="detail"),
    path("<str:slug>/edit/", manage.listing_edit, name="edit"),
    path("<str:slug>/manage/", manage.listing_manage, name="manage"),
    path("<str:slug>/suggest/", suggest.suggest_for_listing, name="suggest_for"),
    path("<str:slug>/services/add/", manage.service_add, name="service_add"),
    path("<str:slug>/services/<int:service_id>/", manage.service_edit, name="service_edit"),
    path(
        "<str:slug>/services/<int:service_id>/delete/", manage.service_delete, name="service_delete"
    ),
    path("<str:slug>/addresses/add/", manage.address_add, name="address_add"),
    path("<str:slug>/addresses/<int:address_id>/", manage.address_edit, name="address_edit"),
    path(
        "<str:slug>/addresses/<int:address_id>/delete/",
        manage.address_delete,
        name="address_delete",
    ),
    path("<str:slug>/photos/add/", manage.photo_add, name="photo_add"),
    path("<str:slug>/photos/<int:photo_id>/", manage.photo_edit, name="photo_edit"),
    path("<str:slug>/photos/<int:photo_id>/delete/", manage.photo_delete, name="photo_delete"),
]
