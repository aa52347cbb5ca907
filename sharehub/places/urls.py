from django.urls import path

from . import views

# The district pages (list, detail) are the portal's: sharehub/urls.py mounts them under this
# namespace after this file's routes, so that the file name is never read as a district.
app_name = "places"
urlpatterns = [
    path("districts.geojson", views.district_geojson, name="geojson"),
]
