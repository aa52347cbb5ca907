from django.urls import path

from . import views

# The district pages (list, detail) are the portal's: sharehub/urls.py mounts them under this
# namespace after this file's routes, so that the file names are never read as districts.
app_name = "places"
urlpatterns = [
    path("districts.geojson", views.district_geojson, name="geojson"),
    path("neighbourhoods.geojson", views.neighbourhood_geojson, name="neighbourhoods_geojson"),
]
