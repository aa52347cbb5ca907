from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.district_index, name="list"),
    path("<slug:slug>/", views.district_detail, name="detail"),
]
