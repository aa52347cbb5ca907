from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("suggest/", views.suggest, name="suggest"),
    path("suggestions/", views.hub_suggest, name="hub_suggest"),
    path("synonyms/", views.synonyms, name="synonyms"),
    path("synonyms/<int:pk>/", views.synonym_edit, name="synonym_edit"),
    path("synonyms/<int:pk>/delete/", views.synonym_delete, name="synonym_delete"),
]
