from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.listing_list, name="list"),
    path("map/", views.listing_map, name="map"),
    path("listings.geojson", views.listings_geojson, name="geojson"),
    path("suggest/", views.suggest_listing, name="suggest"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("categories/", views.category_list, name="categories"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("export.csv", views.export_csv, name="export"),
    path("import/", views.import_csv, name="import"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<str:slug>/", views.listing_detail, name="detail"),
    path("<str:slug>/edit/", views.listing_edit, name="edit"),
    path("<str:slug>/manage/", views.listing_manage, name="manage"),
    path("<str:slug>/suggest/", views.suggest_for_listing, name="suggest_for"),
    path("<str:slug>/services/add/", views.service_add, name="service_add"),
    path("<str:slug>/services/<int:service_id>/", views.service_edit, name="service_edit"),
    path(
        "<str:slug>/services/<int:service_id>/delete/", views.service_delete, name="service_delete"
    ),
    path("<str:slug>/addresses/add/", views.address_add, name="address_add"),
    path("<str:slug>/addresses/<int:address_id>/", views.address_edit, name="address_edit"),
    path(
        "<str:slug>/addresses/<int:address_id>/delete/", views.address_delete, name="address_delete"
    ),
    path("<str:slug>/photos/add/", views.photo_add, name="photo_add"),
    path("<str:slug>/photos/<int:photo_id>/", views.photo_edit, name="photo_edit"),
    path("<str:slug>/photos/<int:photo_id>/delete/", views.photo_delete, name="photo_delete"),
]
