from django.urls import path

from . import editor_views, views

# The home page (core:home) is the portal's, mounted in this namespace by sharehub/urls.py.
app_name = "core"
urlpatterns = [
    path("terms/", views.terms, name="terms"),
    path("editor/images/", editor_views.upload_image, name="editor_image"),
    path("editor/preview/", editor_views.preview, name="editor_preview"),
]
