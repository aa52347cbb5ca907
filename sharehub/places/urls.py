from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.district_index, name="list"),
    # Before <slug>/ so that the file name can never be read as a district.
    path("districts.geojson", views.district_geojson, name="geojson"),
    path("<slug:slug>/", views.district_detail, name="detail"),
]
