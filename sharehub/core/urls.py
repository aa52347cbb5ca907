from django.urls import path

from . import views

# The home page (core:home) is the portal's, mounted in this namespace by sharehub/urls.py.
app_name = "core"
urlpatterns = [
    path("terms/", views.terms, name="terms"),
]
